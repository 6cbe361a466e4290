"""Calciner / Roaster (equilibrium and stoichiometric modes) and Heater."""

import math
import runpy
import warnings
from pathlib import Path

import numpy as np
import pytest

from yieldkit.chemistry.components import Components
from yieldkit.chemistry.species import database as species_database
from yieldkit.errors import SpecificationError, ThermoError, UnitsError
from yieldkit.models.thermo import available
from yieldkit.stream import Stream
from yieldkit.unitops.thermal import Calciner, Cooler, Heater, Roaster

T_CALC = "950 degC"  # 950 C / 2 h in air gives hexagonal Nd2O3 (Ceram. Int. 40 (2014) 3003)
GASES = ["O2(g)", "N2(g)", "CO2(g)", "H2O(g)", "CO(g)"]
#: every rare earth whose oxalate decahydrate is in the species database (La..Lu, Y, Sc)
RE_OXALATES = sorted(
    n.split("2(C2O4)")[0] for n in species_database() if n.endswith("2(C2O4)3.10H2O")
)
RE_WITH_OXALATE_DATA = sorted(
    n.split("2(C2O4)")[0] for n in available() if n.endswith("2(C2O4)3.10H2O")
)
#: the oxide stable in air where it is not M2O3: (formula, RE atoms per formula, O2 per mol
#: oxalate), as in process_library/_route_tools.py
AIR_OXIDE = {"Ce": ("CeO2", 1, 2.0), "Pr": ("Pr6O11", 6, 11 / 6)}


def system(m, gases=GASES, extra=()):
    names = [f"{m}2(C2O4)3.10H2O", f"{m}2O3", *gases, *extra]
    if f"{m}2O2CO3" in available():
        names.insert(1, f"{m}2O2CO3")
    c = Components(names)
    solids = Stream(c, {f"{m}2(C2O4)3.10H2O": "1 mol/s"})
    air = Stream(c, {"O2(g)": "21 mol/s", "N2(g)": "79 mol/s"})
    return c, solids, air


def oxalate_reaction(m):
    return f"2 {m}2(C2O4)3.10H2O + 3 O2(g) -> 2 {m}2O3 + 12 CO2(g) + 20 H2O(g)"


def test_every_ree_oxalate_of_the_species_database_has_thermo_data():
    assert len(RE_OXALATES) == 16  # La..Lu (no Pm), Y, Sc
    assert RE_WITH_OXALATE_DATA == RE_OXALATES


@pytest.mark.parametrize("m", RE_WITH_OXALATE_DATA)
def test_calcination_in_air_at_950C_gives_the_oxide_in_both_modes(m):
    c, solids, air = system(m)
    eq = Calciner("c", T_CALC, "equilibrium").run({"solids": solids, "gas": air})
    st = Calciner("c", T_CALC, "stoichiometric", reactions=[oxalate_reaction(m)]).run(
        {"solids": solids, "gas": air}
    )
    for out in (eq, st):
        p = out.outlets["product"]
        assert p.flow(f"{m}2O3") == pytest.approx(1.0, rel=1e-12)
        assert p.mole_flow() == pytest.approx(1.0, rel=1e-12)  # nothing else solid
        g = out.outlets["offgas"]
        assert g.flow("H2O(g)") == pytest.approx(10.0, rel=1e-12)
        assert g.flow("CO2(g)") == pytest.approx(6.0, rel=1e-6)
        assert out.outlets["dust"].mole_flow() == 0.0
        assert out.outlets["product"].T == pytest.approx(1223.15)
        assert out.info["duty_missing_species"] == []
    assert eq.outlets["offgas"].flow("CO(g)") < 1e-5  # ppm left unburnt at equilibrium
    # the products agree to ppm (CO), so do the duties
    assert eq.duty == pytest.approx(st.duty, rel=1e-6)
    # finite and positive: heat must be supplied (air heated from 298 K, water evaporated)
    assert math.isfinite(st.duty) and st.duty > 0


