"""Tear solvers that call ``scipy.optimize.root`` on ``F(x) = g(P(x)) − x``.

``P`` is the projection onto ``x >= 0`` done by the evaluator, so g never sees a negative
entry even when a quasi-Newton step overshoots. Before scipy is called, direct substitution
steps are taken until no new component turns nonzero (option ``warmup``: at most this many
steps, default 50, range [0, 1000]; 0 disables), and scipy starts from one more direct
step. From a cold start (zero flows) this moves the start off the bound, where finite
differences would see the kink of P, and lets flows fed only through the recycle show
their magnitude; without it Newton-Krylov and hybr failed on a cold-started chain loop and
on the flotation route. The methods work in scaled variables ``y = x / s0`` with ``s0_i``
the largest of ``|x0_i|``, ``|g_i|`` over the warm-up steps and :data:`VARIABLE_FLOOR`
times the convergence test's floor at those points, so that components spanning many
orders of magnitude are equally resolved down to ~1e-6 of the largest flow, not into the
rounding noise of traces; scipy's own stopping tolerance ``fatol`` is divided by the same
factor, so that it never stops before the shared test. scipy sees only the support: the
components that are nonzero in the start or in a warm-up step; the others stay zero, so
finite differences never put a trace of a species the loop does not carry into a unit
(a leach without rate parameters for it would reject it), and the Jacobian is smaller. If
at scipy's end a component outside the support has turned nonzero, the solve is repeated
on the grown support (at most ``SUPPORT_ROUNDS`` rounds). Every call of F is counted and enters the
residual history; as soon as a call meets the shared convergence test the method is
stopped there. When scipy stops on its own, the returned point is re-checked with one
more call of g (no call is needed when it is the point evaluated last); scipy's
``success`` flag is not used.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from yieldkit.errors import InfeasibleStateError, YieldkitError
from yieldkit.flowsheet.solvers.base import (
    LoopEvaluator,
    TearSolver,
    _Converged,
    _Diverged,
    floor_at,
)

_LINE_SEARCH = ("armijo", "wolfe", None)
#: The variable scale's floor, as a multiple of the convergence test's floor [-]: a
#: component is resolved relative to itself only above ~1e-6 of the largest flow (the
#: default floor is 1e-9 of it); traces below carry the rounding noise of the units that
#: make them, and resolved finely they spoil finite-difference Jacobians. Measured
#: 2026-12-06 on ndfeb-hcl-leach with dy_sx=True at 0.1 / 1 / 10 t/h of magnets
#: (iterations of newton-krylov / broyden / hybr; the tear floor on the flows alone, as
#: flowsheet._tear_floor): x1 fail / fail / 386-392; x100 44-70 / 76 / 86-107; x1e3
#: 5 / 17 / 33-35, the same at every scale; x1e4 3 / 16 / 34-35, but hybr then stopped at
#: 1.3e-11 on coal-refuse-uky with 1000x its feeds ("no further improvement"; x1e5: at
#: every scale), its steps no longer resolving the traces the test still measures. Over
#: the ten routes at 1, 10 and 1000x their feeds with every solver, x1e3 converges all
#: 180 solves in 8155 iterations (the floor set by the temperature, before: 8343).
VARIABLE_FLOOR = 1e3
_WARMUP = (50, 0, 1000, False, False)
_KRYLOV = ("lgmres", "gmres", "bicgstab", "cgs", "minres", "tfqmr")
#: scipy solves on a growing support: at most this many rounds [-]
SUPPORT_ROUNDS = 3
#: residual scale returned for a trial point no unit can operate at (line-search methods) [-]
INFEASIBLE_FACTOR = 1e6

#: Least factor by which a restart from the best point must cut the best residual for
#: another restart to follow [-]
RESTART_GAIN = 10.0


def _variable_scale(x: np.ndarray, scale) -> np.ndarray:
    """Scale of the variables scipy works on at tear values x: max(|x|, VARIABLE_FLOOR x
    the convergence floor), ``scale`` being the floor as :func:`base.scale_vector` takes it
    (an array, a callable of x, or None for the default) [as x]."""
    return np.maximum(np.abs(x), VARIABLE_FLOOR * np.asarray(floor_at(x, scale), dtype=float))


class _ScipyRoot(TearSolver):
    """Common driver: scaled residual function, evaluation counting, early stop."""

    scipy_method = ""
    #: whether scipy.optimize.root supports ``callback`` (iteration counting) for it
    has_callback = True
    #: whether a solve that ends unconverged with one line search ('armijo' or 'wolfe') is
    #: run once more from its best point with the other (up to max_iter more iterations)
    retries_line_search = False
    #: how many times a solve that stops for lack of progress is started again from its
    #: best point (a fresh start of the method's own model of the loop), while each restart
    #: cuts the best residual at least RESTART_GAIN times
    restarts = 0

    @property
    def backtracks(self) -> bool:
        """Whether the method searches along its step (a ``line_search`` option that is not
        None), so that an infeasible trial point can answer with a huge residual and be
        retreated from (hybr has none)."""
        return self.options.get("line_search") is not None

    def _scipy_options(self, n: int, tol: float, line_search=None, spent: int = 0) -> dict:
        """scipy's options for n unknowns, tolerance tol and the line search to use, after
        ``spent`` calls of g."""
        raise NotImplementedError

    def _no_retreat(self, ev: LoopEvaluator, exc: InfeasibleStateError) -> InfeasibleStateError:
        """The unit's error at a trial point of a method without a line search, with where it
        came from: the unit's message alone (e.g. 'raise the dose') reads as a verdict on the
        steady state, which other methods may reach feasibly."""
        return InfeasibleStateError(
            f"loop {ev.loop!r}: tear solver {self.name!r} stepped to a state at which a unit "
            f"cannot operate (evaluation {ev.evaluations + 1}; without a line search it cannot "
            f"retreat from it): {str(exc).rstrip('.')}. The steady state itself may be "
            "feasible: methods that retreat from infeasible trial points take other paths to "
            "it, e.g. get_solver('anderson')."
        )

    def _iterate(self, ev: LoopEvaluator, x0: np.ndarray):
        # Warm-up by direct substitution until no new component turns nonzero (at most
        # `warmup` steps): moves a cold start off the x >= 0 bound, where finite differences
        # see the kink of the projection, and shows the magnitude of the flows fed only
        # through the recycle, for the variable scale s0.
        xp, gx, r = ev(x0)
        s0 = np.maximum(_variable_scale(xp, ev.scale), _variable_scale(gx, ev.scale))
        support = (xp != 0.0) | (gx != 0.0)
        for _ in range(self.options["warmup"]):
            if r <= self.tol:
                break
            xp, gx, r = ev(gx)
            s0 = np.maximum(s0, _variable_scale(gx, ev.scale))
            grown = support | (gx != 0.0)
            if not np.any(grown & ~support):
                break
            support = grown
        if r <= self.tol:
            return xp, ev.evaluations - 1, "converged"
        ev.started = ev.evaluations  # the method's own calls of g count from here
        nit = [0]
        line_search = self.options.get("line_search")
        out, support, s0 = self._rounds(ev, support, s0, gx, nit, line_search)
        other = {"armijo": "wolfe", "wolfe": "armijo"}.get(line_search)
        if out[2] != "converged" and self.retries_line_search and other is not None:
            first = out[2]
            out, _, _ = self._rounds(ev, support, s0, ev.best_x, nit, other)
            out = (out[0], out[1], f"{out[2]} (line_search={line_search!r} first: {first}; "
                                   f"then from its best point with line_search={other!r})")  # fmt: skip
        first, done = out[2], 0
        while self._stalled(out[2]) and done < self.restarts and self._budget_left(ev):
            best = ev.best_r
            out, support, s0 = self._rounds(ev, support, s0, ev.best_x, nit, line_search)
            done += 1
            if not ev.best_r * RESTART_GAIN < best:
                break
        if done:
            out = (out[0], out[1], f"{out[2]} (after {done} restart(s) from its best point; "
                                   f"the first run: {first})")  # fmt: skip
        return out

    @staticmethod
    def _stalled(note: str) -> bool:
        """Whether a run stopped for lack of progress (MINPACK's info 4 and 5, which scipy
        reports as "not making good progress"), not on its call limit or converged."""
        return "not making good progress" in note

    def _budget_left(self, ev: LoopEvaluator) -> bool:
        """Whether a restart may call g again (``max_iter`` counts calls of g for the
        methods without an iteration callback)."""
        return (self.has_callback or self.max_iter is None
                or ev.evaluations - ev.started < self.max_iter)  # fmt: skip

    def _rounds(self, ev: LoopEvaluator, support, s0, start, nit, line_search):
        """scipy on the support, repeated on a grown support (at most SUPPORT_ROUNDS
        rounds); returns ((point, iterations, note), support, s0)."""
        for _ in range(SUPPORT_ROUNDS):
            out = self._solve_on(ev, support, s0, start, nit, line_search)
            if out[2] == "converged":
                return out, support, s0
            x = out[0]
            xq, gq, _ = ev(x)  # no new call when x is the point evaluated last
            grown = support | (gq != 0.0)
            if not np.any(grown & ~support):
                return out, support, s0
            # a component outside the support turned nonzero: solve again on the larger
            # support, from one direct step
            support = grown
            s0 = np.maximum(s0, np.abs(gq))
            start = gq
        return out, support, s0

    def _solve_on(self, ev: LoopEvaluator, support, s0, start, nit, line_search=None):
        """scipy on the support components only (the others held at zero: finite
        differences never probe a species the loop does not carry)."""
        tol = self.tol
        idx = np.flatnonzero(support)
        s = s0[idx]
        n = start.size

        def full(y: np.ndarray) -> np.ndarray:
            x = np.zeros(n)
            x[idx] = s * y
            return x

        def fun(y: np.ndarray) -> np.ndarray:
            x = full(y)
            try:
                xq, gq, rq = ev(x)
            except InfeasibleStateError as exc:
                if ev.last is None:
                    raise
                if not self.backtracks:
                    raise self._no_retreat(ev, exc) from exc
                # a trial point no unit can operate at: a residual far larger than the last
                # feasible one makes the line search shorten the step (a retreat)
                ev.evaluations += 1
                ev.retreat(exc)
                x_last, g_last, _ = ev.last
                return INFEASIBLE_FACTOR * ((g_last[idx] - x_last[idx]) / s + 1.0)
            if rq <= tol:
                raise _Converged
            return (gq[idx] - x[idx]) / s

        def callback(y, f) -> None:
            nit[0] += 1

        kwargs = {"callback": callback} if self.has_callback else {}
        try:
            # scipy's own divisions may overflow or divide by zero on a bad step: the
            # resulting non-finite iterate is reported below, not warned about
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                sol = optimize.root(
                    fun,
                    start[idx] / s,  # start from one more direct step
                    method=self.scipy_method,
                    options=self._scipy_options(
                        idx.size, tol, line_search, ev.evaluations - ev.started
                    ),
                    **kwargs,
                )
        except _Converged:
            it = nit[0] + 1 if self.has_callback else ev.evaluations
            return ev.last[0], it, "converged"
        except (YieldkitError, _Diverged):
            raise
        except (ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
            it = nit[0] if self.has_callback else ev.evaluations
            return ev.best_x, it, f"scipy {self.scipy_method} stopped: {exc}"
        it = nit[0] if self.has_callback else ev.evaluations
        x = full(np.asarray(sol.x, dtype=float))
        if not np.all(np.isfinite(x)):
            return ev.best_x, it, f"scipy {self.scipy_method} returned a non-finite point"
        return x, it, f"scipy {self.scipy_method}: {' '.join(str(sol.message).split())}"


class Broyden(_ScipyRoot):
    """Broyden's good method (``scipy.optimize.root(method="broyden1")``).

    The initial Jacobian of ``F = g − x`` is ``−I / alpha`` in scaled variables
    (``alpha = 1``: the Jacobian of a weakly coupled loop). Options: ``alpha`` in
    (0, 100], ``line_search`` one of 'armijo', 'wolfe', None. ``max_iter`` counts Broyden
    iterations (a line search may call g more than once per iteration).

    References
    ----------
    .. [1] Broyden, C. G. (1965). A class of methods for solving nonlinear simultaneous
       equations. Mathematics of Computation 19(92), 577-593.
    """

    name = "broyden"
    scipy_method = "broyden1"
    references = ("Broyden1965",)
    default_max_iter = 1000
    options_spec = {
        "warmup": _WARMUP,
        "alpha": (1.0, 0.0, 100.0, True, False),
        "line_search": ("armijo", _LINE_SEARCH),
    }

    def _scipy_options(self, n, tol, line_search=None, spent=0):
        return {
            "maxiter": self.max_iter,
            "fatol": tol * 1e-3 / VARIABLE_FLOOR,
            "line_search": line_search,
            "jac_options": {"alpha": self.options["alpha"]},
        }


class NewtonKrylov(_ScipyRoot):
    """Jacobian-free Newton-Krylov (``scipy.optimize.root(method="krylov")``).

    Jacobian-vector products by finite differences of F (each costs one call of g).
    Options: ``krylov_method`` one of 'lgmres' (default), 'gmres', 'bicgstab', 'cgs',
    'minres', 'tfqmr'; ``inner_maxiter`` in [1, 1000] (default 20); ``rdiff`` relative
    difference step in (0, 0.1] or None (scipy's default); ``line_search`` ('armijo',
    'wolfe' or None). ``max_iter`` counts Newton iterations. A solve that ends unconverged
    with 'armijo' or 'wolfe' is run once more from its best point with the other line
    search (up to ``max_iter`` more iterations; the note says so).

    References
    ----------
    .. [1] Knoll, D. A., Keyes, D. E. (2004). Jacobian-free Newton-Krylov methods: a survey
       of approaches and applications. Journal of Computational Physics 193(2), 357-397.
    """

    name = "newton-krylov"
    scipy_method = "krylov"
    references = ("KnollKeyes2004",)
    default_max_iter = 200
    options_spec = {
        "warmup": _WARMUP,
        "krylov_method": ("lgmres", _KRYLOV),
        "inner_maxiter": (20, 1, 1000, False, False),
        "rdiff": (None, 0.0, 0.1, True, False),
        "line_search": ("armijo", _LINE_SEARCH),
    }

    # measured 2026-12-06: ndfeb-hcl-leach with dy_sx=True stalls at a scaled residual of
    # 0.19 with 'armijo' (200 iterations, 2.8 s) and converges in 25 iterations with
    # 'wolfe'; bastnasite-mountain-pass converges with 'armijo' and stops after 20 with
    # 'wolfe' (scipy: "Jacobian inversion yielded zero vector"). Neither is the better
    # default, so a failed solve tries the other from its best point
    retries_line_search = True

    def _scipy_options(self, n, tol, line_search=None, spent=0):
        jac = {
            "method": self.options["krylov_method"],
            "inner_maxiter": int(self.options["inner_maxiter"]),
        }
        if self.options["rdiff"] is not None:
            jac["rdiff"] = self.options["rdiff"]
        return {
            "maxiter": self.max_iter,
            "fatol": tol * 1e-3 / VARIABLE_FLOOR,
            "line_search": line_search,
            "jac_options": jac,
        }


class Hybr(_ScipyRoot):
    """Powell's hybrid method, MINPACK ``hybrd`` (``scipy.optimize.root(method="hybr")``).

    A trust-region Newton-type method with a finite-difference Jacobian (n calls of g per
    Jacobian) and Broyden rank-1 updates in between; good for small loops. A run that
    stops for lack of progress starts again from its best point (a fresh Jacobian; up to
    three times while each cuts the best residual 10x; the note says so). ``max_iter``
    limits the calls of g after the warm-up over every run (MINPACK ``maxfev``; default
    ``200 (n + 1)`` per run), and ``iterations`` reports calls of g. Options: ``xtol``
    relative step tolerance in (0, 1) (default 1e-13, so that the shared residual test
    decides), ``factor`` initial step bound in [0.1, 100] (default 100), ``epsfcn``
    finite-difference step parameter in (0, 1) or None (machine precision).

    References
    ----------
    .. [1] Powell, M. J. D. (1970). A hybrid method for nonlinear equations. In
       Rabinowitz, P. (ed.), Numerical Methods for Nonlinear Algebraic Equations, 87-114.
    """

    name = "hybr"
    scipy_method = "hybr"
    has_callback = False
    # measured 2026-12-06 on 60 random saponified SX circuits: 16 stopped unconverged
    # (MINPACK "not making good progress"), half of them within 1e-9 of the tolerance,
    # where the Broyden-updated finite-difference Jacobian no longer gives a descent; a
    # fresh start from the best point recomputes it
    restarts = 3
    references = ("Powell1970",)
    default_max_iter = None
    options_spec = {
        "warmup": _WARMUP,
        "xtol": (1e-13, 0.0, 1.0, True, True),
        "factor": (100.0, 0.1, 100.0, False, False),
        "epsfcn": (None, 0.0, 1.0, True, True),
    }

    def _scipy_options(self, n, tol, line_search=None, spent=0):
        opts = {
            "xtol": self.options["xtol"],
            # max_iter counts the calls of g after the warm-up, over every run (support
            # rounds, restarts); without it each run may call g 200 (n + 1) times (MINPACK)
            "maxfev": max(self.max_iter - spent, 1) if self.max_iter else 200 * (n + 1),
            "factor": self.options["factor"],
        }
        if self.options["epsfcn"] is not None:
            opts["epsfcn"] = self.options["epsfcn"]
        return opts
