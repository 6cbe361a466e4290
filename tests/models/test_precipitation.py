"""Tests of oxalate, split, double-sulfate and hydroxide precipitation (balances to 1e-10)."""

import numpy as np
import pytest

from yieldkit.errors import InfeasibleStateError, SpecificationError
from yieldkit.models.hydroxide import hydroxide_log_k, hydroxide_precipitation
from yieldkit.models.precipitation import (
    double_sulfate_precipitation,
    oxalate_efficiency,
    oxalate_precipitation,
    split_fractions,
    split_precipitation,
)
from yieldkit.models.speciation import speciate

RTOL = 1e-10


def check_ligand_balances(n, z, r, ligand_charge=2.0):
    assert np.allclose(r.precipitated + r.liquor_metals, n, rtol=RTOL, atol=0)
    # charge: cation charge removed = ligand charge bound = H+ released (oxalate)
    assert r.h_released == pytest.approx(float(z @ r.precipitated), rel=RTOL)
    assert r.reagent_consumed * ligand_charge == pytest.approx(r.h_released, rel=RTOL)
    # carbon (oxalate) and hydrogen: 2 H per H2C2O4 dosed = H+ released + 2 per oxalate left
    assert r.reagent_consumed + r.reagent_left == pytest.approx(r.reagent_added, rel=RTOL)
    assert 2 * r.reagent_added == pytest.approx(r.h_released + 2 * r.reagent_left, rel=RTOL)


def test_efficiency_curve_data_points_monotone_and_refusal():
    # Klemettinen et al. (abstract): stoich 93 %, +20 % 96.7 %, +40 % 98.1 %
    assert np.allclose(oxalate_efficiency([0.0, 0.2, 0.4]), [0.93, 0.967, 0.981], rtol=1e-12)
    e = oxalate_efficiency(np.linspace(0, 0.4, 41))
    assert np.all(np.diff(e) > 0)
    with pytest.raises(
        SpecificationError, match=r"outside the Klemettinen data range \[0.0, 0.4\]"
    ):
        oxalate_efficiency(0.6)
    assert float(oxalate_efficiency(0.6, curve=([0, 1.0], [0.9, 0.99]))) > 0.9


def test_efficiency_interpolant_is_built_once_per_curve():
    """The PCHIP interpolant of a curve is kept (a build costs ~0.3 ms, and a precipitator
    asks for it twice per run): the same values as a fresh one, one build per curve."""
    from scipy.interpolate import PchipInterpolator

    from yieldkit.models.precipitation import _pchip

    curve = ([0.0, 0.3, 1.0], [0.9, 0.95, 0.99])
    _pchip.cache_clear()
    x = np.linspace(0.0, 1.0, 11)
    for _ in range(3):
        got = oxalate_efficiency(x, curve=curve)
        assert np.array_equal(got, PchipInterpolator(*map(np.array, curve))(x))
    oxalate_efficiency(0.2)  # the Klemettinen data: another curve
    info = _pchip.cache_info()
    assert (info.misses, info.hits) == (2, 2)


def test_oxalate_balances():
    n, z = np.array([1e-3, 5e-4, 2e-3]), np.array([3.0, 3.0, 3.0])
    r = oxalate_precipitation(n, z, [True, True, False], 0.4, coprecipitated=0.07)
    check_ligand_balances(n, z, r)
    assert r.precipitated[0] / n[0] == pytest.approx(0.981)
    assert r.precipitated[2] / n[2] == pytest.approx(0.07)
    assert r.reagent_added == pytest.approx(1.4 * 1.5 * 1.5e-3)
    assert r.water_consumed == pytest.approx(5 * r.precipitated.sum())


def test_split_balances():
    n, z = np.array([1e-3, 1e-3, 1e-3]), np.array([3.0, 3.0, 2.0])
    r = split_precipitation(n, z, ["Nd", "Fe", "Ca"], split_fractions())
    check_ligand_balances(n, z, r)
    assert np.allclose(r.precipitated / n, [0.8155, 0.0244, 0.205])


