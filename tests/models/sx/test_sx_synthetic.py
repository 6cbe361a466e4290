"""Random cascades for tests and benchmarks (yieldkit.models.sx.synthetic)."""

from __future__ import annotations

import numpy as np
import pytest

from yieldkit.errors import SpecificationError
from yieldkit.models.sx import solve_cascade
from yieldkit.models.sx.synthetic import KINDS, random_cascade, random_cascades


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


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: random_cascade(3, 10, 1, "cation-exchange"),
            "unknown model kind 'cation-exchange' in random_cascade. Did you mean "
            "'cation_exchange'? Accepted: cation_exchange, constant_d, empirical_ph.",
        ),
        (
            lambda: random_cascade(0, 10, 1, "constant_d"),
            "random_cascade: m = 0, accepted an integer >= 1.",
        ),
        (
            lambda: random_cascade(2, 2.5, 1, "constant_d"),
            "random_cascade: n = 2.5, accepted an integer >= 1.",
        ),
        (lambda: random_cascades(-1), "random_cascades: count = -1, accepted an integer >= 0."),
        (
            lambda: random_cascades(1, start=-2),
            "random_cascades: start = -2, accepted an integer >= 0.",
        ),
        (
            lambda: random_cascades(2, stages=(30, 20)),
            "random_cascades: stages = (30, 20), accepted a pair of integers (low, high) with "
            "1 <= low <= high.",
        ),
        (
            lambda: random_cascades(2, metals=5),
            "random_cascades: metals = 5, accepted a pair of integers (low, high) with "
            "1 <= low <= high.",
        ),
    ],
)
def test_bad_arguments_are_named_before_any_case(call, message):
    with pytest.raises(SpecificationError) as err:
        call()  # random_cascades checks when called, not when first iterated
    assert str(err.value) == message
