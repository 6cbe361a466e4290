"""Precipitation from leach liquors: oxalate, fixed splits and Na-RE double sulfate.

Species-agnostic: a liquor's metals are an array of cation flows [mol/s] with their
charges z. Every mode returns a :class:`PrecipitationResult` whose fields close the metal,
reagent and proton balances by construction (tested to 1e-10):

* oxalate, M^z+ + z/2 H2C2O4 + w H2O -> M(C2O4)_(z/2).wH2O + z H+ (for RE3+:
  2 RE3+ + 3 H2C2O4 + 10 H2O -> RE2(C2O4)3.10H2O + 6 H+, w = 5 per RE);
* fixed splits per element (same reagent/acid accounting as oxalate);
* Na-RE double sulfate, RE3+ + Na+ + 2 SO4-2 + H2O -> NaRE(SO4)2.H2O (no H+ released).

Hydroxide precipitation to a target pH is in :mod:`yieldkit.models.hydroxide`.

References
----------
Klemettinen, A. et al. (2021), oxalic acid precipitation from NdFeB leachates (abstract).
Wang, Ziemkiewicz, Noble, Minerals 12 (2022) 236, via PrOMMiS (pH 1.28 splits).
Lyman, J. W. and Palmer, G. R., USBM RI 9481 (1993) (Na-RE double sulfate, Na2SO4, 80 C).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
from scipy.interpolate import PchipInterpolator

from yieldkit import citations
from yieldkit.errors import InfeasibleStateError, SpecificationError, unknown_name


@cache
def precipitation_data() -> dict:
    """The contents of ``data/precipitation.toml``."""
    text = resources.files("yieldkit.data").joinpath("precipitation.toml").read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class PrecipitationResult:
    """Outcome of a precipitation step.

    Attributes
    ----------
    precipitated : numpy.ndarray
        Metal to the solid, per cation [mol/s].
    liquor_metals : numpy.ndarray
        Metal left in the liquor, per cation [mol/s].
    reagent_added : float
        Reagent dosed (H2C2O4, Na2SO4, base) [mol/s].
    reagent_consumed : float
        Reagent ligand bound in the solid (oxalate, Na, OH) [mol/s].
    reagent_left : float
        Reagent ligand left in the liquor [mol/s].
    h_released : float
        H+ released to the liquor (negative: consumed) [mol/s].
    water_consumed : float
        Water bound as hydrate [mol/s].
    sulfate_consumed : float
        SO4-2 bound in the solid (double sulfate only) [mol/s].
    """

    precipitated: np.ndarray
    liquor_metals: np.ndarray
    reagent_added: float
    reagent_consumed: float
    reagent_left: float
    h_released: float
    water_consumed: float = 0.0
    sulfate_consumed: float = 0.0


def _metals(metals, charges) -> tuple[np.ndarray, np.ndarray]:
    n = np.atleast_1d(np.asarray(metals, dtype=float))
    z = np.atleast_1d(np.asarray(charges, dtype=float))
    if n.shape != z.shape:
        raise SpecificationError(
            f"metals and charges need the same length; got {n.size} and {z.size}."
        )
    if not np.all(np.isfinite(n)) or np.any(n < 0.0):
        raise SpecificationError(f"metal flows must be finite and >= 0 mol/s; got {n!r}.")
    if np.any(~np.isfinite(z)) or np.any(z <= 0.0):
        raise SpecificationError(f"cation charges must be > 0; got {z!r}.")
    return n, z


def _fractions(name: str, f, size: int) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(f, dtype=float), (size,)).copy()
    if np.any(~np.isfinite(arr)) or np.any((arr < 0.0) | (arr > 1.0)):
        raise SpecificationError(f"{name} must be within [0, 1]; got {arr!r}.")
    return arr


def oxalate_efficiency(
    excess: float | np.ndarray,
    curve: tuple[Sequence[float], Sequence[float]] | None = None,
) -> np.ndarray:
    """REE fraction precipitated vs oxalic-acid excess, PCHIP through data, no extrapolation.

    Parameters
    ----------
    excess : float or array_like
        Oxalic acid dosed above stoichiometry, 0.2 = +20 % [-].
    curve : (excess points, efficiencies), optional
        Own data instead of Klemettinen et al. (stoich 93 %, +20 % 96.7 %, +40 % 98.1 %) [-].

    Returns
    -------
    numpy.ndarray
        Fraction of the target metals precipitated [-].
    """
    if curve is None:
        row = precipitation_data()["oxalate_efficiency_klemettinen"]
        xs, ys = np.asarray(row["excess"]), np.asarray(row["efficiency"])
        citations.register(row["source"])
        label = "the Klemettinen data"
    else:
        xs, ys = (np.asarray(v, dtype=float) for v in curve)
        label = "the given curve"
        if xs.size < 2 or xs.shape != ys.shape or np.any(np.diff(xs) <= 0.0):
            raise SpecificationError("curve needs >= 2 points with strictly increasing excess.")
        if np.any((ys < 0.0) | (ys > 1.0)):
            raise SpecificationError(f"curve efficiencies must be within [0, 1]; got {ys!r}.")
    x = np.asarray(excess, dtype=float)
    if np.any(~np.isfinite(x)) or np.any((x < xs[0]) | (x > xs[-1])):
        raise SpecificationError(
            f"oxalic acid excess {x!r} is outside {label} range [{xs[0]}, {xs[-1]}]; "
            "extrapolation is refused: pass curve=(excess, efficiency) covering it."
        )
    return _pchip(tuple(xs.tolist()), tuple(ys.tolist()))(x)


@lru_cache(maxsize=32)
def _pchip(xs: tuple[float, ...], ys: tuple[float, ...]) -> PchipInterpolator:
    """The PCHIP interpolant through one checked curve, built once per curve (a build
    costs ~0.3 ms: ndfeb-hcl-leach built it 24 times per solve, a quarter of the solve)."""
    return PchipInterpolator(np.array(xs), np.array(ys))


def _ligand_result(n, z, p, dose, ligand_charge, hydrate_water) -> PrecipitationResult:
    consumed = float(z @ p) / ligand_charge
    if consumed > dose * (1.0 + 1e-12):  # the liquor holds more than the dose can bind
        raise InfeasibleStateError(
            f"precipitating these metals binds {consumed:.6g} mol/s of ligand but only "
            f"{dose:.6g} mol/s is dosed; raise the dose or lower the fractions."
        )
    hw = np.broadcast_to(np.asarray(hydrate_water, dtype=float), n.shape)
    return PrecipitationResult(
        precipitated=p,
        liquor_metals=n - p,
        reagent_added=dose,
        reagent_consumed=consumed,
        reagent_left=dose - consumed,
        h_released=float(z @ p),
        water_consumed=float(hw @ p),
    )


def oxalate_precipitation(
    metals: np.ndarray,
    charges: np.ndarray,
    targets: np.ndarray,
    excess: float,
    coprecipitated: np.ndarray | float = 0.0,
    hydrate_water: np.ndarray | float = 5.0,
    curve: tuple[Sequence[float], Sequence[float]] | None = None,
) -> PrecipitationResult:
    """Stoichiometric oxalic-acid precipitation with an excess-dependent efficiency.

    Parameters
    ----------
    metals : array_like
        Cations in the liquor [mol/s].
    charges : array_like
        Their charges [-].
    targets : array_like of bool
        Which cations the dose is computed for and the efficiency curve applies to [-].
    excess : float
        Oxalic acid above the stoichiometric z/2 per target cation, 0.4 = +40 % [-].
    coprecipitated : array_like or float
        Fraction of each non-target cation precipitated (user-given; Klemettinen report
        ~7 % Fe at +40 %, see ``data/precipitation.toml``) [-].
    hydrate_water : array_like or float
        H2O bound per metal in the solid (5 for RE2(C2O4)3.10H2O) [-].
    curve : (excess points, efficiencies), optional
        Own efficiency curve [-].

    Returns
    -------
    PrecipitationResult
        Reagent = H2C2O4; h_released = 2 per oxalate bound.
    """
    n, z = _metals(metals, charges)
    t = np.broadcast_to(np.asarray(targets, dtype=bool), n.shape)
    if float(excess) < 0.0:
        raise SpecificationError(
            f"excess must be >= 0 (a fraction above stoichiometry); got {excess}."
        )
    eff = float(oxalate_efficiency(excess, curve))
    co = _fractions("coprecipitated", coprecipitated, n.size)
    frac = np.where(t, eff, co)
    dose = (1.0 + float(excess)) * float(z[t] @ n[t]) / 2.0
    return _ligand_result(n, z, frac * n, dose, 2.0, hydrate_water)


def split_fractions(table: str = "oxalate_splits_ph1p28") -> dict[str, float]:
    """Named fixed precipitation splits (element -> fraction to solid) from the data file."""
    data = precipitation_data()
    if table not in data or "fractions" not in data[table]:
        names = [k for k, v in data.items() if "fractions" in v]
        raise SpecificationError(unknown_name("split table", table, names, "precipitation.toml"))
    citations.register(data[table]["source"])
    return dict(data[table]["fractions"])


def split_precipitation(
    metals: np.ndarray,
    charges: np.ndarray,
    elements: Sequence[str],
    fractions: Mapping[str, float],
    reagent_dose: float | None = None,
    hydrate_water: np.ndarray | float = 5.0,
    ligand_charge: float = 2.0,
) -> PrecipitationResult:
    """Fixed fraction of each element to the solid, with oxalate and acid accounting.

    Parameters
    ----------
    metals : array_like
        Cations in the liquor [mol/s].
    charges : array_like
        Their charges [-].
    elements : sequence of str
        Element symbol of each cation, keys of ``fractions`` [-].
    fractions : mapping
        Element -> fraction to solid, e.g. :func:`split_fractions` [-].
    reagent_dose : float, optional
        Precipitant dosed; default exactly what the solid binds [mol/s].
    hydrate_water : array_like or float
        H2O bound per metal [-].
    ligand_charge : float
        Charge magnitude of the precipitating anion (2 for oxalate) [-].

    Returns
    -------
    PrecipitationResult
    """
    n, z = _metals(metals, charges)
    if len(elements) != n.size:
        raise SpecificationError(f"elements needs {n.size} names; got {len(elements)}.")
    frac = np.empty(n.size)
    for i, el in enumerate(elements):
        if el not in fractions:
            raise SpecificationError(unknown_name("element", el, fractions, "the split table"))
        frac[i] = fractions[el]
    frac = _fractions("split fraction", frac, n.size)
    p = frac * n
    dose = float(z @ p) / ligand_charge if reagent_dose is None else float(reagent_dose)
    return _ligand_result(n, z, p, dose, ligand_charge, hydrate_water)


def double_sulfate_precipitation(
    metals: np.ndarray,
    targets: np.ndarray,
    conversion: float,
    na2so4_dose: float,
    sulfate_available: float,
) -> PrecipitationResult:
    """Na-RE double sulfate RE3+ + Na+ + 2 SO4-2 + H2O -> NaRE(SO4)2.H2O, user conversion.

    No efficiency is documented in DOMAIN.md for Lyman & Palmer's route (Na2SO4, 80 C), so
    the conversion is required from the user.

    Parameters
    ----------
    metals : array_like
        Cations in the liquor [mol/s].
    targets : array_like of bool
        The RE3+ cations that precipitate [-].
    conversion : float
        Fraction of each target precipitated [-].
    na2so4_dose : float
        Na2SO4 added (2 Na+ + SO4-2 each) [mol/s].
    sulfate_available : float
        SO4-2 in the liquor before the dose (free + HSO4-) [mol/s].

    Returns
    -------
    PrecipitationResult
        reagent_consumed counts Na+ bound; h_released = 0.
    """
    citations.register("Lyman1993")
    n = np.atleast_1d(np.asarray(metals, dtype=float))
    t = np.broadcast_to(np.asarray(targets, dtype=bool), n.shape)
    x = _fractions("conversion", conversion, 1)[0]
    p = np.where(t, x * n, 0.0)
    na_bound = float(p.sum())
    dose = float(na2so4_dose)
    if dose < 0.0 or 2.0 * dose < na_bound * (1.0 - 1e-12):
        raise SpecificationError(
            f"Na2SO4 dose {dose:.6g} mol/s supplies {2 * dose:.6g} mol/s Na+ but the double "
            f"sulfate binds {na_bound:.6g}; dose at least {na_bound / 2:.6g} mol/s."
        )
    so4 = 2.0 * na_bound
    if so4 > (float(sulfate_available) + dose) * (1.0 + 1e-12):
        raise SpecificationError(
            f"the double sulfate binds {so4:.6g} mol/s SO4-2 but only "
            f"{sulfate_available + dose:.6g} mol/s is present."
        )
    return PrecipitationResult(
        precipitated=p,
        liquor_metals=n - p,
        reagent_added=dose,
        reagent_consumed=na_bound,
        reagent_left=2.0 * dose - na_bound,
        h_released=0.0,
        water_consumed=na_bound,
        sulfate_consumed=so4,
    )
