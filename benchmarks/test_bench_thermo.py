"""Benchmarks of the thermochemistry layer (yieldkit.models.thermo).

Run: ``pytest benchmarks/test_bench_thermo.py --benchmark-only``. Cases: one TP
equilibrium (Nd oxalate in air at 1223.15 K, 8 candidate species) with each solver attempt
list; a 50-point temperature sweep 300-1500 K; an adiabatic (HP) solve; a heat duty. The
first-call (cold) cost of loading the data and building the Cantera objects is measured
once in a fresh cache and stored in ``extra_info``; ratios are against the default
``vcs`` single solve timed in the same process.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from yieldkit.models.thermo import database as db
from yieldkit.models.thermo import equilibrate, heat_duty
from yieldkit.models.thermo import equilibrium as eqm

NAMES = ["Nd2(C2O4)3.10H2O", "Nd2O2CO3", "Nd2O3", "O2(g)", "N2(g)", "CO2(g)", "H2O(g)", "CO(g)"]
N0 = np.array([1.0, 0, 0, 21, 79, 0, 0, 0])
T_CALC = 1223.15


def _median_time(fn, repeat=200):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def _ratio(benchmark, baseline, key="time_vs_vcs", divisor=1.0):
    """Store median / warm single solve in extra_info (skipped with --benchmark-disable)."""
    if benchmark.stats is not None:
        median = benchmark.stats["median"]
        benchmark.extra_info[key] = median / baseline["warm_single_solve_s"]
        if divisor != 1.0:
            benchmark.extra_info["per_point_s"] = median / divisor


@pytest.fixture(scope="module")
def baseline():
    """Cold first call (fresh caches) and the warm single-solve median [s]."""
    db.species_table.cache_clear()
    for f in (eqm._condensed_phase, eqm._gas_phase, eqm._mixture):
        f.cache_clear()
    t = time.perf_counter()
    equilibrate(NAMES, N0, T_CALC)
    cold = time.perf_counter() - t
    warm = _median_time(lambda: equilibrate(NAMES, N0, T_CALC))
    return {"cold_first_call_s": cold, "warm_single_solve_s": warm}


@pytest.mark.parametrize(
    "attempts",
    [(("vcs", 0),), (("gibbs", 0),), (("vcs", -1),)],
    ids=["vcs", "gibbs", "vcs-estimate"],
)
def test_single_equilibrium(benchmark, baseline, attempts):
    out, info = benchmark(equilibrate, NAMES, N0, T_CALC, attempts=attempts)
    assert out[2] == pytest.approx(1.0)
    benchmark.extra_info.update(baseline)
    _ratio(benchmark, baseline)


def test_sweep_50_points(benchmark, baseline):
    temps = np.linspace(300.0, 1500.0, 50)

    def sweep():
        return [equilibrate(NAMES, N0, T)[0] for T in temps]

    res = benchmark(sweep)
    assert res[-1][2] == pytest.approx(1.0)
    benchmark.extra_info.update(baseline)
    _ratio(benchmark, baseline, divisor=50)


def test_adiabatic_solve(benchmark, baseline):
    n = N0.copy()
    n[3:5] = [2.1, 7.9]
    out, info = benchmark(equilibrate, NAMES, n, 1500.0, mode="HP")
    benchmark.extra_info["tp_solves"] = info["n_tp_solves"]
    _ratio(benchmark, baseline)


def test_heat_duty(benchmark, baseline):
    out, _ = equilibrate(NAMES, N0, T_CALC)
    q = benchmark(heat_duty, NAMES, N0, 298.15, NAMES, out, T_CALC)
    assert q > 0
    _ratio(benchmark, baseline)
