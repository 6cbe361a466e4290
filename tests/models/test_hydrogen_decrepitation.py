"""Tests for yieldkit.models.hydrogen_decrepitation."""

import numpy as np
import pytest

from yieldkit import citations
from yieldkit.errors import SpecificationError
from yieldkit.models import hydrogen_decrepitation as hd

M_NDFEB = 2 * 144.242e-3 + 14 * 55.845e-3 + 10.81e-3  # kg/mol, IUPAC weights
M_ND = 144.242e-3


def test_molar_masses():
    assert hd.M_ND2FE14B == pytest.approx(M_NDFEB, rel=1e-5)
    assert hd.M_ND == pytest.approx(M_ND, rel=1e-9)


# ----------------------------------------------------------------- HDD magnet mass
def test_hdd_magnet_mass_3p5_inch():
    m = hd.hdd_magnet_mass([1990, 2000, 2020], "3.5-inch")
    np.testing.assert_allclose(m, [17.87e-3, 14.37e-3, 7.37e-3], rtol=1e-12)


def test_hdd_magnet_mass_floor():
    # 17.87 - 0.35 (y - 1990) = 2.5 at y = 2033.914...; floor beyond
    m = hd.hdd_magnet_mass([2033.0, 2034.0, 2100.0], "3.5-inch")
    np.testing.assert_allclose(m, [17.87e-3 - 0.35e-3 * 43, 2.5e-3, 2.5e-3], rtol=1e-12)


def test_hdd_magnet_mass_2p5_inch():
    np.testing.assert_array_equal(hd.hdd_magnet_mass([1995, 2024], "2.5-inch"), [2.5e-3, 2.5e-3])


def test_hdd_phase_fractions():
    assert hd.hdd_magnet_phase_fractions() == {"Nd2Fe14B": 0.99, "Nd": 0.01}


def test_hdd_errors():
    with pytest.raises(
        SpecificationError,
        match=r"unknown HDD form factor '3.5 inch'\. Did you mean '3.5-inch'.* Accepted: 2.5-inch, 3.5-inch\.",
    ):
        hd.hdd_magnet_mass(2000, "3.5 inch")
    with pytest.raises(
        SpecificationError,
        match=r"year must be >= 1990 \(reference year of the HDD magnet-mass fit\); got \[1985.0\]",
    ):
        hd.hdd_magnet_mass([1985, 2000], "3.5-inch")
    with pytest.raises(SpecificationError, match=r"year must be >= 1990 .*; got nan"):
        hd.hdd_magnet_mass(float("nan"), "2.5-inch")


# ----------------------------------------------------------------- heat capacity
def test_cp_nd2fe14b_plausible_vs_044_j_per_g_k():
    cp = hd.cp_nd2fe14b(298.15)
    assert cp == pytest.approx(272.59 + 0.6487 * 298.15, rel=1e-14)
    # per mass: 0.431 J/g/K, within 3 % of the 0.44 J/g/K used for sintered NdFeB
    assert cp / (M_NDFEB * 1e3) == pytest.approx(0.44, rel=0.03)
    # above Dulong-Petit (17 atoms x 3R) at 170 C, as expected below the Curie point
    assert hd.cp_nd2fe14b(443.15) > 17 * 3 * 8.314462618


def test_cp_nd():
    assert hd.cp_nd(300.0) == pytest.approx(22.44 + 0.0162 * 300.0, rel=1e-14)


def test_sensible_heat_hand_calculation():
    t0, t1 = 298.15, 443.15
    q1 = 272.59 * (t1 - t0) + 0.5 * 0.6487 * (t1**2 - t0**2)
    q2 = 22.44 * (t1 - t0) + 0.5 * 0.0162 * (t1**2 - t0**2)
    assert hd.sensible_heat(2.0, 3.0, t0, t1) == pytest.approx(2 * q1 + 3 * q2, rel=1e-13)
    assert hd.sensible_heat(2.0, 3.0, t1, t0) == pytest.approx(-(2 * q1 + 3 * q2), rel=1e-13)


