"""Newton on the whole cascade (the NumPy core and the compiled one), the pseudo-transient
continuation that follows a stalled Newton, one solve of a set-up cascade
(:func:`_run`), and the failure reports (ConvergenceError naming stage and balance;
InfeasibleStateError when the cascade is short of acid).
"""

from __future__ import annotations

import math

import numpy as np

from yieldkit.errors import ConvergenceError
from yieldkit.models.sx.backend import _NO_V, _NO_W, _kernel
from yieldkit.models.sx.distribution import DistributionModel
from yieldkit.models.sx.problem import active_part
from yieldkit.models.sx.solution import CascadeSolution
from yieldkit.models.sx.system import (
    H_MIN,
    _balance_error,
    _Cascade,
    _initial_guess,
    _sq,
    _thomas,
)

#: Scaled residual below which, after a Newton step that cut it 100x (quadratic regime),
#: the following steps reuse the last factors (chord steps, checked as a warm start's).
#: 1e-7 (factors from next to the solution, so a warm re-solve after a 1 % feed change
#: takes 3 chord steps instead of 4) was measured twice and not kept: 2026-12-06, with
#: the Gauss-Jordan block factorisation, 100 stages x 6 metals: cold 327 -> 392 us, warm
#: 66 -> 57 us, but a loop of one cold and 12 warm solves with shrinking feed changes
#: 1106 -> 1143 us (20 stages 362 -> 368, 500 stages 5307 -> 5550). Also measured and
#: not kept (2026-12-06, fifth session): entering the chord steps after a 10x cut
#: instead of 100x, plus one new factorisation once the residual is below 1e-6 if the
#: chord steps from factors made above 1e-5 are slow (>= 2 more steps predicted). On the
#: benchmark cascade it keeps every cold solve's factorisations and steps and makes
#: the warm re-solve 3 chord steps from 100 stages (48 -> 39 us, kernel A/B); on 2904
#: random end-fed cascades (20-300 stages, 2-8 metals) cold solves take 9 % more
#: factorisations and 14 % more time (1682 -> 1916 ms) for 5 % faster warm re-solves
#: (256 -> 242 ms); either half alone is slower cold too (10x entry: 7 %, fewer
#: factorisations but more steps; the refresh: 13 %). Broyden updates of stale factors
#: and Anderson mixing of the chord steps: the same step count [-]
CHORD_BELOW = 1e-4

#: A chord step that cuts the scaled residual (2-norm) less than 1 / 0.05 = 20x is still
#: taken (while it cuts 5x) but, if at its rate more than CHORD_LEFT steps would be left
#: to the tolerance, the next step makes fresh factors: each warm solve passes on the
#: factors it started from, so along a sweep the first cold solve's factors aged and the
#: chord steps per solve grew (30 feed changes of 1 % in a row: 4 chord steps per solve
#: at first, 9-10 at the end, no new Jacobian). Kernel A/B in one process, 2026-12-06,
#: 6-metal benchmark cascade, 30 warm solves per sweep: 1 % steps 0.95 / 0.88 / 0.90 of
#: the time at 20 / 100 / 500 stages, 3 % steps 0.88 / 0.86 / 0.94; within the noise
#: (+-1.5 %): 1500 random end-fed (1-1000 stages) and side-fed (2-200) cascades of 2-15
#: metals cold and warm after a 1 % change, the benchmark's cold and warm solves,
#: sequences of 12 warm solves with halving changes. Without the CHORD_LEFT condition the
#: sweeps gained as much but the random cascades' warm re-solves took up to 6 % longer
#: (Jacobians of 15-metal cascades for chord steps that were nearly done); with 4 instead
#: of 6, +1.3 % cold and warm [-]
CHORD_AGED = 0.05**2
#: See CHORD_AGED [-]
CHORD_LEFT = 6.0

#: Largest change of ln h or ln f in one Newton or pseudo-transient step [-]
MAX_LOG_STEP = 3.0

