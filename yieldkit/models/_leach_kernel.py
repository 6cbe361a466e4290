"""Compiled (numba) tank-increment solve of a leach tank: the innermost, hottest root.

:func:`yieldkit.models.leaching._reacted` solves, for every solid of a tank at a given
[H+] and hold-up, F0 d = W r(y_in - d) (1 - Omega(d)) / 3600 by bracketed Newton
(:func:`yieldkit.models._bracket.newton_bisect`). A tank solve calls it a few hundred times
(nested in the pulp-mass and [H+] roots) on arrays of a handful of solids, so NumPy's
per-call overhead dominates; this module runs the same iteration with plain loops, one
solid at a time, with the same residual, bracket update, Newton-or-bisection step and
stopping rule. One level up, :func:`solid_mass` runs the tank's whole solid-mass root at
one [H+] (``inner`` of :func:`yieldkit.models.leaching._solve_tank`: the bracket narrowed
around the last root, then Brent's method as scipy's brentq, every evaluation a call of
:func:`reacted`) in one call instead of ~5 Python round trips. The NumPy version stays the
reference (used when numba is absent); tests check that both give the same roots and the
same train.

Self-contained on purpose: numba's cache of a function holds the code of every function it
calls, and is invalidated only by changes of the function's own file.

Functions are compiled on first use and cached on disk (``cache=True``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def _resid(d, y_in, c, kc, kd, rev, ion_in, dc, nu_ion, ln_kh, ln_cap):
    """(f, df/dd) of one solid, f increasing in the tank increment d (as
    leaching._reacted_numpy's resid)."""
    y = max(y_in - d, 0.0)
    s = y ** (1.0 / 3.0)
    gc = s * s
    gd = s / (1.0 - s)
    res = 1.0 / (kc * gc) + 1.0 / (kd * gd)
    rate = 1.0 / res
    dgc = (2.0 / 3.0) / s
    dgd = (1.0 / 3.0) / (s * s * (1.0 - s) ** 2)
    tc = 0.0 if math.isinf(kc) else dgc / (kc * gc * gc)
    td = 0.0 if math.isinf(kd) else dgd / (kd * gd * gd)
    drate = rate * rate * (tc + td)  # d rate / d y
    if not rev:
        return d - c * rate, 1.0 + c * drate
    ion = ion_in + dc * d
    om = 0.0
    dom = 0.0
    if ion > 0.0:
        om = math.exp(min(nu_ion * math.log(ion) - ln_kh, ln_cap))
        dom = om * nu_ion * dc / ion  # dOmega/dd
    drive = 1.0 - om
    return d - c * rate * drive, 1.0 + c * (drate * drive + rate * dom)


@njit(cache=True, error_model="numpy")
def reacted(y_in, d_lo, d_hi, c, kc, kd, rev, ion_in, dc, nu_ion, ln_kh, d0, use_d0, rtol,
            max_iter, ln_cap, shift, floor=1e-300):  # fmt: skip
    """Roots d in [d_lo, d_hi] per solid, to ``rtol`` relative to |d + shift| (down to
    ``floor``); returns (d, index of a solid that did not converge or -1, its last step)."""
    n = y_in.shape[0]
    out = np.empty(n)
    for j in range(n):
        lo = d_lo[j]
        hi = d_hi[j]
        if c[j] == 0.0:  # no hold-up (or no acid at a positive order): nothing reacts
            out[j] = 0.0
            continue
        x = min(max(d0[j], lo), hi) if use_d0 else 0.5 * (lo + hi)
        done = False
        step = 0.0
        for _ in range(max_iter):
            f, df = _resid(x, y_in[j], c[j], kc[j], kd[j], rev[j], ion_in[j], dc[j],
                           nu_ion[j], ln_kh[j], ln_cap)  # fmt: skip
            if f <= 0.0:
                lo = x
            if f >= 0.0:
                hi = x
            newton = f / df
            x_new = x - newton
            tol = rtol * max(floor, abs(x + shift[j]))
            small = abs(newton) <= tol
            if not small and (not math.isfinite(x_new) or x_new <= lo or x_new >= hi):
                x_new = 0.5 * (lo + hi)
            x_new = min(max(x_new, lo), hi)  # a converged step stays in the bracket too
            if f == 0.0:
                x_new = x
            step = abs(x_new - x)
            done = small or f == 0.0 or hi - lo <= tol or x_new == x
            x = x_new
            if done:
                break
        out[j] = x
        if not done:
            return out, j, step
    return out, -1, 0.0


@njit(cache=True, error_model="numpy")
def _holdup(m, hold):
    """Slurry hold-up W [kg solid] at solid mass flow m [kg/s]: ``hold`` = (0, V, rho, Q)
    for a tank of volume V [m3] (W = V m / (m / rho + Q)), or (1, tau, 0, 0) for a
    residence time tau [s] (W = tau m) (leaching.leach_cstr_train's holdup)."""
    if hold[0] == 0.0:
        return hold[1] * m / (m / hold[2] + hold[3])
    return hold[1] * m


@njit(cache=True, error_model="numpy")
def _mass_residual(m, hold, hp, sf, y_in, d_lo, d_hi, kc, kd, rev, ion_in, dc, nu_ion, ln_kh,
                   d0, use_d0, rtol, max_iter, ln_cap, shift, floor, m_inert, mw, f0):  # fmt: skip
    """The solid-mass residual of leaching._solve_tank's ``phi`` at m: the increments d at
    the hold-up W(m) (c = W h^order / (3600 F0), as leaching._reacted) and m - m_inert -
    sum MW F0 (y_in - d). Returns (residual, d, bad, step) with reacted's (bad, step)."""
    w = _holdup(m, hold)
    n = y_in.shape[0]
    c = np.empty(n)
    for i in range(n):
        c[i] = w * hp[i] / sf[i]
    d, bad, step = reacted(y_in, d_lo, d_hi, c, kc, kd, rev, ion_in, dc, nu_ion, ln_kh, d0,
                           use_d0, rtol, max_iter, ln_cap, shift, floor)  # fmt: skip
    s = 0.0
    for i in range(n):
        s += mw[i] * (f0[i] * (y_in[i] - d[i]))
    return m - m_inert - s, d, bad, step


@njit(cache=True, error_model="numpy")
def solid_mass(hold, hp, sf, y_in, d_lo, d_hi, kc, kd, rev, ion_in, dc, nu_ion, ln_kh, d0,
               use_d0, rtol, max_iter, ln_cap, shift, floor, m_inert, mw, f0, last_m,
               use_last, half_frac, brent_iter):  # fmt: skip
    """leaching._solve_tank's ``inner`` at one [H+] (given through hp = h^order and ln_kh):
    the solid mass flow m of the tank and the increments d there. The bracket [m_inert,
    m_inert + sum MW F0 (y_in - d_lo)] is narrowed around ``last_m`` (+- half_frac of its
    width; two evaluations) as leaching._narrowed does, then the root is found by Brent's
    method (scipy's brentq, xtol 1e-15 m_hi, rtol 1e-15); every evaluation starts the
    increments' Newton from the last evaluation's d. Returns (d, m, status, bad, step):
    status 0 solved, 1 an increment did not converge (bad, step as reacted's), 2 Brent
    did not converge in ``brent_iter`` evaluations (step: the last bracket width)."""
    n = y_in.shape[0]
    dw = d0.copy()
    warm = use_d0
    m_lo = m_inert
    s = 0.0
    for i in range(n):
        s += mw[i] * (f0[i] * (y_in[i] - d_lo[i]))
    m_hi = m_inert + s
    if m_hi - m_lo <= 1e-15 * max(m_hi, 1.0):
        m = m_hi
    else:
        lo, hi = m_lo, m_hi
        f_lo = math.nan  # nan: not evaluated
        f_hi = math.nan
        if use_last and lo < last_m < hi:
            half = half_frac * (m_hi - m_lo)
            a = max(lo, last_m - half)
            b = min(hi, last_m + half)
            fb, dw, bad, step = _mass_residual(b, hold, hp, sf, y_in, d_lo, d_hi, kc, kd, rev,
                                               ion_in, dc, nu_ion, ln_kh, dw, warm, rtol,
                                               max_iter, ln_cap, shift, floor, m_inert, mw,
                                               f0)  # fmt: skip
            warm = True
            if bad >= 0:
                return dw, b, 1, bad, step
            if fb <= 0.0:
                lo, f_lo = b, fb
            else:
                fa, dw, bad, step = _mass_residual(a, hold, hp, sf, y_in, d_lo, d_hi, kc, kd,
                                                   rev, ion_in, dc, nu_ion, ln_kh, dw, warm,
                                                   rtol, max_iter, ln_cap, shift, floor,
                                                   m_inert, mw, f0)  # fmt: skip
                if bad >= 0:
                    return dw, a, 1, bad, step
                if fa < 0.0:
                    lo, hi, f_lo, f_hi = a, b, fa, fb
                else:
                    hi, f_hi = a, fa
        if math.isnan(f_hi):
            f_hi, dw, bad, step = _mass_residual(hi, hold, hp, sf, y_in, d_lo, d_hi, kc, kd,
                                                 rev, ion_in, dc, nu_ion, ln_kh, dw, warm,
                                                 rtol, max_iter, ln_cap, shift, floor,
                                                 m_inert, mw, f0)  # fmt: skip
            warm = True
            if bad >= 0:
                return dw, hi, 1, bad, step
        if f_hi <= 0.0:
            m = hi
        else:
            if math.isnan(f_lo):
                f_lo, dw, bad, step = _mass_residual(lo, hold, hp, sf, y_in, d_lo, d_hi, kc,
                                                     kd, rev, ion_in, dc, nu_ion, ln_kh, dw,
                                                     warm, rtol, max_iter, ln_cap, shift,
                                                     floor, m_inert, mw, f0)  # fmt: skip
                warm = True
                if bad >= 0:
                    return dw, lo, 1, bad, step
            if f_lo >= 0.0:
                m = lo
            else:
                # Brent's method as scipy's brentq (Brent 1973), on [lo, hi] with known ends
                xtol = 1e-15 * m_hi
                rtol_m = 1e-15
                xpre, xcur, fpre, fcur = lo, hi, f_lo, f_hi
                xblk, fblk, spre, scur = 0.0, 0.0, 0.0, 0.0
                m = math.nan
                for _ in range(brent_iter):
                    if fpre != 0.0 and fcur != 0.0 and (fpre < 0.0) != (fcur < 0.0):
                        xblk, fblk = xpre, fpre
                        spre = scur = xcur - xpre
                    if abs(fblk) < abs(fcur):
                        xpre, xcur, xblk = xcur, xblk, xcur
                        fpre, fcur, fblk = fcur, fblk, fcur
                    delta = (xtol + rtol_m * abs(xcur)) / 2.0
                    sbis = (xblk - xcur) / 2.0
                    if fcur == 0.0 or abs(sbis) < delta:
                        m = xcur
                        break
                    if abs(spre) > delta and abs(fcur) < abs(fpre):
                        if xpre == xblk:  # interpolate
                            stry = -fcur * (xcur - xpre) / (fcur - fpre)
                        else:  # extrapolate
                            dpre = (fpre - fcur) / (xpre - xcur)
                            dblk = (fblk - fcur) / (xblk - xcur)
                            stry = (
                                -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
                            )
                        if 2.0 * abs(stry) < min(abs(spre), 3.0 * abs(sbis) - delta):
                            spre, scur = scur, stry  # good short step
                        else:
                            spre, scur = sbis, sbis  # bisect
                    else:
                        spre, scur = sbis, sbis  # bisect
                    xpre, fpre = xcur, fcur
                    if abs(scur) > delta:
                        xcur += scur
                    else:
                        xcur += delta if sbis > 0.0 else -delta
                    fcur, dw, bad, step = _mass_residual(xcur, hold, hp, sf, y_in, d_lo, d_hi,
                                                         kc, kd, rev, ion_in, dc, nu_ion, ln_kh,
                                                         dw, True, rtol, max_iter, ln_cap,
                                                         shift, floor, m_inert, mw,
                                                         f0)  # fmt: skip
                    if bad >= 0:
                        return dw, xcur, 1, bad, step
                if math.isnan(m):
                    return dw, xcur, 2, -1, abs(xblk - xcur)
    _, d, bad, step = _mass_residual(m, hold, hp, sf, y_in, d_lo, d_hi, kc, kd, rev, ion_in, dc,
                                     nu_ion, ln_kh, dw, warm, rtol, max_iter, ln_cap, shift,
                                     floor, m_inert, mw, f0)  # fmt: skip
    if bad >= 0:
        return d, m, 1, bad, step
    return d, m, 0, -1, 0.0
