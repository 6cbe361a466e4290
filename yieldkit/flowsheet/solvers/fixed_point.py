"""Fixed-point tear solvers written on numpy: direct substitution, bounded Wegstein, Anderson.

Each iteration costs one call of the loop map g. Where a step would give a negative
entry, the evaluator projects it onto zero before calling g (see ``base``).
"""

from __future__ import annotations

import numpy as np

from yieldkit.errors import SpecificationError
from yieldkit.flowsheet.solvers.base import LoopEvaluator, TearSolver, scale_vector


class DirectSubstitution(TearSolver):
    """Direct substitution ``x_{k+1} = x_k + λ (g(x_k) − x_k)``.

    Options: ``damping`` λ in (0, 1] (default 1: plain substitution). Converges for any
    contracting loop, at the rate of its slowest mode (a 1 % purge needs ~2300 passes
    for tol 1e-10), hence the large default ``max_iter`` (20000).
    """

    name = "direct"
    default_max_iter = 20000
    options_spec = {"damping": (1.0, 0.0, 1.0, True, False)}

    def _iterate(self, ev: LoopEvaluator, x0: np.ndarray):
        lam = self.options["damping"]
        x = x0
        for k in range(self.max_iter + 1):
            xp, gx, r = ev(x)
            if r <= self.tol:
                return xp, k, "converged"
            if k == self.max_iter:
                break
            x = xp + lam * (gx - xp)
        return xp, self.max_iter, "iteration limit reached"


class Wegstein(TearSolver):
    """Bounded Wegstein acceleration, per component.

    After a first direct step, each component is updated as
    ``x_{k+1} = q x_k + (1 − q) g(x_k)`` with ``q = s / (s − 1)`` and the secant slope
    ``s = Δg / Δx`` of that component over the last two iterates. The bounding: ``q`` is
    clipped to ``[q_min, q_max]`` (default [-5, 0]: at most a six-fold extrapolation of the
    direct step, never damping); a component with ``Δx = 0`` or ``s = 1`` takes the direct
    step (q = 0). A negative extrapolated entry is projected to zero before g is called.

    Options: ``q_min`` in [-100, 0], ``q_max`` in [q_min, 1).

    References
    ----------
    .. [1] Wegstein, J. H. (1958). Accelerating convergence of iterative processes.
       Communications of the ACM 1(6), 9-13.
    """

    name = "wegstein"
    references = ("Wegstein1958",)
    default_max_iter = 5000
    options_spec = {
        "q_min": (-5.0, -100.0, 0.0, False, False),
        "q_max": (0.0, -100.0, 1.0, False, True),
    }

    def __init__(self, tol=1e-10, max_iter=None, on_failure="raise", **method_options):
        super().__init__(tol, max_iter, on_failure, **method_options)
        if self.options["q_max"] < self.options["q_min"]:
            raise SpecificationError(
                f"wegstein option q_max={self.options['q_max']!r} is below "
                f"q_min={self.options['q_min']!r}; accepted: q_min <= q_max < 1."
            )

    def _iterate(self, ev: LoopEvaluator, x0: np.ndarray):
        q_min, q_max = self.options["q_min"], self.options["q_max"]
        xp, gx, r = ev(x0)
        if r <= self.tol:
            return xp, 0, "converged"
        x_prev, g_prev, x = xp, gx, gx  # first step: direct substitution
        for k in range(1, self.max_iter + 1):
            (xp, gx, r), _ = ev.call_or_retreat(x, g_prev)  # infeasible: direct step
            if r <= self.tol:
                return xp, k, "converged"
            if k == self.max_iter:
                break
            dx, dg = xp - x_prev, gx - g_prev
            slope = np.divide(dg, dx, out=np.zeros_like(dx), where=dx != 0.0)
            den = slope - 1.0
            q = np.divide(slope, den, out=np.zeros_like(dx), where=den != 0.0)
            q = np.clip(q, q_min, q_max)
            x_prev, g_prev = xp, gx
            x = q * xp + (1.0 - q) * gx
        return xp, self.max_iter, "iteration limit reached"


