"""Compiled (numba) tank-increment solve of a leach tank: the innermost, hottest root.

:func:`yieldkit.models.leaching._reacted` solves, for every solid of a tank at a given
[H+] and hold-up, F0 d = W r(y_in - d) (1 - Omega(d)) / 3600 by bracketed Newton
(:func:`yieldkit.models._bracket.newton_bisect`). A tank solve calls it a few hundred times
(nested in the pulp-mass and [H+] roots) on arrays of a handful of solids, so NumPy's
per-call overhead dominates; this module runs the same iteration with plain loops, one
solid at a time, with the same residual, bracket update, Newton-or-bisection step and
stopping rule. The two roots around it run here too: :func:`solid_mass` is the tank's
solid-mass root at one [H+] (``inner`` of :func:`yieldkit.models.leaching._solve_tank`:
the bracket narrowed around the last root, then Brent's method as scipy's brentq, every
evaluation a call of :func:`reacted`), and :func:`tank_root` the [H+] root of the whole
tank (``resid`` and its brackets, the charge balance from the speciation kernel), so a
tank is one call. The NumPy version stays the reference (used when numba is absent);
tests check that both give the same roots and the same train.

numba's cache of a function holds the code of every function it calls and is invalidated
only by changes of the function's own file: this module records the hashes of the other
kernel files it calls (:data:`SPECIATION_SOURCE_SHA256`, :data:`BRACKET_SOURCE_SHA256`).

Functions are compiled on first use and cached on disk (``cache=True``). Constants
passed to another compiled function are given as ``np.int64(...)`` / ``np.bool_(...)``:
a bare literal (0, True) makes numba compile that function, and all it calls, once more
for the literal type (measured 2026-12-06: the first run of the default route compiled
six functions twice).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from yieldkit.models._bracket_kernel import bracketed_step
from yieldkit.models._speciation_kernel import _balance, charge_roots

#: SHA-256 of the source of :mod:`yieldkit.models._bracket_kernel`, compiled into
#: :func:`reacted` (``tests/models/test_leach_kernel.py`` checks it, as the hash below)
BRACKET_SOURCE_SHA256 = "d32b62717b3bcf64e41f74d8f9dc5f2da6e6b2ae49a2115d390fc53c8d51475c"

#: SHA-256 of the source of :mod:`yieldkit.models._speciation_kernel`, whose charge balance
#: :func:`tank_root` calls: numba's cache of this module holds that code compiled in, but
#: only a change of this file invalidates it, so a change of _speciation_kernel.py must come
#: with this line's new value (``tests/models/test_leach_kernel.py`` checks it).
SPECIATION_SOURCE_SHA256 = "8ddf2cfff580177943c175528101b644080c29ec9849f3e49b6e6d2a2e98fb1a"


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
            tol = rtol * max(floor, abs(x + shift[j]))
            x, lo, hi, done, step = bracketed_step(x, f, df, lo, hi, tol)
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
            warm = np.bool_(True)
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
            warm = np.bool_(True)
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
                warm = np.bool_(True)
                if bad >= 0:
                    return dw, lo, 1, bad, step
            if f_lo >= 0.0:
                m = lo
            else:
                st = _brent_start(lo, hi, f_lo, f_hi)
                m = math.nan
                for _ in range(brent_iter):
                    done, x = _brent_advance(st, 1e-15 * m_hi, 1e-15)
                    if done:
                        m = x
                        break
                    st[4], dw, bad, step = _mass_residual(x, hold, hp, sf, y_in, d_lo, d_hi, kc,
                                                          kd, rev, ion_in, dc, nu_ion, ln_kh, dw,
                                                          np.bool_(True), rtol, max_iter, ln_cap,
                                                          shift, floor, m_inert, mw, f0)  # fmt: skip
                    if bad >= 0:
                        return dw, x, 1, bad, step
                if math.isnan(m):
                    return dw, st[1], 2, -1, abs(st[2] - st[1])
    _, d, bad, step = _mass_residual(m, hold, hp, sf, y_in, d_lo, d_hi, kc, kd, rev, ion_in, dc,
                                     nu_ion, ln_kh, dw, warm, rtol, max_iter, ln_cap, shift,
                                     floor, m_inert, mw, f0)  # fmt: skip
    if bad >= 0:
        return d, m, 1, bad, step
    return d, m, 0, -1, 0.0


@njit(cache=True, error_model="numpy")
def _brent_start(lo, hi, f_lo, f_hi):
    """State of Brent's method on [lo, hi] with f(lo) < 0 < f(hi) known: [x_pre, x_cur,
    x_blk, f_pre, f_cur, f_blk, s_pre, s_cur] as scipy's brentq (Brent 1973)."""
    st = np.zeros(8)
    st[0], st[1], st[3], st[4] = lo, hi, f_lo, f_hi
    return st


