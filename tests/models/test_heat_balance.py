"""Enthalpy balance of heated/cooled slurries (yieldkit.models.heat_balance), by hand."""

import math

import numpy as np
import pytest

from yieldkit import citations
from yieldkit.chemistry.components import Components
from yieldkit.chemistry.species import Species
from yieldkit.errors import SpecificationError
from yieldkit.models import thermo
from yieldkit.models.heat_balance import (
    M_WATER,
    enthalpy_balance,
    kopp_heat_capacity,
    liquid_water_enthalpy,
)

T25, T70 = 298.15, 343.15
CP_WATER = 4.18  # [kJ/kg/K] near 25-70 degC (NIST WebBook: 75.3 J/mol/K at 298.15 K)


def balance(species, inlets, outlets, T_r, **kw):
    """enthalpy_balance over Components(species); streams as ({name: mol/s}, T)."""
    c = Components(species)

    def arr(flows):
        n = np.zeros(len(c))
        for k, v in flows.items():
            n[c.index(k)] = v
        return n

    return enthalpy_balance(
        c.names,
        [s.phase for s in c.species],
        c.molar_masses,
        c.elements,
        c.element_matrix,
        [(arr(f), T) for f, T in inlets],
        [(arr(f), T) for f, T in outlets],
        T_r,
        **kw,
    )


def test_water_cp_matches_nist():
    cp = (liquid_water_enthalpy(298.16) - liquid_water_enthalpy(298.14)) / 0.02
    assert cp == pytest.approx(75.3, rel=2e-3)  # NIST WebBook, H2O liquid, 298.15 K


def test_heating_one_kg_per_s_of_water_25_to_70_degC():
    w = 1.0 / M_WATER  # [mol/s]
    b = balance(["H2O"], [({"H2O": w}, T25)], [({"H2O": w}, T70)], T70)
    assert b.duty == pytest.approx(1.0 * CP_WATER * 45.0 * 1e3, rel=0.01)  # 188 kW
    assert b.reaction == 0.0 and b.reaction_included
    assert b.solute_mass_fraction == 0.0
    assert b.basis.startswith("sensible heat (nothing reacts); aqueous phase taken as liquid")


def test_cooling_is_negative_and_symmetric():
    w = 1.0 / M_WATER
    up = balance(["H2O"], [({"H2O": w}, T25)], [({"H2O": w}, T70)], T70)
    down = balance(["H2O"], [({"H2O": w}, T70)], [({"H2O": w}, T25)], T25)
    assert down.duty < 0
    assert down.duty == pytest.approx(-up.duty, rel=1e-12)


def test_solution_counts_as_its_mass_of_water():
    flows = {"H2O": 50.0, "Na+": 1.0, "Cl-": 1.0}
    c = Components(list(flows))
    mass = sum(v * c.molar_masses[c.index(k)] for k, v in flows.items())
    b = balance(list(flows), [(flows, T25)], [(flows, T70)], T70)
    dh = liquid_water_enthalpy(T70) - liquid_water_enthalpy(T25)
    assert b.duty == pytest.approx(mass / M_WATER * dh, rel=1e-12)
    water = 50.0 * c.molar_masses[c.index("H2O")]
    assert b.solute_mass_fraction == pytest.approx(1 - water / mass, rel=1e-12)
    assert "solutes up to 6.09 wt%" in b.basis


def test_reaction_heat_included_when_every_reacting_species_has_data():
    """CaCO3 -> CaO + CO2(g), feed at 25 degC, products at 1000 K: the formation-based
    enthalpy balance of yieldkit.models.thermo, heat of reaction included."""
    sp = ["CaCO3", "CaO", "CO2(g)"]
    b = balance(sp, [({"CaCO3": 1.0}, T25)], [({"CaO": 1.0, "CO2(g)": 1.0}, 1000.0)], 1000.0)
    ref = thermo.heat_duty(sp, [1, 0, 0], T25, sp, [0, 1, 1], 1000.0)
    assert b.reaction_included and b.duty == pytest.approx(ref, rel=1e-12)
    assert b.reaction == pytest.approx(
        thermo.heat_duty(sp, [1, 0, 0], 1000.0, sp, [0, 1, 1], 1000.0), rel=1e-12
    )
    assert b.basis == "sensible heat and heat of reaction (thermo data)"
    assert math.isnan(b.solute_mass_fraction)


