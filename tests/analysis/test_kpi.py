"""Route KPIs on a tiny flowsheet whose every number is checked by hand.

Flowsheet: ore (0.9 kg/s Nd2O3 + 0.1 kg/s Fe2O3) + HCl (1 mol/s in 10 kg/s water) + NaOH
(1 mol/s) + HNO3 (1 mol/s) -> mixer -> "box" (a test unit with a given duty and power) ->
separator sending 80 % of the Nd2O3 and 5 % of the Fe2O3 to the product, the rest to waste.
Product: 0.72 kg/s Nd2O3 + 0.005 kg/s Fe2O3 = 0.725 kg/s. The box's duty and power are
chosen as 1.0 and 0.5 kWh per kg of product.
"""

import math

import pytest

from yieldkit.analysis.kpi import route_kpis
from yieldkit.chemistry.components import Components
from yieldkit.errors import SpecificationError
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.stream import Stream
from yieldkit.unitops.base import Outcome, UnitOperation
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator, StoichiometricReactor
from yieldkit.units import Q_

PRODUCT = 0.725  # [kg/s]
HEAT_W = 1.0 * 3.6e6 * PRODUCT  # 1 kWh per kg product
POWER_W = 0.5 * 3.6e6 * PRODUCT  # 0.5 kWh per kg product
M_HCL, M_NAOH, M_HNO3 = 36.4609, 39.9971, 63.0128  # [g/mol]
GAL = 3.785411784e-3  # [m3]
BTU = 1055.05585262  # [J]


class Box(UnitOperation):
    """Pass-through with a fixed duty [W], power [W] and info (test only)."""

    def __init__(self, name, duty, power, info=None):
        super().__init__(name)
        self.inlet_ports, self.outlet_ports = ("in",), ("out",)
        self.duty, self.power, self.info = duty, power, info or {}

    def _run(self, inlets):
        return Outcome({"out": inlets["in"]}, duty=self.duty, power=self.power, info=self.info)


def tiny(duty=HEAT_W, power=POWER_W, info=None, product_kind="product"):
    c = Components(["Nd2O3", "Fe2O3", "H2O", "H+", "Cl-", "Na+", "OH-", "NO3-"])
    fs = Flowsheet("tiny", c, description="hand-checked KPI case")
    mol = lambda x: Q_(x, "mol/s")  # noqa: E731
    fs.add(
        Feed("ore", Stream(c, {"Nd2O3": "0.9 kg/s", "Fe2O3": "0.1 kg/s"})),
        Feed("hcl", Stream(c, {"H+": mol(1), "Cl-": mol(1), "H2O": "10 kg/s"}), kind="reagent"),
        Feed("naoh", Stream(c, {"Na+": mol(1), "OH-": mol(1)}), kind="reagent"),
        Feed("nitric", Stream(c, {"H+": mol(1), "NO3-": mol(1)}), kind="reagent"),
        Mixer("mix", inlets=("ore", "hcl", "naoh", "nitric")),
        Box("box", duty, power, info),
        Separator("sep", {"Nd2O3": 0.8, "Fe2O3": 0.05}, outlets=("top", "bottom"), default=0.0),
        Product("oxide", kind=product_kind),
        Product("waste", kind="residue"),
    )
    for a, b in [
        ("ore", "mix.ore"),
        ("hcl", "mix.hcl"),
        ("naoh", "mix.naoh"),
        ("nitric", "mix.nitric"),
        ("mix", "box"),
        ("box", "sep"),
        ("sep.top", "oxide"),
        ("sep.bottom", "waste"),
    ]:
        fs.connect(a, b, f"{a}->{b}")
    return fs.solve()


@pytest.fixture(scope="module")
def kpis():
    return route_kpis(tiny())


def test_recovery_purity_losses(kpis):
    assert kpis.products == ["oxide"] and kpis.product_kg_h == pytest.approx(PRODUCT * 3600)
    assert kpis.recovery == {"Nd": pytest.approx(0.8, rel=1e-12)}
    assert kpis.recovery_total == pytest.approx(0.8, rel=1e-12)
    assert kpis.purity["basis"] == "oxide" and "oxygen-bearing Nd2O3" in kpis.purity["reason"]
    assert kpis.purity["value"] == pytest.approx(0.72 / 0.725, rel=1e-9)
    assert kpis.purity["reo_distribution"] == {"Nd2O3": pytest.approx(1.0)}
    assert kpis.losses == {"Nd": {"waste": pytest.approx(0.2, rel=1e-12)}}


def test_reagents_and_water(kpis):
    r = kpis.reagents_kg_per_kg
    assert set(r) == {"HCl", "NaOH", "HNO3"}  # H+, Na+ counted with their acid/base
    assert r["HCl"] == pytest.approx(M_HCL / 1000 / PRODUCT, rel=1e-4)
    assert r["NaOH"] == pytest.approx(M_NAOH / 1000 / PRODUCT, rel=1e-4)
    assert r["HNO3"] == pytest.approx(M_HNO3 / 1000 / PRODUCT, rel=1e-4)
    assert kpis.water_kg_per_kg == pytest.approx(10 / PRODUCT, rel=1e-12)


