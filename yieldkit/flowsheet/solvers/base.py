"""The tear-solver contract: :class:`TearSolver`, :class:`SolveStats` and the loop evaluator.

A tear solver converges a recycle loop written as a fixed-point problem ``x = g(x)``, where
``x`` holds the tear-stream values (molar flows [mol/s] and temperature [K], all
nonnegative) and ``g`` runs the loop once. Every method shares one contract (after PyBaMM's
``solvers/base_solver.py``): options validated at construction, ``solve(g, x0)`` returning
the same :class:`SolveStats`, and one failure policy (``on_failure``).

Convergence test (the same for every method)::

    max_i |g(x)_i - x_i| / s_i <= tol,   s_i = max(|x_i|, floor_i)

with ``floor_i = 1e-9 * max(|x|) + 1e-30`` by default, or ``floor_i = scale_i`` when a
``scale`` array is given to :meth:`TearSolver.solve` (or ``scale(x)_i`` when it is a
callable: a floor that depends on the tear values, see :func:`default_floor`).

Positivity: g is never called with a negative entry. Every point a method wants to
evaluate is first projected onto ``x >= 0`` (negative entries set to zero); this is a
property of the iterates (an accelerated or quasi-Newton step may overshoot below zero),
not of the data: a negative ``x0`` is rejected with a SpecificationError.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from numbers import Integral, Real

import numpy as np

from yieldkit import citations
from yieldkit.errors import (
    ConvergenceError,
    InfeasibleStateError,
    SpecificationError,
    did_you_mean,
)

ON_FAILURE = ("raise", "return")
_REL_FLOOR = 1e-9
_ABS_FLOOR = 1e-30


def default_floor(x: np.ndarray) -> float:
    """The default floor of the convergence scale, ``1e-9 * max(|x|) + 1e-30`` [as x]."""
    return _REL_FLOOR * (float(np.abs(x).max()) if x.size else 0.0) + _ABS_FLOOR


def scale_vector(x: np.ndarray, scale=None) -> np.ndarray:
    """Per-component scale ``s_i = max(|x_i|, floor_i)`` of the convergence test.

    Parameters
    ----------
    x : numpy.ndarray
        Tear-stream values [mol/s or K].
    scale : numpy.ndarray or callable, optional
        Per-component floor [same units as x], or a callable ``scale(x)`` returning it;
        default ``1e-9 * max(|x|) + 1e-30`` (:func:`default_floor`).

    Returns
    -------
    numpy.ndarray
        The scale of each component [same units as x].
    """
    return np.maximum(np.abs(x), floor_at(x, scale))


def floor_at(x: np.ndarray, scale=None):
    """The floor of the convergence scale at tear values x: ``scale`` as
    :func:`scale_vector` takes it (an array, a callable of x, or None for
    :func:`default_floor`) [as x]."""
    if scale is None:
        return default_floor(x)
    return scale(x) if callable(scale) else scale


def scaled_residual(x: np.ndarray, gx: np.ndarray, scale: np.ndarray | None = None) -> float:
    """The convergence measure ``max_i |gx_i - x_i| / s_i`` shared by every tear solver.

    Parameters
    ----------
    x : numpy.ndarray
        Tear-stream values fed to the loop [mol/s or K].
    gx : numpy.ndarray
        Tear-stream values after one pass of the loop [mol/s or K].
    scale : numpy.ndarray or callable, optional
        Per-component floor of the scale, see :func:`scale_vector`.

    Returns
    -------
    float
        The scaled residual [-].
    """
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(gx - x) / scale_vector(x, scale)))


@dataclass
class SolveStats:
    """Outcome and statistics of one tear-loop solve (the same for every method).

    Attributes
    ----------
    x : numpy.ndarray
        The converged tear values, or the best iterate when not converged [mol/s or K].
        The last call of ``g`` made by the solver was with exactly this ``x``.
    converged : bool
        Whether the scaled residual at ``x`` is at most ``tol``.
    method : str
        Registry name of the solver.
    iterations : int
        Iterations of the method (new iterates; for ``hybr`` the calls of g).
    evaluations : int
        Calls of ``g`` (loop passes).
    wall_time : float
        Wall-clock time of the solve [s].
    residual : float
        Scaled residual at ``x`` [-].
    residual_history : list of float
        Scaled residual of every call of ``g``, in call order [-].
    loop : str
        Name of the loop.
    message : str
        How the solve ended.
    """

    x: np.ndarray
    converged: bool
    method: str
    iterations: int
    evaluations: int
    wall_time: float
    residual: float
    residual_history: list[float] = field(default_factory=list)
    loop: str = "loop"
    message: str = ""

    def summary(self) -> str:
        """One line: loop, method, outcome, iterations, evaluations, residual, time."""
        state = "converged" if self.converged else "NOT converged"
        return (
            f"{self.loop}: {self.method} {state} in {self.iterations} iterations, "
            f"{self.evaluations} evaluations, residual {self.residual:.2e}, "
            f"{self.wall_time * 1e3:.1f} ms"
        )

    def as_dict(self) -> dict:
        """Plain-Python dict (``x`` as a list) for JSON output."""
        d = asdict(self)
        d["x"] = [float(v) for v in self.x]
        d["residual_history"] = [float(v) for v in self.residual_history]
        return d


class _Converged(Exception):  # noqa: N818 - control flow, never escapes solve()
    """Raised inside a scipy callback to stop the method once the test is met."""


class _Diverged(Exception):  # noqa: N818 - control flow, never escapes solve()
    """A method produced a non-finite iterate; solve() reports it as non-convergence."""


class LoopEvaluator:
    """Wraps the loop map ``g``: projection, counting, finiteness, history, best iterate.

    Parameters
    ----------
    g : callable
        The loop map, ``g(x) -> ndarray`` [mol/s or K].
    n : int
        Number of tear values [-].
    scale : numpy.ndarray or None
        Per-component floor of the convergence scale, see :func:`scale_vector`.
    loop : str
        Loop name used in messages.
    method : str
        Solver name used in messages.
    """

    def __init__(self, g: Callable, n: int, scale, loop: str, method: str):
        self.g, self.n, self.scale, self.loop, self.method = g, n, scale, loop, method
        self.evaluations = 0
        self.history: list[float] = []
        self.best_x: np.ndarray | None = None
        self.best_r = math.inf
        self.last: tuple[np.ndarray, np.ndarray, float] | None = None
        self.retreats = 0  # extrapolated points at which a unit could not operate
        self.last_infeasible = ""  # the unit's message at the last of them
        self.started = 0  # evaluations before a method's own iterations (its warm-up)

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """Evaluate g at the projection of ``x`` onto ``x >= 0``.

        Returns the projected point, g there and the scaled residual. A repeated call at the
        point of the previous call returns the cached values without calling g.
        """
        x = np.asarray(x, dtype=float)
        if not np.all(np.isfinite(x)):
            bad = np.flatnonzero(~np.isfinite(x))[:10].tolist()
            raise _Diverged(f"the step became non-finite at components {bad}")
        xp = np.where(x > 0.0, x, 0.0)  # projection onto x >= 0 (also maps -0.0 to 0.0)
        if self.last is not None and np.array_equal(xp, self.last[0]):
            return self.last
        gx = np.array(self.g(xp.copy()), dtype=float, copy=True)
        self.evaluations += 1
        if gx.shape != xp.shape:
            raise SpecificationError(
                f"loop {self.loop!r}: the loop map returned shape {gx.shape}, "
                f"expected {xp.shape} (one value per tear variable)."
            )
        if not np.all(np.isfinite(gx)):
            bad = np.flatnonzero(~np.isfinite(gx))[:10].tolist()
            raise self.error(
                f"the loop map returned non-finite values (nan or inf) at components {bad} "
                f"on evaluation {self.evaluations} ({self.method}), for a finite nonnegative "
                "input; check the unit models of the loop (division by zero, overflow)"
            )
        r = scaled_residual(xp, gx, self.scale)
        self.history.append(r)
        if r < self.best_r or self.best_x is None:
            self.best_r, self.best_x = r, xp
        self.last = (xp, gx, r)
        return self.last

    def call_or_retreat(self, x: np.ndarray, fallback: np.ndarray):
        """:meth:`__call__` at an extrapolated point ``x``, or at ``fallback`` (a point the
        flowsheet produced, e.g. the last loop-map output) when a unit cannot operate at
        ``x`` (:class:`~yieldkit.errors.InfeasibleStateError`). If a unit cannot operate at
        ``fallback`` either, damped direct steps from the last input it could operate at,
        ``x_last + lam (fallback - x_last)`` with ``lam`` halved from 1/2 down to
        :data:`RETREAT_MIN` (the path of a damped fixed-point iteration, which stays between
        two states the flowsheet produced).

        Returns ``((xp, gx, r), retreated)``; raises the unit's error when no damped step is
        feasible (or nothing has been evaluated yet).
        """
        try:
            return self(x), False
        except InfeasibleStateError as exc:
            self.evaluations += 1
            self.retreat(exc)
        try:
            return self(fallback), True
        except InfeasibleStateError:
            self.evaluations += 1
            if self.last is None:
                raise
            x_last = self.last[0]
            lam = 0.5
            while True:
                try:
                    return self(x_last + lam * (np.asarray(fallback) - x_last)), True
                except InfeasibleStateError as exc:
                    self.evaluations += 1
                    lam *= 0.5
                    if lam < RETREAT_MIN:
                        raise self._cornered(exc) from exc

    def retreat(self, exc: InfeasibleStateError) -> None:
        """Count a retreat from an extrapolated point at which a unit could not operate,
        keeping its message for the solver's note."""
        self.retreats += 1
        self.last_infeasible = str(exc)

    def retreat_note(self) -> str:
        """What the solver's message says of the retreats (empty for none): how many, and
        the last unit's reason, which tells whether the steady state itself may be
        infeasible."""
        if not self.retreats:
            return ""
        return (f"; {self.retreats} extrapolated point(s) infeasible for a unit, retreated "
                f"(the last: {self.last_infeasible.rstrip('.')})")  # fmt: skip

    def _cornered(self, exc: InfeasibleStateError) -> InfeasibleStateError:
        """The unit's error, with where the tear solver stands: at a state it reached, every
        step towards the loop's own output (down to RETREAT_MIN of it) is infeasible."""
        alt = "wegstein" if self.method != "wegstein" else "direct"
        return InfeasibleStateError(
            f"loop {self.loop!r}: tear solver {self.method!r} reached a state (evaluation "
            f"{self.evaluations}, scaled residual {self.last[2]:.3g}) from which no step "
            f"towards the loop's own output is feasible, down to 1/{1 / RETREAT_MIN:g} of "
            f"it: {str(exc).rstrip('.')}. Other methods take other paths to the steady "
            f"state, e.g. get_solver({alt!r})."
        )

    def error(self, what: str) -> ConvergenceError:
        """A ConvergenceError for this loop carrying history and best iterate."""
        best = None if self.best_x is None else self.best_x.copy()
        return ConvergenceError(
            f"loop {self.loop!r}: {what}.",
            loop=self.loop,
            residual_history=self.history,
            best_iterate=best,
        )


