"""Tests for yieldkit.models.comminution (Bond's law)."""

import numpy as np
import pytest

from yieldkit import citations
from yieldkit.errors import SpecificationError
from yieldkit.models.comminution import (
    KWH_PER_T_TO_J_PER_KG,
    bond_power,
    bond_specific_energy,
)


def test_hand_calculation_10mm_to_1mm():
    # W = 10 * 12 * (1/sqrt(1000) - 1/sqrt(10000)) = 2.5947 kWh/t
    expected_kwh_t = 10 * 12 * (1 / np.sqrt(1000.0) - 1 / np.sqrt(10000.0))
    assert expected_kwh_t == pytest.approx(2.5947, abs=5e-5)
    w = bond_specific_energy(12.0, 0.010, 0.001)
    assert w == pytest.approx(expected_kwh_t * 3600.0, rel=1e-12)
    assert w / KWH_PER_T_TO_J_PER_KG == pytest.approx(2.59473319, rel=1e-8)


def test_work_index_definition_infinite_feed_to_100_um():
    # Bond's definition: Wi is the energy from infinite size to P80 = 100 um.
    w = bond_specific_energy(15.0, 1e9, 100e-6)
    assert w / KWH_PER_T_TO_J_PER_KG == pytest.approx(15.0, rel=1e-6)


def test_broadcasting_and_power():
    w = bond_specific_energy(np.array([10.0, 20.0]), 0.01, 0.001)
    assert w[1] == pytest.approx(2 * w[0], rel=1e-14)
    p = bond_power(2.0, 12.0, 0.010, 0.001)
    assert p == pytest.approx(2.0 * bond_specific_energy(12.0, 0.010, 0.001), rel=1e-14)
    assert bond_power(0.0, 12.0, 0.01, 0.001) == 0.0


def test_registers_citation():
    citations.reset()
    bond_specific_energy(12.0, 0.01, 0.001)
    assert "Bond1961" in citations.used()


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0.0, 0.01, 0.001), r"work_index \[kWh/t\] must be finite and > 0; got 0.0"),
        ((-3.0, 0.01, 0.001), r"work_index \[kWh/t\] must be finite and > 0; got -3.0"),
        ((12.0, float("nan"), 0.001), r"f80 \[m\] must be finite and > 0; got nan"),
        ((12.0, 0.01, 0.0), r"p80 \[m\] must be finite and > 0; got 0.0"),
        (
            (12.0, 0.001, 0.01),
            r"p80 must be smaller than f80 .* got p80 = \[0.01\] m >= f80 = \[0.001\] m",
        ),
        ((12.0, 0.001, 0.001), r"p80 must be smaller than f80"),
    ],
)
def test_errors(args, match):
    with pytest.raises(SpecificationError, match=match):
        bond_specific_energy(*args)


def test_error_lists_only_bad_array_entries():
    with pytest.raises(SpecificationError, match=r"f80 \[m\] must be finite and > 0; got \[-1.0\]"):
        bond_specific_energy(12.0, np.array([0.01, -1.0]), 0.001)


def test_power_rejects_negative_flow():
    with pytest.raises(
        SpecificationError, match=r"mass_flow \[kg/s\] must be finite and >= 0; got -1.0"
    ):
        bond_power(-1.0, 12.0, 0.01, 0.001)
