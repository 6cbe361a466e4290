"""OxideElectrolysis and CalciothermicReduction units."""

import pytest
from molmass import Formula

from yieldkit.chemistry.components import Components
from yieldkit.errors import SpecificationError, UnitsError
from yieldkit.stream import Stream
from yieldkit.unitops.reduction import CALCIUM, CARBON, CalciothermicReduction, OxideElectrolysis

F = 96485.33212  # [C/mol] CODATA 2018
C = Components(
    ["Nd2O3", "Pr2O3", "Fe2O3", "Nd", "Pr", "NdF3", "DyF3", "Dy", "CaF2", "CO(g)", "CO2(g)",
     CARBON, CALCIUM]
)  # fmt: skip


def test_local_element_species():
    assert CARBON.name == "C" and CARBON.phase == "s" and CARBON.source == "Wagman1982"
    assert CALCIUM.molar_mass == pytest.approx(Formula("Ca").mass * 1e-3)


def test_electrolysis_stoichiometry_power_and_anode_gas():
    ox = Stream(C, {"Nd2O3": "1 mol/s", "Pr2O3": "0.25 mol/s", "Fe2O3": "0.01 mol/s"})
    carbon = Stream(C, {"C": "5 mol/s"})
    out = OxideElectrolysis("cell", 0.8, "9 V", 0.25, conversion=0.9).run(
        {"oxide": ox, "carbon": carbon}
    )
    o = out.outlets
    assert o["metal"].flow("Nd") == pytest.approx(1.8)
    assert o["metal"].flow("Pr") == pytest.approx(0.45)
    # O removed 3 x 0.9 x 1.25 = 3.375 mol/s; phi = 0.25 -> C = 3.375 / 1.75
    c_used = 3.375 / 1.75
    assert o["anode_gas"].flow("CO(g)") == pytest.approx(0.25 * c_used)
    assert o["anode_gas"].flow("CO2(g)") == pytest.approx(0.75 * c_used)
    assert o["unreacted"].flow("C") == pytest.approx(5 - c_used)
    assert o["unreacted"].flow("Nd2O3") == pytest.approx(0.1)
    assert o["unreacted"].flow("Fe2O3") == pytest.approx(0.01)  # impurity stays in the bath
    # P = 3 F n_metal / CE x U
    assert out.power == pytest.approx(3 * F * 2.25 / 0.8 * 9.0, rel=1e-12)
    kwh_per_kg = 3 * F / 0.8 * 9.0 / (Formula("Nd").mass * 1e-3) / 3.6e6
    assert out.info["elements"]["Nd"]["specific_energy"] / 3.6e6 == pytest.approx(kwh_per_kg)
    assert kwh_per_kg == pytest.approx(6.27, abs=0.01)


def test_electrolysis_errors():
    with pytest.raises(
        SpecificationError, match=r"current_efficiency = 1.1 is outside the accepted range \(0, 1\]"
    ):
        OxideElectrolysis("cell", 1.1, "9 V", 0.2)
    with pytest.raises(TypeError, match=r"cell_voltage"):
        OxideElectrolysis("cell", 0.8, co_fraction=0.2)  # required: no sourced default
    with pytest.raises(UnitsError, match=r"cell_voltage.*convertible to 'V'"):
        OxideElectrolysis("cell", 0.8, "9 A", 0.2)
    u = OxideElectrolysis("cell", 0.8, "9 V", 0.2)
    ox = Stream(C, {"Nd2O3": "1 mol/s"})
    with pytest.raises(
        SpecificationError, match=r"consume 1.66667 mol/s C but the inlets bring 1 mol/s"
    ):
        u.run({"oxide": ox, "carbon": Stream(C, {"C": "1 mol/s"})})
    c = Components(["Nd2O3", "Nd", "CO(g)", "CO2(g)"])
    with pytest.raises(SpecificationError, match=r"species \['C'\] are needed.*CARBON and CALCIUM"):
        u.run({"oxide": Stream(c, {"Nd2O3": "1 mol/s"}), "carbon": Stream(c, {})})


def test_calciothermic_reduction_and_heat_hand_check():
    fl = Stream(C, {"NdF3": "2 mol/s"})
    ca = Stream(C, {"Ca": "3.3 mol/s"})
    out = CalciothermicReduction("ctr", 0.95).run({"fluoride": fl, "calcium": ca})
    o = out.outlets
    assert o["metal"].flow("Nd") == pytest.approx(1.9)
    assert o["metal"].flow("Ca") == pytest.approx(3.3 - 1.5 * 1.9)
    assert o["slag"].flow("CaF2") == pytest.approx(1.5 * 1.9)
    assert o["slag"].flow("NdF3") == pytest.approx(0.1)
    # dH = 3 dHf(CaF2) - 2 dHf(NdF3) per 2 mol: CaF2 -1225.9 (JANAF), NdF3 -1669 kJ/mol
    hand = 1.9 * (1.5 * -1225.905e3 + 1669.0e3)
    assert out.duty == pytest.approx(hand, rel=1e-9)
    assert out.duty < 0 and out.info["reaction_enthalpy"] == out.duty


def test_calciothermic_errors():
    with pytest.raises(
        SpecificationError, match=r"unknown rare-earth element 'Dz'.*Accepted: Ce, Dy,"
    ):
        CalciothermicReduction("ctr", dhf_fluoride={"Dz": "-1700 kJ/mol"})
    with pytest.raises(
        SpecificationError, match=r"dhf_fluoride\['Dy'\] = '1700 kJ/mol' must be finite and < 0"
    ):
        CalciothermicReduction("ctr", dhf_fluoride={"Dy": "1700 kJ/mol"})
    u = CalciothermicReduction("ctr")
    fl = Stream(C, {"NdF3": "2 mol/s", "DyF3": "0.1 mol/s"})
    with pytest.raises(SpecificationError, match=r"no default enthalpy of formation for DyF3"):
        u.run({"fluoride": fl, "calcium": Stream(C, {"Ca": "4 mol/s"})})
    with pytest.raises(SpecificationError, match=r"needs 3 mol/s Ca but the inlets bring 2 mol/s"):
        u.run({"fluoride": Stream(C, {"NdF3": "2 mol/s"}), "calcium": Stream(C, {"Ca": "2 mol/s"})})