#: A Newton whose scaled residual has not halved in this many iterations stops (the
#: fallbacks take over, as after its iteration limit). Measured 2026-12-06 on 1500 random
#: end-fed cascades of 20-500 stages: of the 63 whose first Newton fails within its 25
#: iterations, 57 are found stalled by iteration 10-16, saving 9-15 factorisations each
#: (a 500-stage extraction at O/A 0.1: 9.9 -> ~5 ms); of the 1437 that converge, 2 have
#: such a plateau and go to the fallbacks instead (8: 5 of them, 12: 2) [-]
STALL_WINDOW = 10

#: A Newton whose last PLATEAU_STEPS iterations each cut the scaled residual by less than
#: PLATEAU_CUT has stalled too (line searches of tiny steps on a plateau, e.g. residual
#: 0.49, 0.43, 0.42, 0.41, 0.41, ... of an 877-stage, 11-metal constant-D cascade).
#: On 6000 random end-fed cascades (20-1000 stages, 2-15 metals) run without a stall
#: test: the iterations of the 251 first Newtons that fail 2318 -> 1397, the converging
#: ones sent to the fallbacks 17 -> 34 (each had needed 11-19 iterations). Kernel A/B,
#: 2026-12-06: cold 0.97 / 0.95-0.96 of the time on 1500 random cascades (end-fed 1-1000
#: stages, side-fed 2-200) and on 1000 with the end-fed ones of 200-1000 stages, warm
#: 0.99; worst single case +10.6 ms (converged in 18 iterations before), best -10.6 ms;
#: 20 000 random cascades: the same verdicts. Four steps: 0.975 [-]
PLATEAU_STEPS = 3
#: See PLATEAU_STEPS [-]
PLATEAU_CUT = 0.01


def _stalled(hist: list[float]) -> bool:
    """Whether the residual history ends in STALL_WINDOW iterations, none of which
    halved the residual of the iteration before them, or in PLATEAU_STEPS iterations that
    each cut it by less than PLATEAU_CUT."""
    k = len(hist) - 1
    if k >= PLATEAU_STEPS and all(
        hist[j] > (1.0 - PLATEAU_CUT) * hist[j - 1] for j in range(k - PLATEAU_STEPS + 1, k + 1)
    ):
        return True
    return k >= STALL_WINDOW and not (
        min(hist[k - STALL_WINDOW + 1 :]) < 0.5 * hist[k - STALL_WINDOW]
    )


def _run(
    model, st, warm, warm_fac, tol, max_iter, backend, transient=True, numpy_transient=True,
    kernel_out=None,
) -> CascadeSolution:  # fmt: skip
    """One Newton solve (with the pseudo-transient fallbacks chosen by ``transient`` and
    ``numpy_transient``) of the cascade set up in ``st``; metals absent from every feed
    are left out of the solve and reported as zeros. ``kernel_out``: the compiled
    Newton's result for exactly this solve (of the metals present), already computed (the
    compiled fast path's, :func:`_newton_compiled`), so it is not run again."""
    n, m = st.s_m.shape
    sub, st_sub, keep = active_part(model, st)
    active = keep[:m]
    if sub is not model:
        warm_sub = None if warm is None else warm.reshape(n, m + 2)[:, keep].ravel()
        u, it, res, hist, err, fac, parts, used = _newton(
            sub, st_sub, warm_sub, tol, max_iter, warm_fac, transient, backend, numpy_transient,
            kernel_out,
        )  # fmt: skip
        full = np.zeros((n, m + 2))
        full[:, keep] = u.reshape(n, -1)
        state = full.ravel()
        x_s, h, f, y_s, _ = parts
        x = np.zeros((n, m))
        y = np.zeros((n, m))
        x[:, active] = x_s
        y[:, active] = y_s
    else:
        u, it, res, hist, err, fac, parts, used = _newton(
            model, st, warm, tol, max_iter, warm_fac, transient, backend, numpy_transient,
            kernel_out,
        )  # fmt: skip
        x, h, f, y, _ = parts
        state = u
    return CascadeSolution(
        model.metals,
        x,
        y,
        h,
        f,
        st.e.copy(),
        st.qa.copy(),
        st.qo.copy(),
        it,
        res,
        hist,
        err,
        state,
        (tuple(active), fac[0]),
        fac[1],
        used,
    )


