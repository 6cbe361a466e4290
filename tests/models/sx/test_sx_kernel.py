"""Compiled (numba) SX kernel against the NumPy reference path of solve_cascade."""

from __future__ import annotations

import numpy as np
import pytest

from yieldkit.errors import SpecificationError
from yieldkit.models.sx import cation_exchange, solve_cascade
from yieldkit.models.sx.distribution import DistributionModel
from yieldkit.models.sx.synthetic import draw_cascade


def random_case(seed: int):
    """A random cascade: 1-200 stages, 2-8 metals, D 1e-3..1e3 at the feed's conditions,
    organic feed loaded to 95 % of capacity (synthetic.draw_cascade)."""
    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, 9))
    n = int(rng.choice([1, 2, 3, 7, 20, 64, 200]))
    kind = ["cation_exchange", "constant_d", "empirical_ph"][seed % 3]
    model, aq, org, qa, qo, n = draw_cascade(rng, m, n, kind, d_decades=3.0)
    return aq, org, qa, qo, model, n


def rel(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


@pytest.mark.parametrize("seed", range(24))
def test_compiled_agrees_with_numpy_and_conserves(seed):
    aq, org, qa, qo, model, n = random_case(seed)
    ref = solve_cascade(aq, org, qa, qo, model, n, backend="numpy")
    sol = solve_cascade(aq, org, qa, qo, model, n, backend="compiled")
    assert ref.backend == "numpy"
    assert sol.backend in ("compiled", "numpy")  # numpy if the compiled Newton handed over
    # trace metals may sit at 1e-30 of the feed: compare relative to each metal's scale
    scale = np.maximum(np.abs(ref.x).max(axis=0), 1e-300)
    assert np.max(np.abs(sol.x - ref.x) / scale) < 1e-10
    assert np.max(np.abs(sol.y - ref.y) / np.maximum(np.abs(ref.y).max(axis=0), 1e-300)) < 1e-10
    assert rel(sol.h, ref.h) < 1e-10
    assert rel(sol.free_extractant, ref.free_extractant) < 1e-10
    assert sol.balance_error < 1e-10
    # overall conservation of every metal (both outlets against the feeds)
    metal_in = qa * aq[:-1] + qo * org[:-1]
    metal_out = sol.q_aq[-1] * sol.x[-1] + sol.q_org[0] * sol.y[0]
    assert np.all(np.abs(metal_out - metal_in) <= 1e-10 * metal_in)


@pytest.mark.parametrize("seed", [0, 1, 2, 5, 7])
def test_warm_start_agrees_with_cold(seed):
    aq, org, qa, qo, model, n = random_case(seed)
    base = solve_cascade(aq, org, qa, qo, model, n)
    aq2 = aq * np.r_[np.linspace(0.99, 1.01, aq.size - 1), 1.0]
    cold = solve_cascade(aq2, org, qa, qo, model, n)
    warm = solve_cascade(aq2, org, qa, qo, model, n, x0=base)
    again = solve_cascade(aq2, org, qa, qo, model, n, x0=base)  # base's factors untouched
    scale = np.maximum(np.abs(cold.x).max(axis=0), 1e-300)
    assert np.max(np.abs(warm.x - cold.x) / scale) < 1e-10
    assert rel(warm.h, cold.h) < 1e-10
    assert np.array_equal(warm.x, again.x)
    # a numpy solution as warm start for the compiled backend (factors are not shared)
    ref = solve_cascade(aq, org, qa, qo, model, n, backend="numpy")
    mixed = solve_cascade(aq2, org, qa, qo, model, n, x0=ref, backend="compiled")
    assert np.max(np.abs(mixed.x - cold.x) / scale) < 1e-10


def test_default_backend_is_compiled_and_recorded():
    model = cation_exchange(["Nd+3", "Pr+3"], [-1.9, -1.98], [3.0, 3.0])
    aq = np.array([5.0, 2.0, 30.0])
    org = np.array([0.0, 0.0, 600.0])
    assert solve_cascade(aq, org, 1.0, 1.0, model, 10).backend == "compiled"
    assert solve_cascade(aq, org, 1.0, 1.0, model, 10, backend="numpy").backend == "numpy"


def test_absent_metal_and_side_feed_use_compiled():
    from yieldkit.models.sx import SideFeed

    model = cation_exchange(["Nd+3", "Pr+3", "La+3"], [-1.9, -1.98, -3.0], [3.0, 3.0, 3.0])
    aq = np.array([5.0, 2.0, 0.0, 30.0])  # no La
    org = np.array([0.0, 0.0, 0.0, 600.0])
    side = [SideFeed(3, "aq", 0.2, np.array([0.0, 0.0, 1.0, 50.0]))]
    for sf in (None, side):
        a = solve_cascade(aq, org, 1.0, 1.0, model, 6, side_feeds=sf)
        b = solve_cascade(aq, org, 1.0, 1.0, model, 6, side_feeds=sf, backend="numpy")
        assert a.backend == "compiled"
        assert np.allclose(a.x, b.x, rtol=1e-10, atol=1e-300)


def test_absent_metal_end_fed_stays_on_the_fast_path(monkeypatch):
    """A metal absent from both end feeds is left out of the fast path's kernel call and
    reported as zeros, with the same numbers as the general path (which solved it before,
    ~10x slower in a route's small sections), warm starts included; the kernel entry
    keeps one specialisation (the model's subset arrays stay read-only)."""
    from yieldkit.models.sx import cascade
    from yieldkit.models.sx.backend import _kernel
    from yieldkit.models.sx.fallbacks import _solve_general

    model = cation_exchange(["Nd+3", "Pr+3", "La+3", "Ce+3"], [-1.9, -1.98, -3.0, -2.5],
                            [3.0] * 4)  # fmt: skip
    aq = np.array([5.0, 2.0, 0.0, 0.0, 30.0])  # no La, no Ce
    org = np.array([0.0, 0.0, 0.0, 0.0, 600.0])
    aq2 = aq * np.array([1.01, 0.99, 1.0, 1.0, 1.0])
    ref = _solve_general(model, aq, org, 1.0, 1.0, 8, None, None, 1e-12, 100, "compiled")
    ref_warm = _solve_general(model, aq2, org, 1.0, 1.0, 8, None, ref, 1e-12, 100, "compiled")

    def no_general(*args, **kwargs):
        raise AssertionError("the general path ran")

    monkeypatch.setattr(cascade, "_solve_general", no_general)
    cold = solve_cascade(aq, org, 1.0, 1.0, model, 8)
    warm = solve_cascade(aq2, org, 1.0, 1.0, model, 8, x0=cold)
    for got, want in ((cold, ref), (warm, ref_warm)):
        for name in ("x", "y", "h", "free_extractant", "state"):
            assert np.array_equal(getattr(got, name), getattr(want, name)), name
        assert got.factors[0] == tuple(bool(a) for a in want.factors[0])
        assert (got.iterations, got.jacobians) == (want.iterations, want.jacobians)
    assert np.all(cold.x[:, 2:] == 0) and np.all(cold.y[:, 2:] == 0)
    assert warm.jacobians == 0  # chord steps with the cold solve's factors
    equilibrium = [sig for sig in _kernel().solve_ends.signatures if str(sig[-1]) == "none"]
    assert len(equilibrium) == 1  # (a Murphree cascade has one of its own)


def test_side_fed_cascades_stay_on_the_fast_path(monkeypatch):
    """Side feeds (an extraction-scrub cascade: feed mid-cascade, acid scrub at stage 1,
    fresh organic at another stage; one metal absent from every feed) are set up in the
    kernel (_add_side_feeds) like problem._setup does: the same solution as the general
    path, cold and warm (chord steps with the cold solve's factors), without it (~80 us of
    Python per call before: 10 stages 104 -> 29 us cold, 99 -> 19 us warm)."""
    from yieldkit.models.sx import SideFeed, cascade
    from yieldkit.models.sx.backend import _kernel
    from yieldkit.models.sx.fallbacks import _solve_general

    model = cation_exchange(["La+3", "Pr+3", "Nd+3", "Sm+3"], [-3.0, -1.98, -1.9, -1.2],
                            [3.0] * 4)  # fmt: skip
    feed = np.array([20.0, 5.0, 15.0, 0.0, 40.0])  # no Sm anywhere
    scrub = np.array([0.0, 0.0, 0.0, 0.0, 300.0])
    org = np.array([0.0, 0.0, 0.0, 0.0, 900.0])
    cases = []
    for sides in ([SideFeed(6, "aq", 1.0, feed)],
                  [SideFeed(6, "aq", 1.0, feed), SideFeed(9, "org", 0.4, org)]):  # fmt: skip
        changed = [SideFeed(s.stage, s.phase, s.flow * 1.01, s.conc) for s in sides]
        cold = _solve_general(model, scrub, org, 0.3, 1.0, 12, sides, None, 1e-12, 100,
                              "compiled")  # fmt: skip
        warm = _solve_general(model, scrub, org, 0.3, 1.0, 12, changed, cold, 1e-12, 100,
                              "compiled")  # fmt: skip
        cases.append((sides, changed, cold, warm))

    def no_general(*args, **kwargs):
        raise AssertionError("the general path ran")

    monkeypatch.setattr(cascade, "_solve_general", no_general)
    for sides, changed, ref_cold, ref_warm in cases:
        cold = solve_cascade(scrub, org, 0.3, 1.0, model, 12, side_feeds=sides)
        warm = solve_cascade(scrub, org, 0.3, 1.0, model, 12, side_feeds=changed, x0=cold)
        for got, want in ((cold, ref_cold), (warm, ref_warm)):
            for name in ("q_aq", "q_org", "total_extractant"):
                assert np.allclose(getattr(got, name), getattr(want, name), rtol=1e-14)
            assert np.allclose(got.h, want.h, rtol=1e-10, atol=0)
            assert np.allclose(got.x, want.x, rtol=1e-10, atol=1e-12 * want.x.max())
            assert got.balance_error < 1e-10
        assert np.all(cold.x[:, 3] == 0) and warm.jacobians == 0
    equilibrium = [sig for sig in _kernel().solve_ends.signatures if str(sig[-1]) == "none"]
    assert len(equilibrium) == 1  # (a Murphree cascade has one of its own)


def test_model_arrays_are_contiguous_copies():
    """Parameters given as strided views (columns of a table) are stored as C-contiguous
    copies: the kernel specialises on the layout, and making them read-only must not
    touch the caller's arrays."""
    table = np.array([[-1.9, 3.0], [-1.98, 3.0]])
    model = cation_exchange(["Nd+3", "Pr+3"], table[:, 0], table[:, 1])
    for name in ("z", "n", "c", "a", "b"):
        arr = getattr(model, name)
        assert arr.flags.c_contiguous and not arr.flags.writeable, name
    assert table.flags.writeable
    table[0, 0] = -2.5  # the model keeps its own copy
    assert model.c[0] != -2.5 * np.log(10.0)


def test_general_path_reuses_the_kernel_specialisation():
    """The general path (a side feed, an absent metal, a model built from strided columns)
    calls the kernel with C-contiguous arrays only, the layout of the end-fed entry: each
    other layout compiled the whole Newton a second time on a first run (~10 s each; a
    route first-run 67 -> 32 s)."""
    from numba import types

    from yieldkit.models.sx import SideFeed
    from yieldkit.models.sx.backend import _kernel
    from yieldkit.models.sx.fallbacks import _solve_general

    table = np.array([[-1.9, 3.0], [-1.98, 3.0], [-3.0, 3.0]])
    model = cation_exchange(["Nd+3", "Pr+3", "La+3"], table[:, 0], table[:, 1])
    aq = np.array([5.0, 2.0, 0.0, 30.0])  # no La in the main feed
    org = np.array([0.0, 0.0, 0.0, 600.0])
    side = [SideFeed(3, "aq", 0.2, np.array([0.0, 0.0, 1.0, 50.0]))]
    for sf in (None, side):  # the general path (fallbacks, invalid input) called directly
        sol = _solve_general(model, aq, org, 1.0, 1.0, 6, sf, None, 1e-12, 100, "compiled")
        assert sol.backend == "compiled"
    solve = _kernel().solve
    assert solve.signatures
    for sig in solve.signatures:
        arrays = [t for t in sig if isinstance(t, types.Array)]
        assert all(t.layout == "C" for t in arrays), sig


def test_setups_hold_c_contiguous_arrays():
    """Every cascade setup, however built (side feeds: qo is a reversed cumulative sum; the
    subset of present metals; a copy with replaced sources, as the loading path makes),
    holds C-contiguous arrays, the layout the kernel was compiled for."""
    from dataclasses import replace

    from yieldkit.models.sx import SideFeed
    from yieldkit.models.sx.problem import _setup, active_part

    model = cation_exchange(["Nd+3", "Pr+3", "La+3"], [-1.9, -1.98, -3.0], [3.0, 3.0, 3.0])
    side = [SideFeed(3, "org", 0.2, np.array([0.0, 0.0, 0.0, 600.0]))]
    st = _setup(model, [5.0, 2.0, 0.0, 30.0], [0.0, 0.0, 0.0, 600.0], 1.0, 1.0, 6, side, 1.0)
    _, sub, _ = active_part(model, st)
    copy = replace(st, s_m=np.asfortranarray(st.s_m), qo=st.qo[::-1])
    names = ("qa", "qo", "s_m", "s_h", "e", "scale_m", "s_hm")
    for setup in (st, sub, copy):
        for name in names:
            assert getattr(setup, name).flags.c_contiguous, name
    assert sub.s_m.shape == (6, 2)
    assert np.array_equal(copy.qo, st.qo[::-1])


def test_explicit_backend_errors():
    model = cation_exchange(["Nd+3", "Pr+3"], [-1.9, -1.98], [3.0, 3.0])
    aq = np.array([5.0, 2.0, 30.0])
    org = np.array([0.0, 0.0, 600.0])
    with pytest.raises(SpecificationError, match="backend = 'fortran'.*'compiled' or 'numpy'"):
        solve_cascade(aq, org, 1.0, 1.0, model, 3, backend="fortran")
    with pytest.raises(SpecificationError, match="backend = 'Compiled'.*Did you mean 'compiled'"):
        solve_cascade(aq, org, 1.0, 1.0, model, 3, backend="Compiled")
    other = DistributionModel(("A+3",), [3.0], [3.0], [0.0], [0.0], [0.0], "langmuir")
    with pytest.raises(SpecificationError, match="backend='compiled' does not support.*langmuir"):
        solve_cascade(np.array([1.0, 30.0]), np.array([0.0, 600.0]), 1.0, 1.0, other, 3,
                      backend="compiled")  # fmt: skip
    # default: the NumPy path, recorded
    sol = solve_cascade(np.array([1.0, 30.0]), np.array([0.0, 600.0]), 1.0, 1.0, other, 3)
    assert sol.backend == "numpy"


def test_compiled_path_keeps_input_errors():
    model = cation_exchange(["Nd+3", "Pr+3"], [-1.9, -1.98], [3.0, 3.0])
    org = np.array([0.0, 0.0, 600.0])
    with pytest.raises(SpecificationError, match="aq_feed has shape"):
        solve_cascade(np.array([5.0, 30.0]), org, 1.0, 1.0, model, 3)
    with pytest.raises(SpecificationError, match="Q_org = -1.0"):
        solve_cascade(np.array([5.0, 2.0, 30.0]), org, 1.0, -1.0, model, 3)
    with pytest.raises(SpecificationError, match="aq_feed H\\+ = 0.0"):
        solve_cascade(np.array([5.0, 2.0, 0.0]), org, 1.0, 1.0, model, 3)
    with pytest.raises(SpecificationError, match="n_stages = 0"):
        solve_cascade(np.array([5.0, 2.0, 30.0]), org, 1.0, 1.0, model, 0)
    with pytest.raises(SpecificationError, match="beyond its capacity"):
        solve_cascade(np.array([5.0, 2.0, 30.0]), np.array([90.0, 20.0, 600.0]), 1.0, 1.0,
                      model, 3)  # fmt: skip


#: random cases whose cold Newton stalls (residual ~0.1-0.5 for 25 steps): the
#: pseudo-transient continuation takes over (seed 97: constant D with saturation, 20
#: stages; 235: 7 stages; 1197: cation exchange, 20 stages; 1402: 7 stages)
STALLING = [97, 235, 1197, 1402]


@pytest.mark.parametrize("seed", STALLING)
def test_compiled_transient_follows_numpy(seed):
    """The kernel's pseudo-transient continuation is the NumPy one step for step: same
    accepted steps and residual history from the same start."""
    from yieldkit.models.sx import _kernel as kernel
    from yieldkit.models.sx.newton import _transient
    from yieldkit.models.sx.problem import _setup
    from yieldkit.models.sx.system import _Cascade, _initial_guess

    aq, org, qa, qo, model, n = random_case(seed)
    st = _setup(model, aq, org, qa, qo, n, None, 1.0)
    cas = _Cascade(model, st)
    start = _initial_guess(model, st, cas)
    v_np, hist_np, it_np = _transient(cas, start, 1000, 1e-6)
    p, q, mp = kernel._pack(st.qa, st.qo, st.s_m, st.s_h, st.e, st.scale_m, float(st.scale_h),
                            model.z, model.ha_bound, model.c, model.a, model.b)  # fmt: skip
    v_c, hist_c, it_c, nfac = kernel.transient(start, p, q, mp, 1000, 1e-6)
    assert it_c == it_np > 20
    assert nfac == it_c
    assert len(hist_c) == len(hist_np)
    assert np.allclose(hist_c, hist_np, rtol=1e-6, atol=1e-12)
    assert hist_c[-1] <= 1e-6
    assert np.allclose(v_c, v_np, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("seed", STALLING)
def test_stalling_newton_recovers_in_the_compiled_backend(seed):
    """After a stalled Newton the compiled fallbacks (the acid shift for a constant D, the
    stage continuation, the transient) converge without the NumPy ones, to the NumPy
    backend's solution."""
    from yieldkit.models.sx import _kernel as kernel
    from yieldkit.models.sx.backend import _NO_V, _NO_W
    from yieldkit.models.sx.problem import _setup

    aq, org, qa, qo, model, n = random_case(seed)
    st = _setup(model, aq, org, qa, qo, n, None, 1.0)
    stalled = kernel.solve(st.qa, st.qo, st.s_m, st.s_h, st.e, st.scale_m, float(st.scale_h),
                           st.h_in, st.f_in, model.z, model.ha_bound, model.c, model.a,
                           model.b, _NO_V, False, _NO_W, False, 1e-12, 25, None)  # fmt: skip
    assert stalled[5][-1] > 1e-3  # the cold Newton alone stalls
    sol = solve_cascade(aq, org, qa, qo, model, n)
    ref = solve_cascade(aq, org, qa, qo, model, n, backend="numpy")
    assert sol.backend == "compiled"
    scale = np.maximum(np.abs(ref.x).max(axis=0), 1e-300)
    assert np.max(np.abs(sol.x - ref.x) / scale) < 1e-10
    assert rel(sol.h, ref.h) < 1e-10
    assert sol.balance_error < 1e-10


@pytest.mark.parametrize("iterations", [0, 1, 2, 25])
def test_compiled_newton_reports_the_whole_residual(iterations):
    """The kernel skips the metal rows of the residual (zero after the exact metal
    re-solve) while iterating; what it returns, converged or stopped early, is the whole
    residual's max norm and the balance check of the returned iterate, as the NumPy path
    computes them."""
    from yieldkit.models.sx import _kernel as kernel
    from yieldkit.models.sx.problem import _setup
    from yieldkit.models.sx.system import _balance_error, _Cascade, _initial_guess

    aq, org, qa, qo, model, n = random_case(4)
    st = _setup(model, aq, org, qa, qo, n, None, 1.0)
    cas = _Cascade(model, st)
    start = _initial_guess(model, st, cas)
    p, q, mp = kernel._pack(st.qa, st.qo, st.s_m, st.s_h, st.e, st.scale_m, float(st.scale_h),
                            model.z, model.ha_bound, model.c, model.a, model.b)  # fmt: skip
    out = kernel.newton(start, p, q, mp, 1e-12, iterations, np.zeros((0, 1, 1)), False, None)
    v, hist, err = out[0], out[5], out[10]
    assert len(hist) == iterations + 1 or hist[-1] <= 1e-12
    v_np, parts = cas.resolve_parts(v)
    r = cas.residual(v_np, parts)
    # abs: at a converged iterate both are rounding (~3e-13), and the metal solves round
    # differently (LAPACK's pivoting dgtsv here, subtraction-free elimination in the kernel)
    assert hist[-1] == pytest.approx(np.abs(r).max(), rel=1e-6, abs=1e-14)
    assert err == pytest.approx(_balance_error(cas, parts), rel=1e-6, abs=1e-14)
    if iterations < 3:
        assert hist[-1] > 1e-6  # stopped early: the whole residual, not a partial one


def _exact_metal_solve(qa, od, s):
    """The metal balances solved in rational arithmetic (no rounding at all)."""
    from fractions import Fraction as Fr

    n = len(qa)
    diag = [Fr(qa[k]) + Fr(od[k]) for k in range(n)]
    rhs = [Fr(s[k]) for k in range(n)]
    up = [-Fr(od[k + 1]) for k in range(n - 1)]
    for k in range(1, n):
        f = -Fr(qa[k - 1]) / diag[k - 1]
        diag[k] -= f * up[k - 1]
        rhs[k] -= f * rhs[k - 1]
    x = [Fr(0)] * n
    for k in range(n - 1, -1, -1):
        x[k] = (rhs[k] - (up[k] * x[k + 1] if k < n - 1 else 0)) / diag[k]
    return np.array([float(v) for v in x])


def test_metal_solves_keep_every_concentration_to_rounding():
    """D jumping by up to 1e20 between neighbouring stages (Newton trial points): the old
    recurrence subtracted nearly equal numbers and lost every digit (errors up to 1e19
    relative, negative traces); the subtraction-free elimination of both backends keeps
    each concentration to a few rounding errors of itself."""
    from yieldkit.models.sx import _kernel as kernel
    from yieldkit.models.sx.system import _thomas

    rng = np.random.default_rng(0)
    for _ in range(40):
        n = int(rng.integers(2, 30))
        qa = 1.0 + np.cumsum(rng.uniform(0.1, 1, n) * (rng.random(n) < 0.3))  # side feeds
        qo = np.full(n, rng.uniform(0.1, 10))
        d = 10 ** rng.uniform(-10, 10, (n, 1))
        s = np.zeros((n, 1))
        s[0, 0], s[-1, 0] = 1.0, rng.uniform(0, 1)
        exact = _exact_metal_solve(qa, qo * d[:, 0], s[:, 0])
        x_np = _thomas(qa, qo[:, None] * d, s)[:, 0]
        x_k, cp, dp = np.zeros((n, 1)), np.zeros((n, 1)), np.zeros((n, 1))
        kernel._metals(qa, qo, d, s, x_k, cp, dp)
        keep = exact > 1e-290  # the kernel flushes below 1e-300
        for x in (x_np, x_k[:, 0]):
            assert np.all(np.abs(x[keep] - exact[keep]) <= 1e-13 * exact[keep])


def test_small_step_exponential_matches_exp():
    """Iterates next to the last one take exp(l + t) as exp(l) times a Taylor polynomial of
    exp(t) (|t| <= EXP_STEP): within 2 ulp of math.exp over that range and its edge."""
    import math

    from yieldkit.models.sx._kernel import EXP_STEP, _exp_small

    t = np.r_[np.linspace(-EXP_STEP, EXP_STEP, 4001), -1e-300, 0.0, 1e-17, 1e-9]
    got = np.array([_exp_small(v) for v in t])
    want = np.array([math.exp(v) for v in t])
    assert np.max(np.abs(got - want) / want) <= 2 * np.finfo(float).eps


@pytest.mark.parametrize("based", [False, True])
def test_distribution_of_runs_of_exponents(based):
    """D of every stage and metal as exp(c + a ln h + b ln f), for metals whose integer
    exponents form runs (one power product per run and stage), broken by a metal with a
    non-integer exponent, from the state itself and from a nearby iterate (the small-step
    exponentials), and False when a D overflows."""
    from yieldkit.models.sx import _kernel as kern

    rng = np.random.default_rng(3)
    n, m = 7, 6
    c = np.array([-6.0, -5.0, -4.0, -3.0, -7.0, 1.0])
    a = np.array([-3.0, -3.0, -2.0, -2.5, -3.0, -3.0])  # runs {0, 1}, {2}, {4, 5}
    bb = np.array([3.0, 3.0, 2.0, 2.5, 3.0, 3.0])
    ec, fast, run, ka, kb = kern.power_form(c, a, bb)
    assert fast.tolist() == [True, True, True, False, True, True]
    assert run.tolist() == [2, 0, 3, 0, 6, 0]
    p = (None,) * 3 + (c, a, bb, None, ec, fast, run, ka, kb)
    b = m + 2
    vb = rng.uniform(-1.0, 1.0, n * b)
    v = vb + rng.uniform(-0.9, 0.9, n * b) * kern.EXP_STEP
    v[3 * b + m] += 0.5  # stage 4: ln h moved too far for the small step
    hb, fb, db = np.exp(vb[m::b]), np.exp(vb[m + 1 :: b]), np.empty((n, m))
    assert kern._distribution(vb, p, np.empty(n), np.empty(n), db, vb, hb, fb, db, False)
    h, f, d = np.empty(n), np.empty(n), np.empty((n, m))
    assert kern._distribution(v, p, h, f, d, vb, hb, fb, db, based)
    lh, lf = v[m::b], v[m + 1 :: b]
    assert np.allclose(h, np.exp(lh), rtol=4e-16, atol=0)
    assert np.allclose(f, np.exp(lf), rtol=4e-16, atol=0)
    want = np.exp(c + np.outer(lh, a) + np.outer(lf, bb))
    assert np.allclose(d, want, rtol=1e-14, atol=0)
    v[2 * b + m] = -300.0  # h^-3 overflows
    assert not kern._distribution(v, p, h, f, d, vb, hb, fb, db, based)


@pytest.mark.parametrize("seed", [0, 1, 2, 4, 5, 8])
def test_returned_parts_match_the_state(seed):
    """The parts of a solution (H+, free extractant, D y/x) stay within 1e-13 of those
    recomputed from its log state, after a cold solve and after warm re-solves whose
    steps evaluate the exponentials from the previous iterate's."""
    aq, org, qa, qo, model, n = random_case(seed)
    m = model.n_metals
    sol = solve_cascade(aq, org, qa, qo, model, n)
    for factor in (1.0, 1.01, 0.97, 1.002):
        sol = solve_cascade(aq * np.r_[np.full(m, factor), 1.0], org, qa, qo, model, n, x0=sol)
        v = sol.state.reshape(n, m + 2)
        assert rel(sol.h, np.exp(v[:, m])) < 1e-13
        assert rel(sol.free_extractant, np.exp(v[:, m + 1])) < 1e-13
        d = np.exp(model.log_d(sol.h, sol.free_extractant))
        present = sol.x > 1e-250
        assert rel(sol.y[present], (d * sol.x)[present]) < 1e-13


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5, 6, 7])
def test_block_factorisation_solves_the_assembled_jacobian(seed):
    """_block_lu (G_k from the non-zeros of U_k only) and _block_solve against a dense solve
    of the Jacobian _jacobian_blocks fills, at the initial guess of a random cascade."""
    from yieldkit.models.sx import _kernel as kern
    from yieldkit.models.sx._kernel_blocks import _block_lu, _block_solve
    from yieldkit.models.sx.backend import _NO_SIDES

    aq, org, qa, qo, model, n = random_case(seed)
    m, b = model.n_metals, model.n_metals + 2
    _, qa_, qo_, s_m, s_h, _, e, sc_m, sc_h, h_in, f_in = kern.fast_setup(
        aq, org, qa, qo, n, model.z, model.ha_bound, *_NO_SIDES
    )
    p, q, mp = kern._pack(qa_, qo_, s_m, s_h, e, sc_m, sc_h, model.z, model.ha_bound,
                          model.c, model.a, model.b)  # fmt: skip
    x, h, f, y, d = kern._work_parts(n, m)
    kern._unpack(kern.initial_guess(p, q, mp, h_in, f_in), p, x, h, f, y, d)
    w = np.empty((n, b, 2 * b + 1))
    kern._jacobian_blocks(q, mp, 1.0, x, h, f, y, d, w)
    jac = _dense(w)
    rhs = np.random.default_rng(seed).standard_normal(n * b)
    want = np.linalg.solve(jac, rhs)
    assert _block_lu(w)
    got = rhs.copy()
    assert _block_solve(w, got, np.empty((3, b)))
    assert np.max(np.abs(got - want)) <= 1e-8 * np.max(np.abs(want))


