"""Solvent extraction: distribution models and the counter-current cascade solver."""

from yieldkit.models.sx.cascade import CascadeSolution, SideFeed, solve_cascade
from yieldkit.models.sx.distribution import (
    DistributionModel,
    cation_exchange,
    combine,
    constant_d,
    empirical_ph,
)

__all__ = [
    "CascadeSolution",
    "DistributionModel",
    "SideFeed",
    "cation_exchange",
    "combine",
    "constant_d",
    "empirical_ph",
    "solve_cascade",
]