def _newton_core(cas: _Cascade, v: np.ndarray, tol: float, max_iter: int, fac=None):
    """Damped Newton from v; returns (v, parts, r, history, iterations, factors).

    With ``fac`` (LU factors of a previous, nearby Jacobian: a warm start) the first steps
    are chord steps that reuse it, kept while each one cuts the residual at least five
    times (a step that cuts it less than 20x is taken, and the next one makes fresh
    factors if more than six steps at that rate would be left: :data:`CHORD_AGED`); then
    (or without ``fac``) full Newton steps with a backtracking line search. Once a Newton
    step has cut the residual 100x to below :data:`CHORD_BELOW`, the next
    steps are chord steps again under the same rule (one Jacobian saved per step).
    """
    v, parts = cas.resolve_parts(v)
    r = cas.residual(v, parts)
    phi = _sq(r)
    hist = [float(np.abs(r).max())]
    chord = fac is not None
    it = 0
    while hist[-1] > tol and np.isfinite(phi) and it < max_iter:
        it += 1
        if not chord:
            fac = cas.factor(cas.jacobian_data(parts))
            if fac is None:
                break
        dv = cas.lu_solve(fac, -r)
        if dv is None:
            if chord:
                chord = False
                continue
            break
        big = float(np.abs(dv[cas.logs]).max())
        if big > MAX_LOG_STEP:
            dv *= MAX_LOG_STEP / big
        if chord:
            v_new, parts_new = cas.resolve_parts(v + dv)
            r_new = cas.residual(v_new, parts_new)
            phi_new = _sq(r_new)
            if not (np.isfinite(phi_new) and phi_new <= 0.04 * phi):
                chord = False  # too slow (or worse): switch to Newton from the same point
                if not (np.isfinite(phi_new) and phi_new < phi):
                    continue
            elif phi_new > CHORD_AGED * phi > 0 and (big := np.abs(r_new).max()) > tol:
                # accepted; the factors have aged if many chord steps at this rate are left
                left = math.log(tol / big) / (0.5 * math.log(phi_new / phi))
                if left > CHORD_LEFT:
                    chord = False  # fresh factors next
        else:
            alpha = 1.0
            while alpha > 1e-6:
                v_new, parts_new = cas.resolve_parts(v + alpha * dv)
                r_new = cas.residual(v_new, parts_new)
                phi_new = _sq(r_new)
                if np.isfinite(phi_new) and phi_new <= phi * (1.0 - 1e-4 * alpha):
                    break
                alpha *= 0.5
            else:
                break
        v, parts, r, phi = v_new, parts_new, r_new, phi_new
        hist.append(float(np.abs(r).max()))
        if not chord and hist[-1] <= CHORD_BELOW and hist[-1] <= 0.01 * hist[-2]:
            chord = True  # quadratic regime: later steps reuse these factors
        if hist[-1] > tol and _stalled(hist):
            break
    return v, parts, r, hist, it, fac


def _transient(cas: _Cascade, v: np.ndarray, max_iter: int, target: float):
    """Pseudo-transient continuation: linearly implicit Euler steps of the physical
    mixer-settler dynamics (hold-ups proportional to the stage flows), time step growing
    as the residual falls (switched evolution relaxation). The dynamics are stable, so
    this reaches the steady state from far away; it ends in Newton steps."""
    n_hold = (3 * cas.m + cas.b) * cas.n  # diagonal-block entries of metal and H+ rows
    logs = cas.logs
    parts = cas.unpack(v)
    r = cas.residual(v, parts)
    norm = _sq(r) ** 0.5
    sigma = 1.0  # 1 / (time step in residence times)
    hist = [float(np.abs(r).max())]
    it = 0
    while hist[-1] > target and it < max_iter and np.isfinite(norm):
        it += 1
        data = cas.jacobian_data(parts)
        data[:n_hold] *= 1.0 + sigma  # J - M/dt, with the hold-up matrix M = -J_outflow
        fac = cas.factor(data)
        dv = None if fac is None else cas.lu_solve(fac, -r)
        ok = dv is not None
        if ok:
            big = float(np.abs(dv[logs]).max())
            if big > MAX_LOG_STEP:
                dv *= MAX_LOG_STEP / big
            v_new = v + dv
            parts_new = cas.unpack(v_new)
            r_new = cas.residual(v_new, parts_new)
            norm_new = _sq(r_new) ** 0.5
            ok = np.isfinite(norm_new) and norm_new < 10.0 * norm
        if not ok:
            sigma *= 4.0
            if sigma > 1e15:
                break
            continue
        sigma = sigma * norm_new / norm
        if sigma < 1e-10:
            sigma = 0.0
        v, parts, r, norm = v_new, parts_new, r_new, norm_new
        hist.append(float(np.abs(r).max()))
    return v, hist, it