def _random_blocks(rng, n, b):
    """Blocks of a random block-tridiagonal matrix with the kernel's structure (diagonal
    blocks stored transposed, upper blocks with the Jacobian's non-zeros: full H+ and
    extractant rows, as after the row operation of a Murphree cascade, and a lower
    diagonal without its extractant entry) and the dense matrix they stand for."""
    m = b - 2
    w = np.zeros((n, b, 2 * b + 1))
    # (diagonal blocks dominant enough for elimination without pivoting between blocks:
    # with 4 I instead of 6 I, random full extractant rows lost ~4 digits at b = 15)
    w[:, :, :b] = rng.standard_normal((n, b, b)) + 6.0 * np.eye(b)
    for k in range(n - 1):
        for r in range(m):
            w[k, r, b + r], w[k, r, b + m], w[k, r, b + m + 1] = rng.standard_normal(3)
        w[k, m, b : 2 * b] = rng.standard_normal(b)
        w[k, m + 1, b : 2 * b] = rng.standard_normal(b)
    w[1:, : m + 1, 2 * b] = rng.standard_normal((n - 1, m + 1))
    return w, _dense(w)


def _dense(w):
    """The dense matrix of the kernel's blocks w (n, b, 2b + 1): diagonal blocks stored
    transposed, upper blocks as they are, the lower diagonal in the last column."""
    n, b = w.shape[:2]
    jac = np.zeros((n * b, n * b))
    for k in range(n):
        s = slice(k * b, (k + 1) * b)
        jac[s, s] = w[k, :, :b].T
        if k < n - 1:
            jac[s, (k + 1) * b : (k + 2) * b] = w[k, :, b : 2 * b]
        if k > 0:
            jac[s, (k - 1) * b : k * b] += np.diag(w[k, :, 2 * b])
    return jac


