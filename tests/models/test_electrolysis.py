"""Tests for yieldkit.models.electrolysis (oxide electrolysis, calciothermic reduction)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yieldkit import citations
from yieldkit.errors import SpecificationError
from yieldkit.models import electrolysis as el

F = 96485.33212  # C/mol, CODATA 2018
M_ND = 144.242e-3  # kg/mol


def test_faraday_constant():
    assert el.faraday_constant() == F


def test_faraday_1kg_nd_full_efficiency():
    # 1 kg Nd at 100 % CE needs 3 F / M(Nd) coulombs
    q = el.faraday_charge(1.0, "Nd")
    assert q == pytest.approx(3 * F / M_ND, rel=1e-12)
    assert q == pytest.approx(2.00672e6, rel=1e-5)


def test_faraday_current_efficiency_scales_inverse():
    assert el.faraday_charge(1.0, "Nd", 0.5) == pytest.approx(
        2 * el.faraday_charge(1.0, "Nd"), rel=1e-15
    )


def test_specific_energy_hand_calculation():
    # 3 F U / (M CE); U = 10 V, CE = 0.8 -> 25.08 MJ/kg = 6.97 kWh/kg
    e = el.electrolysis_specific_energy("Nd", 10.0, 0.8)
    assert e == pytest.approx(3 * F * 10.0 / (M_ND * 0.8), rel=1e-12)


def test_molar_mass():
    assert el.molar_mass("Nd2O3") == pytest.approx(2 * 144.242e-3 + 3 * 15.999e-3, rel=1e-5)


def _oxide_balance(r, fed):
    # element balances per mol oxide fed: RE, O, C
    assert abs(2 * fed - (r.metal + 2 * r.oxide_unreduced)) <= 1e-12 * max(1.0, fed)
    assert abs(3 * fed - (3 * r.oxide_unreduced + r.co + 2 * r.co2)) <= 1e-12 * max(1.0, fed)
    assert abs(r.carbon_consumed - (r.co + r.co2)) <= 1e-12 * max(1.0, fed)


def test_oxide_electrolysis_hand_calculation():
    citations.reset()
    r = el.oxide_electrolysis(1.0, "Nd", current_efficiency=0.8, cell_voltage=9.0, co_fraction=0.3)
    assert r.oxide_reduced == 1.0 and r.oxide_unreduced == 0.0
    assert r.metal == 2.0
    assert r.carbon_consumed == pytest.approx(3.0 / 1.7, rel=1e-15)
    assert r.co == pytest.approx(0.9 / 1.7, rel=1e-15)
    assert r.co2 == pytest.approx(2.1 / 1.7, rel=1e-14)
    assert r.charge == pytest.approx(6 * F / 0.8, rel=1e-14)
    assert r.energy == pytest.approx(6 * F / 0.8 * 9.0, rel=1e-14)
    assert r.metal_mass == pytest.approx(2 * M_ND, rel=1e-12)
    assert r.specific_energy == pytest.approx(
        el.electrolysis_specific_energy("Nd", 9.0, 0.8), rel=1e-12
    )
    _oxide_balance(r, 1.0)
    assert "CODATA2018" in citations.used()


def test_oxide_electrolysis_limits():
    all_co2 = el.oxide_electrolysis(
        1.0, "Pr", current_efficiency=1, cell_voltage=5, co_fraction=0.0
    )
    assert all_co2.co == 0.0 and all_co2.co2 == pytest.approx(1.5)
    all_co = el.oxide_electrolysis(1.0, "Pr", current_efficiency=1, cell_voltage=5, co_fraction=1.0)
    assert all_co.co2 == 0.0 and all_co.co == pytest.approx(3.0)
    none = el.oxide_electrolysis(0.0, "Nd", current_efficiency=0.7, cell_voltage=9, co_fraction=0.2)
    assert none.metal == 0.0 and none.energy == 0.0
    assert none.specific_energy == pytest.approx(el.electrolysis_specific_energy("Nd", 9, 0.7))


@given(
    st.floats(0, 1e4),
    st.floats(0.01, 1),
    st.floats(0, 1),
    st.floats(0, 1),
    st.sampled_from(["Nd", "Pr", "Dy", "La"]),
)
def test_oxide_electrolysis_balance_property(fed, ce, phi, conv, element):
    r = el.oxide_electrolysis(
        fed, element, current_efficiency=ce, cell_voltage=8.0, co_fraction=phi, conversion=conv
    )
    _oxide_balance(r, fed)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"oxide_fed": -1.0}, r"oxide_fed \[mol\] must be finite and >= 0; got -1.0"),
        (
            {"element": "nd"},
            r"unknown rare-earth element 'nd'\. Did you mean 'Nd'.*Accepted: Ce, Dy",
        ),
        (
            {"current_efficiency": 0.0},
            r"current_efficiency must be a fraction in \(0, 1\]; got 0.0",
        ),
        (
            {"current_efficiency": 1.1},
            r"current_efficiency must be a fraction in \(0, 1\]; got 1.1",
        ),
        ({"cell_voltage": -2.0}, r"cell_voltage \[V\] must be finite and > 0; got -2.0"),
        ({"co_fraction": 1.5}, r"co_fraction must be a fraction in \[0, 1\]; got 1.5"),
        ({"conversion": -0.2}, r"conversion must be a fraction in \[0, 1\]; got -0.2"),
    ],
)
def test_oxide_electrolysis_errors(kwargs, match):
    args = {
        "oxide_fed": 1.0,
        "element": "Nd",
        "current_efficiency": 0.8,
        "cell_voltage": 9.0,
        "co_fraction": 0.3,
    }
    args.update(kwargs)
    fed = args.pop("oxide_fed")
    element = args.pop("element")
    with pytest.raises(SpecificationError, match=match):
        el.oxide_electrolysis(fed, element, **args)


def test_oxide_electrolysis_requires_industrial_parameters():
    with pytest.raises(TypeError, match="current_efficiency"):
        el.oxide_electrolysis(1.0, "Nd", cell_voltage=9.0, co_fraction=0.3)  # type: ignore[call-arg]


def test_faraday_errors():
    with pytest.raises(
        SpecificationError, match=r"mass_metal \[kg\] must be finite and >= 0; got -1"
    ):
        el.faraday_charge(-1, "Nd")
    with pytest.raises(
        SpecificationError, match=r"cell_voltage \[V\] must be finite and > 0; got 0"
    ):
        el.electrolysis_specific_energy("Nd", 0, 0.8)


# ----------------------------------------------------------------- calciothermic reduction
def _fluoride_balance(r, fed):
    tol = 1e-12 * max(1.0, fed)
    assert abs(fed - (r.fluoride_reacted + r.fluoride_unreacted)) <= tol  # RE in = REF3 out + metal
    assert abs(r.metal - r.fluoride_reacted) <= tol
    assert abs(3 * fed - (3 * r.fluoride_unreacted + 2 * r.caf2)) <= tol  # F
    assert abs(r.calcium_fed - (r.calcium_unreacted + r.caf2)) <= tol  # Ca


def test_calciothermic_hand_calculation():
    citations.reset()
    r = el.calciothermic_reduction(2.0, "Nd", calcium_excess=0.1, yield_fraction=0.95)
    assert r.fluoride_reacted == pytest.approx(1.9)
    assert r.metal == pytest.approx(1.9)
    assert r.caf2 == pytest.approx(2.85)
    assert r.calcium_fed == pytest.approx(3.3)
    assert r.calcium_unreacted == pytest.approx(0.45)
    # dH per mol NdF3 = 1.5 dHf(CaF2) - dHf(NdF3) = 1.5(-1225.905) + 1669 = -169.8575 kJ
    assert r.reaction_enthalpy == pytest.approx(1.9 * -169.8575e3, rel=1e-12)
    _fluoride_balance(r, 2.0)
    assert {"McBride1993", "NdF3MassSpec"} <= set(citations.used())


def test_caf2_enthalpy_matches_cantera_nasa_data():
    ct = pytest.importorskip("cantera")
    sp = {s.name: s for s in ct.Species.list_from_file("nasa_condensed.yaml")}
    h = sp["CaF2(a)"].thermo.h(298.15) * 1e-3  # J/kmol -> J/mol
    assert h == pytest.approx(el.default("calciothermic_reduction", "dHf_CaF2"), rel=1e-6)


@given(st.floats(0, 1e4), st.floats(0, 2), st.floats(0, 1))
def test_calciothermic_balance_property(fed, excess, y):
    r = el.calciothermic_reduction(fed, "Nd", calcium_excess=excess, yield_fraction=y)
    _fluoride_balance(r, fed)


def test_calciothermic_other_element_needs_enthalpy():
    with pytest.raises(
        SpecificationError,
        match=r"no default enthalpy of formation for DyF3; pass dhf_fluoride \[J/mol\] \(a default exists only for NdF3\)",
    ):
        el.calciothermic_reduction(1.0, "Dy")
    r = el.calciothermic_reduction(1.0, "Dy", dhf_fluoride=-1700e3)
    assert r.reaction_enthalpy == pytest.approx(1.5 * -1225.905e3 + 1700e3, rel=1e-12)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((-1.0,), {}, r"fluoride_fed \[mol\] must be finite and >= 0; got -1.0"),
        ((1.0, "Ndd"), {}, r"unknown rare-earth element 'Ndd'\. Did you mean 'Nd'"),
        ((1.0,), {"calcium_excess": -0.1}, r"calcium_excess must be finite and >= 0; got -0.1"),
        (
            (1.0,),
            {"yield_fraction": 1.2},
            r"yield_fraction must be a fraction in \[0, 1\]; got 1.2",
        ),
        ((1.0,), {"dhf_fluoride": 5.0}, r"dhf_fluoride \[J/mol\] must be finite and < 0; got 5.0"),
    ],
)
def test_calciothermic_errors(args, kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        el.calciothermic_reduction(*args, **kwargs)