def test_temperature_errors():
    with pytest.raises(
        SpecificationError, match=r"temperature \[K\] must be finite and > 0 K; got -5.0"
    ):
        hd.cp_nd2fe14b(-5.0)
    with pytest.raises(
        SpecificationError, match=r"temperature \[K\] must be finite and > 0 K; got 0.0"
    ):
        hd.cp_nd(0.0)
    with pytest.raises(
        SpecificationError, match=r"t_to \[K\] must be finite and > 0 K; got \[0.0\]"
    ):
        hd.sensible_heat(1.0, 1.0, 300.0, np.array([400.0, 0.0]))
    with pytest.raises(SpecificationError, match=r"n_nd \[mol\] must be finite and >= 0; got -1.0"):
        hd.sensible_heat(1.0, -1.0, 300.0, 400.0)


# ----------------------------------------------------------------- hydrogen uptake
def test_hydrogen_uptake_defaults_and_explicit():
    h2m, h2n = hd.hydrogen_uptake(2.0, 4.0)
    assert (h2m, h2n) == (5.0, 5.0)  # 2 * 5/2 and 4 * 2.5/2
    h2m, h2n = hd.hydrogen_uptake(2.0, 4.0, h_per_nd2fe14b=2.7, h_per_nd=2.0)
    assert h2m == pytest.approx(2.7) and h2n == pytest.approx(4.0)


def test_hydrogen_balance_closes():
    # H in the hydrides equals 2 x H2 absorbed, to 1e-12
    n1, n2, x, y = 0.9157, 0.0693, 3.1, 2.5
    h2m, h2n = hd.hydrogen_uptake(n1, n2, x, y)
    assert abs(2 * (h2m + h2n) - (n1 * x + n2 * y)) <= 1e-12


def test_hydrogen_uptake_errors():
    with pytest.raises(
        SpecificationError,
        match=r"h_per_nd2fe14b must be in \[0, 5\] H per Nd2Fe14B \(Nd2Fe14BHx, x <= 5, Ram 1997\); got 5.5",
    ):
        hd.hydrogen_uptake(1.0, 1.0, h_per_nd2fe14b=5.5)
    with pytest.raises(
        SpecificationError, match=r"h_per_nd must be in \[0, 3\] H per Nd \(NdH2..NdH3\); got -1.0"
    ):
        hd.hydrogen_uptake(1.0, 1.0, h_per_nd=-1.0)
    with pytest.raises(
        SpecificationError, match=r"n_nd2fe14b \[mol\] must be finite and >= 0; got -2.0"
    ):
        hd.hydrogen_uptake(-2.0, 1.0)


# ----------------------------------------------------------------- cycle and batch
def test_cycle_time_defaults():
    assert hd.cycle_time() == 3600.0 + 300.0 + 10800.0 + 3600.0
    assert hd.cycle_time(hold_time=0.0) == 7500.0


def test_cycle_time_error():
    with pytest.raises(
        SpecificationError, match=r"hold_time \[s\] must be finite and >= 0; got -1"
    ):
        hd.cycle_time(hold_time=-1)


def test_batch_hand_calculation_defaults():
    citations.reset()
    r = hd.decrepitation_batch(1.0)
    n1 = 0.99 / hd.M_ND2FE14B
    n2 = 0.01 / hd.M_ND
    t0, t1 = 298.15, 443.15
    q = n1 * (272.59 * (t1 - t0) + 0.5 * 0.6487 * (t1**2 - t0**2)) + n2 * (
        22.44 * (t1 - t0) + 0.5 * 0.0162 * (t1**2 - t0**2)
    )
    assert r.h2_absorbed == pytest.approx(2.5 * n1 + 1.25 * n2, rel=1e-13)
    assert r.sensible_heat == pytest.approx(q, rel=1e-13)
    assert r.sensible_heat == pytest.approx(68.4e3, rel=1e-3)  # ~68 kJ per kg magnet
    assert r.reaction_heat == pytest.approx(2.5 * n1 * -66.47e3, rel=1e-13)
    assert r.heat_loss == 0.0
    assert r.furnace_energy == r.sensible_heat  # no credit by default
    assert r.cycle_time == 18300.0
    assert r.specific_energy == pytest.approx(r.furnace_energy, rel=1e-15)
    assert r.mean_power == pytest.approx(r.furnace_energy / 18300.0, rel=1e-15)
    for key in ("Habibzadeh2023", "PrOMMiS", "Ram1997", "Hu2008", "yieldkitEstimate"):
        assert key in citations.used()


