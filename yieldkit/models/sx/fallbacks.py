"""What runs after a failed Newton (:func:`_solve_general`, the chain described in
:mod:`yieldkit.models.sx.cascade`): ample extractant for a D that ignores the free
extractant, the acid shift for a D that ignores H+, the continuation in the number of
stages from one stage, Newton from the balanced start (more base than acid for the feed's
H+: a saponified organic), the pseudo-transient, the continuation from half (or 1.5x) the
stages, Gauss-Seidel sweeps and the continuation from dilute feeds.
"""

from __future__ import annotations

from contextvars import ContextVar

import numpy as np

from yieldkit.errors import (
    ConvergenceError,
    InfeasibleStateError,
    SpecificationError,
    float_array,
)
from yieldkit.models.sx.loading_path import loading_path
from yieldkit.models.sx.newton import _run, capacity_message
from yieldkit.models.sx.problem import _fast_setup, _setup, _side_feeds_at, check_feed_range
from yieldkit.models.sx.reference import gauss_seidel_cascade
from yieldkit.models.sx.solution import CascadeSolution, SideFeed
from yieldkit.models.sx.system import _balanced_guess, _Cascade

GS_MAX_STAGES = 12  # longest cascade given the Gauss-Seidel fallback [-]

#: True inside the stage continuation's solve of a longer cascade (no further growth)
_LONGER: ContextVar[bool] = ContextVar("_LONGER", default=False)

#: True inside the acid-shift fallback's solve with ample acid (no second shift)
_SHIFTED: ContextVar[bool] = ContextVar("_SHIFTED", default=False)

#: True inside the extractant fallback's solve with ample extractant (no second one)
_RELAXED: ContextVar[bool] = ContextVar("_RELAXED", default=False)