@pytest.mark.parametrize("b", range(3, 20))
def test_block_solve_every_block_size(b):
    """_block_solve against a dense solve for every block size: 3 to 17 by the vector
    code (one path per size), 18 and 19 by the scalar loops; one stage and seven. A
    non-finite right-hand side is reported (False), a finite one not."""
    from yieldkit.models.sx._kernel_blocks import SIMD_MAX, SIMD_MIN, _block_lu, _block_solve

    assert (SIMD_MIN, SIMD_MAX) == (3, 17)
    rng = np.random.default_rng(b)
    for n in (1, 7):
        w, jac = _random_blocks(rng, n, b)
        rhs = rng.standard_normal(n * b)
        want = np.linalg.solve(jac, rhs)
        assert _block_lu(w)
        got = rhs.copy()
        assert _block_solve(w, got, np.empty((3, b)))
        assert np.max(np.abs(got - want)) <= 1e-12 * np.max(np.abs(want))
        for bad in (np.inf, -np.inf, np.nan):
            r = rhs.copy()
            r[-1] = bad
            assert not _block_solve(w, r, np.empty((3, b)))


@pytest.mark.parametrize("b", range(3, 20))
def test_block_factorisation_pivots_and_reports_a_singular_block(b):
    """_block_lu with row swaps in every block (diagonal blocks without a dominant
    diagonal, the largest entry of each column off the diagonal) against a dense solve,
    by the vector code (block sizes LU_MIN to LU_MAX) and by the loops (larger); a
    singular block and a nan in a block end the factorisation with False."""
    from yieldkit.models.sx._kernel_blocks import LU_MAX, LU_MIN, _block_lu, _block_solve

    assert (LU_MIN, LU_MAX) == (3, 17)
    rng = np.random.default_rng(100 + b)
    w, _ = _random_blocks(rng, 6, b)
    for k in range(6):  # reversed rows of S: every pivot search swaps
        w[k, :, :b] = w[k, :, :b][:, ::-1] * rng.uniform(0.5, 2.0, b)
    jac = _dense(w)
    rhs = rng.standard_normal(6 * b)
    want = np.linalg.solve(jac, rhs)
    singular, poisoned = w.copy(), w.copy()
    assert _block_lu(w)
    got = rhs.copy()
    assert _block_solve(w, got, np.empty((3, b)))
    assert np.max(np.abs(got - want)) <= 1e-10 * np.max(np.abs(want))
    singular[3, :, 1] = 0.0  # a zero row of S_4 (stored transposed) ...
    singular[3, 1, 2 * b] = 0.0  # ... which the Schur update leaves zero
    assert not _block_lu(singular)
    poisoned[2, 1, 1] = np.nan
    assert not _block_lu(poisoned)


