"""Enthalpies and heat duties against hand calculations from the tabulated data."""

import cantera as ct
import numpy as np
import pytest

from yieldkit.errors import BalanceError, SpecificationError
from yieldkit.models.thermo import enthalpy, equilibrate, heat_duty, molar_enthalpies

T0, T_CALC = 298.15, 1223.15  # [K]; 950 C calcination (Ceram. Int. 40 (2014) 3003)
GAS = {sp.name: sp for sp in ct.Species.list_from_file("nasa_gas.yaml")}


def h_gas(cantera_name, T):
    """NASA gas enthalpy straight from Cantera's species data [J/mol] (independent path)."""
    return GAS[cantera_name].thermo.h(T) / 1e3


def test_nd2o3_sensible_heat_matches_integral_of_cp():
    # Cp = 105.13 + 0.0403 T J/mol/K (DOMAIN.md section 7)
    by_hand = 105.13 * (T_CALC - T0) + 0.0403 / 2 * (T_CALC**2 - T0**2)
    q = heat_duty(["Nd2O3"], [1.0], T0, ["Nd2O3"], [1.0], T_CALC)
    assert q == pytest.approx(by_hand, rel=1e-6)
    assert q == pytest.approx(enthalpy(["Nd2O3"], [1.0], T_CALC) + 1807.9e3, rel=1e-9)


def test_enthalpy_at_298_is_sum_of_formation_enthalpies():
    h = enthalpy(["Nd2O3", "NdCl3", "O2(g)"], [2.0, 0.5, 3.0], T0)
    assert h == pytest.approx((2 * -1807.9 + 0.5 * -1040.1) * 1e3 + 3 * h_gas("O2", T0), rel=1e-9)


def _dh_r(m, dhf_oxalate, dhf_oxide, burn_co):
    """ΔH at 298 K of M2(C2O4)3.10H2O (+1.5 O2) -> M2O3 + 6 CO2 (or 3 CO + 3 CO2) + 10 H2O(g)."""
    gases = 10 * h_gas("H2O", T0)
    if burn_co:
        gases += 6 * h_gas("CO2", T0) - 1.5 * h_gas("O2", T0)
    else:
        gases += 3 * h_gas("CO2", T0) + 3 * h_gas("CO", T0)
    return dhf_oxide * 1e3 + gases - dhf_oxalate * 1e3


@pytest.mark.parametrize("burn_co", [True, False])
@pytest.mark.parametrize(
    ("m", "dhf_oxalate", "dhf_oxide"),
    [
        ("Ce", -6782.0, -1796.2),
        ("Nd", -6782.0 - 1807.9 + 1796.2, -1807.9),
        ("Pr", -6782.0 - 1809.7 + 1796.2, -1809.7),  # estimated (tabulated -5920 rejected)
        ("Dy", -6782.0 - 1863.1 + 1796.2, -1863.1),  # CRC Handbook oxide, estimated oxalate
    ],
)
def test_calcination_reaction_enthalpy_matches_table(m, dhf_oxalate, dhf_oxide, burn_co):
    names_in = [f"{m}2(C2O4)3.10H2O", "O2(g)"]
    if burn_co:
        names_out, n_out = [f"{m}2O3", "CO2(g)", "H2O(g)"], [1, 6, 10]
        n_in = [1, 1.5]
    else:
        names_out, n_out = [f"{m}2O3", "CO2(g)", "CO(g)", "H2O(g)"], [1, 3, 3, 10]
        n_in = [1, 0]
    q = heat_duty(names_in, n_in, T0, names_out, n_out, T0)
    assert q == pytest.approx(_dh_r(m, dhf_oxalate, dhf_oxide, burn_co), rel=1e-6)


