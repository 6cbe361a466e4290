"""SX solver on a mix of random cascades: the basis for judging a change of the solver.

One benchmark cascade (``test_bench_sx.py``) shows what a change does there; the mix shows
whether it holds in general. A change that made the 100-stage benchmark's warm re-solve
17 % faster made random cold solves 8 % slower (benchmarks/README.md, sixth session of
2026-12-06). 400 end-fed cascades of ``yieldkit.models.sx.synthetic.random_cascades``
(20-300 stages, 2-8 metals, the three distribution models, organic fed up to 95 % loaded):
all solved cold, then all re-solved warm after a 1 % feed change, each time in one round.
``extra_info`` holds the Newton iterations and Jacobians summed over the mix.

Run with ``pytest benchmarks/test_bench_sx_random.py --benchmark-only``; compare two
solver versions in one process (two copies of the kernel module swapped in turn), not
across runs: this VM drifts by up to 20 % over minutes.
"""

from __future__ import annotations

import pytest

from yieldkit.models.sx import solve_cascade
from yieldkit.models.sx.synthetic import random_cascades

CASES = 400


@pytest.fixture(scope="module")
def mix():
    """The cases, each with its cold solution (which also compiles and warms caches)."""
    out = []
    for case in random_cascades(CASES):
        model, aq, org, qa, qo, n, _ = case
        out.append((case, solve_cascade(aq, org, qa, qo, model, n)))
    return out


def solve_all(mix, warm: bool):
    """Solve every case (warm: the changed feed from the cold solution); returns the
    iterations and Jacobians summed."""
    iterations = jacobians = 0
    for (model, aq, org, qa, qo, n, changed), base in mix:
        if warm:
            sol = solve_cascade(changed, org, qa, qo, model, n, x0=base)
        else:
            sol = solve_cascade(aq, org, qa, qo, model, n)
        iterations += sol.iterations
        jacobians += sol.jacobians
    return iterations, jacobians


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm_1pct"])
def test_random_mix(benchmark, mix, warm):
    benchmark.group = f"sx random mix ({CASES} cascades, 20-300 stages, 2-8 metals)"
    iterations, jacobians = benchmark.pedantic(solve_all, args=(mix, warm), rounds=5)
    benchmark.extra_info.update(cases=CASES, iterations=iterations, jacobians=jacobians)
    assert iterations > 0