def test_wide_factorisation_reads_inside_the_array():
    """The block sizes the vector factorisation serves with one code path per vector
    width follow on the sizes with code of their own without a gap, up to LU_MAX, and
    each width is at most 2b + 1 for the smallest b it serves (a vector read from column
    b of a row then ends inside the next row: _kernel_blocks._Block)."""
    from yieldkit.models.sx._kernel_blocks import _WIDE, LU_MAX, UNROLLED_MAX

    start = UNROLLED_MAX + 1
    for lo, hi, width in _WIDE:
        assert lo == start and hi >= lo
        assert hi <= width <= 2 * lo + 1
        start = hi + 1
    assert start == LU_MAX + 1


def test_kernel_records_the_source_of_the_block_algebra():
    """A change of _kernel_blocks.py must change _kernel.py as well, or numba keeps running
    the old block algebra from its cache of _kernel.py (found 2026-12-06: a faster
    factorisation did not run until the cache was cleared)."""
    import hashlib
    from pathlib import Path

    from yieldkit.models.sx import _kernel, _kernel_blocks

    sha = hashlib.sha256(Path(_kernel_blocks.__file__).read_bytes()).hexdigest()
    assert _kernel.BLOCKS_SOURCE_SHA256 == sha, (
        f"_kernel_blocks.py changed: set BLOCKS_SOURCE_SHA256 = {sha!r} in _kernel.py"
    )