def test_batch_heat_loss_and_credit():
    base = hd.decrepitation_batch(10.0)
    r = hd.decrepitation_batch(10.0, heat_loss_rate=500.0, reaction_heat_credit=0.5)
    assert r.heat_loss == pytest.approx(500.0 * (300.0 + 10800.0), rel=1e-15)
    assert r.furnace_energy == pytest.approx(
        base.sensible_heat + r.heat_loss + 0.5 * base.reaction_heat, rel=1e-13
    )


def test_batch_scales_with_mass():
    a = hd.decrepitation_batch(1.0)
    b = hd.decrepitation_batch(3.0)
    assert b.h2_absorbed == pytest.approx(3 * a.h2_absorbed, rel=1e-14)
    assert b.specific_energy == pytest.approx(a.specific_energy, rel=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mass": 0.0}, r"mass \[kg\] must be finite and > 0; got 0.0"),
        (
            {"mass": 1.0, "w_nd2fe14b": 1.2},
            r"w_nd2fe14b must be a mass fraction in \[0, 1\]; got 1.2",
        ),
        ({"mass": 1.0, "w_nd": -0.1}, r"w_nd must be a mass fraction in \[0, 1\]; got -0.1"),
        (
            {"mass": 1.0, "w_nd2fe14b": 0.9, "w_nd": 0.2},
            r"w_nd2fe14b \+ w_nd must be <= 1; got 0.9 \+ 0.2 = 1.1",
        ),
        (
            {"mass": 1.0, "feed_temperature": -1.0},
            r"feed_temperature \[K\] must be finite and > 0 K; got -1.0",
        ),
        (
            {"mass": 1.0, "operating_temperature": 290.0},
            r"operating_temperature must be >= feed_temperature; got 290.0 K < 298.15 K",
        ),
        (
            {"mass": 1.0, "heat_loss_rate": -5.0},
            r"heat_loss_rate \[W\] must be finite and >= 0; got -5.0",
        ),
        (
            {"mass": 1.0, "reaction_heat_credit": 2.0},
            r"reaction_heat_credit must be a fraction in \[0, 1\]; got 2.0",
        ),
        (
            {"mass": 1.0, "dh_hydriding": 10.0},
            r"dh_hydriding \[J/mol H2\] must be finite and <= 0 \(hydriding is exothermic\); got 10.0",
        ),
        (
            {"mass": 1.0, "dh_nd_hydride": 1.0},
            r"dh_nd_hydride \[J/mol H2\] must be finite and <= 0",
        ),
        (
            {
                "mass": 1.0,
                "preparation_time": 0,
                "ramp_up_time": 0,
                "hold_time": 0,
                "cool_down_time": 0,
            },
            r"the cycle time must be > 0 s; all four durations are 0",
        ),
    ],
)
def test_batch_errors(kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        hd.decrepitation_batch(**kwargs)


def test_default_lookup_errors():
    with pytest.raises(
        SpecificationError,
        match=r"unknown data section 'hydrogen_decrepitaton'.*Did you mean 'hydrogen_decrepitation'",
    ):
        hd.default("hydrogen_decrepitaton", "hold_time")
    with pytest.raises(
        SpecificationError,
        match=r"unknown default 'hold_tme' in \[hydrogen_decrepitation\].*Did you mean 'hold_time'",
    ):
        hd.default("hydrogen_decrepitation", "hold_tme")


def test_every_default_names_a_known_source():
    table = hd._table()
    for section, entries in table.items():
        for name, entry in entries.items():
            citations.check(entry["source"])
            assert np.isfinite(float(entry["value"])), (section, name)
            assert "unit" in entry, (section, name)