def _newton_compiled(model, st, warm, tol, max_iter, warm_fac, transient, numpy_transient,
                     kernel_out=None):  # fmt: skip
    """:func:`_newton` with the Newton core and its pseudo-transient fallback in the
    compiled kernel; if both fail (and ``numpy_transient``) and the compiled
    pseudo-transient stopped before its last step, the NumPy pseudo-transient and Newton
    run, and the failure report is NumPy's. ``transient='from_warm'`` starts
    the pseudo-transient from ``warm`` instead of the initial guess. ``kernel_out``: the
    kernel's Newton result (v, x, h, f, y, hist, it, nfac, w, have, err) for these
    arguments, computed before (the compiled fast path, which ran the same kernel Newton
    on the same setup: repeating it cost a third of the time of a cascade whose first
    Newton fails, 2026-12-06); only with ``transient`` False, whose start it does not
    need."""
    n, m = st.s_m.shape
    flows = (st.qa, st.qo, st.s_m, st.s_h, st.e, st.scale_m)  # C-contiguous (_Setup)
    if kernel_out is not None and not transient:
        out = (*kernel_out, None)
    else:
        chord = (
            warm_fac is not None
            and isinstance(warm_fac[0], str)
            and warm_fac[1].shape[:2] == (n, m + 2)
        )
        w_prev = warm_fac[1] if chord else _NO_W
        use_v0 = warm is not None
        v0 = np.ascontiguousarray(warm, dtype=float) if use_v0 else _NO_V
        out = _kernel().solve(*flows, float(st.scale_h),
                              float(st.h_in), float(st.f_in), model.z, model.ha_bound,
                              model.c, model.a, model.b, v0, use_v0, w_prev, chord,
                              float(tol), _newton_limit(max_iter, transient),
                              None)  # fmt: skip
    v, x, h, f, y, hist, it, nfac, w, have, err, start = out
    fac = ("compiled", w) if have else None
    hist = hist.tolist()
    parts = (x, h, f, y, None)
    used = "compiled"
    cas = None
    r = None
    if hist[-1] > tol and transient:
        # as the NumPy path: follow the physical transient, then Newton, compiled
        if warm is not None and transient != "from_warm":
            cas = _Cascade(model, st)
            start = _initial_guess(model, st, cas)
        out = _kernel().solve_transient(*flows,
                                        float(st.scale_h), model.z, model.ha_bound, model.c,
                                        model.a, model.b, np.ascontiguousarray(start, dtype=float),
                                        float(tol), int(max_iter), 1e-6)  # fmt: skip
        v_c, x_c, h_c, f_c, y_c, hist_c, it_c, nfac_c, w_c, have_c, err_c, it_t = out
        hist = hist + hist_c.tolist()
        it += it_c
        nfac += nfac_c
        if hist[-1] <= tol:
            v, parts, err = v_c, (x_c, h_c, f_c, y_c, None), err_c
            fac = ("compiled", w_c) if have_c else None
        elif numpy_transient and it_t < 10 * max_iter:
            # only after a compiled transient that stopped early (its steps rejected until
            # the time step vanished, or not finite): one that used all its steps would be
            # repeated step for step. Measured 2026-12-06 on the random cascades whose
            # first Newton fails (123 end-fed, 594 side-fed of 2-200 stages): the NumPy
            # transient solved 3 of 295 stopped early, 0 of 36 that ran out of steps; a
            # 528-stage side-fed case spent 3.1 of its 10.6 s in that repetition
            # the same fallback in NumPy (band LU with pivoting across the band)
            cas = cas or _Cascade(model, st)
            w_t, hist_t, it_t = _transient(cas, start, 10 * max_iter, 1e-6)
            v, parts, r, hist2, it2, fac = _newton_core(cas, w_t, tol, max_iter)
            hist = hist + hist_t + hist2
            it += it_t + it2
            nfac += cas.n_factor
            used = "numpy"
            err = _balance_error(cas, parts) if np.isfinite(hist[-1]) else np.inf
    res = hist[-1]
    check = balance_limit(tol)
    if not _accepted(res, err, parts[0], tol):
        cas = cas or _Cascade(model, st)
        r = cas.residual(v, parts) if r is None else r
        _raise_failure(cas, v, parts, r, hist, err, check)
    return v, it, res, hist, err, (fac, nfac), parts, used