def test_calcination_signs():
    # Reasoning: dehydration (10 H2O to gas) and oxalate breakdown to CO + CO2 are strongly
    # endothermic (Ce: +1055 kJ/mol); burning the 3 CO releases 3 x 283 = 849 kJ, which
    # leaves the Ce/Nd reaction still endothermic (about +207 kJ/mol) at 298 K.
    assert _dh_r("Ce", -6782.0, -1796.2, burn_co=False) == pytest.approx(1055.2e3, rel=1e-3)
    assert _dh_r("Ce", -6782.0, -1796.2, burn_co=True) == pytest.approx(206.5e3, rel=2e-3)
    assert _dh_r("Nd", -6793.7, -1807.9, burn_co=True) > 0
    # With the tabulated Pr value (-5920 kJ/mol, Wagman 1982) the CO-burning reaction would
    # be exothermic, unlike every other oxalate: that is why it is not used (species_data)
    assert _dh_r("Pr", -5920.0, -1809.7, burn_co=True) < 0


def test_calcination_duty_is_hess_path_and_positive():
    # 1 mol/s Nd oxalate + air at 298.15 K -> equilibrium at 1223.15 K; Q = ΔH_r(298) of
    # what reacted + sensible heat of the outlet from 298.15 K.
    names = ["Nd2(C2O4)3.10H2O", "Nd2O2CO3", "Nd2O3", "O2(g)", "N2(g)", "CO2(g)", "H2O(g)", "CO(g)"]
    n_in = np.array([1.0, 0, 0, 21, 79, 0, 0, 0])
    n_out, _ = equilibrate(names, n_in, T_CALC)
    q = heat_duty(names, n_in, T0, names, n_out, T_CALC)
    h298 = molar_enthalpies(names, T0)
    sensible = n_out @ (molar_enthalpies(names, T_CALC) - h298)
    assert q == pytest.approx(n_out @ h298 - n_in @ h298 + sensible, rel=1e-9)
    assert q > 0
    # sensible part by hand for the oxide (Cp fit) and gases (NASA data, Cantera directly)
    cn = {"O2(g)": "O2", "N2(g)": "N2", "CO2(g)": "CO2", "H2O(g)": "H2O", "CO(g)": "CO"}
    by_hand = n_out[2] * (105.13 * (T_CALC - T0) + 0.0403 / 2 * (T_CALC**2 - T0**2))
    by_hand += sum(n_out[names.index(k)] * (h_gas(v, T_CALC) - h_gas(v, T0)) for k, v in cn.items())
    assert sensible == pytest.approx(by_hand, rel=1e-6)


def test_heat_duty_refuses_unbalanced_elements():
    with pytest.raises(BalanceError, match=r"element flows differ.*C: in 6 out 3 mol/s"):
        heat_duty(
            ["Nd2(C2O4)3.10H2O"], [1.0], T0, ["Nd2O3", "CO2(g)", "H2O(g)"], [1, 3, 10], T_CALC
        )


def test_bad_amounts_and_temperature_are_refused():
    with pytest.raises(SpecificationError, match=r"amount of 'O2\(g\)' is -1.0"):
        enthalpy(["N2(g)", "O2(g)"], [1.0, -1.0], 300.0)
    with pytest.raises(SpecificationError, match=r"2 species names but amounts of shape \(3,\)"):
        enthalpy(["N2(g)", "O2(g)"], [1.0, 1.0, 1.0], 300.0)
    with pytest.raises(SpecificationError, match=r"temperature T = -5 K"):
        enthalpy(["N2(g)"], [1.0], -5)
    with pytest.raises(SpecificationError, match=r"species listed twice: \['N2\(g\)'\]"):
        enthalpy(["N2(g)", "N2(g)"], [1.0, 1.0], 300.0)


def test_a_temperature_a_hair_outside_the_data_range_counts_as_its_end():
    # a finite-difference probe of a tear temperature gives e.g. 298.14999999 K
    from yieldkit.models import thermo as th

    h_end = th.molar_enthalpies(["Nd2O3"], 298.15)[0]
    h_probe = th.molar_enthalpies(["Nd2O3"], 298.15 - 1e-8)[0]
    assert h_probe == pytest.approx(h_end, rel=1e-12)
    with pytest.raises(SpecificationError, match=r"298 K is outside the range 298.15-1800 K"):
        th.molar_enthalpies(["Nd2O3"], 298.0)
