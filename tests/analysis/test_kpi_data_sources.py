"""Every price and emission factor is positive, has a unit and a cited source; added entries
are read and applied as stated in their notes.
"""

import tomllib
from importlib import resources

import pytest

import process_library
from yieldkit import citations
from yieldkit.analysis.kpi import route_kpis
from yieldkit.analysis.kpi_data import emission_factors, prices
from yieldkit.chemistry.components import Components
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product
from yieldkit.units import Q_

M_NH3, M_NAOH = 17.0305, 39.9971  # [g/mol]
SHORT_TON = 907.18474  # [kg]


def entries(filename):
    raw = tomllib.loads(resources.files("yieldkit.data").joinpath(filename).read_text())
    return [(f"{s}.{n}", e) for s, block in raw.items() for n, e in block.items()]


PRICES = entries("prices.toml")
FACTORS = [(k, e) for k, e in entries("emission_factors.toml") if "value" in e]


@pytest.mark.parametrize("key, e", PRICES, ids=[k for k, _ in PRICES])
def test_price_entry_is_complete(key, e):
    assert e["price"] > 0 and e["currency"] == "USD"
    assert Q_(e["per"]).magnitude > 0
    assert str(e["date"])[:4].isdigit()
    assert e["source"] in citations.bibliography()


@pytest.mark.parametrize("key, e", FACTORS, ids=[k for k, _ in FACTORS])
def test_emission_factor_entry_is_complete(key, e):
    assert e["value"] > 0
    assert Q_(e["per"]).check("[mass]") or Q_(e["per"]).check("[energy]")
    assert e["source"] in citations.bibliography()
    assert e.get("note"), f"{key}: say what the factor covers"


def test_added_values_in_si():
    ef = emission_factors()["reagent"]
    assert ef["NH3"]["kg_co2e_per"] == pytest.approx(2.4)  # WEF 2023, 2.4 t/t
    assert ef["H2(g)"]["kg_co2e_per"] == pytest.approx(11.2)  # Cho et al. 2022
    p = prices()["reagent"]
    assert p["NH3"].value == pytest.approx(0.530)  # 530 USD/t CFR Tampa
    assert p["NH3"].date == "2024-09"
    assert p["Na2CO3"].value == pytest.approx(300.0 / SHORT_TON)  # 300 USD/short ton


def ammonia_case():
    """1 kg/s Nd2O3 through a mixer with 1 mol/s aqueous NH3 and 1 mol/s NaOH, no energy."""
    c = Components(["Nd2O3", "H2O", "NH4+", "Na+", "OH-"])
    fs = Flowsheet("nh3", c)
    fs.add(
        Feed("ore", Stream(c, {"Nd2O3": "1 kg/s"})),
        Feed("aq_nh3", Stream(c, {"NH4+": "1 mol/s", "OH-": "1 mol/s"}), kind="reagent"),
        Feed("naoh", Stream(c, {"Na+": "1 mol/s", "OH-": "1 mol/s"}), kind="reagent"),
        Mixer("mix", inlets=("ore", "aq_nh3", "naoh")),
        Product("oxide"),
    )
    fs.connect("ore", "mix.ore", "ore")
    fs.connect("aq_nh3", "mix.aq_nh3", "ammonia")
    fs.connect("naoh", "mix.naoh", "caustic")
    fs.connect("mix", "oxide", "product")
    return route_kpis(fs.solve(), basis="REO")  # per kg of the 1 kg/s Nd2O3


def test_covered_reagents_give_complete_co2e_and_cost():
    k = ammonia_case()
    nh3 = M_NH3 / 1000  # kg NH3 per kg product (1 mol/s NH4+ + OH- as NH3)
    naoh = M_NAOH / 1000
    assert k.reagents_kg_per_kg["NH3"] == pytest.approx(nh3, rel=1e-4)
    assert k.co2e["complete"] is True and k.co2e["missing"] == []
    assert k.co2e["by_source"]["reagent NH3"] == pytest.approx(2.4 * nh3, rel=1e-4)
    assert k.co2e["total_kg_per_kg"] == pytest.approx(2.4 * nh3 + 2.01 * naoh, rel=1e-4)
    assert k.cost["complete"] is True
    assert k.cost["opex_by_item"]["reagent NH3"] == pytest.approx(0.530 * nh3, rel=1e-4)
    assert k.cost["price_dates"]["reagent NH3"] == "2024-09"
    assert {"WEF2023Ammonia", "FertilizerPricing2024Ammonia"} <= set(k.sources)


def test_hydrogen_decrepitation_co2e_is_complete():
    k = route_kpis(process_library.build("ndfeb-hydrogen-decrepitation").solve())
    c = k.co2e
    assert c["complete"] is True and c["missing"] == []
    h2 = k.reagents_kg_per_kg["H2(g)"]
    assert c["by_source"]["reagent H2(g)"] == pytest.approx(11.2 * h2, rel=1e-9)
    assert "Cho2022SMR" in k.sources
    assert "no price for H2(g)" in k.cost["missing"]  # no public H2 price found
