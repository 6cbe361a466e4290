"""Solid-liquid separation: filter/thickener split, displacement wash, CCD wash train.

All functions are species-agnostic: a liquor is an array of species flows [mol/s] (last
axis = species) with its volumetric flow [m3/s]; solids likewise. Balances close exactly
(every outlet is a fraction of an inlet and the fractions sum to one).

Counter-current decantation (CCD): thickeners 1..N, solids (with a fixed underflow liquor
volume U per thickener) move 1 -> N, wash liquor W enters thickener N and its overflow
moves N -> 1; the feed slurry (liquor L0) enters thickener 1, whose overflow is the
product liquor. Each thickener is an ideal mixed stage (overflow and underflow liquor of
one composition). Liquor volume balances give O_1 = L0 + W - U and O_n = W (n >= 2); the
solute balances form a tridiagonal linear system (the recycle of the train), solved
directly for all species at once.

References
----------
Standard ideal-stage CCD washing model, e.g. Wills' Mineral Processing Technology, 8th ed.
(2016), ch. 15 (dewatering) -- model form only, no numbers taken.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_banded

from yieldkit.errors import SpecificationError


def _fraction(name: str, value: float) -> float:
    v = float(value)
    if not (np.isfinite(v) and 0.0 <= v <= 1.0):
        raise SpecificationError(f"{name} must be within [0, 1]; got {value!r}.")
    return v


def _flows(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0.0):
        raise SpecificationError(f"{name} flows must be finite and >= 0; got {arr!r}.")
    return arr


def liquor_recovery_from_moisture(
    cake_moisture: float, cake_solid_mass: float, liquor_mass: float
) -> float:
    """Fraction of the liquor recovered when the cake leaves with a given moisture.

    Parameters
    ----------
    cake_moisture : float
        Liquor mass per mass of wet cake [kg/kg].
    cake_solid_mass : float
        Solid mass flow to the cake [kg/s].
    liquor_mass : float
        Liquor mass flow entering the separator [kg/s].

    Returns
    -------
    float
        Liquor recovery to the filtrate/overflow [-].
    """
    w = _fraction("cake_moisture", cake_moisture)
    if w >= 1.0:
        raise SpecificationError("cake_moisture must be < 1 kg/kg (a cake holds solids).")
    entrained = w / (1.0 - w) * float(cake_solid_mass)
    if liquor_mass <= 0.0 or entrained > liquor_mass:
        raise SpecificationError(
            f"cake moisture {w} needs {entrained:.6g} kg/s of liquor in the cake but only "
            f"{liquor_mass:.6g} kg/s enters; lower the moisture or give a liquor recovery."
        )
    return 1.0 - entrained / float(liquor_mass)


@dataclass(frozen=True)
class SplitResult:
    """Outlets of a solid-liquid split [mol/s]; ``*_liquor`` arrays follow the inlet's species."""

    cake_solids: np.ndarray
    cake_liquor: np.ndarray
    filtrate_solids: np.ndarray
    filtrate_liquor: np.ndarray


def solid_liquid_split(
    solids: np.ndarray,
    liquor: np.ndarray,
    liquor_recovery: float,
    solids_loss: float = 0.0,
) -> SplitResult:
    """Filter or thickener: liquor to the filtrate by fraction, solids to the cake.

    Parameters
    ----------
    solids : array_like
        Solid species flows entering [mol/s].
    liquor : array_like
        Liquor species flows entering (water included if tracked) [mol/s].
    liquor_recovery : float
        Fraction of the liquor to the filtrate/overflow [-].
    solids_loss : float
        Fraction of the solids carried to the filtrate (0 by default) [-].

    Returns
    -------
    SplitResult
    """
    s = _flows("solids", solids)
    liq = _flows("liquor", liquor)
    r = _fraction("liquor_recovery", liquor_recovery)
    loss = _fraction("solids_loss", solids_loss)
    filt_s = loss * s
    filt_l = r * liq
    return SplitResult(s - filt_s, liq - filt_l, filt_s, filt_l)