@pytest.mark.parametrize("m", RE_OXALATES)
def test_calcination_reaction_is_endothermic_and_matches_formation_enthalpies(m):
    # At 298.15 K the duty is the reaction enthalpy: dHf(M2O3) + 6 dHf(CO2) + 10 dHf(H2O,g)
    # - dHf(oxalate). With every oxalate but Ce's estimated as the Ce value (Wagman 1982)
    # shifted by dHf(M2O3) - dHf(Ce2O3), all equal the Ce value by hand (+206.5 kJ/mol,
    # test_duty_against_a_hand_calculation_from_tabulated_enthalpies): endothermic.
    c, solids, _ = system(m)
    gas = Stream(c, {"O2(g)": "1.5 mol/s"})
    out = Calciner("c", "298.15 K", "stoichiometric", reactions=oxalate_reaction(m)).run(
        {"solids": solids, "gas": gas}
    )
    hand = -1796.2 + 6 * -393.51 + 10 * -241.826 + 6782  # [kJ/mol] Ce, as in the test below
    assert out.duty / 1e3 == pytest.approx(hand, abs=0.05)
    assert out.duty > 0


@pytest.mark.parametrize("m", sorted(AIR_OXIDE))
def test_ce_and_pr_oxalates_calcine_in_air_to_the_air_stable_oxide_in_both_modes(m):
    # the route convention (process_library/_route_tools.py): CeO2 and Pr6O11 in air
    oxide, k, o2 = AIR_OXIDE[m]
    n_ox = 2 / k  # mol oxide per mol oxalate
    c, solids, air = system(m, extra=[oxide])
    rxn = {
        "Ce": "Ce2(C2O4)3.10H2O + 2 O2(g) -> 2 CeO2 + 6 CO2(g) + 10 H2O(g)",
        "Pr": "6 Pr2(C2O4)3.10H2O + 11 O2(g) -> 2 Pr6O11 + 36 CO2(g) + 60 H2O(g)",
    }[m]
    eq = Calciner("c", T_CALC, "equilibrium").run({"solids": solids, "gas": air})
    st = Calciner("c", T_CALC, "stoichiometric", reactions=rxn).run({"solids": solids, "gas": air})
    for out in (eq, st):
        p = out.outlets["product"]
        assert p.flow(oxide) == pytest.approx(n_ox, rel=1e-9)
        assert p.mole_flow() == pytest.approx(n_ox, rel=1e-9)
        assert out.outlets["offgas"].flow("O2(g)") == pytest.approx(21 - o2, rel=1e-6)
        assert out.info["duty_missing_species"] == []
        assert math.isfinite(out.duty) and out.duty > 0
    assert eq.duty == pytest.approx(st.duty, rel=1e-6)
    # oxidising M2O3 further releases heat: less duty than calcining to M2O3
    to_m2o3 = Calciner("c", T_CALC, "stoichiometric", reactions=oxalate_reaction(m))
    assert st.duty < to_m2o3.run({"solids": solids, "gas": air}).duty


@pytest.mark.parametrize("m", ["La", "Nd"])
def test_duties_agree_exactly_where_the_products_agree(m):
    c, solids, air = system(m, gases=GASES[:4])  # no CO candidate: identical products
    eq = Calciner("c", T_CALC, "equilibrium").run({"solids": solids, "gas": air})
    st = Calciner("c", T_CALC, "stoichiometric", reactions=oxalate_reaction(m)).run(
        {"solids": solids, "gas": air}
    )
    np.testing.assert_allclose(
        sum(o.moles for o in eq.outlets.values()),
        sum(o.moles for o in st.outlets.values()),
        rtol=1e-12,
        atol=1e-15,
    )
    assert eq.duty == pytest.approx(st.duty, rel=1e-9)