def test_aqueous_reaction_gives_sensible_heat_only():
    """Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O at 80 degC: the ions have no enthalpy data, so the
    duty is the heating of the feed (Nd2O3 from its data, the acid as water) to 80 degC."""
    sp = ["Nd2O3", "H+", "Cl-", "Nd+3", "H2O"]
    feed = {"Nd2O3": 0.1, "H+": 1.0, "Cl-": 1.0, "H2O": 50.0}
    out = {"H+": 0.4, "Cl-": 1.0, "Nd+3": 0.2, "H2O": 50.3}
    T80 = 353.15
    b = balance(sp, [(feed, T25)], [(out, T80)], T80)
    c = Components(sp)
    M = dict(zip(c.names, c.molar_masses, strict=True))
    aq_mass = sum(v * M[k] for k, v in feed.items() if k != "Nd2O3")
    hw = liquid_water_enthalpy(T80) - liquid_water_enthalpy(T25)
    h_nd = thermo.enthalpy(["Nd2O3"], [0.1], T80) - thermo.enthalpy(["Nd2O3"], [0.1], T25)
    assert b.duty == pytest.approx(aq_mass / M_WATER * hw + h_nd, rel=1e-12)
    assert not b.reaction_included and math.isnan(b.reaction)
    assert b.no_enthalpy_data == ("H+", "Nd+3", "H2O")
    assert b.basis.startswith(
        "sensible heat only: no enthalpy data for H+, Nd+3, H2O (heat of reaction not included)"
    )


def test_inlets_at_different_temperatures_mix_to_the_outlet():
    """Hot and cold water mixed to the outlet temperature: no heat if T_out is the
    enthalpy-weighted mix, heat to supply if it is above."""
    w = 1.0 / M_WATER
    hot, cold = ({"H2O": w}, 353.15), ({"H2O": w}, T25)
    h_mix = (liquid_water_enthalpy(353.15) + liquid_water_enthalpy(T25)) / 2
    from scipy.optimize import brentq

    T_mix = brentq(lambda T: liquid_water_enthalpy(T) - h_mix, T25, 353.15)
    b = balance(["H2O"], [hot, cold], [({"H2O": 2 * w}, T_mix)], T_mix)
    assert b.duty == pytest.approx(0.0, abs=1e-6)
    b = balance(["H2O"], [hot, cold], [({"H2O": 2 * w}, 353.15)], 353.15)
    assert b.duty == pytest.approx(CP_WATER * (353.15 - T25) * 1e3, rel=0.01)


def test_solid_without_data_by_kopps_rule():
    """A fluorapatite without thermo data: Cp = 5 x 26.0 (Ca) + 3 x 22.6 (P) + 12 x 16.7 (O)
    + 20.9 (F) = 419.1 J/mol/K (Felder & Rousseau Table B.10)."""
    citations.reset()
    ap = Species.create("test-apatite", formula="Ca5(PO4)3F", phase="s")
    b = balance([ap], [({"test-apatite": 1.0}, T25)], [({"test-apatite": 1.0}, 398.15)], 398.15)
    assert b.duty == pytest.approx(419.1 * 100.0, rel=1e-12)
    assert b.estimated == ("test-apatite",)
    assert b.basis.endswith("heat capacity estimated by Kopp's rule for test-apatite")
    assert "Felder2005" in citations.used()


def test_inert_gangue_takes_its_sio2_stand_in_as_in_the_thermal_units():
    citations.reset()
    args = ([({"inert gangue": 2.0}, T25)], [({"inert gangue": 2.0}, 900.0)], 900.0)
    gangue = balance(["inert gangue", "SiO2"], *args)
    quartz = balance(
        ["inert gangue", "SiO2"], [({"SiO2": 2.0}, T25)], [({"SiO2": 2.0}, 900.0)], 900.0
    )
    assert gangue.duty == pytest.approx(quartz.duty, rel=1e-12) and gangue.duty > 0
    assert gangue.surrogates == ("inert gangue counted as SiO2 for its heat (estimate)",)
    assert gangue.basis.endswith("; inert gangue counted as SiO2 for its heat (estimate)")
    assert quartz.surrogates == () and "yieldkitEstimate" in citations.used()
    # the unit's own name in every report: a gangue outside SiO2's data range is named
    hot = balance(["inert gangue"], [({"inert gangue": 1.0}, T25)], [({"inert gangue": 1.0},
                  9000.0)], 9000.0)  # fmt: skip
    assert math.isnan(hot.duty) and hot.missing[0].startswith("inert gangue (9000 K outside")