#: smallest damping of the direct step tried when the loop map's own output is infeasible
RETREAT_MIN = 1.0 / 64.0

_ALTERNATIVE = {"direct": "anderson", "wegstein": "anderson", "anderson": "hybr"}


class TearSolver:
    """Base class of the tear-stream (recycle) solvers.

    Parameters
    ----------
    tol : float
        Scaled-residual tolerance, in (0, 1) [-].
    max_iter : int, optional
        Iteration limit, >= 1; default :attr:`default_max_iter` of the method [-].
    on_failure : str
        ``"raise"`` (ConvergenceError) or ``"return"`` (stats with ``converged=False``
        and ``x`` the best iterate).
    **method_options
        Method-specific options, see :attr:`options_spec` of each method.
    """

    name: str = "base"
    #: Citation keys (``CITATIONS.bib``) registered when the solver runs.
    references: tuple[str, ...] = ()
    default_max_iter: int | None = 1000
    #: option name -> (default, low, high, low_open, high_open) for real options, or
    #: (default, tuple of accepted values) for choices.
    options_spec: dict[str, tuple] = {}

    def __init__(
        self,
        tol: float = 1e-10,
        max_iter: int | None = None,
        on_failure: str = "raise",
        **method_options,
    ):
        self.tol = _check_real(f"{self.name} option tol", tol, 0.0, 1.0, True, True)
        if max_iter is None:
            self.max_iter = self.default_max_iter
        else:
            if isinstance(max_iter, bool) or not isinstance(max_iter, Integral) or max_iter < 1:
                raise SpecificationError(
                    f"{self.name} option max_iter={max_iter!r} is not accepted: "
                    "an integer >= 1 is required."
                )
            self.max_iter = int(max_iter)
        if on_failure not in ON_FAILURE:
            raise SpecificationError(
                f"{self.name} option on_failure={on_failure!r} is not accepted; "
                f"accepted values: {', '.join(repr(v) for v in ON_FAILURE)}."
                f"{did_you_mean(on_failure, ON_FAILURE) if isinstance(on_failure, str) else ''}"
            )
        self.on_failure = on_failure
        unknown = [k for k in method_options if k not in self.options_spec]
        if unknown:
            k = unknown[0]
            accepted = ["tol", "max_iter", "on_failure", *self.options_spec]
            raise SpecificationError(
                f"unknown option {k!r} for tear solver {self.name!r}."
                f"{did_you_mean(k, accepted)} Accepted: {', '.join(accepted)}."
            )
        self.options: dict = {}
        for key, spec in self.options_spec.items():
            value = method_options.get(key, spec[0])
            self.options[key] = self._check_option(key, value, spec)

    def _check_option(self, key: str, value, spec: tuple):
        where = f"{self.name} option {key}"
        if len(spec) == 2:
            if value not in spec[1]:
                raise SpecificationError(
                    f"{where}={value!r} is not accepted; accepted values: "
                    f"{', '.join(repr(v) for v in spec[1])}."
                    f"{did_you_mean(value, map(str, spec[1])) if isinstance(value, str) else ''}"
                )
            return value
        if value is None and spec[0] is None:
            return None
        default, low, high, low_open, high_open = spec
        if isinstance(default, int) and (
            isinstance(value, bool) or not isinstance(value, Integral)
        ):
            raise SpecificationError(
                f"{where}={value!r} is not accepted: an integer in [{low:g}, {high:g}] is required."
            )
        checked = _check_real(where, value, low, high, low_open, high_open)
        return int(checked) if isinstance(default, int) else checked

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return (
            f"{type(self).__name__}(tol={self.tol!r}, max_iter={self.max_iter!r}, "
            f"on_failure={self.on_failure!r}{', ' + opts if opts else ''})"
        )

    # ------------------------------------------------------------------ the contract
    def solve(
        self, g: Callable[[np.ndarray], np.ndarray], x0, *, loop: str = "loop", scale=None
    ) -> SolveStats:
        """Converge ``x = g(x)`` from ``x0``.

        Parameters
        ----------
        g : callable
            The loop map: tear values in, tear values after one pass out [mol/s or K].
            Never called with a negative entry.
        x0 : array_like
            Initial tear values, finite and nonnegative [mol/s or K].
        loop : str
            Name of the loop, used in statistics and messages.
        scale : array_like or callable, optional
            Per-component floor of the convergence scale, positive [same units as x0]; or
            a callable returning it for the tear values x (called at every evaluation).

        Returns
        -------
        SolveStats
            Statistics; ``x`` is the converged point (or the best iterate when not
            converged and ``on_failure="return"``).

        Raises
        ------
        ConvergenceError
            Not converged within the limits (``on_failure="raise"``), or non-finite values
            from ``g`` (always).
        SpecificationError
            Bad ``x0``, ``scale`` or ``g``.
        """
        x0, scale = _check_inputs(g, x0, scale, loop)
        citations.register(*self.references)
        t0 = time.perf_counter()
        ev = LoopEvaluator(g, x0.size, scale, loop, self.name)
        try:
            x, iterations, note = self._iterate(ev, x0)
        except _Converged:
            x, iterations, note = ev.last[0], ev.evaluations, "converged"
        except _Diverged as exc:
            if ev.best_x is None:
                raise
            x, iterations, note = ev.best_x, ev.evaluations, str(exc)
        note += ev.retreat_note()
        final = ev.history[-1]
        xp, _, r = ev(x)  # no new call when x is the last evaluated point
        converged = r <= self.tol
        if not converged:
            if self.on_failure == "raise":
                raise self._failure(ev, iterations, final, note)
            xp, _, r = ev(ev.best_x)  # leave g's last call at the returned point
        message = note if converged else self._failure_text(ev, iterations, final, note)
        return SolveStats(
            x=xp.copy(),
            converged=bool(converged),
            method=self.name,
            iterations=int(iterations),
            evaluations=ev.evaluations,
            wall_time=time.perf_counter() - t0,
            residual=float(r),
            residual_history=list(ev.history),
            loop=loop,
            message=message,
        )

    def _iterate(self, ev: LoopEvaluator, x0: np.ndarray) -> tuple[np.ndarray, int, str]:
        """Run the method; return (last point, iterations, note). Subclasses implement."""
        raise NotImplementedError

    def _failure_text(self, ev: LoopEvaluator, iterations: int, final: float, note: str) -> str:
        alt = _ALTERNATIVE.get(self.name, "anderson")
        return (
            f"loop {ev.loop!r}: tear solver {self.name!r} did not converge in {iterations} "
            f"iterations ({ev.evaluations} evaluations; {note}): final scaled residual "
            f"{final:.3e}, best {ev.best_r:.3e}, tol {self.tol:.1e}. Try another method, "
            f"e.g. get_solver({alt!r}), or a larger max_iter (now {self.max_iter or 'the default'})."
        )

    def _failure(self, ev, iterations, final, note) -> ConvergenceError:
        return ConvergenceError(
            self._failure_text(ev, iterations, final, note),
            loop=ev.loop,
            residual_history=ev.history,
            best_iterate=ev.best_x.copy(),
        )