def test_kernel_constants_match_the_python_ones():
    """The kernel repeats the NumPy path's limits as its own constants (numba compiles
    module globals in): each must equal the Python value it mirrors."""
    from yieldkit.models.sx import _kernel, newton, problem, system

    assert _kernel.H_MIN == problem.H_MIN == system.H_MIN
    assert _kernel.MAX_CONC == problem.MAX_CONC
    assert _kernel.MAX_LOG_STEP == newton.MAX_LOG_STEP
    assert _kernel.CHORD_BELOW == newton.CHORD_BELOW
    assert _kernel.CHORD_AGED == newton.CHORD_AGED
    assert _kernel.CHORD_LEFT == newton.CHORD_LEFT
    assert _kernel.STALL_WINDOW == newton.STALL_WINDOW
    assert _kernel.PLATEAU_STEPS == newton.PLATEAU_STEPS
    assert _kernel.PLATEAU_CUT == newton.PLATEAU_CUT
    assert _kernel.X_FLUSH == system.X_FLUSH
    assert _kernel.TRACE_CONC == system.TRACE_CONC


@pytest.mark.parametrize(
    ("hist", "stalled"),
    [
        ([0.49, 0.43, 0.429, 0.428, 0.427], True),  # three steps of < 1 %: a plateau
        ([0.49, 0.43, 0.429, 0.428, 0.42], False),  # the last one cut 2 %
        ([0.49, 0.488, 0.487, 0.486], True),
        ([0.49, 0.485, 0.48], False),  # two steps only
        ([1.0, 0.99] + [0.98**k for k in range(1, 11)], True),  # no halving in 10
        ([1.0] + [0.92**k for k in range(1, 12)], False),  # 8 % a step: halved within 10
        ([1.0, 1e-3, 1e-6, 1e-9], False),
    ],
)
def test_stall_tests_agree(hist, stalled):
    """newton._stalled and the kernel's: a plateau of PLATEAU_STEPS iterations that each
    cut the residual by less than PLATEAU_CUT, or STALL_WINDOW iterations without a halving."""
    from yieldkit.models.sx import _kernel, newton

    assert newton._stalled(hist) is stalled
    assert bool(_kernel._stalled(np.array(hist), np.int64(len(hist)))) is stalled