class Anderson(TearSolver):
    """Anderson acceleration (type II, the least-squares form of Walker and Ni).

    With residuals ``f_k = g(x_k) − x_k`` and the last ``m`` differences ``ΔF``, ``ΔG`` of
    residuals and g-values, ``γ`` solves ``min ||W (f_k − ΔF γ)||`` (numpy ``lstsq`` with
    ``rcond``; W = diag(1/s), s the scale of the convergence test or |g(x_k)| where that
    is larger, so components spanning many orders of magnitude weigh alike, and one that
    a projected step set to zero weighs by its new value, not by the floor: with the floor
    1e-9 of the largest flow, such zeros outweighed every other component by ~1e8 and
    the iteration cycled, tests/flowsheet/test_random_flowsheets.py CI_CYCLE) and
    ``x_{k+1} = g(x_k) − ΔG γ − (1 − β)(f_k − ΔF γ)``. When ``ΔF`` is numerically
    rank-deficient (a singular value below ``rcond`` times the largest) the history is
    dropped (restart) and a mixing step ``x_k + β f_k`` is taken; the history is also
    dropped when ``2m`` steps in a row fail to improve the best residual (stale
    differences near round-off make the least-squares step stagnate). Negative entries of
    ``x_{k+1}`` are projected to zero before g is called.

    Options: ``m`` memory in [1, 50] (default 5), ``beta`` mixing in (0, 1] (default 1),
    ``rcond`` in (0, 1) (default 1e-10).

    References
    ----------
    .. [1] Anderson, D. G. (1965). Iterative procedures for nonlinear integral equations.
       Journal of the ACM 12(4), 547-560.
    .. [2] Walker, H. F., Ni, P. (2011). Anderson acceleration for fixed-point iterations.
       SIAM Journal on Numerical Analysis 49(4), 1715-1735.
    """

    name = "anderson"
    references = ("Anderson1965", "WalkerNi2011")
    default_max_iter = 1000
    options_spec = {
        "m": (5, 1, 50, False, False),
        "beta": (1.0, 0.0, 1.0, True, False),
        "rcond": (1e-10, 0.0, 1.0, True, True),
    }

    def _iterate(self, ev: LoopEvaluator, x0: np.ndarray):
        m, beta, rcond = self.options["m"], self.options["beta"], self.options["rcond"]
        xp, gx, r = ev(x0)
        if r <= self.tol:
            return xp, 0, "converged"
        d_f: list[np.ndarray] = []
        d_g: list[np.ndarray] = []
        f_prev, g_prev = None, None
        restarts, best_r, stalled = 0, r, 0
        for k in range(1, self.max_iter + 1):
            if stalled > 2 * m:  # no progress on the best residual: drop the stale history
                d_f.clear()
                d_g.clear()
                f_prev, g_prev, stalled = None, None, 0
                restarts += 1
            f = gx - xp
            if f_prev is not None:
                d_f.append(f - f_prev)
                d_g.append(gx - g_prev)
                if len(d_f) > m:
                    del d_f[0], d_g[0]
            f_prev, g_prev = f, gx
            x = xp + beta * f
            if d_f:
                w = 1.0 / np.maximum(scale_vector(xp, ev.scale), np.abs(gx))
                a_mat = np.column_stack(d_f) * w[:, None]
                gamma, _, rank, _ = np.linalg.lstsq(a_mat, f * w, rcond=rcond)
                if rank < a_mat.shape[1]:
                    d_f.clear()
                    d_g.clear()
                    restarts += 1
                else:
                    x = gx - np.column_stack(d_g) @ gamma
                    if beta < 1.0:
                        x = x - (1.0 - beta) * (f - np.column_stack(d_f) @ gamma)
            (xp, gx, r), retreated = ev.call_or_retreat(x, g_prev)
            if retreated:  # the extrapolation left the feasible states: plain step, restart
                d_f.clear()
                d_g.clear()
                f_prev, g_prev = None, None
                restarts += 1
            if r <= self.tol:
                return xp, k, f"converged ({restarts} restarts)"
            if r < best_r:
                best_r, stalled = r, 0
            else:
                stalled += 1
        return xp, self.max_iter, f"iteration limit reached ({restarts} restarts)"
