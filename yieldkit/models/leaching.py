"""Kinetic acid leaching in a train of continuous stirred tanks (CSTRs) in series.

Each tank n receives the solids and the liquor of tank n-1 (co-current). Solid species j
(feed F0_j [mol/s] to the train) leaves tank n with the remaining fraction y_j = 1 - X_j,
X_j its conversion counted from the train feed (the lumped PrOMMiS convention, not a
residence-time population balance). The steady-state balance of tank n is::

    F0_j (y_j,in - y_j) = W * r_j(X_j, h, T) / 3600        (mol/s; r in mol/(kg h))
    W = V * m_out / (m_out / rho_s + Q_liq)   (volume given; = V * eps)
      = tau * m_out                           (residence time given, tau = V / Q_slurry)
    m_out = m_inert + sum_j M_j F0_j y_j      (solid mass flow leaving the tank)
    Q(h) = Q_in + sum_j nu_j F0_j (y_j,in - y_j) / Q_liq     (charge balance of the liquor)

with r_j the shrinking-core rate of :mod:`yieldkit.models.leach_kinetics`, nu_j the H+
consumed per mol (each consumed H+ leaves one positive charge of metal cation, so the
strong-ion charge Q rises by nu_j), and Q(h) the explicit inverse speciation
:func:`~yieldkit.models.speciation.strong_charge_at`. The liquid volumetric flow is taken
constant through the train (dilute liquor; the water formed is left to the caller).

Reversible solids (``solubility=``, e.g. hematite): r_j is multiplied by 1 - Omega_j, the
saturation ratio of :mod:`yieldkit.models.solubility` with the ion concentration
c_j = c_j,in + n_j F0_j (1 - y_j) / Q_liq, so the solid re-precipitates (y_j grows, X_j < 0
possible) when its ion is supersaturated; y_j is then bounded by c_j = 0.

Solution (nested 1-D roots, bracketed, no general nonlinear solver):

1. given h and m_out, each solid's increment d_j = y_j,in - y_j in the tank solves a scalar
   equation on [d_j,lo, y_j,in] (d_j,lo = 0, or all of the ion re-precipitated for a
   reversible solid), negative at the lower end and positive at the upper; strictly
   increasing for a dissolving solid (bracketed Newton, bisection whenever Newton leaves
   the bracket, to 1e-13 relative to the total dissolved so far: the dissolved amount of a solid that barely
   dissolves keeps its precision, which 1 - y would not);
2. given h, m_out solves phi(m) = m - m_inert - sum M F0 y(m) = 0, bracketed by
   [m_inert, m_inert + sum M F0 y_hi] (increasing for dissolving solids: more solid, more
   holdup, more dissolution);
3. h solves Q_in + consumption(h) - Q(h) = 0 on the exact bracket [h(all dissolved),
   h(nothing dissolved, every reversible ion re-precipitated)]; the residual changes sign
   at the ends, so a root exists, and it is increasing whenever the pulp-density feedback
   is weak (always for one species).

Conversions of irreversible solids stay in [X_in, 1] by construction; element and charge
balances close to rounding because outlet flows are computed from the dissolved amounts.

Units: flows [mol/s], [kg/s], [m3/s]; volume [m3]; time [s]; densities [kg/m3];
liquor concentrations [mol/L], strong charge [eq/L]; rate coefficients [mol/(kg h)].

References
----------
Levenspiel, O., Chemical Reaction Engineering, 3rd ed. (1999), ch. 25.
PrOMMiS LeachingTrain and coal-refuse reaction package; Keim and Naumann (2019).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq

from yieldkit.errors import ConvergenceError, SpecificationError
from yieldkit.models._bracket import newton_bisect
from yieldkit.models._compiled import compiled
from yieldkit.models.leach_kinetics import LeachKinetics
from yieldkit.models.solubility import OxideSolubility, saturation_log10
from yieldkit.models.speciation import (
    DEFAULT_SYSTEMS,
    LN10,
    PKW,
    AcidBaseSystem,
    Speciation,
    _system_tables,
    speciate,
    strong_charge_at,
)

_L_PER_M3 = 1000.0
_S_PER_H = 3600.0
#: largest ln(Omega) used in the rate: Omega ~ 1e200 already makes re-precipitation
#: instantaneous on the tank's time scale; the cap keeps the residual finite [-]
LN_OMEGA_CAP = 460.0
#: tolerance of the tank-increment roots relative to the total they add to (both backends),
#: smallest size it applies to, and iteration limit. 1e-13: a reversible solid near
#: saturation makes the residual so steep (slope ~1e8) that its rounding noise moves the
#: root by ~1e-17 of the ion in the liquor, and by more of the increment itself [-]
REACTED_RTOL = 1e-13
REACTED_FLOOR = 1e-300
REACTED_MAX_ITER = 200
#: Evaluations of the solid-mass root (Brent's method, as scipy's brentq default) [-]
BRENT_MAX_ITER = 100


@dataclass(frozen=True)
class LeachTrainResult:
    """Outlet of every tank of a leach train (rows = tanks, columns = solids).

    Attributes
    ----------
    conversion : numpy.ndarray
        Conversion X counted from the train feed, shape (n_tanks, n_solids) [-].
    solids_out : numpy.ndarray
        Solid species leaving each tank [mol/s].
    dissolved : numpy.ndarray
        Solid species dissolved in each tank [mol/s].
    solid_mass_out : numpy.ndarray
        Total solid mass flow leaving each tank, inerts included [kg/s].
    acid_consumed : numpy.ndarray
        H+ consumed in each tank [mol/s].
    strong_charge : numpy.ndarray
        Strong-ion charge of the liquor leaving each tank [eq/L].
    pulp_density : numpy.ndarray
        eps, kg of solid per L of slurry in each tank [kg/L].
    volume : numpy.ndarray
        Tank volumes (computed from the residence time if that was given) [m3].
    liquor : Speciation
        Speciation of the liquor leaving each tank (h, pH, species) [mol/L].
    saturation_index : numpy.ndarray
        log10 Omega of each reversible solid in the liquor leaving each tank (0 at
        equilibrium; NaN for irreversible solids) [-].
    """

    conversion: np.ndarray
    solids_out: np.ndarray
    dissolved: np.ndarray
    solid_mass_out: np.ndarray
    acid_consumed: np.ndarray
    strong_charge: np.ndarray
    pulp_density: np.ndarray
    volume: np.ndarray
    liquor: Speciation
    saturation_index: np.ndarray

    @property
    def recovery(self) -> np.ndarray:
        """Fraction of each solid species dissolved over the whole train [-]."""
        return self.conversion[-1]


def _positive(name: str, value, allow_zero: bool = False) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(value, dtype=float))
    bad = ~np.isfinite(arr) | ((arr < 0.0) if allow_zero else (arr <= 0.0))
    if np.any(bad):
        rng = ">= 0" if allow_zero else "> 0"
        raise SpecificationError(f"{name} must be finite and {rng}; got {float(arr[bad][0])!r}.")
    return arr


def _reacted(
    h, w, y_in, d_lo, d_hi, f0, kc, kd, order, d0=None, sat=None, shift=None
) -> np.ndarray:
    """Fraction d of each solid's train feed reacting in the tank: F0 d = W r(y_in - d)
    (1 - Omega) / 3600, with y_in - d the remaining fraction leaving it.

    The unknown is the tank's own increment d (not the remaining fraction): a solid that
    dissolves little (iron in a selective leach, 1 - y ~ 1e-5) then keeps its dissolved
    amount to relative precision, where y = 1 - 1e-5 would carry only 11 digits of it (and
    the liquor concentrations built on it would jitter at 1e-11, above a recycle loop's
    tolerance). ``sat`` (reversible solids only, else None): ``(rev, ion_in, dc, ion_coef,
    ln_kh)`` with the ion concentration ion_in + dc d [mol/L] and ln(K [H+]^h) at this h;
    Omega = 0 for the others. d lies in [d_lo, d_hi] (d_hi = y_in; d_lo = 0, or -ion_in/dc
    for a reversible solid: all its ion re-precipitated). The tolerance is relative to
    |d + shift| (shift: the fraction already reacted upstream, plus the inlet ion's
    equivalent for a reversible solid), i.e. to the total the increment adds to. Runs in
    the compiled kernel :mod:`yieldkit.models._leach_kernel` when numba is available, else
    in :func:`_reacted_numpy` (the same iteration).
    """
    if shift is None:
        shift = np.zeros_like(y_in)
    kernel = _kernel()
    if kernel is None:
        return _reacted_numpy(h, w, y_in, d_lo, d_hi, f0, kc, kd, order, d0, sat, shift)
    c = w * np.power(h, order) / (_S_PER_H * f0)
    n = y_in.size
    if sat is None:
        rev, ion_in, dc, nu_ion, ln_kh = _no_sat(n)
    else:
        rev, ion_in, dc, nu_ion, ln_kh = sat
    use_d0 = d0 is not None
    d, bad, step = kernel.reacted(
        y_in, d_lo, d_hi, c, kc, kd, np.asarray(rev, dtype=np.bool_), ion_in, dc, nu_ion,
        ln_kh, d0 if use_d0 else d_hi, use_d0, REACTED_RTOL, REACTED_MAX_ITER, LN_OMEGA_CAP,
        shift, REACTED_FLOOR,
    )  # fmt: skip
    if bad >= 0:
        raise _unconverged_increment(bad, step, d)
    return d


def _unconverged_increment(bad: int, step: float, d: np.ndarray) -> ConvergenceError:
    """The error of an increment root (:func:`_reacted`) that did not converge."""
    return ConvergenceError(
        f"leach tank conversion: bracketed Newton did not converge in "
        f"{REACTED_MAX_ITER} iterations for solid {bad} (last step {step:.3g}).",
        loop="leach tank conversion",
        residual_history=[step],
        best_iterate=d,
    )


@lru_cache(maxsize=16)
def _no_sat(n: int):
    """The kernel's saturation arguments for no reversible solid (built once per n; the
    kernel only reads them)."""
    zeros = np.zeros(n)
    return np.zeros(n, dtype=np.bool_), zeros, zeros, zeros, zeros


def _kernel():
    """The compiled tank-increment kernel, or None when numba cannot be imported."""
    return compiled("yieldkit.models._leach_kernel")


def _reacted_numpy(
    h, w, y_in, d_lo, d_hi, f0, kc, kd, order, d0=None, sat=None, shift=None
) -> np.ndarray:
    """:func:`_reacted` in NumPy (vectorised bracketed Newton; the reference)."""
    c = w * np.power(h, order) / (_S_PER_H * f0)

    def resid(d: np.ndarray, idx: np.ndarray):
        y = np.maximum(y_in[idx] - d, 0.0)
        s = np.cbrt(y)
        gc, gd = s * s, s / (1.0 - s)
        kci, kdi = kc[idx], kd[idx]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            res = 1.0 / (kci * gc) + 1.0 / (kdi * gd)
            rate = 1.0 / res
            dgc = (2.0 / 3.0) / s
            dgd = (1.0 / 3.0) / (s * s * (1.0 - s) ** 2)
            tc = np.where(np.isinf(kci), 0.0, dgc / (kci * gc * gc))
            td = np.where(np.isinf(kdi), 0.0, dgd / (kdi * gd * gd))
            drate = rate * rate * (tc + td)  # d rate / d y
            if sat is None:
                return d - c[idx] * rate, 1.0 + c[idx] * drate
            rev, ion_in, dc, nu_ion, ln_kh = (a[idx] for a in sat)
            ion = np.where(rev, ion_in + dc * d, 0.0)
            pos = rev & (ion > 0.0)
            ln_om = np.where(pos, nu_ion * np.log(np.where(pos, ion, 1.0)) - ln_kh, -np.inf)
            om = np.exp(np.minimum(ln_om, LN_OMEGA_CAP))
            dom = np.where(pos, om * nu_ion * dc / np.where(pos, ion, 1.0), 0.0)  # dOmega/dd
            drive = 1.0 - om
            return d - c[idx] * rate * drive, 1.0 + c[idx] * (drate * drive + rate * dom)

    # no hold-up (or no acid at a positive order): nothing reacts, d = 0 exactly (a root on
    # the bracket end, which a relative tolerance would approach forever by bisection)
    none = c == 0.0
    lo = np.where(none, 0.0, d_lo)
    hi = np.where(none, 0.0, d_hi)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return newton_bisect(
            resid,
            lo,
            hi,
            x0=d0,
            increasing=True,
            xtol=REACTED_RTOL,
            max_iter=REACTED_MAX_ITER,
            what="leach tank conversion",
            xfloor=REACTED_FLOOR,
            xshift=shift,
        )


def _holdup(m: float, hold: np.ndarray) -> float:
    """Slurry hold-up W [kg of solid] of a tank at solid mass flow m [kg/s]: ``hold`` =
    (0, V, rho, Q) for a tank of volume V [m3] with solid density rho [kg/m3] and liquid
    flow Q [m3/s], W = V m / (m / rho + Q); or (1, tau, 0, 0) for a residence time tau
    [s], W = tau m (the kernel's _leach_kernel._holdup is the same)."""
    if hold[0] == 0.0:
        return hold[1] * m / (m / hold[2] + hold[3])
    return hold[1] * m


def _solve_tank_compiled(kernel, hold, fa, mwa, nua, ya_in, kca, kda, oa, da_lo, da_hi, shift,
                         sat_parts, q_in, m_inert, totals, q_liq, systems, pkw, u_guess):  # fmt: skip
    """:func:`_solve_tank` for its active solids in one kernel call
    (:func:`yieldkit.models._leach_kernel.tank_root`: the same evaluations and roots as the
    NumPy path); ``sat_parts`` = (rev, ion_in, dc, nu_ion, ln_k) of the active solids or
    None. Returns (d of the active solids, ln [H+]); raises ConvergenceError as the NumPy
    path does (and if a Brent root or a bracket's charge root does not converge)."""
    if sat_parts is None:
        rev, ion_in, dc, nu_ion, ln_k = _no_sat(ya_in.size)
    else:
        rev, ion_in, dc, nu_ion, ln_k = sat_parts
    cum, k, z0, n_sys = _system_tables(tuple(systems))
    tank = (hold, _S_PER_H * fa, ya_in, da_lo, da_hi, kca, kda, np.asarray(rev, dtype=np.bool_),
            ion_in, dc, nu_ion, np.asarray(ln_k, dtype=float), np.asarray(oa, dtype=float), nua,
            shift, mwa, fa, np.asarray(totals, dtype=float), cum, k, z0)  # fmt: skip
    opts = (sat_parts is not None, REACTED_RTOL, REACTED_MAX_ITER, LN_OMEGA_CAP, REACTED_FLOOR,
            float(m_inert), MASS_HALF_WIDTH, BRENT_MAX_ITER, float(q_in), q_liq * _L_PER_M3,
            10.0 ** (-float(pkw)))  # fmt: skip
    use_guess = u_guess is not None
    d, u, status, bad, step = kernel.tank_root(tank, opts, n_sys, da_hi, False,
                                               float(u_guess) if use_guess else 0.0, use_guess,
                                               GUESS_HALF_WIDTH)  # fmt: skip
    if status == 1:
        raise _unconverged_increment(bad, step, d)
    if status in (2, 3, 4):
        what, detail = {
            2: ("solid mass", f"Brent's method did not converge in {BRENT_MAX_ITER} "
                f"evaluations (last bracket width {step:.3g} kg/s)"),
            3: ("[H+]", f"Brent's method on ln [H+] did not converge in {BRENT_MAX_ITER} "
                f"evaluations (last bracket width {step:.3g})"),
            4: ("[H+] bracket", "the liquor's charge balance with nothing or everything "
                f"dissolved did not converge (last step {step:.3g})"),
        }[status]  # fmt: skip
        raise ConvergenceError(
            f"leach tank {what}: {detail}.",
            loop=f"leach tank {what}",
            residual_history=[step],
            best_iterate=np.array([u]),
        )
    return d, u


def _solve_tank(
    y_in, x_in, q_in, m_inert, f0, mw, nu, kc, kd, order, hold, totals, q_liq, systems, pkw,
    sat=None, u_guess=None,
):  # fmt: skip
    """One CSTR: returns (d, ln [H+]) at the converged [H+], d the fraction of each solid's
    train feed that reacts in it (negative: re-precipitated), y_in the remaining and x_in
    the reacted fractions entering it (x_in = 1 - y_in, kept separately for precision).

    ``sat``: None, or ``(rev, c0, dc, ion_coef, ln_k)`` per solid for the reversible
    solids: the ion's concentration c0 + dc (x_in + d) [mol/L] and ln K at the tank T.
    ``u_guess``: ln [H+] expected near the root (e.g. the tank's last solution in a recycle
    loop); the bracket is first narrowed to ln [H+] +- GUESS_HALF_WIDTH around it (two
    evaluations), which leaves the root and its tolerance as they are.
    """
    active = f0 > 0.0
    fa, mwa, nua = f0[active], mw[active], nu[active]
    ya_in, kca, kda, oa = y_in[active], kc[active], kd[active], order[active]
    da_hi = ya_in.copy()
    shift = x_in[active].copy()  # tolerance relative to the total dissolved so far
    if sat is not None:
        rev, c0, dc, nu_ion, ln_k = (np.asarray(a)[active] for a in sat)
        ion_in = c0 + dc * x_in[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            da_lo = np.where(rev, np.minimum(-ion_in / dc, 0.0), 0.0)
            shift = np.where(rev, ion_in / dc, shift)  # ... or to the ion in the liquor
    else:
        da_lo = np.zeros_like(ya_in)

    kernel = _kernel()
    if kernel is not None:  # the whole tank in one compiled call
        sat_parts = None if sat is None else (rev, ion_in, dc, nu_ion, ln_k)
        da, u = _solve_tank_compiled(kernel, hold, fa, mwa, nua, ya_in, kca, kda, oa, da_lo,
                                     da_hi, shift, sat_parts, q_in, m_inert, totals, q_liq,
                                     systems, pkw, u_guess)  # fmt: skip
        d = np.zeros_like(y_in)
        d[active] = da
        return d, u

    warm = [None]  # last increments: Newton warm start
    last_m = [None]  # last solid mass flow: its root search starts near it [kg/s]

    def inner(h: float) -> tuple[np.ndarray, float]:
        tank_sat = None
        if sat is not None:
            tank_sat = (rev, ion_in, dc, nu_ion, ln_k + nua * np.log(h))

        def phi(m: float) -> float:
            d = _reacted(
                h, _holdup(m, hold), ya_in, da_lo, da_hi, fa, kca, kda, oa, warm[0], tank_sat,
                shift,
            )  # fmt: skip
            warm[0] = d
            return m - m_inert - float(mwa @ (fa * (ya_in - d)))

        m_lo, m_hi = m_inert, m_inert + float(mwa @ (fa * (ya_in - da_lo)))
        if m_hi - m_lo <= 1e-15 * max(m_hi, 1.0):
            m = m_hi
        else:
            f = _remembered(phi)
            lo, hi = _narrowed(f, m_lo, m_hi, last_m[0], MASS_HALF_WIDTH * (m_hi - m_lo))
            if f(hi) <= 0.0:
                m = hi
            else:  # phi(m_inert) <= 0: no solid mass below the inerts
                m = lo if f(lo) >= 0.0 else brentq(f, lo, hi, xtol=1e-15 * m_hi, rtol=1e-15)
        last_m[0] = m
        d = _reacted(
            h, _holdup(m, hold), ya_in, da_lo, da_hi, fa, kca, kda, oa, warm[0], tank_sat, shift
        )
        warm[0] = d
        return d, m

    @_remembered
    def resid(u: float) -> float:
        h = np.exp(u)
        d, _ = inner(h)
        consumed = float(nua @ (fa * d)) / (q_liq * _L_PER_M3)
        return q_in + consumed - float(strong_charge_at(h, totals, systems, pkw))

    u = None
    if u_guess is not None:  # resid increases with u: a sign change pins the one root
        a, b = u_guess - GUESS_HALF_WIDTH, u_guess + GUESS_HALF_WIDTH
        if resid(b) > 0.0 and resid(a) < 0.0:
            u = brentq(resid, a, b, xtol=1e-15, rtol=1e-15)
    if u is None:
        # strong charge if everything dissolves (lowest H+) and if nothing dissolves and
        # every reversible solid takes back all its ion (highest H+)
        q_max = q_in + float(nua @ (fa * da_hi)) / (q_liq * _L_PER_M3)
        q_min = q_in + float(nua @ (fa * da_lo)) / (q_liq * _L_PER_M3)
        h_ends = speciate(np.array([totals, totals]), np.array([q_max, q_min]), systems, pkw).h
        u_lo, u_hi = np.log(h_ends) + np.array([-1e-12, 1e-12])
        u_lo, u_hi = _narrowed(resid, u_lo, u_hi, u_guess, GUESS_HALF_WIDTH)
        if resid(u_hi) <= 0.0:
            u = u_hi
        elif resid(u_lo) >= 0.0:
            u = u_lo
        else:
            u = brentq(resid, u_lo, u_hi, xtol=1e-15, rtol=1e-15)
    da, _ = inner(float(np.exp(u)))
    d = np.zeros_like(y_in)
    d[active] = da
    return d, u


#: Half width of the first bracket around a tank's expected ln [H+] [-] (1e-3: 0.1 % in H+)
GUESS_HALF_WIDTH = 1e-3
#: ... and around the last solid mass flow, relative to the width of its full bracket [-]
MASS_HALF_WIDTH = 1e-4


def _remembered(f):
    """f with its values kept by argument (brentq evaluates the bracket ends again)."""
    known: dict[float, float] = {}

    def g(x: float) -> float:
        if x not in known:
            known[x] = f(x)
        return known[x]

    return g


def _narrowed(f, lo: float, hi: float, guess: float | None, half: float):
    """The bracket [lo, hi] of the root of an increasing f narrowed with two evaluations
    near ``guess``: to [guess - half, guess + half] if the root is inside, else to the side
    of it that holds the root (the bracket as it is without a guess inside it)."""
    if guess is None or not lo < guess < hi:
        return lo, hi
    a, b = max(lo, guess - half), min(hi, guess + half)
    if f(b) <= 0.0:
        return b, hi  # the root is at or above b
    if f(a) < 0.0:
        return a, b
    return lo, a  # at or below a


def _saturation_setup(kinetics, solubility, ion_conc, f0, q_liq):
    """(solubilities, reversible mask, c0 [mol/L], dc [mol/L], ion_coef) or None."""
    if solubility is None:
        if ion_conc is not None:
            raise SpecificationError("ion_conc applies only with solubility=.")
        return None
    sols = tuple(solubility)
    n_s = len(kinetics.solids)
    if len(sols) != n_s:
        raise SpecificationError(
            f"solubility needs one entry (or None) per solid ({', '.join(kinetics.solids)}); "
            f"got {len(sols)}."
        )
    c0 = _positive("ion_conc", np.zeros(n_s) if ion_conc is None else ion_conc, True)
    if c0.shape != (n_s,):
        raise SpecificationError(f"ion_conc needs {n_s} values (one per solid); got {c0.size}.")
    for j, sol in enumerate(sols):
        if sol is None:
            continue
        solid = kinetics.solids[j]
        if kinetics.mechanism[j] != "chemical":
            raise SpecificationError(
                f"solid {solid!r} is reversible (solubility given) but under "
                f"{kinetics.mechanism[j]!r} control; re-precipitation is modelled on the "
                "reacting surface, so a reversible solid needs mechanism 'chemical'."
            )
        if sol.h_coef != kinetics.h_consumed[j]:
            raise SpecificationError(
                f"solid {solid!r}: its solubility equilibrium consumes {sol.h_coef} H+ per mol "
                f"but its leach reaction {kinetics.h_consumed[j]}; they must be the same "
                "reaction."
            )
    rev = np.array([s is not None for s in sols])
    if not rev.any():
        return None
    nu_ion = np.array([s.ion_coef if s else 0.0 for s in sols])
    dc = nu_ion * f0 / (q_liq * _L_PER_M3)
    return sols, rev, np.where(rev, c0, 0.0), dc, nu_ion


def leach_cstr_train(
    solid_feed: Sequence[float] | np.ndarray,
    molar_mass: Sequence[float] | np.ndarray,
    inert_mass_flow: float,
    liquid_flow: float,
    totals: Sequence[float] | np.ndarray,
    strong_charge: float,
    kinetics: LeachKinetics,
    volumes: Sequence[float] | np.ndarray | None = None,
    residence_times: Sequence[float] | np.ndarray | None = None,
    temperature: float | Sequence[float] = 298.15,
    solid_density: float = 2400.0,
    systems: Sequence[AcidBaseSystem] = DEFAULT_SYSTEMS,
    pKw: float = PKW,
    solubility: Sequence[OxideSolubility | None] | None = None,
    ion_conc: Sequence[float] | np.ndarray | None = None,
    h_guess: Sequence[float] | np.ndarray | None = None,
) -> LeachTrainResult:
    """Solve a co-current train of leach CSTRs tank by tank.

    Parameters
    ----------
    solid_feed : array_like
        Feed of each leachable solid species, in the order of ``kinetics.solids`` [mol/s].
    molar_mass : array_like
        Molar mass of each solid species [kg/mol].
    inert_mass_flow : float
        Mass flow of the solids that do not react [kg/s].
    liquid_flow : float
        Liquor volumetric flow, constant through the train [m3/s].
    totals : array_like
        Inlet totals of the acid-base ``systems`` (e.g. sulfate) [mol/L].
    strong_charge : float
        Inlet net charge of the strong ions [eq/L].
    kinetics : LeachKinetics
        Rate laws, one per solid species [-].
    volumes : array_like, optional
        Volume of each tank; the number of tanks is its length [m3].
    residence_times : array_like, optional
        Slurry residence time of each tank, instead of ``volumes`` [s].
    temperature : float or array_like
        Temperature of every tank or of each tank [K].
    solid_density : float
        Density of the solid, for the slurry volume [kg/m3].
    systems : sequence of AcidBaseSystem
        Acid-base systems of ``totals`` [-].
    pKw : float
        -log10 Kw [-].
    solubility : sequence, optional
        Per solid, its :class:`~yieldkit.models.solubility.OxideSolubility` (reversible:
        the rate is multiplied by 1 - Omega, so its ion re-precipitates above saturation)
        or None [-]. Reversible solids must be under chemical control.
    ion_conc : array_like, optional
        Per solid, the concentration of its solubility ion in the inlet liquor (ignored
        for irreversible solids) [mol/L].
    h_guess : array_like, optional
        Per tank, an H+ expected near the solution (e.g. ``liquor.h`` of the last solve of
        the same train inside a recycle loop): each tank's root search starts from a
        narrow bracket around it. The result is the same to the solver's tolerance, with
        or without it [mol/L].

    Returns
    -------
    LeachTrainResult
    """
    f0 = _positive("solid_feed", solid_feed, allow_zero=True)
    mw = _positive("molar_mass", molar_mass)
    n_s = len(kinetics.solids)
    if f0.shape != (n_s,) or mw.shape != (n_s,):
        raise SpecificationError(
            f"solid_feed and molar_mass need one value per solid of the kinetics "
            f"({', '.join(kinetics.solids)}); got {f0.size} and {mw.size}."
        )
    m_inert = float(_positive("inert_mass_flow", inert_mass_flow, allow_zero=True)[0])
    q_liq = float(_positive("liquid_flow", liquid_flow)[0])
    rho = float(_positive("solid_density", solid_density)[0])
    c = np.asarray(totals, dtype=float)
    if (volumes is None) == (residence_times is None):
        raise SpecificationError("give exactly one of volumes [m3] or residence_times [s].")
    if volumes is not None:
        v = _positive("tank volume", volumes)
        n_t = v.size
    else:
        tau = _positive("residence time", residence_times)
        n_t = tau.size
    temps = _positive("temperature", temperature)
    if temps.size == 1:
        temps = np.full(n_t, temps[0])
    if temps.size != n_t:
        raise SpecificationError(f"temperature needs 1 or {n_t} values; got {temps.size}.")
    systems = tuple(systems)
    if h_guess is not None:
        u_guess = np.log(_positive("h_guess", h_guess))
        if u_guess.size != n_t:
            raise SpecificationError(
                f"h_guess needs {n_t} values (one per tank); got {u_guess.size}."
            )
    sat = _saturation_setup(kinetics, solubility, ion_conc, f0, q_liq)
    if sat is not None:  # log10 K of every reversible solid in every tank [-]
        log_k = np.array([[s.log10_k(float(t)) if s else np.nan for s in sat[0]] for t in temps])

    y = np.ones(n_s)  # remaining fraction of the train feed (for the rates)
    x = np.zeros(n_s)  # reacted fraction, the sum of the tanks' increments (for precision)
    q = float(strong_charge)
    out_y = np.empty((n_t, n_s))
    out_x = np.empty((n_t, n_s))
    out_d = np.empty((n_t, n_s))
    out_m = np.empty(n_t)
    out_q = np.empty(n_t)
    out_u = np.empty(n_t)  # ln [H+] of each tank's root [-]
    vol = np.empty(n_t)
    for n in range(n_t):
        kc, kd = kinetics.rate_constants(float(temps[n]))
        # the hold-up law of the tank (_holdup): a volume V, or a residence time tau
        if volumes is not None:
            hold = np.array([0.0, float(v[n]), rho, q_liq])
        else:
            hold = np.array([1.0, float(tau[n]), 0.0, 0.0])
        tank_sat = None if sat is None else (*sat[1:], LN10 * log_k[n])
        d, out_u[n] = _solve_tank(
            y,
            x,
            q,
            m_inert,
            f0,
            mw,
            kinetics.h_consumed,
            kc,
            kd,
            kinetics.order,
            hold,
            c,
            q_liq,
            systems,
            pKw,
            tank_sat,
            None if h_guess is None else float(u_guess[n]),
        )
        q = q + float(kinetics.h_consumed @ (f0 * d)) / (q_liq * _L_PER_M3)
        y = y - d
        x = x + d
        m = m_inert + float(mw @ (f0 * y))
        out_y[n], out_x[n], out_d[n], out_m[n], out_q[n] = y, x, d, m, q
        vol[n] = v[n] if volumes is not None else tau[n] * (m / rho + q_liq)
    solids_out = f0 * out_y
    dissolved = f0 * out_d  # each tank's own increment, not a difference of large flows
    eps = out_m / (out_m / rho + q_liq) / _L_PER_M3
    liquor = speciate(np.broadcast_to(c, (n_t, c.size)), out_q, systems, pKw, np.exp(out_u))
    conversion = np.where(f0 > 0.0, out_x, 0.0)
    saturation = np.full((n_t, n_s), np.nan)
    if sat is not None:
        _, rev, c0, dc, nu_ion = sat
        for n in range(n_t):
            ion = c0 + dc * out_x[n]
            h_n = float(np.atleast_1d(liquor.h)[n])
            si = saturation_log10(ion, h_n, log_k[n], nu_ion, kinetics.h_consumed)
            saturation[n] = np.where(rev & (f0 > 0.0), si, np.nan)
    return LeachTrainResult(
        conversion=conversion,
        solids_out=solids_out,
        dissolved=dissolved,
        solid_mass_out=out_m,
        acid_consumed=dissolved @ kinetics.h_consumed,
        strong_charge=out_q,
        pulp_density=eps,
        volume=vol,
        liquor=liquor,
        saturation_index=saturation,
    )
