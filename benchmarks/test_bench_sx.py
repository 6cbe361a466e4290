"""SX cascade benchmarks: simultaneous Newton (banded analytic Jacobian) vs a naive baseline.

Baseline: scipy.optimize.root(method="hybr") on the same scaled residual and the same
initial guess, Jacobian by finite differences (MINPACK), run in the same process. It is
run only up to 100 stages (at 500+ stages one dense finite-difference Jacobian costs
seconds). Both backends of ``solve_cascade`` are timed: 'compiled' (numba kernel, the
default) and 'numpy' (the reference path). Compare the groups' means as ratios; run with
``pytest benchmarks/test_bench_sx.py --benchmark-only``.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from scipy.optimize import root

from yieldkit.models.sx import solve_cascade
from yieldkit.models.sx.parameters import from_separation_factors
from yieldkit.models.sx.reference import residual_vector

STAGES = [5, 20, 100, 500, 1000]
BASELINE_STAGES = [5, 20, 100]
BACKENDS = ["compiled", "numpy"]


def six_metal_case():
    """La, Ce, Pr, Nd (Yin2015 separation factors around P507 Pr log K = -1.98) plus two
    weakly extracted impurities with made-up log K (-4 and -3: benchmark inputs only)."""
    from yieldkit.models.sx.distribution import cation_exchange, combine

    ree = from_separation_factors("Pr+3", -1.98)
    model = combine(ree, cation_exchange(["Al+3", "Fe+3"], [-4.0, -3.0], [3.0, 3.0]))
    aq = np.array([2.0, 4.0, 1.0, 3.0, 5.0, 2.0, 30.0])  # La Ce Pr Nd Al Fe H+ [mol/m3]
    org = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 600.0])
    return model, aq, org


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n", STAGES)
def test_newton_cold(benchmark, n, backend):
    model, aq, org = six_metal_case()
    benchmark.group = f"sx cascade {n} stages x 6 metals"
    solve_cascade(aq, org, 1.0, 1.0, model, n, backend=backend)  # compile / warm caches
    sol = benchmark(solve_cascade, aq, org, 1.0, 1.0, model, n, backend=backend)
    assert sol.balance_error < 1e-10
    assert sol.backend == backend
    benchmark.extra_info.update(iterations=sol.iterations, jacobians=sol.jacobians)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n", STAGES)
def test_newton_warm_after_1pct_feed_change(benchmark, n, backend):
    model, aq, org = six_metal_case()
    benchmark.group = f"sx cascade {n} stages x 6 metals"
    base = solve_cascade(aq, org, 1.0, 1.0, model, n, backend=backend)
    aq2 = aq * np.array([1.01, 0.99, 1.01, 1.01, 0.99, 1.0, 1.0])
    sol = benchmark(solve_cascade, aq2, org, 1.0, 1.0, model, n, x0=base, backend=backend)
    assert sol.balance_error < 1e-10
    assert sol.backend == backend
    benchmark.extra_info.update(iterations=sol.iterations, jacobians=sol.jacobians)


@pytest.mark.parametrize("n", BASELINE_STAGES)
def test_baseline_hybr_fd(benchmark, n):
    model, aq, org = six_metal_case()
    benchmark.group = f"sx cascade {n} stages x 6 metals"
    fun, v0, unpack = residual_vector(aq, org, 1.0, 1.0, model, n)
    ref = solve_cascade(aq, org, 1.0, 1.0, model, n)

    def run():
        return root(fun, v0, method="hybr", tol=1e-12)

    out = benchmark.pedantic(run, rounds=3 if n < 100 else 1, iterations=1)
    x = unpack(out.x)[0]
    benchmark.extra_info["success"] = bool(out.success)
    benchmark.extra_info["max_rel_dev_x"] = float(np.max(np.abs(x - ref.x) / ref.x))


def many_metal_case(m: int):
    """m trivalent metals, cation exchange with log K evenly from -3 to -1 (benchmark inputs
    only), feed 1-5 mol/m3 each, H+ = 3x the metal charge + 30 mol/m3, 1200 mol/m3 HA."""
    from yieldkit.models.sx.distribution import cation_exchange

    rng = np.random.default_rng(1)
    model = cation_exchange([f"M{i}+3" for i in range(m)], np.linspace(-3.0, -1.0, m), [3.0] * m)
    metals = rng.uniform(1.0, 5.0, m)
    aq = np.append(metals, 3.0 * metals.sum() + 30.0)
    org = np.append(np.zeros(m), 1200.0)
    return model, aq, org


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("m", [6, 10, 15])
def test_newton_many_metals_100_stages(benchmark, m, warm):
    """Block size M+2 grows with the metals: how cold and warm (1 % feed change) solves of a
    100-stage cascade scale with M (compiled backend)."""
    model, aq, org = many_metal_case(m)
    benchmark.group = f"sx cascade 100 stages x {m} metals"
    base = solve_cascade(aq, org, 1.0, 1.0, model, 100)
    aq2 = aq * np.r_[1.0 + 0.01 * np.sign(np.sin(np.arange(m) + 1.0)), 1.0]
    x0 = base if warm else None
    sol = benchmark(solve_cascade, aq2, org, 1.0, 1.0, model, 100, x0=x0)
    assert sol.balance_error < 1e-10
    benchmark.extra_info.update(iterations=sol.iterations, jacobians=sol.jacobians)


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_full_separation_scale(benchmark, warm):
    """The scale of a full rare-earth separation plant (DOMAIN.md section 3: up to 1000
    mixer-settlers; here all 15 metals of many_metal_case in one 1000-stage cascade),
    cold and warm after a 1 % feed change (compiled backend)."""
    m, n = 15, 1000
    model, aq, org = many_metal_case(m)
    benchmark.group = f"sx cascade {n} stages x {m} metals"
    base = solve_cascade(aq, org, 1.0, 1.0, model, n)
    aq2 = aq * np.r_[1.0 + 0.01 * np.sign(np.sin(np.arange(m) + 1.0)), 1.0]
    sol = benchmark.pedantic(solve_cascade, (aq2, org, 1.0, 1.0, model, n),
                             {"x0": base if warm else None}, rounds=10, iterations=1)  # fmt: skip
    assert sol.balance_error < 1e-10
    assert sol.backend == "compiled"
    benchmark.extra_info.update(iterations=sol.iterations, jacobians=sol.jacobians)


def recycle_sequence(model, aq, org, n):
    """One cold solve, then 12 warm re-solves with feed changes shrinking from 1 % by half
    each time (as in a converging recycle loop), each from the previous solution."""
    step = np.array([0.01, -0.01, 0.01, 0.01, -0.01, 0.0, 0.0])
    sol = solve_cascade(aq, org, 1.0, 1.0, model, n)
    feed = aq
    chord = 0
    for k in range(12):
        feed = feed * (1.0 + step * 0.5**k)
        sol = solve_cascade(feed, org, 1.0, 1.0, model, n, x0=sol)
        chord += sol.iterations
    return sol, chord


@pytest.mark.parametrize("n", [20, 100, 500])
def test_recycle_loop_sequence(benchmark, n):
    """The use the warm start is for: the time of a cold solve and 12 warm re-solves of a
    converging loop; compare with test_newton_cold at the same stages (the 12 warm solves
    cost the difference)."""
    model, aq, org = six_metal_case()
    benchmark.group = f"sx cascade {n} stages x 6 metals"
    recycle_sequence(model, aq, org, n)
    sol, chord = benchmark(recycle_sequence, model, aq, org, n)
    assert sol.balance_error < 1e-10
    benchmark.extra_info.update(warm_iterations=chord)


def sweep_feeds(aq, count: int = 30, step: float = 0.01) -> list[np.ndarray]:
    """Aqueous feeds of a design sweep: ``count`` changes of ``step`` in a row (La, Nd up,
    Ce down), each from the last."""
    change = np.array([1 + step, 1 - step, 1.0, 1 + step, 1.0, 1.0, 1.0])
    return [aq * change ** (k + 1) for k in range(count)]


def warm_sweep(model, feeds, org, n, base):
    """Solve each feed warm from the previous solution; returns the last solution and the
    Newton steps and Jacobians summed."""
    sol, steps, jacobians = base, 0, 0
    for feed in feeds:
        sol = solve_cascade(feed, org, 1.0, 1.0, model, n, x0=sol)
        steps += sol.iterations
        jacobians += sol.jacobians
    return sol, steps, jacobians


@pytest.mark.parametrize("n", [20, 100, 500])
def test_warm_sweep(benchmark, n):
    """A sweep of 30 feed changes of 1 % in a row, each solve warm from the last (the first
    from a cold solve of the unchanged feed), against cold solves of the same 30 feeds in
    the same process (interleaved minima): the factors of the first solve age along the
    sweep and are refreshed when a chord step cuts the residual less than 20x
    (newton.CHORD_AGED). extra_info: per-solve minima, ratio, steps and Jacobians."""
    model, aq, org = six_metal_case()
    benchmark.group = f"sx sweep of 30 warm solves, {n} stages x 6 metals"
    feeds = sweep_feeds(aq)
    base = solve_cascade(aq, org, 1.0, 1.0, model, n)

    def cold():
        for feed in feeds:
            solve_cascade(feed, org, 1.0, 1.0, model, n)

    cold_us, warm_us = interleaved_minima(cold, lambda: warm_sweep(model, feeds, org, n, base),
                                          calls=max(100 // n, 1), rounds=5, warm_calls=1)  # fmt: skip
    sol, steps, jacobians = benchmark(warm_sweep, model, feeds, org, n, base)
    assert sol.balance_error < 1e-10
    benchmark.extra_info.update(
        cold_us_per_solve=round(cold_us / len(feeds), 1),
        warm_us_per_solve=round(warm_us / len(feeds), 1),
        ratio=round(cold_us / warm_us, 2), warm_steps=steps, warm_jacobians=jacobians,
    )  # fmt: skip


def interleaved_minima(cold, warm, calls: int, rounds: int = 9, warm_calls: int = 4):
    """Best time per call [us] of ``cold`` and of ``warm`` over ``rounds`` alternating
    rounds of ``calls`` calls of ``cold`` and ``warm_calls`` times as many of ``warm``: both
    see the same machine state, so their ratio does not carry the drift (+-20 % over
    minutes on the 2-core VM) between separately run tests."""
    best_cold, best_warm = np.inf, np.inf
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(calls):
            cold()
        t1 = time.perf_counter()
        for _ in range(warm_calls * calls):
            warm()
        t2 = time.perf_counter()
        best_cold = min(best_cold, (t1 - t0) / calls * 1e6)
        best_warm = min(best_warm, (t2 - t1) / (warm_calls * calls) * 1e6)
    return best_cold, best_warm


@pytest.mark.parametrize("n", [5, 20, 100, 500, 1000])
def test_warm_over_cold_interleaved(benchmark, n):
    """The warm-start target as a ratio measured in one process: cold solves and warm
    re-solves after the 1 % feed change of test_newton_warm_after_1pct_feed_change,
    alternating (compiled backend); the benchmark itself times the warm re-solve, and
    extra_info holds both minima and cold / warm."""
    model, aq, org = six_metal_case()
    benchmark.group = f"sx warm / cold, {n} stages x 6 metals"
    base = solve_cascade(aq, org, 1.0, 1.0, model, n)
    aq2 = aq * np.array([1.01, 0.99, 1.01, 1.01, 0.99, 1.0, 1.0])
    cold_us, warm_us = interleaved_minima(
        lambda: solve_cascade(aq, org, 1.0, 1.0, model, n),
        lambda: solve_cascade(aq2, org, 1.0, 1.0, model, n, x0=base),
        calls=max(10000 // n, 3),
    )
    sol = benchmark(solve_cascade, aq2, org, 1.0, 1.0, model, n, x0=base)
    assert sol.balance_error < 1e-10
    benchmark.extra_info.update(
        cold_us=round(cold_us, 1), warm_us=round(warm_us, 1), ratio=round(cold_us / warm_us, 2),
        chord_steps=sol.iterations,
    )  # fmt: skip


def extraction_scrub_case(n: int):
    """six_metal_case as a combined extraction-scrub cascade: the aqueous feed enters the
    middle stage as a side feed (flow 1), an acid scrub (500 mol/m3 H+, no metals, flow
    0.2) enters stage 1, the organic (flow 1) stage n."""
    from yieldkit.models.sx import SideFeed

    model, aq, org = six_metal_case()
    scrub = np.zeros_like(aq)
    scrub[-1] = 500.0
    return model, scrub, org, [SideFeed(max(n // 2, 1), "aq", 1.0, aq)]


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("n", [10, 50, 200])
def test_side_fed(benchmark, n, warm):
    """A side-fed cascade on the compiled fast path (side feeds set up in the kernel) and,
    in the same process, through the general path it took before (Python setup, then the
    same kernel Newton): extra_info holds both minima and their ratio."""
    from yieldkit.models.sx import SideFeed
    from yieldkit.models.sx.fallbacks import _solve_general

    model, scrub, org, side = extraction_scrub_case(n)
    benchmark.group = f"sx side-fed {n} stages x 6 metals"
    base = solve_cascade(scrub, org, 0.2, 1.0, model, n, side_feeds=side)
    feed = [SideFeed(s.stage, s.phase, s.flow * 1.01, s.conc) for s in side] if warm else side
    x0 = base if warm else None

    def fast():
        return solve_cascade(scrub, org, 0.2, 1.0, model, n, side_feeds=feed, x0=x0)

    def general():
        return _solve_general(model, scrub, org, 0.2, 1.0, n, feed, x0, 1e-12, 100, "compiled")

    assert np.allclose(fast().x, general().x, rtol=1e-9, atol=1e-12 * base.x.max())
    t_fast, t_general = interleaved_minima(fast, general, calls=max(2000 // n, 5))
    sol = benchmark(fast)
    assert sol.balance_error < 1e-10
    benchmark.extra_info.update(
        fast_us=round(t_fast, 1), general_path_us=round(t_general, 1),
        general_over_fast=round(t_general / t_fast, 2), iterations=sol.iterations,
    )  # fmt: skip


@pytest.mark.parametrize("warm", [False, True])
@pytest.mark.parametrize("n", [5, 100, 1000])
def test_stage_efficiency(benchmark, n, warm):
    """A Murphree stage efficiency below 1 (0.9 here), compiled (the default) against the
    NumPy backend, alternating in one process: cold (each starts from the same cascade's
    equilibrium solution on its own backend), or warm after a 1 % feed change."""
    model, aq, org = six_metal_case()
    aq2 = aq * np.array([1.01, 0.99, 1.01, 1.01, 0.99, 1.0, 1.0])
    benchmark.group = f"sx stage efficiency 0.9, {n} stages x 6 metals"
    base = {be: solve_cascade(aq, org, 1.0, 1.0, model, n, stage_efficiency=0.9, backend=be)
            for be in BACKENDS}  # fmt: skip

    def run(backend):
        if warm:
            return solve_cascade(aq2, org, 1.0, 1.0, model, n, x0=base[backend],
                                 stage_efficiency=0.9, backend=backend)  # fmt: skip
        return solve_cascade(aq, org, 1.0, 1.0, model, n, stage_efficiency=0.9, backend=backend)

    numpy_us, compiled_us = interleaved_minima(
        lambda: run("numpy"), lambda: run("compiled"), calls=max(200 // n, 2), rounds=3,
        warm_calls=1,
    )  # fmt: skip
    sol = benchmark(run, "compiled")
    assert sol.balance_error < 1e-10 and sol.backend == "compiled"
    ref = run("numpy")
    assert sol.iterations == ref.iterations and np.allclose(sol.x, ref.x, rtol=1e-8, atol=1e-12)
    benchmark.extra_info.update(numpy_us=round(numpy_us, 1), compiled_us=round(compiled_us, 1),
                                speedup=round(numpy_us / compiled_us, 1),
                                iterations=sol.iterations)  # fmt: skip
