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

1. given h and m_out, each y_j solves a scalar equation, bracketed on [0, y_j,hi]
   (y_j,hi = y_j,in, or c_j = 0 for a reversible solid) with the residual positive at 0
   and negative at y_j,hi; strictly decreasing for a dissolving solid (vectorised
   bracketed Newton, bisection whenever Newton leaves the bracket);
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

import numpy as np
from scipy.optimize import brentq

from yieldkit.errors import ConvergenceError, SpecificationError
from yieldkit.models._bracket import newton_bisect
from yieldkit.models.leach_kinetics import LeachKinetics
from yieldkit.models.solubility import LN10, OxideSolubility, saturation_log10
from yieldkit.models.speciation import (
    DEFAULT_SYSTEMS,
    PKW,
    AcidBaseSystem,
    Speciation,
    speciate,
    strong_charge_at,
)

_L_PER_M3 = 1000.0
_S_PER_H = 3600.0
#: largest ln(Omega) used in the rate: Omega ~ 1e200 already makes re-precipitation
#: instantaneous on the tank's time scale; the cap keeps the residual finite [-]
LN_OMEGA_CAP = 460.0
#: tolerance and iteration limit of the remaining-fraction roots (both backends) [-]
REMAINING_XTOL = 1e-15
REMAINING_MAX_ITER = 200


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


def _remaining(h, w, y_in, y_hi, f0, kc, kd, order, y0=None, sat=None) -> np.ndarray:
    """Remaining fractions y solving F0 (y_in - y) = W r(1 - y) (1 - Omega) / 3600.

    ``sat`` (reversible solids only, else None): ``(rev, c_top, dc, ion_coef, ln_kh)`` with
    the ion concentration c(y) = c_top - dc y [mol/L] and ln(K [H+]^h) at this h; Omega = 1
    for the others. y lies in [0, y_hi] (y_hi = y_in, or where c(y) = 0 if reversible).
    Runs in the compiled kernel :mod:`yieldkit.models._leach_kernel` when numba is
    available, else in :func:`_remaining_numpy` (the same iteration).
    """
    kernel = _kernel()
    if kernel is None:
        return _remaining_numpy(h, w, y_in, y_hi, f0, kc, kd, order, y0, sat)
    c = w * np.power(h, order) / (_S_PER_H * f0)
    n = y_in.size
    if sat is None:
        rev, c_top, dc, nu_ion, ln_kh = _NO_SAT[0](n)
    else:
        rev, c_top, dc, nu_ion, ln_kh = sat
    use_y0 = y0 is not None
    y, bad, step = kernel.remaining(
        y_in, y_hi, c, kc, kd, np.asarray(rev, dtype=np.bool_), c_top, dc, nu_ion, ln_kh,
        y0 if use_y0 else y_in, use_y0, REMAINING_XTOL, REMAINING_MAX_ITER, LN_OMEGA_CAP,
    )  # fmt: skip
    if bad >= 0:
        raise ConvergenceError(
            f"leach tank conversion: bracketed Newton did not converge in "
            f"{REMAINING_MAX_ITER} iterations for solid {bad} (last step {step:.3g}).",
            loop="leach tank conversion",
            residual_history=[step],
            best_iterate=y,
        )
    return y


def _no_sat(n: int):
    zeros = np.zeros(n)
    return np.zeros(n, dtype=np.bool_), zeros, zeros, zeros, zeros


_NO_SAT = (_no_sat,)
_KERNEL: list = []


def _kernel():
    """The compiled remaining-fraction kernel, or None when numba cannot be imported."""
    if not _KERNEL:
        try:
            from yieldkit.models import _leach_kernel as k
        except ImportError:  # numba missing or broken: the NumPy path runs instead
            k = None
        _KERNEL.append(k)
    return _KERNEL[0]


def _remaining_numpy(h, w, y_in, y_hi, f0, kc, kd, order, y0=None, sat=None) -> np.ndarray:
    """:func:`_remaining` in NumPy (vectorised bracketed Newton; the reference)."""
    c = w * np.power(h, order) / (_S_PER_H * f0)

    def resid(y: np.ndarray, idx: np.ndarray):
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
            drate = rate * rate * (tc + td)
            if sat is None:
                return y_in[idx] - y - c[idx] * rate, -1.0 - c[idx] * drate
            rev, c_top, dc, nu_ion, ln_kh = (a[idx] for a in sat)
            ion = np.where(rev, c_top - dc * y, 0.0)
            pos = rev & (ion > 0.0)
            ln_om = np.where(pos, nu_ion * np.log(np.where(pos, ion, 1.0)) - ln_kh, -np.inf)
            om = np.exp(np.minimum(ln_om, LN_OMEGA_CAP))
            dom = np.where(pos, om * nu_ion * dc / np.where(pos, ion, 1.0), 0.0)  # -dOmega/dy
            drive = 1.0 - om
            return (
                y_in[idx] - y - c[idx] * rate * drive,
                -1.0 - c[idx] * (drate * drive + rate * dom),
            )

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = newton_bisect(
            resid,
            np.zeros_like(y_in),
            y_hi.copy(),
            x0=y0,
            increasing=False,
            xtol=REMAINING_XTOL,
            max_iter=REMAINING_MAX_ITER,
            what="leach tank conversion",
        )
    return y