@njit(cache=True, error_model="numpy")
def _brent_advance(st, xtol, rtol):
    """One pass of brentq's loop up to its next evaluation: (True, root) when converged
    (|half bracket| below (xtol + rtol |x|) / 2, or f = 0), else (False, x) with x the
    point to evaluate next; the caller stores f(x) in st[4]. Interpolation (secant or
    inverse quadratic) where it is short enough, else bisection, as scipy's brentq.c."""
    xpre, xcur, xblk, fpre, fcur, fblk, spre, scur = (st[0], st[1], st[2], st[3], st[4],
                                                      st[5], st[6], st[7])  # fmt: skip
    if fpre != 0.0 and fcur != 0.0 and (fpre < 0.0) != (fcur < 0.0):
        xblk, fblk = xpre, fpre
        spre = scur = xcur - xpre
    if abs(fblk) < abs(fcur):
        xpre, xcur, xblk = xcur, xblk, xcur
        fpre, fcur, fblk = fcur, fblk, fcur
    delta = (xtol + rtol * abs(xcur)) / 2.0
    sbis = (xblk - xcur) / 2.0
    if fcur == 0.0 or abs(sbis) < delta:
        return True, xcur
    if abs(spre) > delta and abs(fcur) < abs(fpre):
        if xpre == xblk:  # interpolate
            stry = -fcur * (xcur - xpre) / (fcur - fpre)
        else:  # extrapolate
            dpre = (fpre - fcur) / (xpre - xcur)
            dblk = (fblk - fcur) / (xblk - xcur)
            stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
        if 2.0 * abs(stry) < min(abs(spre), 3.0 * abs(sbis) - delta):
            spre, scur = scur, stry  # good short step
        else:
            spre, scur = sbis, sbis  # bisect
    else:
        spre, scur = sbis, sbis  # bisect
    xpre, fpre = xcur, fcur
    xcur += scur if abs(scur) > delta else (delta if sbis > 0.0 else -delta)
    st[0], st[1], st[2], st[3], st[5], st[6], st[7] = xpre, xcur, xblk, fpre, fblk, spre, scur
    st[4] = math.nan  # f(x_cur): the caller's evaluation
    return False, xcur


@njit(cache=True, error_model="numpy")
def _tank_resid(u, tank, opts, d0, use_d0, last_m, use_last):
    """leaching._solve_tank's ``resid`` at u = ln [H+]: the solid-mass root there
    (:func:`solid_mass`) and q_in + the acid the solids consume - the strong charge of the
    liquor at that [H+] (the speciation kernel's charge balance). ``tank`` and ``opts`` as
    :func:`tank_root` takes them. Returns (residual, d, m, status, bad, step) with
    solid_mass's status."""
    hold, sf, y_in, d_lo, d_hi, kc, kd, rev, ion_in, dc, nu_ion, ln_k, order, nu, shift = tank[:15]
    mw, f0, totals, cum, k, z0 = tank[15:21]
    sat, rtol, max_iter, ln_cap, floor, m_inert, half_frac, brent_iter, q_in, q_liq_l, kw = opts
    h = math.exp(u)
    lh = math.log(h)  # as the NumPy path: ln of h = exp(u)
    n = y_in.shape[0]
    hp = np.empty(n)
    ln_kh = np.zeros(n)
    for i in range(n):
        hp[i] = h ** order[i]
        if sat:
            ln_kh[i] = ln_k[i] + nu[i] * lh
    d, m, status, bad, step = solid_mass(hold, hp, sf, y_in, d_lo, d_hi, kc, kd, rev, ion_in,
                                         dc, nu_ion, ln_kh, d0, use_d0, rtol, max_iter, ln_cap,
                                         shift, floor, m_inert, mw, f0, last_m, use_last,
                                         half_frac, brent_iter)  # fmt: skip
    if status != 0:
        return math.nan, d, m, status, bad, step
    consumed = 0.0
    for i in range(n):
        consumed += nu[i] * (f0[i] * d[i])
    f, _ = _balance(lh, totals, 0.0, cum, k, z0, kw)  # -(strong charge at h)
    return q_in + consumed / q_liq_l + f, d, m, 0, -1, 0.0


