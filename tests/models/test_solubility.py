"""Oxide solubility (hematite, llnl.dat) and the reversible kinetic leach built on it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from yieldkit.errors import SpecificationError
from yieldkit.models.leach_kinetics import kinetics_from_rows
from yieldkit.models.leaching import leach_cstr_train
from yieldkit.models.solubility import available_solubilities, oxide_solubility
from yieldkit.stream import Stream
from yieldkit.unitops.leach import Leach

from ..unitops.cases_hydromet import C, hydrochloric, pregnant, reversible_leach, solids

R = 8.314462618


def test_hematite_log_k_matches_llnl_dat():
    hem = oxide_solubility("Fe2O3")
    assert (hem.ion, hem.ion_coef, hem.h_coef) == ("Fe+3", 2.0, 6.0)
    # llnl.dat log_k at 25 degC is 0.1086; its analytic fit gives 0.075 there
    assert hem.log10_k(298.15) == pytest.approx(0.1086, abs=0.04)
    # van 't Hoff with llnl.dat's delta_H = -129.415 kJ/mol (constant-H estimate): -3.42 at
    # 80 degC; the analytic fit (with its heat-capacity terms) gives -3.51
    vant_hoff = 0.1086 - (-129415.0) / (R * math.log(10)) * (1 / 353.15 - 1 / 298.15)
    assert hem.log10_k(353.15) == pytest.approx(vant_hoff, abs=0.15)
    assert hem.log10_k(353.15) == pytest.approx(-3.51, abs=0.01)
    assert available_solubilities() == ["Fe2O3"]


def test_solubility_errors_name_the_value():
    with pytest.raises(SpecificationError, match=r"outside the range .* 273.15 to 573.15 K"):
        oxide_solubility("Fe2O3").log10_k(700.0)
    with pytest.raises(SpecificationError, match="Did you mean 'Fe2O3'"):
        oxide_solubility("Fe2O4")


def _fe_saturation(out: Stream, info: dict) -> float:
    """log10 ([Fe3+]^2 / (K [H+]^6)) of the outlet liquor, from the stream itself."""
    fe = out.conc("Fe+3", "mol/L")
    h = info["free_acid_out"]
    return 2 * math.log10(fe) - oxide_solubility("Fe2O3").log10_k(353.15) - 6 * math.log10(h)


@pytest.mark.parametrize(
    "inlet",
    [
        pytest.param(lambda: solids() + hydrochloric(1.0), id="dissolving"),
        pytest.param(
            lambda: Stream(C, {"Fe2O3": "0.2 kg/h", "SiO2": "1 kg/h"}) + pregnant(fe=0.2),
            id="reprecipitating",
        ),
    ],
)
def test_fast_hematite_reaches_its_solubility(inlet):
    out = reversible_leach(k="1e6 mol/(kg*h)").run({"in": inlet()})
    slurry = out.outlets["slurry"]
    si = out.info["saturation_index"]["Fe2O3"][-1]
    assert si == pytest.approx(0.0, abs=1e-3)
    # the same Omega recomputed from the outlet stream, [Fe3+] = sqrt(K) [H+]^3: within a
    # few % (0.03 in log10), the train's constant-liquor-volume approximation
    assert _fe_saturation(slurry, out.info) == pytest.approx(0.0, abs=0.05)


def test_supersaturated_liquor_grows_hematite_and_releases_acid():
    feed = Stream(C, {"Fe2O3": "0.2 kg/h", "SiO2": "1 kg/h"}) + pregnant(fe=0.2)
    out = reversible_leach().run({"in": feed})
    x = out.info["conversion"]["Fe2O3"]
    assert x < -0.5  # more hematite leaves than came in
    slurry = out.outlets["slurry"]
    grown = slurry.flow("Fe2O3", "mol/s") - feed.flow("Fe2O3", "mol/s")
    assert grown == pytest.approx(-x * feed.flow("Fe2O3", "mol/s"), rel=1e-9)
    # 6 H+ released per Fe2O3 formed
    assert out.info["acid_consumed"] == pytest.approx(-6 * grown, rel=1e-9)
    assert out.info["tank_pH"][-1] < -math.log10(0.05)


def test_irreversible_hematite_overshoots_its_solubility():
    # the same leach without reversible= dissolves hematite far past saturation
    kw = dict(
        mode="kinetic",
        T="80 degC",
        rate_parameters={"Nd2O3": {"order": 1, "k": "5 mol/(kg*h)"},
                         "Fe2O3": {"order": 1, "k": "1e6 mol/(kg*h)"}},
        inert=("Dy2O3", "Al2O3", "CaO", "SiO2"),
        tanks=2,
        residence_time="1 h",
        inlets=("in",),
    )  # fmt: skip
    eqs = ["Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O"]
    feed = solids() + hydrochloric(1.0)
    free = Leach("leach", eqs, **kw).run({"in": feed})
    capped = Leach("leach", eqs, reversible=["Fe2O3"], **kw).run({"in": feed})
    assert "saturation_index" not in free.info
    assert _fe_saturation(free.outlets["slurry"], free.info) > 3.0
    assert free.info["conversion"]["Fe2O3"] > 5 * capped.info["conversion"]["Fe2O3"] > 0
    # the acid hematite does not take goes to the rare earth
    assert capped.info["conversion"]["Nd2O3"] > free.info["conversion"]["Nd2O3"]


EQS = ["Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O"]
RATES = {"Nd2O3": {"order": 1, "k": "5 mol/(kg*h)"}, "Fe2O3": {"order": 1, "k": "5 mol/(kg*h)"}}
KW = dict(mode="kinetic", T="80 degC", tanks=1, residence_time="1 h")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reversible": ["Fe2O"]}, r"unknown reversible solid 'Fe2O'.*Did you mean 'Fe2O3'"),
        ({"reversible": "Fe2O3"}, r"reversible = 'Fe2O3' must be a list, e\.g\. \['Fe2O3'\]"),
        ({"reversible": ["Nd2O3"]}, r"unknown oxide solubility 'Nd2O3'.*Fe2O3"),
        (
            {
                "reversible": ["Fe2O3"],
                "rate_parameters": RATES
                | {"Fe2O3": {"mechanism": "diffusion", "order": 1, "k_diff": "1 mol/(kg*h)"}},
            },
            r"'Fe2O3' is reversible but under 'diffusion' control.*needs mechanism 'chemical'",
        ),
        (
            {
                "reversible": ["Fe2O3"],
                "reactions": [*EQS, "2 Fe + 6 H+ -> 2 Fe+3 + 3 H2(g)"],
                "rate_parameters": RATES | {"Fe": {"order": 1, "k": "1 mol/(kg*h)"}},
            },
            r"Fe\+3 also comes from \['2 Fe \+ 6 H\+ -> 2 Fe\+3 \+ 3 H2\(g\)'\]",
        ),
    ],
)
def test_reversible_leach_errors(kwargs, message):
    args = {"reactions": EQS, "rate_parameters": RATES} | KW | kwargs
    with pytest.raises(SpecificationError, match=message):
        Leach("leach", **args)


def test_reversible_needs_kinetic_mode():
    with pytest.raises(SpecificationError, match="reversible apply to mode='kinetic' only"):
        Leach("leach", [(EQS[1], "Fe2O3", 0.5)], reversible=["Fe2O3"])


def test_reaction_must_be_the_tabulated_equilibrium():
    with pytest.raises(SpecificationError, match=r"is not the solubility equilibrium of 'Fe2O3'"):
        Leach(
            "leach",
            ["Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Fe2O3 + 6 H+ + 2 Cl- -> 2 Fe+2 + 3 H2O + Cl2(g)"],
            rate_parameters=RATES,
            reversible=["Fe2O3"],
            **KW,
        )


def test_train_argument_errors():
    kin = kinetics_from_rows({"Fe2O3": [1.0, 5.0, 0.0, 6.0]}, "chemical")
    base = dict(
        solid_feed=[1e-3], molar_mass=[0.1597], inert_mass_flow=0.0, liquid_flow=1e-3,
        totals=[0.0, 0.0, 0.0], strong_charge=-1.0, kinetics=kin, residence_times=[3600.0],
        temperature=353.15,
    )  # fmt: skip
    with pytest.raises(SpecificationError, match="ion_conc applies only with solubility="):
        leach_cstr_train(**base, ion_conc=[0.1])
    with pytest.raises(SpecificationError, match=r"one entry \(or None\) per solid \(Fe2O3\)"):
        leach_cstr_train(**base, solubility=[None, None])
    with pytest.raises(SpecificationError, match="ion_conc must be finite and >= 0"):
        leach_cstr_train(**base, solubility=[oxide_solubility("Fe2O3")], ion_conc=[-1.0])
    res = leach_cstr_train(**base, solubility=[oxide_solubility("Fe2O3")], ion_conc=[0.0])
    assert np.isfinite(res.saturation_index).all() and res.recovery[0] > 0