def _check_real(where: str, value, low: float, high: float, low_open: bool, high_open: bool):
    lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
    rng = f"{lo}{low:g}, {high:g}{hi}"
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise SpecificationError(
            f"{where}={value!r} is not accepted: a number in {rng} is required."
        )
    bad_low = value <= low if low_open else value < low
    bad_high = value >= high if high_open else value > high
    if bad_low or bad_high:
        raise SpecificationError(f"{where}={value!r} is outside the accepted range {rng}.")
    return float(value)


def _check_inputs(g, x0, scale, loop: str):
    if not callable(g):
        raise SpecificationError(f"loop {loop!r}: g must be callable, got {type(g).__name__}.")
    try:
        x = np.array(x0, dtype=float, copy=True)
    except (TypeError, ValueError) as exc:
        raise SpecificationError(f"loop {loop!r}: x0 is not a numeric array ({exc}).") from None
    if x.ndim != 1 or x.size == 0:
        raise SpecificationError(
            f"loop {loop!r}: x0 must be a non-empty 1-D array, got shape {x.shape}."
        )
    if not np.all(np.isfinite(x)) or np.any(x < 0):
        bad = np.flatnonzero(~(np.isfinite(x) & (x >= 0)))[:10].tolist()
        raise SpecificationError(
            f"loop {loop!r}: x0 must be finite and >= 0 (flows [mol/s], temperature [K]); "
            f"bad components {bad}: {x[bad].tolist()}."
        )
    if scale is not None:
        what = "scale(x0) must return" if callable(scale) else "scale must be"
        s = np.array(scale(x) if callable(scale) else scale, dtype=float, copy=True)
        if s.shape != x.shape or not np.all(np.isfinite(s)) or np.any(s <= 0):
            raise SpecificationError(
                f"loop {loop!r}: {what} an array of shape {x.shape} with finite values > 0, "
                f"got shape {s.shape}, min {np.min(s) if s.size else 'n/a'}."
            )
        if not callable(scale):  # a callable floor follows the tear values
            scale = s
    return x, scale
