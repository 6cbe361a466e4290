"""Random solvent-extraction cascades for testing and benchmarking solvers.

The same cases the property tests draw (``tests/models/sx``) and the random-mix benchmark
solves (``benchmarks/test_bench_sx_random.py``): synthetic inputs, not process data. Each
case spans what the solver must handle: 2-15 metals of charge 1-3, D at the feed's
conditions from 1e-4 to 1e4, an organic feed loaded up to 95 % of its capacity, any of the
three distribution models.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.models.sx.distribution import (
    DistributionModel,
    cation_exchange,
    constant_d,
    empirical_ph,
)

KINDS = ("cation_exchange", "constant_d", "empirical_ph")


def random_cascade(m: int, n: int, seed: int, kind: str):
    """A cascade of ``m`` metals and ``n`` stages drawn from ``seed``.

    Returns (model, aq_feed, org_feed, q_aq, q_org, n) as :func:`solve_cascade` takes
    them; the aqueous flow is 1 and the organic 0.1-10 [m3/s].
    """
    if kind not in KINDS:
        raise SpecificationError(unknown_name("model kind", kind, KINDS, "random_cascade"))
    _check_int("random_cascade", "m", m, 1)
    _check_int("random_cascade", "n", n, 1)
    return draw_cascade(np.random.default_rng(seed), m, n, kind)


def draw_cascade(rng: np.random.Generator, m: int, n: int, kind: str, d_decades: float = 4.0):
    """:func:`random_cascade` drawn from ``rng`` (which it advances), with D at the feed's
    conditions from 10^-d_decades to 10^d_decades; the arguments are the caller's to
    check."""
    z = rng.choice([1.0, 2.0, 3.0], m)
    e = rng.uniform(50.0, 1000.0)
    h = 10 ** rng.uniform(-1, 3)
    log_d = rng.uniform(-d_decades, d_decades, m)  # D at feed conditions
    names = [f"M{i}" for i in range(m)]
    model: DistributionModel
    if kind == "cation_exchange":
        model = cation_exchange(names, log_d - z * np.log10(e / 2000) - z * np.log10(h / 1000), z)
    elif kind == "constant_d":
        model = constant_d(names, 10**log_d, z, saturation=True, capacity=e)
    else:
        s = rng.uniform(0, 2, m)
        model = empirical_ph(names, s, np.zeros(m), log_d - s * (3 - np.log10(h)), np.zeros(m),
                             5.0, z, saturation=True, capacity=e)  # fmt: skip
    q_org = 10 ** rng.uniform(-1, 1)
    load = rng.uniform(0, 0.95)  # organic feed loaded up to 95 % of capacity
    y_feed = rng.dirichlet(np.ones(m)) * load * e / (2 * model.n)
    room = rng.uniform(0, 0.95) * q_org * e - q_org * y_feed @ (2 * model.n)
    x_feed = 10 ** rng.uniform(-3, 2, m)
    x_feed *= max(room, 1e-9 * q_org * e) / (x_feed @ (2 * model.n))
    # acid: cation exchange (D rises without bound as H+ falls) has a solution with no acid
    # margin at all; a D that ignores H+ (constant D, and the empirical fit whose slopes may
    # be ~0) needs enough acid to strip the loaded organic, else there is no solution
    margin = 0.0 if kind == "cation_exchange" else 1.2
    acid = h + margin * q_org * y_feed @ z
    return model, np.append(x_feed, acid), np.append(y_feed, e), 1.0, q_org, n


def random_cascades(
    count: int, stages: tuple[int, int] = (20, 300), metals: tuple[int, int] = (2, 8),
    start: int = 0,
) -> Iterator[tuple]:  # fmt: skip
    """``count`` cases of :func:`random_cascade`, case i drawn from seed (i, 7) for i from
    ``start``: metals and stages uniform in the given inclusive ranges, the model kind
    cycling through :data:`KINDS`. Each item is (model, aq_feed, org_feed, q_aq, q_org, n,
    aq_feed_changed), the last the aqueous feed with every metal changed by +1 % or -1 %
    (at random; H+ unchanged), for warm re-solves."""
    _check_int("random_cascades", "count", count, 0)
    _check_int("random_cascades", "start", start, 0)
    _check_range("stages", stages)
    _check_range("metals", metals)
    return _cases(count, stages, metals, start)


def _cases(count, stages, metals, start) -> Iterator[tuple]:
    """The cases of :func:`random_cascades` (checked arguments)."""
    for i in range(start, start + count):
        rng = np.random.default_rng([i, 7])
        m = int(rng.integers(metals[0], metals[1] + 1))
        n = int(rng.integers(stages[0], stages[1] + 1))
        seed = int(rng.integers(0, 2**31 - 1))
        model, aq, org, qa, qo, n = random_cascade(m, n, seed, KINDS[i % 3])
        changed = aq.copy()
        changed[:-1] *= 1 + 0.01 * rng.choice([-1, 1], m)
        yield model, aq, org, qa, qo, n, changed


def _check_int(where: str, name: str, value, low: int) -> None:
    """An integer >= low, else SpecificationError naming it."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise SpecificationError(f"{where}: {name} = {value!r}, accepted an integer >= {low}.")


def _check_range(name: str, bounds) -> None:
    """An inclusive integer range (lo, hi) with 1 <= lo <= hi, else SpecificationError."""
    try:
        lo, hi = bounds
        _check_int("random_cascades", name, lo, 1)
        _check_int("random_cascades", name, hi, lo)
    except (TypeError, ValueError, SpecificationError):
        raise SpecificationError(
            f"random_cascades: {name} = {bounds!r}, accepted a pair of integers (low, high) "
            "with 1 <= low <= high."
        ) from None