def _solve_tank(
    y_in, q_in, m_inert, f0, mw, nu, kc, kd, order, holdup, totals, q_liq, systems, pkw, sat=None
):
    """One CSTR: returns (y_out, m_out) at the converged [H+].

    ``sat``: None, or ``(rev, c0, dc, ion_coef, ln_k)`` per solid for the reversible
    solids: the ion's concentration c(y) = c0 + dc (1 - y) [mol/L] and ln K at the tank T.
    """
    active = f0 > 0.0
    fa, mwa, nua = f0[active], mw[active], nu[active]
    ya_in, kca, kda, oa = y_in[active], kc[active], kd[active], order[active]
    if sat is not None:
        rev, c0, dc, nu_ion, ln_k = (np.asarray(a)[active] for a in sat)
        c_top = c0 + dc
        with np.errstate(divide="ignore", invalid="ignore"):
            ya_hi = np.where(rev, np.maximum(c_top / dc, ya_in), ya_in)
    else:
        ya_hi = ya_in

    warm = [None]  # last remaining fractions: Newton warm start

    def inner(h: float) -> tuple[np.ndarray, float]:
        tank_sat = None
        if sat is not None:
            tank_sat = (rev, c_top, dc, nu_ion, ln_k + nua * np.log(h))

        def phi(m: float) -> float:
            y = _remaining(h, holdup(m), ya_in, ya_hi, fa, kca, kda, oa, warm[0], tank_sat)
            warm[0] = y
            return m - m_inert - float(mwa @ (fa * y))

        m_lo, m_hi = m_inert, m_inert + float(mwa @ (fa * ya_hi))
        if m_hi - m_lo <= 1e-15 * max(m_hi, 1.0) or phi(m_hi) <= 0.0:
            m = m_hi
        else:
            m = brentq(phi, m_lo, m_hi, xtol=1e-15 * m_hi, rtol=1e-15)
        y = _remaining(h, holdup(m), ya_in, ya_hi, fa, kca, kda, oa, warm[0], tank_sat)
        warm[0] = y
        return y, m

    def resid(u: float) -> float:
        h = np.exp(u)
        y, _ = inner(h)
        consumed = float(nua @ (fa * (ya_in - y))) / (q_liq * _L_PER_M3)
        return q_in + consumed - float(strong_charge_at(h, totals, systems, pkw))

    # strong charge if everything dissolves (lowest H+) and if nothing dissolves and every
    # reversible solid takes back all its ion (highest H+)
    q_max = q_in + float(nua @ (fa * ya_in)) / (q_liq * _L_PER_M3)
    q_min = q_in + float(nua @ (fa * (ya_in - ya_hi))) / (q_liq * _L_PER_M3)
    h_ends = speciate(np.array([totals, totals]), np.array([q_max, q_min]), systems, pkw).h
    u_lo, u_hi = np.log(h_ends) + np.array([-1e-12, 1e-12])
    if resid(u_hi) <= 0.0:
        u = u_hi
    elif resid(u_lo) >= 0.0:
        u = u_lo
    else:
        u = brentq(resid, u_lo, u_hi, xtol=1e-15, rtol=1e-15)
    ya, m = inner(float(np.exp(u)))
    y = y_in.copy()
    y[active] = ya
    return y, m


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
    sat = _saturation_setup(kinetics, solubility, ion_conc, f0, q_liq)

    y = np.ones(n_s)
    q = float(strong_charge)
    out_y = np.empty((n_t, n_s))
    out_m = np.empty(n_t)
    out_q = np.empty(n_t)
    vol = np.empty(n_t)
    for n in range(n_t):
        kc, kd = kinetics.rate_constants(float(temps[n]))
        if volumes is not None:

            def holdup(mm: float, vn: float = float(v[n])) -> float:
                return vn * mm / (mm / rho + q_liq)
        else:

            def holdup(mm: float, tn: float = float(tau[n])) -> float:
                return tn * mm

        tank_sat = None
        if sat is not None:
            ln_k = np.array([LN10 * s.log10_k(float(temps[n])) if s else np.nan for s in sat[0]])
            tank_sat = (*sat[1:], ln_k)
        y_new, m_new = _solve_tank(
            y,
            q,
            m_inert,
            f0,
            mw,
            kinetics.h_consumed,
            kc,
            kd,
            kinetics.order,
            holdup,
            c,
            q_liq,
            systems,
            pKw,
            tank_sat,
        )
        dissolved = f0 * (y - y_new)
        q = q + float(kinetics.h_consumed @ dissolved) / (q_liq * _L_PER_M3)
        y = y_new
        m = m_inert + float(mw @ (f0 * y))
        out_y[n], out_m[n], out_q[n] = y, m, q
        vol[n] = v[n] if volumes is not None else tau[n] * (m / rho + q_liq)
    solids_out = f0 * out_y
    prev = np.vstack([f0, solids_out[:-1]])
    dissolved = prev - solids_out
    eps = out_m / (out_m / rho + q_liq) / _L_PER_M3
    liquor = speciate(np.broadcast_to(c, (n_t, c.size)), out_q, systems, pKw)
    with np.errstate(invalid="ignore"):
        conversion = np.where(f0 > 0.0, 1.0 - out_y, 0.0)
    saturation = np.full((n_t, n_s), np.nan)
    if sat is not None:
        sols, rev, c0, dc, nu_ion = sat
        for n in range(n_t):
            log_k = np.array([s.log10_k(float(temps[n])) if s else np.nan for s in sols])
            ion = c0 + dc * (1.0 - out_y[n])
            h_n = float(np.atleast_1d(liquor.h)[n])
            si = saturation_log10(ion, h_n, log_k, nu_ion, kinetics.h_consumed)
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
