"""Benchmarks of the tear solvers on synthetic loops (no flowsheet).

Run: ``pytest benchmarks/test_bench_solvers.py --benchmark-only``. Each case records in
``benchmark.extra_info`` the calls of g (``evaluations``), iterations, the final residual
and the ratios to direct substitution on the same loop (``evaluations_vs_direct``;
``time_vs_direct`` against a baseline timed in the same process).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from yieldkit.flowsheet.solvers import SOLVERS, get_solver

NAMES = ["direct", *sorted(n for n in SOLVERS if n != "direct")]


def purge_loop(n=20, purge=0.01, seed=0):
    """x = a + (1 - purge) M x, M mass-conserving; 1 % purge, n components."""
    rng = np.random.default_rng(seed)
    s = rng.random((n, n))
    s /= s.sum(axis=0)
    w = rng.uniform(20.0, 300.0, n)
    m = np.diag(1.0 / w) @ s @ np.diag(w) * (1.0 - purge)
    a = rng.uniform(0.1, 1.0, n)
    return (lambda x: a + m @ x), np.zeros(n)


C_WIDE = np.array([350.0, 1e2, 1.0, 1e-3, 1e-6, 1e-10])


def wide_map():
    """Nonlinear contraction (Lipschitz 0.9 in x/C), components over 12 orders."""
    rng = np.random.default_rng(1)
    b = rng.random((C_WIDE.size, C_WIDE.size))
    b /= b.sum(axis=1, keepdims=True)

    def g(x):
        v = b @ (x / C_WIDE)
        return C_WIDE * (0.3 + 0.9 * v / (1.0 + 0.5 * v))

    return g, 2.0 * C_WIDE


LOOPS = {"purge1pct_n20": purge_loop, "nonlinear_12_orders": wide_map}


def _time(solver, g, x0, repeat=5):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        stats = solver.solve(g, x0)
        best = min(best, time.perf_counter() - t0)
    return best, stats


@pytest.fixture(scope="module")
def baseline():
    """Direct substitution on each loop, timed in this process (min of 5 runs)."""
    out = {}
    for loop, make in LOOPS.items():
        g, x0 = make()
        out[loop] = _time(get_solver("direct"), g, x0)
    return out


@pytest.mark.parametrize("loop", list(LOOPS))
@pytest.mark.parametrize("name", NAMES)
def test_bench_tear_solver(benchmark, baseline, name, loop):
    g, x0 = LOOPS[loop]()
    solver = get_solver(name)
    stats = benchmark(solver.solve, g, x0, loop=loop)
    assert stats.converged
    t_direct, direct = baseline[loop]
    t_self, _ = _time(solver, g, x0)
    benchmark.extra_info.update(
        method=name,
        loop=loop,
        evaluations=stats.evaluations,
        iterations=stats.iterations,
        residual=stats.residual,
        evaluations_vs_direct=stats.evaluations / direct.evaluations,
        time_vs_direct=t_self / t_direct,
    )
