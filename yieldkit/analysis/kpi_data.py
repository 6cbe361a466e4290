"""Prices, emission factors and reagent definitions behind the route KPIs.

Prices come from ``data/prices.toml`` and emission factors from
``data/emission_factors.toml``; every entry names its source (a CITATIONS.bib key), and
the KPI code registers each source it uses.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from yieldkit import citations
from yieldkit.errors import SpecificationError
from yieldkit.units import Q_

#: How commodity reagents are recognised in a feed stream: (commodity formula, {species:
#: moles per mole of commodity}), matched in this order, each taking as many moles as its
#: scarcest species allows (ions pair into the salt, acid or base they were made up from).
#: Species left unpaired count under their own name. Chemistry conventions, not data.
REAGENTS: tuple[tuple[str, dict[str, float]], ...] = (
    ("Cu(NO3)2", {"Cu+2": 1.0, "NO3-": 2.0}),
    ("HNO3", {"H+": 1.0, "NO3-": 1.0}),
    ("HCl", {"H+": 1.0, "Cl-": 1.0}),
    ("HCl", {"HCl(g)": 1.0}),
    ("H2SO4", {"H+": 2.0, "SO4-2": 1.0}),
    ("H2SO4", {"H+": 1.0, "HSO4-": 1.0}),
    ("H2C2O4", {"H+": 2.0, "C2O4-2": 1.0}),
    ("H2C2O4", {"H+": 1.0, "HC2O4-": 1.0}),
    ("NaOH", {"Na+": 1.0, "OH-": 1.0}),
    ("Na2SO4", {"Na+": 2.0, "SO4-2": 1.0}),
    ("NH3", {"NH4+": 1.0, "OH-": 1.0}),
    ("(NH4)2SO4", {"NH4+": 2.0, "SO4-2": 1.0}),
)

#: Species of ambient air in utility feeds: free, not counted as reagents.
AIR_SPECIES = ("O2(g)", "N2(g)", "Ar(g)", "CO2(g)")
#: Water species counted as water use.
WATER_SPECIES = ("H2O", "H2O(g)")


@dataclass(frozen=True)
class Price:
    """A price converted to SI basis.

    Attributes
    ----------
    name : str
        Commodity, utility or product species.
    value : float
        Price per SI unit of ``basis`` [currency/kg] or [currency/kWh] or [currency/m^3].
    basis : str
        ``"kg"``, ``"kWh"`` or ``"m^3"``.
    currency : str
    date : str
        Year or year-month of the price.
    sources : tuple of str
        Citation keys.
    entry : dict
        The raw data-file entry.
    """

    name: str
    value: float
    basis: str
    currency: str
    date: str
    sources: tuple
    entry: dict


def _read(filename: str) -> dict:
    text = resources.files("yieldkit.data").joinpath(filename).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def prices() -> dict[str, dict[str, Price]]:
    """Prices by section (``reagent``, ``utility``, ``product``) and name."""
    raw = _read("prices.toml")
    out: dict[str, dict[str, Price]] = {}
    for section, entries in raw.items():
        out[section] = {name: _price(section, name, e) for name, e in entries.items()}
    return out


def _price(section: str, name: str, e: dict) -> Price:
    where = f"prices.toml [{section}.{name}]"
    for key in ("price", "currency", "per", "date", "source"):
        if key not in e:
            raise SpecificationError(f"{where}: missing {key!r}.")
    sources = [citations.check(e["source"])]
    per = Q_(e["per"])
    if per.check("[mass]"):
        value, basis = e["price"] / per.to("kg").magnitude, "kg"
    elif per.check("[energy]"):
        value, basis = e["price"] / per.to("kWh").magnitude, "kWh"
    elif per.check("[volume]") and "density" in e:
        kg = (per * Q_(e["density"])).to("kg").magnitude
        value, basis = e["price"] / kg, "kg"
        sources.append(citations.check(e["density_source"]))
    elif per.check("[volume]") and "heat_content" in e:
        kwh = (per * Q_(e["heat_content"])).to("kWh").magnitude
        value, basis = e["price"] / kwh, "kWh"
        sources.append(citations.check(e["heat_content_source"]))
    elif per.check("[volume]"):
        value, basis = e["price"] / per.to("m^3").magnitude, "m^3"
    else:
        raise SpecificationError(f"{where}: per = {e['per']!r} is not a mass, energy or volume.")
    return Price(name, float(value), basis, e["currency"], str(e["date"]), tuple(sources), e)


@cache
def emission_factors() -> dict[str, dict[str, dict]]:
    """Emission factors by section with ``kg_co2e_per`` in SI basis [kg CO2e/kg] or [kg/kWh].

    ``utility.heat`` has ``kg_co2e_per`` per kWh of heat delivered (natural-gas factor
    divided by the heat-supply efficiency) and ``sources`` for both.
    """
    raw = _read("emission_factors.toml")
    out: dict[str, dict[str, dict]] = {}
    for section, entries in raw.items():
        out[section] = {}
        for name, e in entries.items():
            if "value" not in e:
                continue
            citations.check(e["source"])
            per = Q_(e["per"])
            basis = "kg" if per.check("[mass]") else "kWh"
            factor = e["value"] / per.to(basis).magnitude
            out[section][name] = {"kg_co2e_per": factor, "basis": basis, "sources": (e["source"],)}
    util = raw.get("utility", {})
    if "heat" in util and "natural_gas" in out.get("utility", {}):
        eff = util["heat"]["efficiency"]
        if not 0 < eff <= 1:
            raise SpecificationError(
                f"emission_factors.toml [utility.heat]: efficiency = {eff} is outside (0, 1]."
            )
        gas = out["utility"]["natural_gas"]
        out["utility"]["heat"] = {
            "kg_co2e_per": gas["kg_co2e_per"] / eff,
            "basis": "kWh",
            "efficiency": eff,
            "sources": gas["sources"] + (citations.check(util["heat"]["source"]),),
        }
    return out


def heat_efficiency() -> float:
    """Efficiency of process-heat supply from natural gas (higher heating value) [-]."""
    return float(_read("emission_factors.toml")["utility"]["heat"]["efficiency"])
