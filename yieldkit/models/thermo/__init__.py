"""Thermochemistry: species thermo data for Cantera, equilibria and heat duties.

Pure functions on species names and numpy amounts (no Stream objects):

- :func:`equilibrate` — multiphase (ideal gas + pure condensed phases) equilibrium, TP or HP;
- :func:`enthalpy`, :func:`heat_duty`, :func:`molar_enthalpies` — formation-based enthalpies;
- :func:`standard_properties`, :func:`available`, :func:`lookup` — the species data.

The species data and their sources: :mod:`yieldkit.models.thermo.species_data`.
"""

from yieldkit.models.thermo.database import (
    ENTHALPY_SURROGATES,
    GAS_NAMES,
    NASA_CONDENSED_NAMES,
    T_SLACK,
    ThermoSpecies,
    available,
    element_matrix,
    enthalpy_stand_ins,
    lookup,
    stand_in_clause,
    standard_properties,
)
from yieldkit.models.thermo.enthalpy import enthalpy, heat_duty, molar_enthalpies
from yieldkit.models.thermo.equilibrium import DEFAULT_ATTEMPTS, equilibrate

__all__ = [
    "DEFAULT_ATTEMPTS",
    "ENTHALPY_SURROGATES",
    "GAS_NAMES",
    "NASA_CONDENSED_NAMES",
    "T_SLACK",
    "ThermoSpecies",
    "available",
    "element_matrix",
    "enthalpy_stand_ins",
    "enthalpy",
    "equilibrate",
    "heat_duty",
    "lookup",
    "stand_in_clause",
    "molar_enthalpies",
    "standard_properties",
]