def _solve_general(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds, x0, tol,  # noqa: N803
                   max_iter, backend, kernel_out=None, eff=1.0) -> CascadeSolution:  # fmt: skip
    """:func:`solve_cascade` after its compiled fast path: checks, Newton and the fallbacks.
    ``kernel_out``: the fast path's Newton result when it ran and did not pass (the first
    Newton here would repeat it exactly); ``eff``: the Murphree stage efficiency (below 1
    the NumPy backend only, which the compiled path hands a failed Newton to, and neither
    the Gauss-Seidel sweeps nor the continuation from dilute feeds, which assume
    equilibrium stages)."""
    from yieldkit.models.sx.cascade import solve_cascade  # (imports this module)

    if not (_SHIFTED.get() or _RELAXED.get()):  # (those feed more acid or extractant)
        check_feed_range(aq_feed, org_feed, side_feeds)
    st = None
    if backend == "compiled":
        st = _fast_setup(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds)
    if st is None:
        st = _setup(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds, eff)
    n, m = st.s_m.shape
    active = st.scale_m > 0
    warm = None
    warm_fac = None
    if x0 is not None:
        warm = x0.state if isinstance(x0, CascadeSolution) else x0
        if warm is not None:  # (x0 itself unless a solution, whose state is an array)
            warm = float_array(
                warm, "x0 = {!r} must be a CascadeSolution or its state (an array of numbers)."
            )
        if isinstance(x0, CascadeSolution) and x0.factors is not None:
            if x0.factors[0] == tuple(active) and x0.backend == backend:
                warm_fac = x0.factors[1]
        if warm is None or warm.shape != (n * (m + 2),):
            raise SpecificationError(
                f"x0 has shape {None if warm is None else warm.shape}, expected "
                f"({n * (m + 2)},) = n_stages*(n_metals+2) finite log-variables (a solution "
                "of a cascade with the same stages and metals, or its state)."
            )
        bad = np.flatnonzero(~np.isfinite(warm))
        if bad.size:
            raise SpecificationError(
                f"x0 has {bad.size} non-finite values (first x0[{bad[0]}] = {float(warm[bad[0]])!r}); "
                "a warm start takes the finite log-variables of a solution (its state)."
            )

    def run(warm, warm_fac, transient=True):
        return _run(model, st, warm, warm_fac, tol, max_iter, backend, transient)

    try:
        return _run(model, st, warm, warm_fac, tol, max_iter, backend, False,
                    kernel_out=kernel_out)  # fmt: skip
    except ConvergenceError as exc:
        first = exc
    if getattr(first, "proven", False):
        # a constant D that loads the organic beyond its capacity: no solution exists
        # (decided exactly, newton._over_capacity), so no fallback is tried
        raise InfeasibleStateError(first.diagnosis) from first
    if np.all(model.b == 0) and not _RELAXED.get():  # D ignores the free extractant
        sol = _extractant_relaxed(model, aq_feed, org_feed, Q_aq, Q_org, n, side_feeds, tol,
                                  max_iter, backend, eff)  # fmt: skip
        if sol is not None:
            return sol
    if np.all(model.a == 0) and not _SHIFTED.get():  # D ignores H+: ample acid, shifted
        sol = _acid_shifted(model, aq_feed, org_feed, Q_aq, Q_org, n, side_feeds, tol,
                            max_iter, backend, eff)  # fmt: skip
        if sol is not None:
            return sol
    continuable = getattr(first, "diagnosis", None) is None
    if n >= 2 and continuable and not _LONGER.get():
        sol = _grown(model, aq_feed, org_feed, Q_aq, Q_org, n, side_feeds, tol, max_iter,
                     backend, eff)  # fmt: skip
        if sol is not None:
            return sol
    if continuable:
        # more base than acid for the feed's H+ (a saponified organic): Newton from the
        # constant-D cascade at the H+ that closes its proton balance (system._balanced_guess)
        guess = _balanced_guess(model, st, _Cascade(model, st))
        if guess is not None:
            try:
                return run(guess, None, False)
            except ConvergenceError:
                pass
    try:  # the pseudo-transient (compiled, then NumPy): Newton from this start failed above
        return run(warm, warm_fac, "only")
    except ConvergenceError as exc:
        first = exc
    # continuation in the number of stages (cold failures of long cascades): solve half
    # the stages, stretch its profile over n stages by repeating the middle stage (the
    # pinch of a long cascade) or by interpolating it, and start Newton from there; if the
    # half cascade fails too, the same from one and a half times the stages (a cold start
    # that fails at some lengths succeeds at others: found 2026-12-06, 2 of 20 000 random
    # 60-stage cascades, solved cold at 45 and 80 stages but not at 30 or 59-61)
    if n >= 8 and not side_feeds and getattr(first, "diagnosis", None) is None:
        lengths = [n // 2] if _LONGER.get() else [n // 2, n + n // 2]
        for n_alt in lengths:
            token = _LONGER.set(True)  # its own fallbacks only halve (bounded recursion)
            try:
                alt = solve_cascade(aq_feed, org_feed, Q_aq, Q_org, model, n_alt, tol=tol,
                                    max_iter=max_iter, backend=backend,
                                    stage_efficiency=eff)  # fmt: skip
            except (ConvergenceError, SpecificationError):
                continue
            finally:
                _LONGER.reset(token)
            for guess in _stretched(alt.state.reshape(n_alt, m + 2), n):
                try:
                    sol = run(guess.ravel(), None, False)
                except (ConvergenceError, SpecificationError):
                    continue
                sol.iterations += alt.iterations
                sol.jacobians += alt.jacobians
                return sol
    if n <= GS_MAX_STAGES and getattr(first, "diagnosis", None) is None and eff == 1.0:
        # short cascades: a few robust stage-by-stage sweeps (nested bisections) give H+
        # and the free extractant; Newton finishes from there
        try:
            with np.errstate(all="ignore"):
                gs = gauss_seidel_cascade(aq_feed, org_feed, Q_aq, Q_org, model, n, side_feeds,
                                          tol=1e-4, max_sweeps=100)  # fmt: skip
            u = np.zeros((n, m + 2))
            u[:, m] = np.log(gs.h)
            u[:, m + 1] = np.log(gs.free_extractant)
            sol = run(u.ravel(), None)
        except (ConvergenceError, SpecificationError, ValueError, FloatingPointError):
            pass
        else:
            sol.iterations += gs.iterations
            return sol
    if (
        getattr(first, "diagnosis", None) is None
        and not _LONGER.get()
        and (_SHIFTED.get() or not np.all(model.a == 0))
        and eff == 1.0
    ):
        # last resort: continuation from dilute feeds along the solution curve (a front
        # that jumps many stages for a tiny change of the feed); not inside the stage
        # continuation's nested solves, and for a D that ignores H+ only inside the acid
        # shift's solve (the same metal problem with ample acid)
        sol = loading_path(model, st, tol, max_iter, backend)
        if sol is not None:
            return sol
    if getattr(first, "diagnosis", None):
        raise InfeasibleStateError(first.diagnosis) from first
    full = _fullest_organic(model, org_feed, side_feeds)
    if full > FULL_ORGANIC:
        # the cascade cannot operate at this inlet (as for an organic loaded beyond its
        # capacity): a tear solver retreats from such an extrapolated organic (found
        # 2026-12-06 in a saponified circuit: Anderson's trial organic reached the scrub
        # 100 % loaded, and the ConvergenceError stopped the whole flowsheet solve)
        raise InfeasibleStateError(
            f"{first} The organic enters loaded to {100 * full:.7f} % of its extractant "
            "capacity: the free extractant along the cascade may fall below what the "
            "extractant balance resolves in double precision (~1e-13 of the total); feed "
            f"it at most {100 * FULL_ORGANIC:g} % loaded."
        ) from first
    raise first


#: Organic feed loading above which a failed solve says that the feed is (nearly) full [-]
FULL_ORGANIC = 0.999999


def _fullest_organic(model, org_feed, side_feeds) -> float:
    """Largest loading (bound / total extractant) of the organic feeds [-]."""
    m = model.n_metals
    feeds = [np.asarray(org_feed, dtype=float)]
    feeds += [np.asarray(sf.conc, dtype=float) for sf in side_feeds or () if sf.phase == "org"]
    return max((float(c[:m] @ model.ha_bound) / c[m] for c in feeds if c[m] > 0), default=0.0)


def _stretched(u: np.ndarray, n: int):
    """Start points for an n-stage cascade from the solution u (one row of variables per
    stage) of a shorter or longer one: for a shorter one, its profile with the middle, the
    aqueous-end or the organic-end stage repeated (the pinch of a long cascade); then,
    for either, its profile interpolated linearly over n stages."""
    k = u.shape[0]
    if k < n:
        for at in dict.fromkeys(at for at in (k // 2, 1, k - 1) if at < k):
            yield np.concatenate([u[:at], np.repeat(u[at : at + 1], n - k, axis=0), u[at:]])
    s_alt = (np.arange(k) + 0.5) / k
    s_new = (np.arange(n) + 0.5) / n
    yield np.column_stack([np.interp(s_new, s_alt, u[:, j]) for j in range(u.shape[1])])


def _acid_shifted(model, aq_feed, org_feed, q_aq, q_org, n, side_feeds, tol, max_iter, backend,
                  eff):  # fmt: skip
    """Solve a cascade whose D ignores H+ (every exponent a = 0) exactly via a shift of
    the acid: the metals and the free extractant do not depend on H+ then, and the proton
    balances are linear in it, so adding delta mol/m3 of acid to every aqueous feed raises
    H+ by exactly delta in every stage (stage k's aqueous flow is the sum of the aqueous
    feeds up to k). Solved with ample acid (H+ far from zero, where Newton has no
    positivity bound to fight; with the solver's other fallbacks if Newton fails there
    too), H+ minus delta is the answer, polished by Newton.

    Returns the solution, or None if a solve fails. Raises InfeasibleStateError when H+
    minus delta is <= 0 in some stage: no solution exists (the metals stripped there need
    more acid than reaches it), named with the stage and the shortfall.
    """
    from yieldkit.models.sx.cascade import solve_cascade  # (imports this module)

    m = model.n_metals
    aq = np.array(aq_feed, dtype=float)
    org = np.asarray(org_feed, dtype=float)
    side = list(side_feeds or ())
    feeds = [(q_aq, aq), (q_org, org)] + [(sf.flow, np.asarray(sf.conc, float)) for sf in side]
    through = sum(q * (c[:m] @ model.z + c[m]) for q, c in feeds)  # H+ equivalents [mol/s]
    delta = 10.0 * float(through) / float(q_aq) + 1.0  # [mol/m3], >> any H+ consumed
    aq[m] += delta
    side_up = [SideFeed(sf.stage, sf.phase, sf.flow, np.append(sf.conc[:m], sf.conc[m] + delta))
               if sf.phase == "aq" else sf for sf in side]  # fmt: skip
    token = _SHIFTED.set(True)
    try:  # with every fallback but this one
        up = solve_cascade(aq, org, q_aq, q_org, model, n, side_up, tol=tol, max_iter=max_iter,
                           backend=backend, stage_efficiency=eff)  # fmt: skip
    except (ConvergenceError, SpecificationError):
        return None
    finally:
        _SHIFTED.reset(token)
    h = up.h - delta
    k = int(np.argmin(h))
    rounding = 64.0 * np.finfo(float).eps * delta  # of H+ - delta [mol/m3]
    if h[k] <= rounding:
        raise InfeasibleStateError(
            f"not enough acid: the {model.kind} model's D ignores H+, so the metals moved in "
            f"each stage do not depend on it, and at stage {k + 1} of {n} they consume "
            f"{-h[k]:.4g} mol/m3 more H+ than the aqueous brings (H+ would be negative, or "
            f"below {rounding:.2g} mol/m3, the rounding of this solve); add acid to the "
            "aqueous feed (or strip with a stronger acid)."
        )
    return _polished(up, m, np.log(h), model, aq_feed, org_feed, q_aq, q_org, n, side_feeds,
                     tol, max_iter, backend, eff)  # fmt: skip


def _extractant_relaxed(model, aq_feed, org_feed, q_aq, q_org, n, side_feeds, tol, max_iter,
                        backend, eff):  # fmt: skip
    """Solve a cascade whose D ignores the free extractant (every exponent b = 0: the
    empirical pH correlation without saturation, constant D) exactly via ample extractant:
    the metals and H+ do not depend on the free extractant then, and the extractant
    balance only says what the complexes leave free. Adding delta mol/m3 of extractant to
    every organic feed raises the total in every stage by exactly delta (stage k's organic
    flow is the sum of the organic feeds reaching it), with delta larger than all the
    metals fed could bind, so the free extractant stays far from zero, where Newton has no
    positivity bound to fight. The complexes of that solution are the cascade's: if they
    bind more than a stage's own extractant, no solution exists; otherwise the total
    minus what they bind is the free extractant, polished by Newton.

    Found 2026-12-06: a 3-stage, 12-metal empirical_ph cascade of the coal-refuse route,
    fed by a Newton-Krylov trial point, bound all its extractant; the NumPy path said so,
    the compiled one reported a bare ConvergenceError (its failed iterate kept free
    extractant), which stopped the flowsheet instead of making the tear solver retreat.

    Returns the solution, or None if a solve fails. Raises InfeasibleStateError when the
    complexes bind the whole extractant of some stage (named, with what they would bind),
    or when the solve with ample extractant finds the cascade short of acid (its metals
    and H+ are this cascade's).
    """
    from yieldkit.models.sx.cascade import solve_cascade  # (imports this module)

    m = model.n_metals
    org = np.array(org_feed, dtype=float)
    side = list(side_feeds or ())
    feeds = [(q_aq, np.asarray(aq_feed, dtype=float)), (q_org, org)]
    feeds += [(sf.flow, np.asarray(sf.conc, dtype=float)) for sf in side]
    binding = sum(q * (c[:m] @ model.ha_bound) for q, c in feeds)  # all metals [mol/s]
    # > twice what the complexes of any stage can bind (its organic flow >= q_org)
    delta = 2.0 * float(binding) / float(q_org) + 1.0  # [mol/m3]
    org[m] += delta
    side_up = [SideFeed(sf.stage, sf.phase, sf.flow, np.append(sf.conc[:m], sf.conc[m] + delta))
               if sf.phase == "org" else sf for sf in side]  # fmt: skip
    token = _RELAXED.set(True)
    try:  # with every fallback but this one
        up = solve_cascade(aq_feed, org, q_aq, q_org, model, n, side_up, tol=tol,
                           max_iter=max_iter, backend=backend,
                           stage_efficiency=eff)  # fmt: skip
    except InfeasibleStateError:
        raise  # short of acid: metals and H+ are the cascade's own, so is the verdict
    except (ConvergenceError, SpecificationError):
        return None
    finally:
        _RELAXED.reset(token)
    total = up.total_extractant - delta
    free = total - up.y @ model.ha_bound
    k = int(np.argmin(free / total))
    rounding = 64.0 * np.finfo(float).eps * (delta + total[k])  # of free [mol/m3]
    if free[k] <= rounding:
        raise InfeasibleStateError(capacity_message(model, k, total[k] - free[k], total[k]))
    return _polished(up, m + 1, np.log(free), model, aq_feed, org_feed, q_aq, q_org, n,
                     side_feeds, tol, max_iter, backend, eff)  # fmt: skip


def _polished(up, column, values, model, aq_feed, org_feed, q_aq, q_org, n, side_feeds, tol,
              max_iter, backend, eff):  # fmt: skip
    """Newton on the caller's cascade from the solution ``up`` of a shifted one (more acid
    or extractant) with its variable ``column`` per stage (ln H+ or ln f) set to
    ``values``: the solution, its iterations and Jacobians counted with up's, or None if
    Newton fails."""
    state = up.state.reshape(n, -1).copy()
    state[:, column] = values
    st = _setup(model, aq_feed, org_feed, q_aq, q_org, n, side_feeds, eff)
    try:
        sol = _run(model, st, state.ravel(), None, tol, max_iter, backend, False)
    except ConvergenceError:
        return None
    sol.iterations += up.iterations
    sol.jacobians += up.jacobians
    return sol


def _grown(model, aq_feed, org_feed, q_aq, q_org, n, side_feeds, tol, max_iter, backend, eff):
    """Continuation in the number of stages from a single stage, up to n: each length is
    solved by Newton from the last solution stretched (:func:`_stretched`); the step
    doubles the stages after a success and is halved after a failure; at a step of one
    stage, the backend's pseudo-transient runs from the stretched profile. Side feeds
    enter the shorter cascades at the same relative place (:func:`_side_feeds_at`). The
    solution (iterations and Jacobians summed over the chain), or None when one stage more
    fails.

    For a cascade whose solution has a sharp front (a pinch over most stages and the
    transfer in a few stages at one end), Newton from the constant-D guess puts the front
    in the wrong place and cannot move it; a stretched shorter solution has it in the
    right place. Found 2026-12-06: a stripping cascade with 13 metals and the organic fed
    94 % loaded failed cold at 5-12, 20-40 and 60 stages; this chain solves it at every
    length in 7 solves of 2-10 Newton steps. The halving step and the pseudo-transient are
    for a metal of intermediate D that accumulates mid-cascade, more with every stage
    (a 6-metal case failing at 55, 80 and 110-220 stages: doubling stops at 53 stages, one
    stage more takes the pseudo-transient, then 108 and 110 stages solve by Newton).
    """
    try:
        st = _setup(model, aq_feed, org_feed, q_aq, q_org, 1, _side_feeds_at(side_feeds, n, 1),
                    eff)  # fmt: skip
        sol = _run(model, st, None, None, tol, max_iter, backend)
    except ConvergenceError:
        return None
    iterations, jacobians = sol.iterations, sol.jacobians
    k, step = 1, 1
    while k < n:
        k_new = min(n, k + step)
        st = _setup(model, aq_feed, org_feed, q_aq, q_org, k_new,
                    _side_feeds_at(side_feeds, n, k_new), eff)  # fmt: skip
        new = None
        for guess in _stretched(sol.state.reshape(k, -1), k_new):
            try:
                new = _run(model, st, guess.ravel(), None, tol, max_iter, backend, False)
                break
            except ConvergenceError:
                continue
        if new is None and step == 1:
            guess = next(_stretched(sol.state.reshape(k, -1), k_new)).ravel()
            try:
                new = _run(model, st, guess, None, tol, max_iter, backend, "from_warm",
                           backend == "numpy")  # fmt: skip
            except ConvergenceError:
                return None
        if new is None:
            step //= 2
            continue
        sol, k, step = new, k_new, k_new
        iterations += sol.iterations
        jacobians += sol.jacobians
    sol.iterations, sol.jacobians = iterations, jacobians
    return sol