def balance_limit(tol: float) -> float:
    """Largest relative stage imbalance a solution at scaled residual ``tol`` may keep (the
    kernel's fast path takes it as an argument) [-]."""
    return max(100.0 * tol, 1e-11)


def _accepted(res: float, err: float, x: np.ndarray, tol: float) -> bool:
    """Whether a Newton result is returned: residual within 10x ``tol`` (at least 1e-13),
    balances closed to :func:`balance_limit` and no negative concentration (the kernel's
    fast path applies the same test, with H+ >= H_MIN)."""
    return res <= max(tol, 1e-14) * 10 and err <= balance_limit(tol) and bool(np.all(x >= 0))


def _newton_limit(max_iter: int, transient) -> int:
    """Iterations of the Newton that runs before any pseudo-transient: none for
    ``transient='only'`` (the caller's Newton from the same start has failed), else at most
    25 (a Newton that needs more is stalling)."""
    return 0 if transient == "only" else min(int(max_iter), 25)


def _newton(model, st, warm, tol, max_iter, warm_fac=None, transient=True, backend="numpy",
            numpy_transient=True, kernel_out=None):  # fmt: skip
    """Newton from ``warm`` (or the initial guess); if it fails and ``transient``, the
    backend's pseudo-transient continuation from the initial guess (from ``warm`` if
    ``transient='from_warm'``), then (``numpy_transient``) NumPy's; ``transient='only'``
    skips the first Newton (it failed from this start already)."""
    if backend == "compiled":
        return _newton_compiled(model, st, warm, tol, max_iter, warm_fac, transient,
                                numpy_transient, kernel_out)  # fmt: skip
    cas = _Cascade(model, st)
    if warm_fac is not None and isinstance(warm_fac[0], str):  # compiled factors
        warm_fac = None
    start = warm if warm is not None else _initial_guess(model, st, cas)
    if warm_fac is not None and warm_fac[0].shape[1] != cas.n * cas.b:  # other metals
        warm_fac = None
    limit = _newton_limit(max_iter, transient)
    v, parts, r, hist, it, fac = _newton_core(cas, start, tol, limit, warm_fac)
    if hist[-1] > tol and transient and numpy_transient:
        # Newton stalled far from the solution: follow the physical transient instead
        if warm is not None and transient != "from_warm":
            start = _initial_guess(model, st, cas)
        w, hist_t, it_t = _transient(cas, start, 10 * max_iter, 1e-6)
        v, parts, r, hist2, it2, fac = _newton_core(cas, w, tol, max_iter)
        hist = hist + hist_t + hist2
        it += it_t + it2
    res = hist[-1]
    err = _balance_error(cas, parts) if np.isfinite(res) else np.inf
    if not _accepted(res, err, parts[0], tol):
        _raise_failure(cas, v, parts, r, hist, err, balance_limit(tol))
    return v, it, res, hist, err, (fac, cas.n_factor), parts, "numpy"


