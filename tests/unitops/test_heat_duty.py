"""Heat duties of StoichiometricReactor and Precipitator when they heat or cool (issue 6).

Hand checks: water 25 -> 70 degC at 4.18 kJ/kg/K; the aqueous phase counts as its mass of
water; solids without data by Kopp's rule; cooling is negative; no temperature change,
no duty; the outlets (and so the element balance) do not depend on the duty.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from yieldkit.chemistry.components import Components
from yieldkit.chemistry.species import Species
from yieldkit.models import thermo
from yieldkit.models.heat_balance import M_WATER, liquid_water_enthalpy
from yieldkit.stream import Stream
from yieldkit.unitops.basic import StoichiometricReactor
from yieldkit.unitops.precipitator import Precipitator

_SPEC = importlib.util.spec_from_file_location(
    "_yk_cases_hydromet_heat", Path(__file__).parent / "cases_hydromet.py"
)
ch = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(ch)

C = Components(["H2O", "H+", "Cl-", "Nd+3", "Nd2O3"])
LEACH = [("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 0.9)]
NEUTRALISE = [("H+ + OH- -> H2O", "H+", 0.0)]


def dh_water(t1, t2):
    """Sensible heat of 1 kg of water from t1 to t2 [J/kg]."""
    return (liquid_water_enthalpy(t2) - liquid_water_enthalpy(t1)) / M_WATER


def aq_mass(s: Stream) -> float:
    return s.mass_flow("kg/s", phase="aq")


def test_heating_one_kg_per_s_of_water_is_188_kW():
    water = Stream(C, {"H2O": "1 kg/s"}, T="25 degC")
    o = StoichiometricReactor("heat", [("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 0.0)],
                              T="70 degC").run({"in": water})  # fmt: skip
    assert o.duty == pytest.approx(4.18 * 45.0 * 1e3, rel=0.01)  # 188 kW
    assert o.info["duty_basis"].startswith("sensible heat (nothing reacts)")


def test_leach_heated_is_sensible_heat_of_the_feed_only():
    feed = Stream(C, {"H2O": "50 mol/s", "H+": "1 mol/s", "Cl-": "1 mol/s",
                      "Nd2O3": "0.1 mol/s"}, T="25 degC")  # fmt: skip
    o = StoichiometricReactor("leach", LEACH, T="80 degC").run({"in": feed})
    n = [feed.flow("Nd2O3", "mol/s")]
    nd2o3 = thermo.enthalpy(["Nd2O3"], n, 353.15) - thermo.enthalpy(["Nd2O3"], n, 298.15)
    assert o.duty == pytest.approx(aq_mass(feed) * dh_water(298.15, 353.15) + nd2o3, rel=1e-12)
    assert o.info["duty_basis"].startswith(
        "sensible heat only: no enthalpy data for H2O, H+, Nd+3 (heat of reaction not included)"
    )
    assert o.info["duty_missing_species"] == [] and o.info["duty_estimated_species"] == []
    assert math.isnan(o.info["duty_reaction_W"])


def test_cooling_is_negative():
    hot = Stream(C, {"H2O": "1 kg/s", "H+": "0.1 mol/s", "Cl-": "0.1 mol/s"}, T="90 degC")
    o = StoichiometricReactor("cool", LEACH, T="30 degC").run({"in": hot})
    assert o.duty < 0
    assert o.duty == pytest.approx(aq_mass(hot) * dh_water(363.15, 303.15), rel=1e-12)


def test_no_temperature_change_no_duty_and_same_outlets():
    feed = Stream(C, {"H2O": "50 mol/s", "H+": "1 mol/s", "Cl-": "1 mol/s",
                      "Nd2O3": "0.1 mol/s"}, T="25 degC")  # fmt: skip
    for T in (None, "25 degC"):
        o = StoichiometricReactor("leach", LEACH, T=T).run({"in": feed})
        assert o.duty == 0.0 and "duty_basis" not in o.info
    hot = StoichiometricReactor("leach", LEACH, T="80 degC").run({"in": feed})
    cold = StoichiometricReactor("leach", LEACH).run({"in": feed})
    np.testing.assert_array_equal(hot.outlets["out"].moles, cold.outlets["out"].moles)


def test_two_inlets_each_at_its_own_temperature():
    a = Stream(C, {"H2O": "1 kg/s"}, T="80 degC")
    b = Stream(C, {"H2O": "1 kg/s"}, T="20 degC")
    o = StoichiometricReactor("mix", LEACH, T="60 degC", inlets=("a", "b")).run({"a": a, "b": b})
    expected = dh_water(353.15, 333.15) + dh_water(293.15, 333.15)
    assert o.duty == pytest.approx(aq_mass(a) * expected, rel=1e-12)


def test_solid_without_data_estimated_by_kopp():
    ap = Species.create("test-apatite", formula="Ca5(PO4)3F", phase="s")
    c = Components(["H2O", "H+", "OH-", ap])
    feed = Stream(c, {"H2O": "1 kg/s", "test-apatite": "1 mol/s"}, T="25 degC")
    o = StoichiometricReactor("heat", NEUTRALISE, T="125 degC").run({"in": feed})
    kopp = (5 * 26.0 + 3 * 22.6 + 12 * 16.7 + 20.9) * 100.0  # Felder Table B.10; 1 mol/s, 100 K
    assert o.duty == pytest.approx(aq_mass(feed) * dh_water(298.15, 398.15) + kopp, rel=1e-12)
    assert o.info["duty_estimated_species"] == ["test-apatite"]
    assert "Kopp's rule for test-apatite" in o.info["duty_basis"]


def test_species_without_data_or_estimate_give_nan_duty():
    c = Components(["H2O", "H+", "OH-", "D2EHPA"])
    feed = Stream(c, {"H2O": "1 kg/s", "D2EHPA": "1 mol/s"}, T="25 degC")
    o = StoichiometricReactor("heat", NEUTRALISE, T="50 degC").run({"in": feed})
    assert math.isnan(o.duty) and o.info["duty_missing_species"] == ["D2EHPA"]


def test_precipitator_heated_oxalate_is_sensible_heat_of_its_inlets():
    liquor = ch.pregnant().with_moles(ch.pregnant().moles, T=298.15)
    reagent = ch.oxalic()
    o = Precipitator("p", excess=0.2, T="60 degC").run({"liquor": liquor, "reagent": reagent})
    expected = (aq_mass(liquor) + aq_mass(reagent)) * dh_water(298.15, 333.15)
    assert o.duty == pytest.approx(expected, rel=1e-12)
    assert o.info["duty_basis"].startswith("sensible heat only: no enthalpy data for")
    same = Precipitator("p", excess=0.2).run({"liquor": liquor, "reagent": reagent})
    assert same.duty == 0.0 and "duty_basis" not in same.info
    np.testing.assert_allclose(
        o.outlets["slurry"].moles, same.outlets["slurry"].moles, rtol=1e-9, atol=1e-18
    )


def test_precipitator_hydroxide_unused_reagent_passes_at_its_temperature():
    liquor = ch.pregnant()  # 60 degC
    o = Precipitator("p", mode="hydroxide", target_pH=3.5, T="40 degC").run(
        {"liquor": liquor, "reagent": ch.naoh()}
    )
    used = ch.naoh().moles - o.outlets["unused_reagent"].moles
    used_mass = float(used[ch.C.phase_mask("aq")] @ ch.C.molar_masses[ch.C.phase_mask("aq")])
    expected = aq_mass(liquor) * dh_water(333.15, 313.15) + used_mass * dh_water(298.15, 313.15)
    assert o.duty == pytest.approx(expected, rel=1e-9)
