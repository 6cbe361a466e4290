"""Tear solvers on real flowsheets: the Mountain Pass flotation circuit and a slow loop.

Each benchmark records calls of the loop map, unit runs and the ratio of time to direct
substitution measured in the same process (``benchmark.extra_info``). Run with
``python -m pytest benchmarks/test_bench_flowsheets.py --benchmark-only``.
"""

import time

import pytest

import process_library
from yieldkit.analysis.bench_cases import slow_purge_loop
from yieldkit.flowsheet.solvers import SOLVERS

CASES = {
    "mountain-pass-flotation": lambda: process_library.build("mountain-pass-flotation"),
    "ndfeb-hcl-leach": lambda: process_library.build("ndfeb-hcl-leach"),
    "slow-purge-loop-1pct": lambda: slow_purge_loop(0.01),
}
_direct_seconds: dict[str, float] = {}


def _direct_time(case: str) -> float:
    """Best-of-3 direct-substitution time for ``case`` in this process [s]."""
    if case not in _direct_seconds:
        best = float("inf")
        for _ in range(3):
            fs = CASES[case]()
            t0 = time.perf_counter()
            fs.solve("direct")
            best = min(best, time.perf_counter() - t0)
        _direct_seconds[case] = best
    return _direct_seconds[case]


@pytest.mark.parametrize("method", list(SOLVERS))
@pytest.mark.parametrize("case", list(CASES))
def test_tear_solver(benchmark, case, method):
    fs = CASES[case]()
    result = benchmark.pedantic(fs.solve, args=(method,), rounds=3, iterations=1, warmup_rounds=1)
    assert result.converged and result.max_balance_error() <= 1e-9
    loops = result.solver_summary()
    benchmark.extra_info.update(
        loop_evaluations=sum(x["evaluations"] for x in loops),
        unit_runs=result.unit_evaluations,
    )
    if benchmark.stats is not None:  # (None with --benchmark-disable: the checks above ran)
        benchmark.extra_info["time_ratio_to_direct"] = benchmark.stats.stats.min / _direct_time(
            case
        )