def short_of_acid(model: DistributionModel, stage: int, n: int, where: str = "") -> str:
    """Message of a cascade whose H+ falls below :data:`H_MIN` (pH 14) at ``stage``."""
    j = int(np.argmin(np.abs(model.a)))
    slope = (
        f" (the D of {model.metals[j]} goes as [H+]^{model.a[j]:.3g}, so lowering H+ barely "
        "strips it)"
        if abs(model.a[j]) < 0.1
        else ""
    )
    return (
        f"not enough acid: H+ falls below {H_MIN:g} mol/m3 (pH > 14) at stage {stage} of {n}"
        f"{where} with the {model.kind} model, outside its range{slope}; add acid to the "
        "aqueous feed, strip with a stronger acid or saponify less."
    )


def capacity_message(model: DistributionModel, k: int, bound: float, total: float) -> str:
    """Message of a cascade whose metals would bind ``bound`` of the ``total`` extractant
    [mol/m3] at stage k (0-based) under a model that ignores loading."""
    return (
        f"the organic would be loaded beyond its extractant capacity at stage {k + 1} (its "
        f"metals would bind {bound:.3g} of {total:.3g} mol/m3 of extractant): the "
        f"{model.kind} model ignores loading; use saturation=True, more extractant or a "
        "lower O/A load."
    )


def _over_capacity(model: DistributionModel, st) -> tuple[int, float] | None:
    """For a D that depends on neither H+ nor the free extractant (constant D): the stage
    whose metals would bind the most of its extractant, and what they would bind
    [mol/m3]; None if every stage keeps free extractant or D is not constant. Exact: with
    D constant the metal balances are linear and do not involve the extractant, so their
    solution decides whether one with free extractant > 0 exists (a Newton failure's last
    iterate, which the diagnosis read before 2026-12-06, depends on the path taken)."""
    if not (np.all(model.a == 0) and np.all(model.b == 0)):
        return None
    ones = np.ones(st.qa.shape[0])
    with np.errstate(all="ignore"):
        d = model.distribution(ones, ones)
        bound = (d * _thomas(st.qa, st.qo[:, None] * d, st.s_m)) @ model.ha_bound
    if np.all(bound < st.e):
        return None
    k = int(np.nanargmax(np.where(np.isfinite(bound), bound / st.e, np.inf)))
    return k, float(bound[k])


def _raise_failure(cas: _Cascade, v, parts, r, hist, err, check):
    model, st = cas.model, cas.st
    h = parts[1]
    rr = np.abs(r.reshape(cas.n, cas.b))
    k, j = np.unravel_index(int(np.nanargmax(np.where(np.isfinite(rr), rr, np.inf))), rr.shape)
    what = model.metals[j] if j < cas.m else ("H+" if j == cas.m else "extractant")
    diagnosis = None
    fin_h = h[np.isfinite(h)]  # (a failed iterate may hold nan: no warning from min)
    # decided from the balances, not read from the iterate; a D that depends on H+ and not
    # on the free extractant is decided exactly by fallbacks._extractant_relaxed (the
    # failed iterate's free extractant, read here before 2026-12-06, depends on the path
    # taken: it called a cascade with a solution "loaded beyond its capacity")
    over = _over_capacity(model, st)
    proven = over is not None
    if over is not None:
        diagnosis = capacity_message(model, over[0], over[1], st.e[over[0]])
    elif fin_h.size and fin_h.min() < H_MIN and np.abs(model.a).min() < 0.1:
        # a D that ignores H+ (a = 0) can run out of acid; one that barely depends on it
        # (|a| < 0.1: D x 10 needs H+ / 1e10) only at an H+ no model covers. If every D rises
        # steeply as H+ falls, a solution with H+ > 0 exists and the failure is the solver's
        diagnosis = short_of_acid(
            model, int(np.argmin(np.where(np.isfinite(h), h, np.inf))) + 1, cas.n
        )
    exc = ConvergenceError(
        f"SX cascade ({cas.n} stages, {cas.m} metals, {model.kind}) did not converge: "
        f"scaled residual {hist[-1]:.3g} after {len(hist) - 1} iterations, worst at stage "
        f"{k + 1} ({what} balance); balance error {err:.3g} (limit {check:.1g}).",
        loop="sx_cascade",
        residual_history=hist,
        best_iterate=v,
    )
    exc.diagnosis = diagnosis
    exc.proven = proven
    raise exc
