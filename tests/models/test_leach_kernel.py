"""The compiled remaining-fraction kernel gives the NumPy reference's roots."""

from __future__ import annotations

import numpy as np
import pytest

from yieldkit.errors import ConvergenceError
from yieldkit.models import leaching
from yieldkit.models._leach_kernel import remaining


def _case(rng, n, reversible):
    y_in = rng.uniform(0.05, 1.0, n)
    kc = 10.0 ** rng.uniform(-2, 4, n)
    kd = np.where(rng.random(n) < 0.5, np.inf, 10.0 ** rng.uniform(-2, 3, n))
    order = rng.uniform(0.0, 1.5, n)
    f0 = 10.0 ** rng.uniform(-4, -1, n)
    sat = None
    y_hi = y_in.copy()
    if reversible:
        rev = rng.random(n) < 0.5
        kd = np.where(rev, np.inf, kd)  # reversible solids are under chemical control
        dc = 10.0 ** rng.uniform(-3, -1, n)
        c_top = dc * (1.0 + rng.uniform(0.0, 0.5, n))
        nu = np.where(rev, 2.0, 0.0)
        ln_kh = rng.uniform(-20.0, 5.0, n)
        y_hi = np.where(rev, np.maximum(c_top / dc, y_in), y_in)
        sat = (rev, c_top, dc, nu, ln_kh)
    return y_in, y_hi, f0, kc, kd, order, sat


@pytest.mark.parametrize("reversible", [False, True])
@pytest.mark.parametrize("seed", range(8))
def test_kernel_matches_numpy(seed, reversible):
    rng = np.random.default_rng(seed)
    y_in, y_hi, f0, kc, kd, order, sat = _case(rng, 6, reversible)
    h, w = 10.0 ** rng.uniform(-3, 0.5), 10.0 ** rng.uniform(-2, 2)
    ref = leaching._remaining_numpy(h, w, y_in, y_hi, f0, kc, kd, order, None, sat)
    got = leaching._remaining(h, w, y_in, y_hi, f0, kc, kd, order, None, sat)
    assert np.all((got >= 0.0) & (got <= y_hi))
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)
    warm = leaching._remaining(h, w, y_in, y_hi, f0, kc, kd, order, got * 0.9, sat)
    np.testing.assert_allclose(warm, ref, rtol=1e-12, atol=1e-14)


def test_kernel_reports_no_convergence():
    one = np.ones(1)
    y, bad, step = remaining(
        one, one, one * 1e3, one, one * np.inf, np.zeros(1, dtype=np.bool_), one, one, one,
        one, one, False, 1e-15, 1, 460.0,
    )  # fmt: skip
    assert bad == 0 and step > 0


def test_leach_raises_convergence_error_naming_the_root(monkeypatch):
    monkeypatch.setattr(leaching, "REMAINING_MAX_ITER", 1)
    one = np.ones(1)
    with pytest.raises(ConvergenceError, match="leach tank conversion: bracketed Newton"):
        leaching._remaining(1.0, 1e3, one, one, one * 1e-3, one, one * np.inf, one)
