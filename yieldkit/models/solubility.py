"""Solubility of leached oxides: the equilibrium that can send a dissolved metal back.

An oxide that dissolves by ``solid + h H+ = n ion + water`` (e.g. hematite, Fe2O3 + 6 H+ =
2 Fe+3 + 3 H2O) cannot dissolve past its solubility, and an ion above it re-precipitates.
In a kinetic leach the shrinking-core rate is multiplied by (1 - Omega) with the
saturation ratio::

    Omega = [ion]^n / (K(T) [H+]^h)

(transition-state-theory form, first order in the affinity), so the net rate changes sign
at equilibrium: an oxide whose ion is undersaturated dissolves at the shrinking-core rate,
one whose ion is supersaturated grows back (on its remaining surface).

Simplifications (stated wherever the model is used): activities are concentrations in
mol/L and the ion is taken as free. In concentrated chloride Fe3+ forms chloro complexes
(FeCl2+, FeCl2+) and its activity coefficient is well below 1, so the real solubility at
high acidity is higher than this ideal one; once the acid is spent (pH above ~1) both are
tiny and the ideal form gives the selective leach of roasted NdFeB (Fe stays as hematite,
Vander Hoogerstraete et al. 2014).

log10 K(T) = A1 + A2 T + A3 / T + A4 log10 T + A5 / T^2 (the PHREEQC llnl.dat "-analytic"
form, T in K), data in ``data/precipitation.toml`` section ``oxide_solubility``.

References
----------
Parkhurst and Appelo, PHREEQC llnl.dat (Hematite; Helgeson et al. 1978).
Lasaga, A. C., Kinetic Theory in the Earth Sciences, Princeton (1998), ch. 2 (rate x (1 -
Omega) for a reaction near equilibrium).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from yieldkit import citations
from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.models.precipitation import precipitation_data
from yieldkit.models.thermo import T_SLACK


@dataclass(frozen=True)
class OxideSolubility:
    """Dissolution equilibrium ``solid + h_coef H+ = ion_coef ion + water``.

    Attributes
    ----------
    solid : str
        The oxide [-].
    ion : str
        The dissolved cation [-].
    ion_coef : float
        Mol of ion per mol of solid [-].
    h_coef : float
        Mol of H+ consumed per mol of solid [-].
    analytic : tuple of float
        A1..A5 of log10 K(T) [-, 1/K, K, -, K2].
    range_K : tuple of float
        Temperatures the fit is valid for [K].
    source : str
        Citation key [-].
    """

    solid: str
    ion: str
    ion_coef: float
    h_coef: float
    analytic: tuple[float, float, float, float, float]
    range_K: tuple[float, float]
    source: str

    def log10_k(self, temperature: float) -> float:
        """log10 K at ``temperature`` [K] (K in (mol/L)^(ion_coef - h_coef)) [-]."""
        lo, hi = self.range_K
        if not (np.isfinite(temperature) and lo - T_SLACK <= temperature <= hi + T_SLACK):
            raise SpecificationError(
                f"solubility of {self.solid!r}: temperature {temperature!r} K is outside the "
                f"range of its log K fit, {lo} to {hi} K ({self.source})."
            )
        a1, a2, a3, a4, a5 = self.analytic
        t = float(temperature)
        return a1 + a2 * t + a3 / t + a4 * np.log10(t) + a5 / (t * t)


def available_solubilities() -> list[str]:
    """Solids with a dissolution equilibrium in ``data/precipitation.toml``."""
    table = precipitation_data()["oxide_solubility"]
    return sorted(k for k, v in table.items() if isinstance(v, dict))


def oxide_solubility(solid: str) -> OxideSolubility:
    """The dissolution equilibrium of ``solid`` (registers its source)."""
    table = precipitation_data()["oxide_solubility"]
    names = available_solubilities()
    if solid not in names:
        raise SpecificationError(
            unknown_name("oxide solubility", solid, names, "precipitation.toml oxide_solubility")
        )
    row = table[solid]
    citations.register(table["source"])
    return OxideSolubility(
        solid,
        row["ion"],
        float(row["ion_coef"]),
        float(row["h_coef"]),
        tuple(float(a) for a in row["analytic"]),
        (float(row["range_K"][0]), float(row["range_K"][1])),
        table["source"],
    )


def saturation_log10(
    ion_conc: np.ndarray, h: float, log10_k: np.ndarray, ion_coef: np.ndarray, h_coef: np.ndarray
) -> np.ndarray:
    """log10 Omega = n log10 [ion] - log10 K - h log10 [H+] (-inf for no ion) [-].

    Parameters
    ----------
    ion_conc : numpy.ndarray
        Ion concentration [mol/L].
    h : float
        Free H+ [mol/L].
    log10_k, ion_coef, h_coef : numpy.ndarray
        Equilibrium constant and coefficients per solid [-].
    """
    c = np.asarray(ion_conc, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ion = np.where(ion_coef > 0.0, ion_coef * np.log10(np.maximum(c, 0.0)), 0.0)
        return log_ion - log10_k - h_coef * np.log10(h)