def _scaled_rel(a, b):
    """Largest difference relative to each value, or to 1e-12 of the largest of its metal
    (traces many decades below their feed carry that metal's absolute rounding)."""
    return float(np.max(np.abs(a - b) / (np.abs(b) + 1e-12 * np.abs(b).max(axis=0) + 1e-300)))


def _murphree_case(seed, m, n, eff, sides=False):
    """A random cation-exchange cascade at stage efficiency eff (aqueous and organic side
    feeds with ``sides``): its NumPy setup, the kernel's packed tuples for it, the model."""
    from yieldkit.models.sx import SideFeed
    from yieldkit.models.sx import _kernel as kern
    from yieldkit.models.sx.problem import _setup

    rng = np.random.default_rng(seed)
    model, aq, org, qa, qo, n = draw_cascade(rng, m, n, "cation_exchange")
    side = None
    if sides and n > 2:
        side = [SideFeed(2, "aq", 0.3, np.append(rng.uniform(0, 1, m), aq[m])),
                SideFeed(n - 1, "org", 0.2, np.append(np.zeros(m), org[m]))]  # fmt: skip
    st = _setup(model, aq, org, qa, qo, n, side, eff)
    s_om = np.ascontiguousarray(st.s_m - st.s_am)  # (no metal on the organic side feed)
    s_om[n - 1] = qo * org[:m]
    p, q, mp = kern._pack(st.qa, st.qo, st.s_m, st.s_h, st.e, st.scale_m, float(st.scale_h),
                          model.z, model.ha_bound, model.c, model.a, model.b)  # fmt: skip
    mu = (np.array([eff]), np.ascontiguousarray(st.s_am), s_om)
    return st, (p, q, mp, mu), model, (aq, org, qa, qo, n, side)


