"""Compiled (numba) tank-increment solve of a leach tank: the innermost, hottest root.

:func:`yieldkit.models.leaching._reacted` solves, for every solid of a tank at a given
[H+] and hold-up, F0 d = W r(y_in - d) (1 - Omega(d)) / 3600 by bracketed Newton
(:func:`yieldkit.models._bracket.newton_bisect`). A tank solve calls it a few hundred times
(nested in the pulp-mass and [H+] roots) on arrays of a handful of solids, so NumPy's
per-call overhead dominates; this module runs the same iteration with plain loops, one
solid at a time, with the same residual, bracket update, Newton-or-bisection step and
stopping rule. The NumPy version stays the reference (used when numba is absent); a test
checks that both give the same roots.

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
