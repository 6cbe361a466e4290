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

Solution (monotone nested 1-D roots, no general nonlinear solver):

1. given h and m_out, each y_j solves a scalar equation that is strictly decreasing in y_j
   on [0, y_j,in] (vectorised bracketed Newton);
2. given h, m_out solves phi(m) = m - m_inert - sum M F0 y(m) = 0, strictly increasing
   (more solid, more holdup, more dissolution) and bracketed by [m_inert, m_in];
3. h solves Q_in + consumption(h) - Q(h) = 0 on the exact bracket [h(all dissolved),
   h(nothing dissolved)]; the residual changes sign at the ends, so a root exists, and it
   is increasing whenever the pulp-density feedback is weak (always for one species).

Conversions stay in [X_in, 1] by construction; element and charge balances close to
rounding because outlet flows are computed from the dissolved amounts.

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

from yieldkit.errors import SpecificationError
from yieldkit.models._bracket import newton_bisect
from yieldkit.models.leach_kinetics import LeachKinetics
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


def _remaining(h, w, y_in, f0, kc, kd, order, y0=None) -> np.ndarray:
    """Remaining fractions y solving F0 (y_in - y) = W r(1 - y) / 3600 (per species)."""
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
        return y_in[idx] - y - c[idx] * rate, -1.0 - c[idx] * drate

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = newton_bisect(
            resid,
            np.zeros_like(y_in),
            y_in.copy(),
            x0=y0,
            increasing=False,
            xtol=1e-15,
            what="leach tank conversion",
        )
    return y


def _solve_tank(
    y_in, q_in, m_in, m_inert, f0, mw, nu, kc, kd, order, holdup, totals, q_liq, systems, pkw
):
    """One CSTR: returns (y_out, m_out) at the converged [H+]."""
    active = f0 > 0.0
    fa, mwa, nua = f0[active], mw[active], nu[active]
    ya_in, kca, kda, oa = y_in[active], kc[active], kd[active], order[active]

    warm = [None]  # last remaining fractions: Newton warm start

    def inner(h: float) -> tuple[np.ndarray, float]:
        def phi(m: float) -> float:
            y = _remaining(h, holdup(m), ya_in, fa, kca, kda, oa, warm[0])
            warm[0] = y
            return m - m_inert - float(mwa @ (fa * y))

        m_lo, m_hi = m_inert, m_in
        if m_hi - m_lo <= 1e-15 * max(m_hi, 1.0) or phi(m_hi) <= 0.0:
            m = m_hi
        else:
            m = brentq(phi, m_lo, m_hi, xtol=1e-15 * m_hi, rtol=1e-15)
        y = _remaining(h, holdup(m), ya_in, fa, kca, kda, oa, warm[0])
        warm[0] = y
        return y, m

    def resid(u: float) -> float:
        h = np.exp(u)
        y, _ = inner(h)
        consumed = float(nua @ (fa * (ya_in - y))) / (q_liq * _L_PER_M3)
        return q_in + consumed - float(strong_charge_at(h, totals, systems, pkw))

    q_max = q_in + float(nua @ (fa * ya_in)) / (q_liq * _L_PER_M3)
    h_ends = speciate(np.array([totals, totals]), np.array([q_max, q_in]), systems, pkw).h
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

    y = np.ones(n_s)
    q = float(strong_charge)
    m = m_inert + float(mw @ f0)
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

        y_new, m_new = _solve_tank(
            y,
            q,
            m,
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
    )