def _exact_murphree(qa, qo, d, s_am, s_om, eff):
    """The Murphree metal equations of one metal solved in exact rational arithmetic
    (elimination in the order x_0, w_0, x_1, ...: an M-matrix, no pivot is zero):
    (x, w) as floats."""
    from fractions import Fraction as F

    n = len(qa)
    e = F(eff)
    a = [[F(0)] * (2 * n) for _ in range(2 * n)]
    r = [F(0)] * (2 * n)
    for k in range(n):
        a[2 * k][2 * k] = F(qa[k])
        a[2 * k][2 * k + 1] = -e * F(qa[k])
        a[2 * k + 1][2 * k + 1] = e * F(qa[k]) + F(qo[k]) * F(d[k])
        if k:
            a[2 * k][2 * k - 2] = -(1 - e) * F(qa[k - 1])
            a[2 * k + 1][2 * k - 2] = -e * F(qa[k - 1])
        if k < n - 1:
            a[2 * k + 1][2 * k + 3] = -F(qo[k + 1]) * F(d[k + 1])
        r[2 * k] = (1 - e) * F(s_am[k])
        r[2 * k + 1] = e * F(s_am[k]) + F(s_om[k])
    size = 2 * n
    for c in range(size):
        for i in range(c + 1, min(c + 4, size)):
            if a[i][c]:
                g = a[i][c] / a[c][c]
                for j in range(c, min(c + 6, size)):
                    a[i][j] -= g * a[c][j]
                r[i] -= g * r[c]
    sol = [F(0)] * size
    for c in range(size - 1, -1, -1):
        t = r[c] - sum(a[c][j] * sol[j] for j in range(c + 1, min(c + 6, size)))
        sol[c] = t / a[c][c]
    return np.array([float(v) for v in sol[0::2]]), np.array([float(v) for v in sol[1::2]])