def test_kopp_heat_capacity_and_pseudo_elements():
    c = Components(["Na3PO4", "SiO2", "Cu2O"])
    cp = kopp_heat_capacity(c.elements, c.element_matrix)
    assert cp == pytest.approx([3 * 26 + 22.6 + 4 * 16.7, 15.9 + 2 * 16.7, 2 * 26 + 16.7])
    cp = kopp_heat_capacity(["Gangue", "O"], np.array([[1.0, 0.0], [2.0, 1.0]]))
    assert math.isnan(cp[0]) and cp[1] == pytest.approx(16.7)
    with pytest.raises(SpecificationError, match="2 elements but an element matrix"):
        kopp_heat_capacity(["O", "H"], np.ones((3, 1)))


def test_species_without_data_or_estimate_make_the_duty_nan():
    b = balance(
        ["D2EHPA", "H2O"],
        [({"D2EHPA": 1.0, "H2O": 10.0}, T25)],
        [({"D2EHPA": 1.0, "H2O": 10.0}, T70)],
        T70,
    )
    assert math.isnan(b.duty) and b.missing == ("D2EHPA",)
    assert b.basis == "unknown: no enthalpy data for D2EHPA"


def test_data_outside_their_range_are_missing_not_extrapolated():
    b = balance(["Nd2O3"], [({"Nd2O3": 1.0}, T25)], [({"Nd2O3": 1.0}, 280.0)], 280.0)
    assert math.isnan(b.duty)
    assert len(b.missing) == 1
    assert b.missing[0].startswith("Nd2O3 (280 K outside its data range 298.15-")
    b = balance(
        ["Nd2O3"], [({"Nd2O3": 1.0}, T25)], [({"Nd2O3": 1.0}, 280.0)], 280.0, extrapolate=True
    )
    assert b.duty < 0


def test_bad_inputs():
    with pytest.raises(SpecificationError, match=r"inlet 0 has flows of shape \(2,\)"):
        enthalpy_balance(["H2O"], ["aq"], [M_WATER], ["H", "O"], [[2.0], [1.0]],
                         [([1.0, 2.0], T25)], [([1.0], T25)], T25)  # fmt: skip
    with pytest.raises(SpecificationError, match="outlet 0 has a negative or non-finite flow"):
        enthalpy_balance(["H2O"], ["aq"], [M_WATER], ["H", "O"], [[2.0], [1.0]],
                         [([1.0], T25)], [([-1.0], T25)], T25)  # fmt: skip
    with pytest.raises(SpecificationError, match="inlet 0 temperature -5.0 K"):
        enthalpy_balance(["H2O"], ["aq"], [M_WATER], ["H", "O"], [[2.0], [1.0]],
                         [([1.0], -5.0)], [([1.0], T25)], T25)  # fmt: skip
    with pytest.raises(SpecificationError, match="1 species but 2 phases"):
        enthalpy_balance(["H2O"], ["aq", "s"], [M_WATER], ["H", "O"], [[2.0], [1.0]],
                         [([1.0], T25)], [([1.0], T25)], T25)  # fmt: skip
    with pytest.raises(SpecificationError, match="liquid-water enthalpy data cover 273.15-600 K"):
        balance(["H2O"], [({"H2O": 1.0}, T25)], [({"H2O": 1.0}, 700.0)], 700.0)


def test_a_dry_hot_solid_fed_to_a_liquor_needs_no_water_data_at_its_temperature():
    # roasted calcine at 1023 K quenched in water at 343 K: the water enthalpy (273-600 K)
    # applies to the wet streams only; the hot solid carries its own (NASA) enthalpy
    w = 1.0 / M_WATER
    b = balance(
        ["H2O", "SiO2"],
        [({"SiO2": 1.0}, 1023.15), ({"H2O": w}, T25)],
        [({"H2O": w, "SiO2": 1.0}, T70)],
        T70,
    )
    sio2 = thermo.heat_duty(["SiO2"], [1.0], 1023.15, ["SiO2"], [1.0], T70)
    assert b.duty == pytest.approx(1.0 * CP_WATER * 45.0 * 1e3 + sio2, rel=0.01)
    assert sio2 < 0
