"""Absolute (formation-based) enthalpies and heat duties of species mixtures.

Enthalpies are on the usual formation basis: elements in their reference states have
h = 0 at 298.15 K, so a compound's h(298.15 K) is its ΔfH°. Gases are ideal and condensed
phases pure, so h depends on T only and the enthalpy of a mixture is Σ n_i h_i(T).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from yieldkit import citations
from yieldkit.errors import BalanceError
from yieldkit.models.thermo._checks import check_amounts, check_positive
from yieldkit.models.thermo.database import element_matrix, lookup


def molar_enthalpies(names: Sequence[str], T: float, *, extrapolate: bool = False) -> np.ndarray:
    """Molar enthalpy of each species at T.

    Parameters
    ----------
    names : sequence of str
        yieldkit species names.
    T : float
        Temperature [K].
    extrapolate : bool
        Allow T outside a species' data range (otherwise SpecificationError).

    Returns
    -------
    numpy.ndarray
        h_i(T), formation-based [J/mol].
    """
    out = np.empty(len(names))
    for i, name in enumerate(names):
        sp = lookup(name)
        out[i] = sp.polymorphs[sp.active_index(T, extrapolate)].thermo.h(T) / 1e3
    return out


def _register(names: Sequence[str]) -> None:
    keys = ["Cantera2025"]
    for name in names:
        keys.extend(lookup(name).sources)
    citations.register(*dict.fromkeys(keys))


def enthalpy(names: Sequence[str], moles, T: float, *, extrapolate: bool = False) -> float:
    """Enthalpy of a set of species amounts at temperature T.

    Parameters
    ----------
    names : sequence of str
        yieldkit species names (e.g. ``"Nd2O3"``, ``"CO2(g)"``).
    moles : array_like
        Amount of each species [mol] (or flows [mol/s], giving [W]).
    T : float
        Temperature [K].
    extrapolate : bool
        Allow T outside a species' data range.

    Returns
    -------
    float
        H = Σ n_i h_i(T), formation-based [J] (or [W] for flows).
    """
    names, n = check_amounts(names, moles, "enthalpy")
    T = check_positive(T, "temperature T", "enthalpy", "K")
    _register(names)
    return float(n @ molar_enthalpies(names, T, extrapolate=extrapolate))


def heat_duty(
    names_in: Sequence[str],
    n_in,
    T_in: float,
    names_out: Sequence[str],
    n_out,
    T_out: float,
    *,
    balance_rtol: float = 1e-9,
    extrapolate: bool = False,
) -> float:
    """Heat to be supplied to turn an inlet into an outlet (steady flow, no work).

    Parameters
    ----------
    names_in : sequence of str
        Inlet species.
    n_in : array_like
        Inlet molar flows [mol/s].
    T_in : float
        Inlet temperature [K].
    names_out : sequence of str
        Outlet species.
    n_out : array_like
        Outlet molar flows [mol/s].
    T_out : float
        Outlet temperature [K].
    balance_rtol : float
        Relative tolerance on each element flow between inlet and outlet [-].
    extrapolate : bool
        Allow temperatures outside a species' data range.

    Returns
    -------
    float
        Q = H_out(T_out) − H_in(T_in) [W]; positive means heat must be supplied.

    Raises
    ------
    BalanceError
        If an element flow differs between inlet and outlet by more than ``balance_rtol``
        (relative to the largest element flow): formation-based duties are then meaningless.
    """
    names_in, a = check_amounts(names_in, n_in, "heat_duty inlet")
    names_out, b = check_amounts(names_out, n_out, "heat_duty outlet")
    el_in, A_in = element_matrix(names_in)
    el_out, A_out = element_matrix(names_out)
    elements = sorted(set(el_in) | set(el_out))
    f_in = dict(zip(el_in, A_in @ a, strict=True))
    f_out = dict(zip(el_out, A_out @ b, strict=True))
    scale = max([abs(v) for v in (*f_in.values(), *f_out.values())] + [1e-300])
    bad = [
        (e, f_in.get(e, 0.0), f_out.get(e, 0.0))
        for e in elements
        if abs(f_in.get(e, 0.0) - f_out.get(e, 0.0)) > balance_rtol * scale
    ]
    if bad:
        detail = ", ".join(f"{e}: in {x:.6g} out {y:.6g} mol/s" for e, x, y in bad)
        raise BalanceError(f"heat_duty: element flows differ between inlet and outlet ({detail}).")
    h_out = enthalpy(names_out, b, T_out, extrapolate=extrapolate)
    h_in = enthalpy(names_in, a, T_in, extrapolate=extrapolate)
    return h_out - h_in