def test_duty_against_a_hand_calculation_from_tabulated_enthalpies():
    # All at 298.15 K: the duty is the reaction enthalpy. DOMAIN.md section 7 (Wagman
    # 1982): Ce2(C2O4)3.10H2O -6782, Ce2O3 -1796.2 kJ/mol; NASA/JANAF gases: CO2 -393.51,
    # CO -110.53, H2O(g) -241.826 kJ/mol.
    c, solids, air = system("Ce")
    gas = Stream(c, {"O2(g)": "1.5 mol/s"})
    out = Calciner("c", "298.15 K", "stoichiometric", reactions=oxalate_reaction("Ce")).run(
        {"solids": solids, "gas": gas}
    )
    hand = -1796.2 + 6 * -393.51 + 10 * -241.826 + 6782  # = +206.48 kJ per mol
    # abs 0.05 kJ: the gas values above are rounded (NASA-7 h298: CO2 -393.508, H2O -241.825)
    assert out.duty / 1e3 == pytest.approx(hand, abs=0.05)
    # in nitrogen the CO is not burnt: much more endothermic
    inert = Stream(c, {"N2(g)": "1 mol/s"})
    rxn = "Ce2(C2O4)3.10H2O -> Ce2O3 + 3 CO(g) + 3 CO2(g) + 10 H2O(g)"
    out = Calciner("c", "298.15 K", "stoichiometric", reactions=rxn).run(
        {"solids": solids, "gas": inert}
    )
    hand = -1796.2 + 3 * -110.53 + 3 * -393.51 + 10 * -241.826 + 6782  # = +1055.4 kJ
    assert out.duty / 1e3 == pytest.approx(hand, abs=0.05)


def test_duty_sign_and_inlet_temperatures():
    c, solids, air = system("Nd")
    unit = Calciner("c", T_CALC, "equilibrium")
    cold = unit.run({"solids": solids, "gas": air}).duty
    assert cold > 0  # heat must be supplied to heat the air and decompose the oxalate
    hot_air = air.with_moles(air.moles, T=1223.15)
    hot = unit.run({"solids": solids, "gas": hot_air}).duty
    assert 0 < hot < cold  # preheated air needs less
    # the difference is the enthalpy of heating the air alone
    dq = Heater("h", "1223.15 K").run({"in": air}).duty
    assert cold - hot == pytest.approx(dq, rel=1e-9)


def test_heater_hand_check_and_cooler():
    c = Components(["N2(g)", "O2(g)", "H2O", "Nd+3"])
    n2 = Stream(c, {"N2(g)": "1 mol/s"})
    out = Heater("h", "600 K").run({"in": n2})
    # NIST-JANAF N2: H(600 K) - H(298.15 K) = 8.894 kJ/mol
    assert out.duty == pytest.approx(8894.0, rel=1e-3)
    assert out.outlets["out"].T == 600.0
    back = Cooler("k", "298.15 K").run({"in": out.outlets["out"]})
    assert back.duty == pytest.approx(-out.duty, rel=1e-12)
    assert Cooler is Heater


def test_heater_duty_is_nan_where_thermo_data_are_missing():
    c = Components(["N2(g)", "H2O", "Nd+3", "Cl-"])
    s = Stream(c, {"N2(g)": "1 mol/s", "H2O": "55 mol/s", "Nd+3": "0.1 mol/s", "Cl-": "0.3 mol/s"})
    out = Heater("h", "60 degC").run({"in": s})
    assert math.isnan(out.duty)
    assert out.info["duty_missing_species"] == ["Cl-", "H2O", "Nd+3"]


def test_inert_gangue_takes_the_heat_of_its_sio2_surrogate_and_says_so():
    c = Components(["inert gangue", "SiO2"])
    gangue = Heater("h", "900 K").run({"in": Stream(c, {"inert gangue": "2 mol/s"})})
    quartz = Heater("h", "900 K").run({"in": Stream(c, {"SiO2": "2 mol/s"})})
    assert gangue.duty == pytest.approx(quartz.duty, rel=1e-12)
    assert gangue.duty > 0
    assert gangue.info["duty_basis"] == "inert gangue counted as SiO2 for its heat (estimate)"
    assert "duty_basis" not in quartz.info
    assert "inert gangue" not in available()  # never in an equilibrium


