"""Tests of solid-liquid split, displacement wash and the CCD wash train."""

import numpy as np
import pytest

from yieldkit.errors import SpecificationError
from yieldkit.models.separation import (
    ccd_wash_train,
    displacement_wash,
    liquor_recovery_from_moisture,
    solid_liquid_split,
)


def test_split_conserves_and_keeps_solids_out_of_filtrate():
    s, liq = np.array([1.0, 2.0]), np.array([10.0, 0.5, 0.1])
    r = solid_liquid_split(s, liq, 0.7)
    assert np.all(r.filtrate_solids == 0.0)
    assert np.allclose(r.cake_liquor + r.filtrate_liquor, liq, rtol=1e-15)
    assert np.allclose(r.filtrate_liquor, 0.7 * liq)
    r = solid_liquid_split(s, liq, 0.7, solids_loss=0.01)
    assert np.allclose(r.cake_solids + r.filtrate_solids, s, rtol=1e-15)


def test_moisture_to_recovery():
    # 30 % moisture: 1 kg solid carries 0.4286 kg liquor out of 10 kg
    assert liquor_recovery_from_moisture(0.3, 1.0, 10.0) == pytest.approx(1 - 0.3 / 0.7 / 10)


def test_displacement_wash_conserves():
    cake, wash = np.array([1.0, 0.2]), np.array([0.0, 0.0])
    c, f = displacement_wash(cake, 1.0, wash, 2.0, 0.8)
    assert np.allclose(c + f, cake + wash) and np.allclose(c, 0.2 * cake)
    c, f = displacement_wash(cake, 1.0, np.array([0.5, 0.0]), 0.5, 1.0)
    assert np.allclose(c + f, cake + [0.5, 0.0])
    assert np.allclose(c, 0.5 * cake + [0.5, 0.0])


def test_ccd_balance_single_stage_and_trends():
    feed = np.array([1.0, 0.3])
    one = ccd_wash_train(feed, 1.0, 0.5, 2.0, 1)
    # one stage: loss = U / (L0 + W)
    assert np.allclose(one.soluble_loss, 0.5 / 3.0, rtol=1e-14)
    losses = []
    for n in (1, 2, 4, 8):
        r = ccd_wash_train(feed, 1.0, 0.5, 1.0, n, wash_liquor=np.array([0.01, 0.0]))
        assert np.allclose(r.overflow + r.underflow_liquor, feed + [0.01, 0.0], rtol=1e-12)
        losses.append(r.soluble_loss[1])
    assert np.all(np.diff(losses) < 0) and r.wash_ratio == 2.0
    assert ccd_wash_train(feed, 1.0, 0.5, 3.0, 3).soluble_loss[0] < r.soluble_loss[0]


def test_errors():
    with pytest.raises(
        SpecificationError, match=r"liquor_recovery must be within \[0, 1\]; got 1.2"
    ):
        solid_liquid_split([1.0], [1.0], 1.2)
    with pytest.raises(
        SpecificationError, match=r"needs 9 kg/s of liquor in the cake but only 1 kg/s"
    ):
        liquor_recovery_from_moisture(0.9, 1.0, 1.0)
    with pytest.raises(SpecificationError, match=r"thickener 1 has no overflow"):
        ccd_wash_train([1.0], 0.1, 1.0, 0.1, 3)
    with pytest.raises(SpecificationError, match=r"n_stages must be an integer >= 1; got 0"):
        ccd_wash_train([1.0], 1.0, 0.5, 1.0, 0)
    with pytest.raises(SpecificationError, match=r"liquor flows must be finite and >= 0"):
        solid_liquid_split([1.0], [-1.0], 0.5)