@njit(cache=True, error_model="numpy")
def _remembered(x, memo, nm, tank, opts, state):
    """:func:`_tank_resid` at x, from ``memo`` (2 x size: points, values; nm of them) when
    evaluated before (the NumPy path's _remembered), else evaluated and kept; ``state`` =
    (d, use_d, m, use_m), the last increments and solid mass flow, carried from each
    evaluation to the next. Returns (value, nm, state, status, bad, step)."""
    for j in range(nm):
        if memo[0, j] == x:
            return memo[1, j], nm, state, 0, -1, 0.0
    fx, d, m, status, bad, step = _tank_resid(x, tank, opts, state[0], state[1], state[2],
                                              state[3])  # fmt: skip
    if status != 0:
        return math.nan, nm, (d, True, m, True), status, bad, step
    if nm < memo.shape[1]:
        memo[0, nm] = x
        memo[1, nm] = fx
        nm += 1
    return fx, nm, (d, True, m, True), 0, -1, 0.0


@njit(cache=True, error_model="numpy")
def _tank_brent(lo, hi, f_lo, f_hi, memo, nm, tank, opts, state):
    """Brent's method on u in [lo, hi] (f(lo) < 0 < f(hi)) to xtol = rtol = 1e-15, as
    the NumPy path's brentq. Returns (u, nm, state, status, bad, step); status 3 when it
    did not converge in opts' brent_iter evaluations."""
    st = _brent_start(lo, hi, f_lo, f_hi)
    for _ in range(opts[7]):
        done, x = _brent_advance(st, 1e-15, 1e-15)
        if done:
            return x, nm, state, 0, -1, 0.0
        fx, nm, state, status, bad, step = _remembered(x, memo, nm, tank, opts, state)
        if status != 0:
            return x, nm, state, status, bad, step
        st[4] = fx
    return st[1], nm, state, 3, -1, abs(st[2] - st[1])


@njit(cache=True, error_model="numpy")
def _quadratic_h(b, kw):
    """Positive root of h^2 + b h - Kw = 0, free of cancellation (speciation._quadratic_h)."""
    root = math.sqrt(b * b + 4.0 * kw)
    return 2.0 * kw / (b + root) if b > 0.0 else 0.5 * (root - b)


@njit(cache=True, error_model="numpy")
def _full_bracket(tank, opts, n_sys):
    """The bracket of u = ln [H+] with nothing and with everything dissolved: the free
    [H+] of the liquor at the strong charge with the acid of d_hi and of d_lo consumed
    (the speciation kernel's roots, speciate's bracket and tolerance), widened by 1e-12.
    Returns (lo, hi, bad, step); bad >= 0 if a root did not converge."""
    d_lo, d_hi, nu, f0, totals, cum, k, z0 = tank[3], tank[4], tank[13], tank[16], tank[17], \
        tank[18], tank[19], tank[20]  # fmt: skip
    q_in, q_liq_l, kw = opts[8], opts[9], opts[10]
    s_hi = 0.0
    s_lo = 0.0
    for i in range(d_hi.shape[0]):
        s_hi += nu[i] * (f0[i] * d_hi[i])
        s_lo += nu[i] * (f0[i] * d_lo[i])
    q2 = np.array([q_in + s_hi / q_liq_l, q_in + s_lo / q_liq_l])
    m = totals.shape[0]
    c2 = np.empty((2, m))
    lo2 = np.empty(2)
    hi2 = np.empty(2)
    for r in range(2):
        b_lo = q2[r]
        b_hi = q2[r]
        for j in range(m):
            c2[r, j] = totals[j]
            b_lo += totals[j] * z0[j]
            b_hi += totals[j] * (z0[j] - n_sys[j])
        lo2[r] = math.log(_quadratic_h(b_lo, kw)) - 1e-9
        hi2[r] = math.log(_quadratic_h(b_hi, kw)) + 1e-9
    ue, bad, step = charge_roots(c2, q2, cum, k, z0, kw, lo2, hi2, lo2, np.bool_(False), 1e-14,
                                 np.int64(200))  # fmt: skip
    return math.log(math.exp(ue[0])) - 1e-12, math.log(math.exp(ue[1])) + 1e-12, bad, step