def test_energy(kpis):
    e = kpis.energy
    assert e["heat_kwh_per_kg"] == pytest.approx(1.0, rel=1e-12)
    assert e["electric_kwh_per_kg"] == pytest.approx(0.5, rel=1e-12)
    assert e["total_kwh_per_kg"] == pytest.approx(1.5, rel=1e-12)
    assert e["cooling_kwh_per_kg"] == 0.0 and e["complete"] is True
    assert e["not_modelled"] == {"Separator": ["sep"]}
    assert e["by_unit"]["box"]["power_kW"] == pytest.approx(POWER_W / 1e3)


def test_co2e(kpis):
    c = kpis.co2e
    electricity = 0.5 * 0.481  # Ember 2023 world average, kg/kWh
    heat = 1.0 * 53.06 / (1e6 * BTU / 3.6e6) / 0.80  # EPA 53.06 kg/MMBtu, 80 % efficiency
    naoh = 2.01 * M_NAOH / 1000 / PRODUCT  # GREET via BioSTEAM oilcane CFs
    hcl = 1.96 * M_HCL / 1000 / PRODUCT  # GREET via BioSTEAM oilcane CFs
    assert c["by_source"]["electricity"] == pytest.approx(electricity, rel=1e-9)
    assert c["by_source"]["heat"] == pytest.approx(heat, rel=1e-6)  # Btu definitions
    assert c["by_source"]["reagent NaOH"] == pytest.approx(naoh, rel=1e-4)
    assert c["by_source"]["reagent HCl"] == pytest.approx(hcl, rel=1e-4)
    assert c["total_kg_per_kg"] == pytest.approx(electricity + heat + naoh + hcl, rel=1e-4)
    assert c["complete"] is False
    assert c["missing"] == ["no emission factor for HNO3"]


def test_cost_and_revenue(kpis):
    k = kpis.cost
    hcl = 250e-3 * M_HCL / 1000 / PRODUCT  # 250 USD/t (PrOMMiS, 2019)
    naoh = 350e-3 * M_NAOH / 1000 / PRODUCT  # 350 USD/t (2020)
    water = 3.86e-3 / GAL * (10 / 1000) / PRODUCT  # 3.86e-3 USD/gal (2021)
    elec = 0.5 * 0.0804  # USD/kWh (2023)
    gas = 1.0 / 0.80 * 4.53e-3 / (1036 * BTU / 3.6e6)  # USD/ft3 at 1036 Btu/ft3, 80 %
    assert k["opex_by_item"]["reagent HCl"] == pytest.approx(hcl, rel=1e-4)
    assert k["opex_by_item"]["reagent NaOH"] == pytest.approx(naoh, rel=1e-4)
    assert k["opex_by_item"]["water"] == pytest.approx(water, rel=1e-9)
    assert k["opex_by_item"]["electricity"] == pytest.approx(elec, rel=1e-9)
    assert k["opex_by_item"]["heat (natural gas)"] == pytest.approx(gas, rel=1e-6)
    assert k["opex_per_kg"] == pytest.approx(hcl + naoh + water + elec + gas, rel=1e-4)
    assert k["revenue_per_kg"] == pytest.approx(78.0 * 0.72 / PRODUCT, rel=1e-9)
    assert k["margin_per_kg"] == pytest.approx(k["revenue_per_kg"] - k["opex_per_kg"])
    assert k["currency"] == "USD" and k["price_dates"]["Nd2O3"] == "2023"
    assert k["price_dates"]["reagent HCl"] == "2019"
    assert k["complete"] is False and "no price for HNO3" in k["missing"]
    assert "cost: no price for HNO3" in kpis.notes
    assert {"PrOMMiS", "USGSMYB2023", "Ember2024", "BioSTEAMOilcaneGREET"} <= set(kpis.sources)


def test_nan_duty_is_reported_not_zeroed():
    k = route_kpis(tiny(duty=float("nan"), info={"duty_missing_species": ["Nd2O3"]}))
    e = k.energy
    assert e["complete"] is False
    assert e["missing"] == ["heat duty of 'box' unknown: no thermo data for Nd2O3"]
    assert e["heat_kwh_per_kg"] == 0.0 and e["electric_kwh_per_kg"] == pytest.approx(0.5)
    assert any(n.startswith("energy incomplete: heat duty of 'box'") for n in k.notes)
    assert k.co2e["complete"] is False and "energy incomplete" in k.co2e["missing"]
    assert k.cost["complete"] is False and "energy incomplete" in k.cost["missing"]
    d = k.to_dict()
    assert d["energy"]["by_unit"]["box"]["duty_kW"] is None  # NaN -> null in JSON