def test_double_sulfate_balances():
    n = np.array([1e-3, 2e-3])
    r = double_sulfate_precipitation(n, [True, False], 0.9, 1e-3, 5e-3)
    assert np.allclose(r.precipitated + r.liquor_metals, n, rtol=RTOL)
    assert r.h_released == 0.0
    # NaRE(SO4)2.H2O: Na = RE, SO4 = 2 RE, charge 1 + 3 - 4 = 0
    assert r.reagent_consumed == pytest.approx(r.precipitated.sum(), rel=RTOL)
    assert r.sulfate_consumed == pytest.approx(2 * r.precipitated.sum(), rel=RTOL)
    assert r.reagent_consumed + r.reagent_left == pytest.approx(2 * r.reagent_added, rel=RTOL)
    with pytest.raises(SpecificationError, match=r"Na2SO4 dose 0.0001 mol/s supplies"):
        double_sulfate_precipitation(n, [True, False], 0.9, 1e-4, 5e-3)


@pytest.mark.parametrize(("base", "conc"), [("NaOH", 10.0), ("NH4OH", 14.8)])
def test_hydroxide_to_target_ph(base, conc):
    cations = ["Fe+3", "Al+3", "Nd+3"]
    n, z = np.array([2e-3, 1e-3, 5e-4]), np.array([3.0, 3.0, 3.0])
    v, c = 1e-3, np.array([0.1, 0.0, 0.0])  # 1 L/s; 0.1 M sulfate
    q = float(z @ n) / 1.0 - 0.05  # metals plus some chloride [eq/L]
    r = hydroxide_precipitation(n, z, hydroxide_log_k(cations), v, c, q, 3.5, base, conc)
    assert r.pH == pytest.approx(3.5, abs=1e-9)
    assert np.allclose(r.precipitated + r.liquor_metals, n, rtol=RTOL)
    # charge: strong charge after = before - metal charge removed + Na added
    zb = 1.0 if base == "NaOH" else 0.0
    assert r.strong_charge_out * r.volume_out * 1e3 == pytest.approx(
        q * 1.0 - r.h_released + zb * r.base_added, rel=RTOL
    )
    # sulfate conserved with dilution; NH3 total equals the dose
    assert r.totals_out[0] * r.volume_out * 1e3 == pytest.approx(0.1, rel=RTOL)
    if base == "NH4OH":
        assert r.totals_out[2] * r.volume_out * 1e3 == pytest.approx(r.base_added, rel=RTOL)
    # Fe(OH)3 mostly removed, Nd kept at pH 3.5 (no REE co-loss)
    assert r.fraction_precipitated[0] > 0.9 and r.fraction_precipitated[2] == 0.0
    # the solution at the end satisfies each solubility cap where a solid formed
    cap = 10 ** hydroxide_log_k(cations) * (10**-3.5) ** 3  # [M] = K h^3
    conc_out = r.liquor_metals / (r.volume_out * 1e3)
    assert conc_out[0] == pytest.approx(cap[0], rel=1e-9)
    assert float(speciate(r.totals_out, r.strong_charge_out).pH) == pytest.approx(3.5, abs=1e-9)


def test_hydroxide_ree_coloss_at_high_ph():
    n, z = np.array([1e-3, 1e-3]), np.array([3.0, 3.0])
    r = hydroxide_precipitation(
        n, z, hydroxide_log_k(["Fe+3", "Nd+3"]), 1e-3, [0.05, 0, 0], 0.006, 7.5
    )
    assert r.fraction_precipitated[1] > 0.0  # Nd(OH)3 saturates near pH 7


def test_hydroxide_errors():
    n, z, lk = np.array([1e-3]), np.array([3.0]), hydroxide_log_k(["Fe+3"])
    with pytest.raises(SpecificationError, match=r"target pH 13.0 is unreachable with NH4OH"):
        hydroxide_precipitation(n, z, lk, 1e-3, [0.05, 0, 0], 0.003, 13.0, "NH4OH", 1.0)
    with pytest.raises(SpecificationError, match=r"target pH 0.5 is not above the liquor's pH"):
        hydroxide_precipitation(n, z, lk, 1e-3, [0.05, 0, 0], 0.003, 0.5)
    with pytest.raises(SpecificationError, match=r"unknown base 'KOH'"):
        hydroxide_precipitation(n, z, lk, 1e-3, [0.05, 0, 0], 0.003, 3.0, "KOH")
    with pytest.raises(SpecificationError, match=r"unknown element 'Tb'"):
        split_precipitation([1.0], [3.0], ["Tb"], split_fractions())
    with pytest.raises(InfeasibleStateError, match=r"binds 0.0015 mol/s of ligand but only 0.001"):
        split_precipitation([1e-3], [3.0], ["Nd"], {"Nd": 1.0}, reagent_dose=1e-3)
