"""Hydroxide precipitation (Fe(OH)3 removal) by NaOH or NH4OH to a target pH.

At the target h = [H+] each cation with a solubility constant K_i for
M(OH)z(s) + z H+ = M+z + z H2O is capped at [M] = K_i h^z (ideal activities, 25 degC); the
excess precipitates and releases z H+ that the base neutralises. A base dose B [mol]
of concentration c_r [mol/L] dilutes the liquor to V' = V + B / c_r. Multiplying the
charge balance of the final liquor by V' gives, with totals C and strong charge Q
(see :mod:`yieldkit.models.speciation`)::

    R(B) = Q V - sum_i z_i p_i(B) + z_b B + V'(B) (h - Kw/h) + (C V + B e) . (z0 - kbar(h)) = 0

(z_b = 1, e = 0 for NaOH; z_b = 0, e = unit vector of the ammonia system for NH4OH, fed as
NH3 + H2O). With h fixed, dR/dB = z_b + e.(z0 - kbar) + (h - Kw/h)/c_r + sum_(p_i>0) z_i
K_i h^z_i / c_r. The last sum is >= 0, so when the constant part s_inf > 0 the residual is
strictly increasing and the dose is the unique bracketed root; s_inf <= 0 means the reagent
itself cannot reach that pH (its own pH is lower): the target is unreachable.

References
----------
PHREEQC llnl.dat log K: Fe(OH)3 5.6556, Gibbsite 7.756; RE(OH)3 via DOMAIN.md section 7.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from yieldkit import citations
from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.models.precipitation import precipitation_data
from yieldkit.models.speciation import (
    AMMONIA,
    DEFAULT_SYSTEMS,
    PKW,
    AcidBaseSystem,
    speciate,
    strong_charge_at,
)

BASES = ("NaOH", "NH4OH")


def hydroxide_log_k(cations: Sequence[str]) -> np.ndarray:
    """log10 K of M(OH)z + z H+ = M+z + z H2O per cation name; NaN if not in the data [-]."""
    row = precipitation_data()["hydroxide_log_k"]
    citations.register(row["source"])
    return np.array([row["log_k"].get(c, np.nan) for c in cations], dtype=float)


@dataclass(frozen=True)
class HydroxideResult:
    """Outcome of a hydroxide precipitation to a target pH.

    Attributes
    ----------
    base_added : float
        NaOH or NH3 (as NH4OH) dosed [mol/s].
    precipitated : numpy.ndarray
        Metal to the hydroxide solid per cation [mol/s].
    liquor_metals : numpy.ndarray
        Metal left in solution [mol/s].
    fraction_precipitated : numpy.ndarray
        precipitated / inlet per cation (the REE co-loss for RE cations) [-].
    h_released : float
        H+ released by hydrolysis, neutralised by the base [mol/s].
    volume_out : float
        Liquor flow after the reagent [m3/s].
    totals_out : numpy.ndarray
        Acid-base totals after the dose [mol/L].
    strong_charge_out : float
        Strong-ion charge after the dose [eq/L].
    pH : float
        pH reached (the target, checked by speciation) [-].
    """

    base_added: float
    precipitated: np.ndarray
    liquor_metals: np.ndarray
    fraction_precipitated: np.ndarray
    h_released: float
    volume_out: float
    totals_out: np.ndarray
    strong_charge_out: float
    pH: float


def hydroxide_precipitation(
    metals: np.ndarray,
    charges: np.ndarray,
    log_k: np.ndarray,
    volume_flow: float,
    totals: np.ndarray,
    strong_charge: float,
    target_pH: float,
    base: str = "NaOH",
    base_concentration: float = 10.0,
    systems: Sequence[AcidBaseSystem] = DEFAULT_SYSTEMS,
    pKw: float = PKW,
) -> HydroxideResult:
    """Dose of base that brings a liquor to ``target_pH``, and what precipitates.

    Parameters
    ----------
    metals : array_like
        Cations in the liquor [mol/s].
    charges : array_like
        Their charges [-].
    log_k : array_like
        log10 K of each hydroxide (NaN: never precipitates), e.g. :func:`hydroxide_log_k` [-].
    volume_flow : float
        Liquor flow [m3/s].
    totals : array_like
        Acid-base system totals [mol/L].
    strong_charge : float
        Strong-ion charge of the liquor, the metals of ``metals`` included [eq/L].
    target_pH : float
        pH to reach [-].
    base : str
        'NaOH' or 'NH4OH' [-].
    base_concentration : float
        Reagent strength [mol/L].
    systems : sequence of AcidBaseSystem
        Must contain the ammonia system for NH4OH [-].
    pKw : float
        -log10 Kw [-].

    Returns
    -------
    HydroxideResult
    """
    n = np.atleast_1d(np.asarray(metals, dtype=float))
    z = np.atleast_1d(np.asarray(charges, dtype=float))
    lk = np.atleast_1d(np.asarray(log_k, dtype=float))
    if not (n.shape == z.shape == lk.shape):
        raise SpecificationError("metals, charges and log_k need the same length.")
    if base not in BASES:
        raise SpecificationError(unknown_name("base", base, BASES, "hydroxide_precipitation"))
    systems = tuple(systems)
    c = np.asarray(totals, dtype=float)
    v = float(volume_flow) * 1000.0  # [L/s]
    cr = float(base_concentration)
    if not (v > 0.0 and cr > 0.0 and np.isfinite(target_pH)):
        raise SpecificationError(
            f"volume_flow and base_concentration must be > 0 and target_pH finite; got "
            f"{volume_flow}, {base_concentration}, {target_pH}."
        )
    e = np.zeros(len(systems))
    z_b = 1.0
    if base == "NH4OH":
        if AMMONIA not in systems:
            raise SpecificationError("NH4OH needs the ammonia system in `systems`.")
        e[systems.index(AMMONIA)] = 1.0
        z_b = 0.0
    h = 10.0 ** (-float(target_pH))
    kw = 10.0 ** (-float(pKw))
    cap = np.where(np.isnan(lk), np.inf, 10.0**lk * h**z)  # [mol/L]
    s_unit = strong_charge_at(h, e, systems, pKw) if base == "NH4OH" else 0.0
    # e.(z0 - kbar) = -strong_charge_at(h, e) - (h - Kw/h)
    e_term = -(float(s_unit) + (h - kw / h)) if base == "NH4OH" else 0.0
    s_inf = z_b + e_term + (h - kw / h) / cr
    q_at = float(strong_charge_at(h, c, systems, pKw))

    def precip(b: float) -> np.ndarray:
        return np.maximum(0.0, n - (v + b / cr) * cap)

    def resid(b: float) -> float:
        return (float(strong_charge) - q_at) * v - float(z @ precip(b)) + s_inf * b

    r0 = resid(0.0)
    ph_now = float(speciate(c, strong_charge, systems, pKw).pH)
    if r0 >= 0.0:
        raise SpecificationError(
            f"target pH {target_pH} is not above the liquor's pH {ph_now:.4g} with its "
            "precipitation: adding base cannot reach it."
        )
    if s_inf <= 0.0:
        raise SpecificationError(
            f"target pH {target_pH} is unreachable with {base} at {cr} mol/L: the reagent's "
            "own pH is lower; use a stronger base or a lower target pH."
        )
    b_hi = -r0 / s_inf  # R(b) >= r0 + s_inf b, so R(b_hi) >= 0
    b = brentq(resid, 0.0, b_hi * (1.0 + 1e-12), xtol=1e-300, rtol=1e-14) if b_hi > 0 else 0.0
    p = precip(b)
    v_out = v + b / cr
    c_out = (c * v + e * b) / v_out
    q_out = (float(strong_charge) * v - float(z @ p) + z_b * b) / v_out
    ph = float(speciate(c_out, q_out, systems, pKw).pH)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(n > 0.0, p / n, 0.0)
    return HydroxideResult(
        base_added=b,
        precipitated=p,
        liquor_metals=n - p,
        fraction_precipitated=frac,
        h_released=float(z @ p),
        volume_out=v_out / 1000.0,
        totals_out=c_out,
        strong_charge_out=q_out,
        pH=ph,
    )