def displacement_wash(
    cake_liquor: np.ndarray,
    cake_liquor_volume: float,
    wash: np.ndarray,
    wash_volume: float,
    efficiency: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Wash a cake by displacement: a fraction d = E min(R, 1) of its liquor is replaced.

    R = wash volume / cake liquor volume. The cake keeps its liquor volume: it leaves with
    (1 - d) of its own liquor plus the volume d * V_cake of wash liquor; the rest goes to
    the wash filtrate.

    Parameters
    ----------
    cake_liquor : array_like
        Species in the cake liquor [mol/s].
    cake_liquor_volume : float
        Its volumetric flow [m3/s].
    wash : array_like
        Species in the wash liquor, same species axis [mol/s].
    wash_volume : float
        Wash volumetric flow [m3/s].
    efficiency : float
        Displacement efficiency E [-].

    Returns
    -------
    tuple of numpy.ndarray
        (cake liquor after washing, wash filtrate) [mol/s].
    """
    c = _flows("cake_liquor", cake_liquor)
    w = _flows("wash", wash)
    e = _fraction("efficiency", efficiency)
    vc, vw = float(cake_liquor_volume), float(wash_volume)
    if not (vc > 0.0 and vw >= 0.0):
        raise SpecificationError(
            f"cake liquor volume must be > 0 and wash volume >= 0 m3/s; got {vc}, {vw}."
        )
    ratio = vw / vc
    d = e * min(ratio, 1.0)
    used = d / ratio if ratio > 0.0 else 0.0  # fraction of the wash left in the cake
    cake = (1.0 - d) * c + used * w
    return cake, d * c + (1.0 - used) * w


@dataclass(frozen=True)
class CCDResult:
    """Counter-current decantation train outlets.

    Attributes
    ----------
    overflow : numpy.ndarray
        Product liquor from thickener 1 [mol/s].
    underflow_liquor : numpy.ndarray
        Liquor leaving with the washed solids from thickener N [mol/s].
    stage_conc : numpy.ndarray
        Liquor concentration in each thickener, shape (N, n_species) [mol/m3].
    soluble_loss : numpy.ndarray
        Fraction of each solute (feed + wash) lost with the final underflow [-].
    wash_ratio : float
        W / U, wash liquor per underflow liquor [-].
    """

    overflow: np.ndarray
    underflow_liquor: np.ndarray
    stage_conc: np.ndarray
    soluble_loss: np.ndarray
    wash_ratio: float


def ccd_wash_train(
    feed_liquor: np.ndarray,
    feed_volume: float,
    underflow_volume: float,
    wash_volume: float,
    n_stages: int,
    wash_liquor: np.ndarray | None = None,
) -> CCDResult:
    """Ideal counter-current decantation wash train of ``n_stages`` thickeners.

    Parameters
    ----------
    feed_liquor : array_like
        Solutes in the feed slurry's liquor [mol/s].
    feed_volume : float
        Feed liquor volumetric flow L0 [m3/s].
    underflow_volume : float
        Liquor volume leaving with the solids of every thickener U [m3/s].
    wash_volume : float
        Wash liquor entering the last thickener W [m3/s].
    n_stages : int
        Number of thickeners N [-].
    wash_liquor : array_like, optional
        Solutes in the wash liquor (none by default) [mol/s].

    Returns
    -------
    CCDResult
    """
    f = _flows("feed_liquor", feed_liquor)
    w_in = np.zeros_like(f) if wash_liquor is None else _flows("wash_liquor", wash_liquor)
    if w_in.shape != f.shape:
        raise SpecificationError("wash_liquor must have the species axis of feed_liquor.")
    n = int(n_stages)
    if n < 1 or n != n_stages:
        raise SpecificationError(f"n_stages must be an integer >= 1; got {n_stages!r}.")
    l0, u, w = float(feed_volume), float(underflow_volume), float(wash_volume)
    if not (l0 > 0.0 and u > 0.0 and w >= 0.0):
        raise SpecificationError(
            f"CCD volumes must be feed > 0, underflow > 0, wash >= 0 m3/s; got {l0}, {u}, {w}."
        )
    o1 = l0 + w - u
    if o1 <= 0.0:
        raise SpecificationError(
            f"CCD: thickener 1 has no overflow (feed {l0} + wash {w} <= underflow {u} m3/s); "
            "raise the wash volume."
        )
    # unknown c_n [mol/m3]; row n: out (U + O_n) c_n - in U c_{n-1} - in O_{n+1} c_{n+1} = src
    over = np.full(n, w)
    over[0] = o1
    out = u + over
    ab = np.zeros((3, n))
    ab[1] = out
    ab[0, 1:] = -w  # overflow from n+1 into n (O_{n+1} = W)
    ab[2, :-1] = -u  # underflow from n-1 into n
    rhs = np.zeros((n,) + f.shape)
    rhs[0] += f
    rhs[-1] += w_in
    conc = solve_banded((1, 1), ab, rhs.reshape(n, -1)).reshape(rhs.shape)
    overflow = o1 * conc[0]
    under = u * conc[-1]
    total_in = f + w_in
    with np.errstate(invalid="ignore", divide="ignore"):
        loss = np.where(total_in > 0.0, under / total_in, 0.0)
    return CCDResult(overflow, under, conc, loss, w / u)