class Oven(UnitOperation):
    """Sets the temperature and models no duty (test only)."""

    def __init__(self, name, T):
        super().__init__(name)
        self.inlet_ports, self.outlet_ports = ("in",), ("out",)
        self.T = T

    def _run(self, inlets):
        s = inlets["in"]
        return Outcome({"out": s.with_moles(s.moles, T=self.T)})


def test_unmodelled_temperature_change_is_flagged():
    c = Components(["Nd2O3", "Fe", "O2(g)", "Fe2O3"])
    fs = Flowsheet("hot", c)
    fs.add(Feed("ore", Stream(c, {"Nd2O3": "1 kg/s"})), Oven("kiln", 773.15), Product("p"))
    fs.connect("ore", "kiln", "feed")
    fs.connect("kiln", "p", "hot oxide")
    k = route_kpis(fs.solve())
    assert k.energy["complete"] is False
    assert k.energy["missing"] == [
        "'kiln' changes temperature (inlets 25 degC, outlets 500 degC) but models no heat "
        "duty (Oven)"
    ]


def test_stoichiometric_reactor_that_heats_reports_its_duty():
    """A StoichiometricReactor that heats now reports the enthalpy balance (it used to be
    flagged as an unmodelled temperature change)."""
    from yieldkit.models.thermo import enthalpy

    c = Components(["Nd2O3", "Fe", "O2(g)", "Fe2O3"])
    fs = Flowsheet("hot", c)
    fs.add(
        Feed("ore", Stream(c, {"Nd2O3": "1 kg/s"})),
        StoichiometricReactor("kiln", [("4 Fe + 3 O2(g) -> 2 Fe2O3", "Fe", 0.0)], T="500 degC"),
        Product("p"),
    )
    fs.connect("ore", "kiln", "feed")
    fs.connect("kiln", "p", "hot oxide")
    r = fs.solve()
    k = route_kpis(r)
    n = r.stream("feed").moles[:1]
    q = enthalpy(["Nd2O3"], n, 773.15) - enthalpy(["Nd2O3"], n, 298.15)
    assert k.energy["complete"] is True and k.energy["missing"] == []
    assert k.energy["by_unit"]["kiln"]["duty_kW"] == pytest.approx(q / 1e3, rel=1e-12)
    assert k.energy["notes"] == ["duty of 'kiln': sensible heat (nothing reacts)"]
    assert "energy basis: duty of 'kiln': sensible heat (nothing reacts)" in k.notes
    assert k.energy["not_modelled"] == {}


def test_bases_and_metal_purity():
    r = tiny()
    k = route_kpis(r, basis="REO")
    assert k.basis_kg_h == pytest.approx(0.72 * 3600)
    assert k.energy["heat_kwh_per_kg"] == pytest.approx(PRODUCT / 0.72)
    k = route_kpis(r, basis="REE", purity_basis="metal")
    nd = 2 * 144.242 / (2 * 144.242 + 3 * 15.999)  # Nd mass fraction of Nd2O3
    fe = 2 * 55.845 / (2 * 55.845 + 3 * 15.999)
    assert k.basis_kg_h == pytest.approx(0.72 * nd * 3600, rel=1e-4)
    assert k.purity["value"] == pytest.approx((0.72 * nd + 0.005 * fe) / PRODUCT, rel=1e-4)
    assert k.purity["ree_metal_fraction"] == pytest.approx(0.72 * nd / PRODUCT, rel=1e-4)


def test_metal_basis_inferred_for_alloy_product():
    c = Components(["Nd2Fe14B", "Nd2O3"])
    fs = Flowsheet("alloy", c)
    fs.add(Feed("scrap", Stream(c, {"Nd2Fe14B": "1 kg/s", "Nd2O3": "0.01 kg/s"})), Product("p"))
    fs.connect("scrap", "p", "powder")
    k = route_kpis(fs.solve())
    assert k.purity["basis"] == "metal" and "oxygen-free Nd2Fe14B" in k.purity["reason"]
    assert k.purity["value"] == pytest.approx(
        1 - 0.01 * 3 * 15.999 / (2 * 144.242 + 3 * 15.999) / 1.01, rel=1e-4
    )
    assert "no price for Nd2Fe14B" in k.cost["missing"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"basis": "kg"}, r"unknown KPI basis 'kg'"),
        ({"purity_basis": "oxid"}, r"unknown purity basis 'oxid'.*Did you mean 'oxide'"),
        ({"products": ["oxid"]}, r"unknown product outlet 'oxid'.*Did you mean 'oxide'"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(SpecificationError, match=message):
        route_kpis(tiny(), **kwargs)


def test_no_product_outlet_is_an_error():
    with pytest.raises(SpecificationError, match=r"no outlet of kind 'product'.*products="):
        route_kpis(tiny(product_kind="by-product"))


def test_to_dict_is_plain_json(kpis):
    import json

    d = kpis.to_dict()
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    assert not math.isnan(d["cost"]["opex_per_kg"])
