"""Tests for yieldkit.models.magnetic_separation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yieldkit.errors import SpecificationError
from yieldkit.models.magnetic_separation import (
    SUSCEPTIBILITY_CLASSES,
    magnetic_split_fractions,
    split_flows,
)

REC = {"ferromagnetic": 0.98, "paramagnetic": 0.2, "diamagnetic": 0.01}


def test_fractions_follow_classes():
    f = magnetic_split_fractions(["ferromagnetic", "diamagnetic", "paramagnetic"], REC)
    np.testing.assert_array_equal(f, [0.98, 0.01, 0.2])


def test_only_used_classes_needed():
    f = magnetic_split_fractions(["ferromagnetic"], {"ferromagnetic": 1.0})
    np.testing.assert_array_equal(f, [1.0])


def test_split_closes_mass_balance():
    flows = np.array([3.0, 1.5, 0.25])
    f = magnetic_split_fractions(["ferromagnetic", "paramagnetic", "diamagnetic"], REC)
    mag, non = split_flows(flows, f)
    np.testing.assert_allclose(mag + non, flows, rtol=0, atol=1e-12)
    np.testing.assert_allclose(mag, flows * f, rtol=1e-15)


@given(
    st.lists(st.floats(0, 1e6), min_size=1, max_size=8),
    st.floats(0, 1),
)
def test_split_balance_property(flows, frac):
    flows = np.array(flows)
    mag, non = split_flows(flows, np.full(flows.shape, frac))
    assert np.all(mag >= 0) and np.all(non >= 0)
    np.testing.assert_allclose(mag + non, flows, rtol=1e-15, atol=1e-12)


def test_classes_constant():
    assert SUSCEPTIBILITY_CLASSES == ("ferromagnetic", "paramagnetic", "diamagnetic")


def test_unknown_class_in_classes_did_you_mean():
    with pytest.raises(
        SpecificationError,
        match=r"unknown susceptibility class 'ferromagnetc' in classes\[1\]\. Did you mean 'ferromagnetic'.* Accepted: diamagnetic, ferromagnetic, paramagnetic\.",
    ):
        magnetic_split_fractions(["diamagnetic", "ferromagnetc"], REC)


def test_unknown_class_in_recovery_did_you_mean():
    with pytest.raises(
        SpecificationError,
        match=r"unknown susceptibility class 'paramagentic' in recovery\. Did you mean 'paramagnetic'.* Accepted: diamagnetic, ferromagnetic, paramagnetic\.",
    ):
        magnetic_split_fractions(["diamagnetic"], {"diamagnetic": 0.0, "paramagentic": 0.1})


def test_missing_recovery_for_used_class():
    with pytest.raises(
        SpecificationError,
        match=r"no recovery given for class 'paramagnetic' \(used by classes\[0\]\); recovery has \['ferromagnetic'\]",
    ):
        magnetic_split_fractions(["paramagnetic"], {"ferromagnetic": 0.9})


@pytest.mark.parametrize("bad", [1.2, -0.1, float("nan")])
def test_recovery_outside_unit_interval(bad):
    with pytest.raises(
        SpecificationError, match=r"recovery\['ferromagnetic'\] must be a fraction in \[0, 1\]"
    ):
        magnetic_split_fractions(["ferromagnetic"], {"ferromagnetic": bad})


def test_split_flows_errors():
    with pytest.raises(SpecificationError, match=r"same shape; got \(2,\) and \(3,\)"):
        split_flows([1.0, 2.0], [0.1, 0.2, 0.3])
    with pytest.raises(SpecificationError, match=r"flows must be finite and >= 0; got \[-1.0\]"):
        split_flows([-1.0], [0.5])
    with pytest.raises(SpecificationError, match=r"fractions must be in \[0, 1\]; got \[1.5\]"):
        split_flows([1.0], [1.5])