def test_unchanged_solid_without_data_carries_kopp_sensible_heat():
    # NaNd(SO4)2.H2O has no thermo data; passing a calciner unchanged it only heats up, with
    # Kopp's-rule Cp (Felder & Rousseau Table B.10: S 22.6, O 16.7, H 9.6, others 26 J/mol/K
    # per atom -> 26 + 26 + 2*22.6 + 9*16.7 + 2*9.6 = 266.7 J/mol/K)
    c = Components(["NaNd(SO4)2.H2O", "N2(g)"])
    s = Stream(c, {"NaNd(SO4)2.H2O": "0.5 mol/s"})
    out = Heater("h", "1000 K").run({"in": s})
    assert out.duty == pytest.approx(0.5 * 266.7 * (1000.0 - 298.15), rel=1e-9)
    assert "NaNd(SO4)2.H2O by Kopp's rule" in out.info["duty_basis"]
    assert out.info["duty_missing_species"] == []


def test_kopp_estimate_adds_to_the_data_species_heat():
    c, solids, air = system("Nd", extra=["NaNd(SO4)2.H2O"])
    salt = Stream(c, {"NaNd(SO4)2.H2O": "0.2 mol/s"})
    unit = Calciner("c", T_CALC, "stoichiometric", reactions=oxalate_reaction("Nd"))
    plain = unit.run({"solids": solids, "gas": air})
    mixed = unit.run({"solids": solids + salt, "gas": air})
    T = mixed.outlets["product"].T
    assert mixed.duty - plain.duty == pytest.approx(0.2 * 266.7 * (T - 298.15), rel=1e-9)
    assert mixed.outlets["product"].flow("NaNd(SO4)2.H2O") == pytest.approx(0.2)


def test_reacting_species_without_data_still_gives_nan():
    # the Kopp estimate is for sensible heat only: a species without data that reacts
    # (its heat of formation unknown) leaves the duty nan
    c = Components(["NaNd(SO4)2.H2O", "Na2SO4", "Nd2(SO4)3", "H2O(g)"])
    s = Stream(c, {"NaNd(SO4)2.H2O": "0.5 mol/s"})
    out = Calciner(
        "c", "700 K", "stoichiometric",
        reactions=[
            ("2 NaNd(SO4)2.H2O -> Na2SO4 + Nd2(SO4)3 + 2 H2O(g)", "NaNd(SO4)2.H2O", 1.0)
        ],
    ).run({"solids": s, "gas": Stream(c, {})})  # fmt: skip
    assert math.isnan(out.duty)
    assert "NaNd(SO4)2.H2O" in out.info["duty_missing_species"]
    assert "duty_basis" not in out.info


def test_stoichiometric_duty_is_nan_with_the_missing_species_named():
    c, solids, air = system("Nd", extra=["H2O"])
    wet = solids + Stream(c, {"H2O": "3 mol/s"})
    out = Calciner("c", T_CALC, "stoichiometric", reactions=oxalate_reaction("Nd")).run(
        {"solids": wet, "gas": air}
    )
    assert math.isnan(out.duty)
    assert out.info["duty_missing_species"] == ["H2O"]
    assert out.outlets["product"].flow("H2O") == pytest.approx(3.0)  # not evaporated: no rxn


