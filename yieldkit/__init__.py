"""yieldkit: rare-earth recovery flowsheets with checked mass balances."""

from yieldkit.citations import print_citations
from yieldkit.errors import (
    BalanceError,
    ConnectionError,
    ConvergenceError,
    SpeciesError,
    SpecificationError,
    ThermoError,
    UnitsError,
    YieldkitError,
)
from yieldkit.units import Q_, ureg

__version__ = "0.1.0"

__all__ = [
    "Q_",
    "BalanceError",
    "ConnectionError",
    "ConvergenceError",
    "SpeciesError",
    "SpecificationError",
    "ThermoError",
    "UnitsError",
    "YieldkitError",
    "print_citations",
    "ureg",
]
