"""The compiled charge balance of speciate gives the NumPy reference's free H+."""

from __future__ import annotations

import numpy as np
import pytest

from yieldkit.errors import ConvergenceError
from yieldkit.models import speciation
from yieldkit.models.speciation import DEFAULT_SYSTEMS, speciate


def _numpy_speciate(monkeypatch, *args, **kwargs):
    """speciate with the compiled kernel unavailable: the NumPy reference path."""
    with monkeypatch.context() as m:
        m.setattr(speciation, "compiled", lambda name: None)
        return speciate(*args, **kwargs)


def _liquors(seed: int, count: int):
    """Random liquors: totals of each default system 1e-6 to 2 mol/L (some absent) and
    strong charges from strongly basic to strongly acidic [mol/L, eq/L]."""
    rng = np.random.default_rng(seed)
    totals = 10.0 ** rng.uniform(-6, 0.3, (count, len(DEFAULT_SYSTEMS)))
    totals[rng.random(totals.shape) < 0.2] = 0.0
    q = rng.choice([-1.0, 1.0], count) * 10.0 ** rng.uniform(-9, 0.5, count)
    return totals, q


@pytest.mark.parametrize("seed", range(6))
def test_compiled_matches_numpy(monkeypatch, seed):
    assert speciation.compiled("yieldkit.models._speciation_kernel") is not None
    totals, q = _liquors(seed, 40)
    ref = _numpy_speciate(monkeypatch, totals, q)
    got = speciate(totals, q)
    np.testing.assert_allclose(got.h, ref.h, rtol=1e-12)
    for a, b in zip(got.conc, ref.conc, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14 * float(totals.max()))
    # with a start near the answer: the same root
    near = speciate(totals, q, h_guess=ref.h * 1.3)
    np.testing.assert_allclose(near.h, ref.h, rtol=1e-12)


def test_compiled_handles_any_layout_and_shape(monkeypatch):
    """A broadcast (zero-stride) batch and a 2-D batch give what the NumPy path gives."""
    totals, q = _liquors(7, 6)
    batch = np.broadcast_to(totals[0], (4, totals.shape[1]))
    np.testing.assert_allclose(
        speciate(batch, q[:4]).h, _numpy_speciate(monkeypatch, batch, q[:4]).h, rtol=1e-12
    )
    grid = totals.reshape(2, 3, -1)
    got = speciate(grid, q.reshape(2, 3))
    assert got.h.shape == (2, 3)
    np.testing.assert_allclose(got.h.ravel(), speciate(totals, q).h, rtol=0)


def test_compiled_reports_an_unconverged_liquor(monkeypatch):
    monkeypatch.setattr(speciation, "_MAX_ITER", 1)
    totals, q = _liquors(3, 3)
    with pytest.raises(ConvergenceError, match=r"speciate charge balance: bracketed Newton "
                       r"did not converge in 1 iterations for liquor 0 \(last step "):  # fmt: skip
        speciate(totals, q)


def test_compiled_strong_charge_matches_numpy_and_inverts_speciate(monkeypatch):
    from yieldkit.models.speciation import strong_charge_at

    totals, q = _liquors(11, 30)
    h = speciate(totals, q).h
    got = strong_charge_at(h, totals)
    with monkeypatch.context() as m:
        m.setattr(speciation, "compiled", lambda name: None)
        ref = strong_charge_at(h, totals)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got, q, rtol=1e-9, atol=1e-12)  # inverse of speciate
    # a scalar H+ for one liquor (the leach tank's call), and one H+ for many liquors
    assert np.shape(strong_charge_at(float(h[0]), totals[0])) == ()
    assert float(strong_charge_at(float(h[0]), totals[0])) == pytest.approx(got[0], rel=1e-12)
    np.testing.assert_allclose(
        strong_charge_at(1e-3, totals), _numpy_strong(monkeypatch, 1e-3, totals), rtol=1e-12
    )


def _numpy_strong(monkeypatch, h, totals):
    from yieldkit.models.speciation import strong_charge_at

    with monkeypatch.context() as m:
        m.setattr(speciation, "compiled", lambda name: None)
        return strong_charge_at(h, totals)
