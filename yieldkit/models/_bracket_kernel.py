"""Compiled (numba) step of the bracketed Newton iteration of
:func:`yieldkit.models._bracket.newton_bisect`, for the kernels that run it one root at a
time (:mod:`yieldkit.models._speciation_kernel`, :mod:`yieldkit.models._leach_kernel`).

Both kernels record this file's SHA-256: numba's cache of a function holds the code of
every function it calls and is invalidated only by changes of the function's own file.
"""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True, error_model="numpy", inline="always")
def bracketed_step(x, f, df, lo, hi, tol):
    """One step of newton_bisect for f increasing on [lo, hi], from f(x) and f'(x): the
    bracket tightened to x on the side of f's sign, the Newton step if it stays inside it
    (accepted even on its edge once it is within ``tol``), else bisection. Returns
    (x_new, lo, hi, done, step): done when the step is within tol, f = 0, the bracket is
    narrower than tol or x no longer moves."""
    if f <= 0.0:
        lo = x
    if f >= 0.0:
        hi = x
    newton = f / df
    x_new = x - newton
    small = abs(newton) <= tol  # converged: accept even on the bracket edge
    if not small and not (math.isfinite(x_new) and lo < x_new < hi):
        x_new = 0.5 * (lo + hi)
    x_new = min(max(x_new, lo), hi)  # a converged step stays in the bracket too
    if f == 0.0:
        x_new = x
    step = abs(x_new - x)
    done = small or f == 0.0 or hi - lo <= tol or x_new == x
    return x_new, lo, hi, done, step