@pytest.mark.parametrize("m", ["La", "Nd"])
def test_sweep_300_to_1500_K_through_the_unit(m):
    c, solids, air = system(m)
    unit = Calciner("c", "300 K", "equilibrium")
    oxide, duties = [], []
    for T in np.linspace(300.0, 1500.0, 10):
        u = unit.with_params(T=f"{T} K")
        inlets = {"solids": solids, "gas": air}
        out = u.run(inlets)  # run() itself raises BalanceError above 1e-9
        b = u.balance(inlets, out.outlets)
        assert b.max_relative_error <= 1e-10, T
        assert all(np.all(s.moles >= 0) for s in out.outlets.values())
        assert out.info["kkt_residual"] <= 1e-5
        oxide.append(out.outlets["product"].flow(f"{m}2O3"))
        duties.append(out.duty)
    assert oxide[0] == pytest.approx(0.0, abs=1e-12)
    assert oxide[-1] == pytest.approx(1.0, rel=1e-12)
    assert np.all(np.diff(oxide) >= -1e-12)
    assert np.all(np.isfinite(duties)) and np.all(np.diff(duties) > 0)  # hotter costs more


def test_dust_split():
    c, solids, air = system("Nd")
    out = Calciner("c", T_CALC, "equilibrium", dust_fraction=0.1).run(
        {"solids": solids, "gas": air}
    )
    assert out.outlets["dust"].flow("Nd2O3") == pytest.approx(0.1, rel=1e-12)
    assert out.outlets["product"].flow("Nd2O3") == pytest.approx(0.9, rel=1e-12)
    assert out.outlets["dust"].flow("CO2(g)") == 0.0


def test_oxygen_limited_stoichiometric_calcination_is_reported():
    c, solids, _ = system("Nd")
    lean = Stream(c, {"O2(g)": "0.75 mol/s", "N2(g)": "10 mol/s"})
    out = Calciner("c", T_CALC, "stoichiometric", reactions=oxalate_reaction("Nd")).run(
        {"solids": solids, "gas": lean}
    )
    assert out.info["limited_by"] == {oxalate_reaction("Nd"): "O2(g)"}
    assert out.outlets["product"].flow("Nd2O3") == pytest.approx(0.5)
    assert out.outlets["product"].flow("Nd2(C2O4)3.10H2O") == pytest.approx(0.5)


def test_roaster_default_reactions_oxidise_magnet_scrap():
    c = Components(["Nd2Fe14B", "Fe", "Nd2O3", "Fe2O3", "B2O3", "O2(g)", "N2(g)"])
    scrap = Stream(c, {"Nd2Fe14B": "0.1 mol/s", "Fe": "0.2 mol/s"})
    air = Stream(c, {"O2(g)": "5 mol/s", "N2(g)": "20 mol/s"})
    st = Roaster("r", "800 degC", "stoichiometric").run({"solids": scrap, "gas": air})
    eq = Roaster("r", "800 degC", "equilibrium").run({"solids": scrap, "gas": air})
    for out in (st, eq):
        p = out.outlets["product"]
        assert p.flow("Nd2O3") == pytest.approx(0.1, rel=1e-9)
        assert p.flow("Fe2O3") == pytest.approx(0.8, rel=1e-9)
        assert p.flow("B2O3") == pytest.approx(0.05, rel=1e-9)
    assert "4 Nd + 3 O2(g) -> 2 Nd2O3" not in st.info["extents"]  # Nd is no component
    assert st.duty == pytest.approx(eq.duty, rel=1e-6)
    assert st.duty < 0  # oxidation releases more than heating the air takes


# ------------------------------------------------------------------ errors
def test_unknown_mode_suggests_the_right_one():
    with pytest.raises(
        SpecificationError, match=r"unknown option 'equilibrum'.*Did you mean 'equilibrium'"
    ):
        Calciner("c", T_CALC, "equilibrum")
    with pytest.raises(TypeError):
        Calciner("c", T_CALC)  # the mode is never inferred


def test_species_without_thermo_data_in_equilibrium_mode_are_named():
    c, solids, air = system("Nd", extra=["H2O", "Nd+3"])
    wet = solids + Stream(c, {"H2O": "3 mol/s"})
    with pytest.raises(
        ThermoError, match=r"Calciner 'c' \(mode='equilibrium'\): no thermo data for \['H2O'\]"
    ):
        Calciner("c", T_CALC, "equilibrium").run({"solids": wet, "gas": air})


