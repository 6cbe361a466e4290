"""Tests of the vectorised acid-base speciation (ideal activities)."""

import numpy as np
import pytest

from yieldkit.errors import SpecificationError
from yieldkit.models.speciation import (
    AMMONIA,
    OXALATE,
    SULFATE,
    AcidBaseSystem,
    speciate,
    strong_charge_at,
    strong_charge_from_proton_total,
)


def test_sulfuric_acid_matches_hand_solution():
    # 0.05 M H2SO4: h = C + s, s = C Ka/(h + Ka) -> h^2 + (Ka - C) h - 2 C Ka = 0 (Kw negligible)
    c, ka = 0.05, 10**-1.99
    h = 0.5 * (-(ka - c) + np.sqrt((ka - c) ** 2 + 8 * c * ka))
    r = speciate([c, 0.0, 0.0])
    assert float(r.h) == pytest.approx(h, rel=1e-9)
    assert float(r.species("SO4-2")) == pytest.approx(h - c, rel=1e-8)


def test_limits_water_strong_acid_strong_base():
    assert float(speciate([0, 0, 0]).pH) == pytest.approx(7.0, abs=1e-12)
    assert float(speciate([0, 0, 0], -10.0).pH) == pytest.approx(-1.0, abs=1e-12)
    assert float(speciate([0, 0, 0], 0.1).pH) == pytest.approx(13.0, abs=1e-9)


def test_weak_acid_and_base():
    # NH4Cl 1e-3 M: h ~ sqrt(Ka C); oxalic acid 0.1 M: first dissociation dominates
    r = speciate([0, 0, 1e-3], -1e-3)
    assert float(r.pH) == pytest.approx(0.5 * (9.25 + 3.0), abs=5e-3)  # water adds 0.004
    r = speciate([0, 0.1, 0])
    ka1 = 10**-1.25
    h = 0.5 * (-ka1 + np.sqrt(ka1**2 + 4 * ka1 * 0.1))
    assert float(r.h) == pytest.approx(h, rel=2e-3)  # Ka2 adds ~1e-3


def test_batch_conservation_charge_balance_and_extremes():
    rng = np.random.default_rng(1)
    c = 10 ** rng.uniform(-12, 1, (5000, 3))
    q = rng.uniform(-1, 1, 5000) * 10 ** rng.uniform(-12, 1, 5000)
    r = speciate(c, q)
    for j, conc in enumerate(r.conc):
        assert np.max(np.abs(conc.sum(-1) - c[:, j]) / c[:, j]) < 1e-12
    # the solved h reproduces the strong charge (charge balance closes)
    scale = np.abs(q) + r.h + r.oh + c.sum(-1)
    assert np.max(np.abs(strong_charge_at(r.h, c) - q) / scale) < 1e-10
    assert np.all(np.isfinite(r.pH))


def test_monotone_in_acid_and_batch_equals_single():
    c = np.array([[0.01, 0, 0], [0.1, 0, 0], [1.0, 0, 0]])
    ph = speciate(c).pH
    assert np.all(np.diff(ph) < 0)
    assert float(speciate(c[1]).pH) == pytest.approx(ph[1], abs=1e-13)


def test_proton_total_round_trip():
    totals = [0.05, 0.0, 0.0]
    q = strong_charge_from_proton_total(0.1, totals)
    assert float(q) == pytest.approx(0.0, abs=1e-15)
    r = speciate(totals, q)
    assert float(r.proton_total) == pytest.approx(0.1, rel=1e-12)


def test_custom_systems_subset():
    r = speciate([[0.01, 0.02]], 0.0, systems=[SULFATE, OXALATE])
    assert r.conc[1].shape == (1, 3)
    assert r.species("H+").shape == (1,)
    r2 = speciate([1e-3], 0.0, systems=[AMMONIA])
    assert float(r2.pH) > 7


def test_errors():
    with pytest.raises(SpecificationError, match=r"totals must be finite and >= 0 mol/L"):
        speciate([-0.1, 0, 0])
    with pytest.raises(SpecificationError, match=r"last axis of length 3"):
        speciate([0.1, 0.0])
    with pytest.raises(SpecificationError, match=r"pKa values \(4.0, 1.0\) must increase"):
        AcidBaseSystem("bad", ("H2A", "HA-", "A-2"), (4.0, 1.0), 0)
    with pytest.raises(SpecificationError, match=r"3 species need 2 pKa values, got 1"):
        AcidBaseSystem("bad", ("H2A", "HA-", "A-2"), (4.0,), 0)
    with pytest.raises(SpecificationError, match=r"unknown species 'SO4-'.*Did you mean"):
        speciate([0.1, 0, 0]).species("SO4-")


def test_h_guess_gives_the_same_speciation():
    from yieldkit.models.speciation import SULFATE

    totals = np.array([[0.05], [0.5], [1e-4]])
    q = np.array([0.0, 0.3, -1e-5])
    ref = speciate(totals, q, [SULFATE])
    for guess in (ref.h, ref.h * 1.1, np.full(3, 1e-12), np.full(3, 10.0)):
        got = speciate(totals, q, [SULFATE], h_guess=guess)
        np.testing.assert_allclose(got.h, ref.h, rtol=1e-12)
    with pytest.raises(SpecificationError, match=r"h_guess must be finite and > 0"):
        speciate(totals, q, [SULFATE], h_guess=[1e-2, 0.0, 1e-2])
