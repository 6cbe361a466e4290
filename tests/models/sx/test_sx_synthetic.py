"""Random cascades for tests and benchmarks (yieldkit.models.sx.synthetic)."""

from __future__ import annotations

import numpy as np

from yieldkit.models.sx import solve_cascade
from yieldkit.models.sx.synthetic import KINDS, random_cascades


def test_random_cascades_are_reproducible_and_in_range():
    first = list(random_cascades(6, stages=(20, 40), metals=(2, 4), start=10))
    again = list(random_cascades(6, stages=(20, 40), metals=(2, 4), start=10))
    kinds = []
    for a, b in zip(first, again, strict=True):
        model, aq, org, qa, qo, n, changed = a
        assert np.array_equal(aq, b[1]) and np.array_equal(changed, b[6]) and n == b[5]
        assert 20 <= n <= 40 and 2 <= model.n_metals <= 4
        assert aq.shape == org.shape == (model.n_metals + 1,)
        # every metal changed by exactly +1 % or -1 %, H+ kept
        np.testing.assert_allclose(np.abs(changed[:-1] / aq[:-1] - 1.0), 0.01, rtol=1e-12)
        assert changed[-1] == aq[-1]
        kinds.append(model.kind)
    assert set(kinds) == set(KINDS)  # i % 3 cycles through the three models


def test_random_cascades_solve_cold_and_warm():
    for model, aq, org, qa, qo, n, changed in random_cascades(6, stages=(20, 60)):
        base = solve_cascade(aq, org, qa, qo, model, n)
        warm = solve_cascade(changed, org, qa, qo, model, n, x0=base)
        assert base.balance_error < 1e-10 and warm.balance_error < 1e-10
