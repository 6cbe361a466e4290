"""Compiled (numba) remaining-fraction solve of a leach tank: the innermost, hottest root.

:func:`yieldkit.models.leaching._remaining` solves, for every solid of a tank at a given
[H+] and hold-up, F0 (y_in - y) = W r(y) (1 - Omega(y)) / 3600 by bracketed Newton
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
def _resid(y, y_in, c, kc, kd, rev, c_top, dc, nu_ion, ln_kh, ln_cap):
    """(f, df/dy) of one solid, f decreasing in y (as leaching._remaining's resid)."""
    s = y ** (1.0 / 3.0)
    gc = s * s
    gd = s / (1.0 - s)
    res = 1.0 / (kc * gc) + 1.0 / (kd * gd)
    rate = 1.0 / res
    dgc = (2.0 / 3.0) / s
    dgd = (1.0 / 3.0) / (s * s * (1.0 - s) ** 2)
    tc = 0.0 if math.isinf(kc) else dgc / (kc * gc * gc)
    td = 0.0 if math.isinf(kd) else dgd / (kd * gd * gd)
    drate = rate * rate * (tc + td)
    if not rev:
        return y_in - y - c * rate, -1.0 - c * drate
    ion = c_top - dc * y
    om = 0.0
    dom = 0.0
    if ion > 0.0:
        om = math.exp(min(nu_ion * math.log(ion) - ln_kh, ln_cap))
        dom = om * nu_ion * dc / ion  # -dOmega/dy
    drive = 1.0 - om
    return y_in - y - c * rate * drive, -1.0 - c * (drate * drive + rate * dom)


@njit(cache=True, error_model="numpy")
def remaining(y_in, y_hi, c, kc, kd, rev, c_top, dc, nu_ion, ln_kh, y0, use_y0, xtol,
              max_iter, ln_cap):  # fmt: skip
    """Roots y in [0, y_hi] per solid; returns (y, index of a solid that did not converge
    or -1, its last step)."""
    n = y_in.shape[0]
    y = np.empty(n)
    for j in range(n):
        lo = 0.0
        hi = y_hi[j]
        x = min(max(y0[j], lo), hi) if use_y0 else 0.5 * (lo + hi)
        done = False
        step = 0.0
        for _ in range(max_iter):
            f, df = _resid(x, y_in[j], c[j], kc[j], kd[j], rev[j], c_top[j], dc[j],
                           nu_ion[j], ln_kh[j], ln_cap)  # fmt: skip
            f = -f  # increasing form, as newton_bisect(increasing=False)
            df = -df
            if f <= 0.0:
                lo = x
            if f >= 0.0:
                hi = x
            newton = f / df
            x_new = x - newton
            tol = xtol * max(1.0, abs(x))
            small = abs(newton) <= tol
            if not small and (not math.isfinite(x_new) or x_new <= lo or x_new >= hi):
                x_new = 0.5 * (lo + hi)
            if f == 0.0:
                x_new = x
            step = abs(x_new - x)
            done = small or f == 0.0 or hi - lo <= tol
            x = x_new
            if done:
                break
        y[j] = x
        if not done:
            return y, j, step
    return y, -1, 0.0
