"""Vectorised bracketed root finding for monotone scalar equations (private helper).

Every equation solved here is monotone in its unknown on a known bracket, so a safeguarded
Newton step (bisection whenever Newton leaves the bracket) converges for every element of
the array from any start: bisection guarantees progress, Newton gives quadratic
convergence near the root. Converged elements drop out of the active set, so a batch costs
about what its hardest elements cost.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from yieldkit.errors import ConvergenceError


def newton_bisect(
    func: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    lo: np.ndarray,
    hi: np.ndarray,
    x0: np.ndarray | None = None,
    increasing: bool = True,
    xtol: float = 1e-14,
    max_iter: int = 200,
    what: str = "root",
    xfloor: float = 1.0,
    xshift: np.ndarray | None = None,
) -> np.ndarray:
    """Solve ``f(x) = 0`` element-wise for a monotone ``f`` bracketed by ``[lo, hi]``.

    Parameters
    ----------
    func : callable
        ``func(x, idx) -> (f, dfdx)``: values at the flat indices ``idx`` of the
        problem, for the 1-D array ``x`` of those elements [-].
    lo, hi : numpy.ndarray
        Bracket with ``f(lo) <= 0 <= f(hi)`` for increasing ``f`` [-].
    x0 : numpy.ndarray, optional
        Start; the bracket midpoint if omitted [-].
    increasing : bool
        Whether ``f`` increases with ``x`` [-].
    xtol : float
        Tolerance on ``x``: ``xtol * max(xfloor, |x|)``, i.e. absolute below ``xfloor`` and
        relative above [-].
    max_iter : int
        Iteration limit [-].
    what : str
        Name of the equation for error messages [-].
    xfloor : float
        Below this |x| the tolerance is absolute (default 1); a tiny value makes it relative
        down to that size. An iterate that no longer moves in floating point counts as
        converged [-].
    xshift : numpy.ndarray, optional
        Per element, the tolerance is relative to |x + xshift| instead of |x| (x is an
        increment of a larger quantity that must be precise) [-].

    Returns
    -------
    numpy.ndarray
        The root for every element, shape of ``lo`` [-].
    """
    shape = np.shape(lo)
    lo = np.array(lo, dtype=float).ravel()
    hi = np.array(hi, dtype=float).ravel()
    if x0 is None:
        x = 0.5 * (lo + hi)
    else:
        x = np.clip(np.broadcast_to(np.asarray(x0, dtype=float), shape).ravel(), lo, hi)
    sign = 1.0 if increasing else -1.0
    shift = None if xshift is None else np.broadcast_to(np.asarray(xshift, float), shape).ravel()
    idx = np.arange(x.size)
    history: list[float] = []
    for _ in range(max_iter):
        xa, la, ha = x[idx], lo[idx], hi[idx]
        f, df = func(xa, idx)
        f = sign * f
        df = sign * df
        la = np.where(f <= 0.0, xa, la)
        ha = np.where(f >= 0.0, xa, ha)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            newton = f / df
        x_new = xa - newton
        ref = np.abs(xa) if xshift is None else np.abs(xa + shift[idx])
        tol = xtol * np.maximum(xfloor, ref)
        small = np.abs(newton) <= tol  # converged: accept even on the bracket edge
        bad = ~small & (~np.isfinite(x_new) | (x_new <= la) | (x_new >= ha))
        x_new = np.where(bad, 0.5 * (la + ha), x_new)
        x_new = np.clip(x_new, la, ha)  # a converged step stays in the bracket too
        x_new = np.where(f == 0.0, xa, x_new)
        step = np.abs(x_new - xa)
        done = small | (f == 0.0) | (ha - la <= tol) | (x_new == xa)
        x[idx], lo[idx], hi[idx] = x_new, la, ha
        history.append(float(np.max(step)) if step.size else 0.0)
        idx = idx[~done]
        if idx.size == 0:
            return x.reshape(shape)
    raise ConvergenceError(
        f"{what}: bracketed Newton did not converge in {max_iter} iterations for "
        f"{idx.size} element(s) (largest last step {history[-1]:.3g}).",
        loop=what,
        residual_history=history,
        best_iterate=x.reshape(shape),
    )