def test_negative_dust_fraction():
    with pytest.raises(
        SpecificationError,
        match=r"Calciner 'c' dust_fraction = -0.1 is outside the accepted range \[0, 1\]",
    ):
        Calciner("c", T_CALC, "equilibrium", dust_fraction=-0.1)


def test_mode_specific_arguments_are_not_silently_ignored():
    with pytest.raises(
        SpecificationError, match=r"reactions are used only with mode='stoichiometric'"
    ):
        Calciner("c", T_CALC, "equilibrium", reactions=[oxalate_reaction("Nd")])
    with pytest.raises(
        SpecificationError, match=r"candidates are used only with mode='equilibrium'"
    ):
        Calciner(
            "c", T_CALC, "stoichiometric", reactions=[oxalate_reaction("Nd")], candidates=["Nd2O3"]
        )
    with pytest.raises(SpecificationError, match=r"mode='stoichiometric' needs reactions"):
        Calciner("c", T_CALC, "stoichiometric")
    with pytest.raises(
        ThermoError, match=r"unknown thermo species 'Nd2O4'.*Did you mean .*'Nd2O3'"
    ):
        Calciner("c", T_CALC, "equilibrium", candidates=["Nd2O4"])


def test_candidates_must_cover_the_inlet_and_can_restrict_products():
    c, solids, air = system("Nd")
    with pytest.raises(
        SpecificationError,
        match=r"candidates must include every species in the inlets; missing \['N2\(g\)'\]",
    ):
        Calciner("c", T_CALC, "equilibrium", candidates=["Nd2(C2O4)3.10H2O", "Nd2O3", "O2(g)"]).run(
            {"solids": solids, "gas": air}
        )
    names = ["Nd2(C2O4)3.10H2O", "Nd2O3", *GASES[:4]]
    out = Calciner("c", T_CALC, "equilibrium", candidates=names).run({"solids": solids, "gas": air})
    assert out.info["candidates"] == names


def test_reaction_species_outside_components_and_bad_temperatures():
    c, solids, air = system("Nd")
    u = Calciner("c", T_CALC, "stoichiometric", reactions=oxalate_reaction("La"))
    with pytest.raises(
        SpecificationError,
        match=r"uses \['La2\(C2O4\)3.10H2O', 'La2O3'\], which are not in the flowsheet's components",
    ):
        u.run({"solids": solids, "gas": air})
    with pytest.raises(
        SpecificationError,
        match=r"Calciner 'c': temperature 2000 K is outside the range 298.15-1800 K",
    ):
        Calciner("c", "2000 K", "equilibrium").run({"solids": solids, "gas": air})
    cold = solids.with_moles(solids.moles, T=280.0)
    with pytest.raises(SpecificationError, match=r"280 K is outside.*pass extrapolate=True"):
        Calciner("c", T_CALC, "equilibrium").run({"solids": cold, "gas": air})
    out = Calciner("c", T_CALC, "equilibrium", extrapolate=True).run({"solids": cold, "gas": air})
    assert math.isfinite(out.duty)
    with pytest.raises(UnitsError, match=r"expected a quantity with units"):
        Calciner("c", 1223.15, "equilibrium")
    with pytest.raises(SpecificationError, match=r"must be finite and > 0"):
        Heater("h", "-5 K")


def test_example_runs_without_warnings(capsys):
    path = Path(__file__).parents[2] / "examples" / "calcine_oxalates.py"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    assert "Nd2O3" in out and "heat duty" in out and "CeramInt2014" in out


def test_empty_inlets_give_empty_outlets():
    c, solids, air = system("Nd")
    zero = Stream(c, {})
    for u in (
        Calciner("c", T_CALC, "equilibrium"),
        Calciner("c", T_CALC, "stoichiometric", reactions=oxalate_reaction("Nd")),
    ):
        out = u.run({"solids": zero, "gas": zero})
        assert out.duty == 0.0 and all(not s.moles.any() for s in out.outlets.values())