@pytest.mark.parametrize("seed", range(4))
def test_murphree_metal_solve_is_exact_to_rounding_in_every_component(seed):
    """The kernel's Murphree metal solve (elimination without subtraction) against the
    exact rational solution of the same equations, for D over 16 decades and E from 0.05
    to 0.99: every x and x* to a few ulp of itself, traces too (the NumPy path's banded
    LAPACK solve, normwise accurate, was off by up to 4e-5 relative in such traces)."""
    from yieldkit.models.sx import _kernel as kern

    rng = np.random.default_rng(seed)
    eff = [0.05, 0.3, 0.7, 0.99][seed]
    st, (_, _, _, mu), _, _ = _murphree_case(seed, 3, 12, eff, sides=True)
    n, m = st.s_m.shape
    d = np.exp(rng.uniform(-18, 18, size=(n, m)))
    x, w, cp, dp = (np.empty((n, m)) for _ in range(4))
    kern._murphree_metals(st.qa, st.qo, d, mu[1], mu[2], eff, x, w, cp, dp)
    for i in range(m):
        xe, we = _exact_murphree(st.qa, st.qo, d[:, i], mu[1][:, i], mu[2][:, i], eff)
        assert np.all(np.abs(x[:, i] - xe) <= 1e-14 * xe)
        assert np.all(np.abs(w[:, i] - we) <= 1e-14 * we)


@pytest.mark.parametrize(("m", "eff"), [(3, 0.9), (6, 0.5), (16, 0.7)])
def test_murphree_newton_step_matches_the_numpy_jacobian(m, eff):
    """The compiled Murphree Jacobian (_jacobian_blocks at E < 1: the H+ and extractant rows freed
    of their lower entries by a row operation) factorised by _block_lu (G_k with a full
    extractant row of U_k; 16 metals take the scalar loops) gives the NumPy path's Newton
    step in H+ and free extractant, at a state away from the solution."""
    from yieldkit.models.sx import _kernel as kern
    from yieldkit.models.sx._kernel_blocks import _block_lu, _block_solve
    from yieldkit.models.sx.system import _Cascade, _initial_guess

    st, (p, q, mp, mu), model, _ = _murphree_case(m, m, 12, eff, sides=True)
    n, b = st.s_m.shape[0], m + 2
    cas = _Cascade(model, st)
    v, parts = cas.resolve_parts(_initial_guess(model, st, cas))
    fac = cas.factor(cas.jacobian_data(parts))
    want = cas.lu_solve(fac, -cas.residual(v, parts)).reshape(n, b)[:, m:]
    x, h, f, y, d = kern._work_parts(n, m)
    out, r, cp, dp = np.empty(n * b), np.empty(n * b), np.empty((n, m)), np.empty((n, m))
    kern._resolve(v, out, p, q, x, h, f, y, d, cp, dp, r, v, h, f, d, np.bool_(False), mu)
    assert np.max(np.abs(out - v)) <= 1e-12 * np.max(np.abs(v))
    w = np.empty((n, b, 2 * b + 1))
    kern._jacobian_blocks(q, mp, eff, x, h, f, y, d, w)
    assert _block_lu(w)
    got = -r
    assert _block_solve(w, got, np.empty((3, b)))
    got = got.reshape(n, b)[:, m:]
    assert np.max(np.abs(got - want)) <= 1e-8 * np.max(np.abs(want))


@pytest.mark.parametrize("seed", range(8))
def test_compiled_murphree_cascades_agree_with_numpy(seed):
    """A stage efficiency below 1 runs on the compiled backend (by default) with the NumPy
    path's iterations and answer; with side feeds, a warm re-solve after a 1 % feed change
    reuses the factors of the solution (chord steps, no new Jacobian)."""
    rng = np.random.default_rng(100 + seed)
    eff = float(rng.uniform(0.1, 0.99))
    _, _, model, (aq, org, qa, qo, n, side) = _murphree_case(
        200 + seed, 1 + seed % 6, 3 + 9 * seed, eff, sides=seed % 2 == 1
    )
    fast = solve_cascade(aq, org, qa, qo, model, n, side, stage_efficiency=eff)
    ref = solve_cascade(aq, org, qa, qo, model, n, side, stage_efficiency=eff, backend="numpy")
    assert fast.backend == "compiled" and fast.stage_efficiency == eff
    assert fast.iterations == ref.iterations and fast.balance_error < 1e-10
    assert _scaled_rel(fast.x, ref.x) < 1e-9 and _scaled_rel(fast.y, ref.y) < 1e-9
    m = model.n_metals
    aq2 = aq * np.r_[np.full(m, 1.01), 1.0]
    warm = solve_cascade(aq2, org, qa, qo, model, n, side, x0=fast, stage_efficiency=eff)
    cold = solve_cascade(aq2, org, qa, qo, model, n, side, stage_efficiency=eff, backend="numpy")
    assert warm.backend == "compiled" and warm.jacobians == 0
    assert _scaled_rel(warm.x, cold.x) < 1e-9 and warm.balance_error < 1e-10