@njit(cache=True, error_model="numpy")
def _narrowed(lo, hi, guess, half, memo, nm, tank, opts, state):
    """The bracket [lo, hi] of u narrowed with two evaluations around ``guess`` (inside it),
    as leaching._narrowed: to [guess - half, guess + half] if the root is inside, else to
    the side that holds it. Returns (lo, hi, nm, state, status, bad, step)."""
    a = max(lo, guess - half)
    b = min(hi, guess + half)
    fb, nm, state, status, bad, step = _remembered(b, memo, nm, tank, opts, state)
    if status != 0 or fb <= 0.0:
        return b, hi, nm, state, status, bad, step  # the root is at or above b
    fa, nm, state, status, bad, step = _remembered(a, memo, nm, tank, opts, state)
    if fa < 0.0:
        return a, b, nm, state, status, bad, step
    return lo, a, nm, state, status, bad, step  # at or below a


@njit(cache=True, error_model="numpy")
def tank_root(tank, opts, n_sys, d0, use_d0, u_guess, use_guess, guess_half):
    """One leach tank in one call (leaching._solve_tank, evaluation for evaluation): u =
    ln [H+] where the acid the solids consume closes the liquor's charge balance, each
    evaluation a solid-mass root. First the bracket u_guess +- guess_half if it holds a
    sign change; else the full bracket (:func:`_full_bracket`) narrowed around u_guess as
    leaching._narrowed, its ends, and Brent's method; values at points evaluated before
    come from memory. ``tank`` = (hold, sf, y_in, d_lo, d_hi, kc, kd, rev, ion_in, dc,
    nu_ion, ln_k, order, nu, shift, mw, f0, totals, cum, k, z0) and ``opts`` = (sat,
    rtol, max_iter, ln_cap, floor, m_inert, half_frac, brent_iter, q_in, q_liq_l, kw) as
    leaching._solve_tank builds them. Returns (d, u, status, bad, step): status 0 solved,
    1 and 2 as :func:`solid_mass`, 3 Brent's method on u did not converge, 4 a root of the
    full bracket did not converge."""
    memo = np.empty((2, 2 * opts[7] + 8))
    nm = np.int64(0)
    state = (d0.copy(), use_d0, 0.0, np.bool_(False))
    u = math.nan
    if use_guess:
        a, b = u_guess - guess_half, u_guess + guess_half
        fb, nm, state, status, bad, step = _remembered(b, memo, nm, tank, opts, state)
        if status != 0:
            return state[0], b, status, bad, step
        if fb > 0.0:
            fa, nm, state, status, bad, step = _remembered(a, memo, nm, tank, opts, state)
            if status != 0:
                return state[0], a, status, bad, step
            if fa < 0.0:
                u, nm, state, status, bad, step = _tank_brent(a, b, fa, fb, memo, nm, tank,
                                                              opts, state)  # fmt: skip
                if status != 0:
                    return state[0], u, status, bad, step
    if math.isnan(u):
        lo, hi, bad, step = _full_bracket(tank, opts, n_sys)
        if bad >= 0:
            return state[0], math.nan, 4, bad, step
        if use_guess and lo < u_guess < hi:
            lo, hi, nm, state, status, bad, step = _narrowed(lo, hi, u_guess, guess_half,
                                                             memo, nm, tank, opts, state)  # fmt: skip
            if status != 0:
                return state[0], u_guess, status, bad, step
        f_hi, nm, state, status, bad, step = _remembered(hi, memo, nm, tank, opts, state)
        if status != 0:
            return state[0], hi, status, bad, step
        if f_hi <= 0.0:
            u = hi
        else:
            f_lo, nm, state, status, bad, step = _remembered(lo, memo, nm, tank, opts, state)
            if status != 0:
                return state[0], lo, status, bad, step
            if f_lo >= 0.0:
                u = lo
            else:
                u, nm, state, status, bad, step = _tank_brent(lo, hi, f_lo, f_hi, memo, nm,
                                                              tank, opts, state)  # fmt: skip
                if status != 0:
                    return state[0], u, status, bad, step
    _, d, _, status, bad, step = _tank_resid(u, tank, opts, state[0], state[1], state[2],
                                             state[3])  # fmt: skip
    return d, u, status, bad, step
