"""Footprint KPIs of a solved route: reagents, water, energy, CO2e, operating cost, revenue.

All per kg of a basis flow (see :func:`yieldkit.analysis.kpi_material.basis_flow`). Nothing
missing is read as zero: a NaN duty, a unit whose temperature changes but that models no
heat, a reagent without price or emission factor, each makes its total ``complete=False``
and adds a note naming what is missing.
"""

from __future__ import annotations

import math

import numpy as np
from molmass import Formula

from yieldkit.analysis.kpi_data import (
    AIR_SPECIES,
    REAGENTS,
    WATER_SPECIES,
    emission_factors,
    heat_efficiency,
    prices,
)
from yieldkit.unitops.basic import Feed, Product, Separator, StoichiometricReactor

J_PER_KWH = 3.6e6
#: An ion left unpaired after pairing reagent ions into commodities by less than this
#: fraction of its feed is rounding of the pairing arithmetic, not a reagent of its own [-].
LEFTOVER_RTOL = 1e-9
#: A unit with no duty whose outlets leave this far outside its inlet temperatures [K]
#: heats or cools without modelling it.
T_TOLERANCE = 0.5
#: Unit classes that model no energy (ideal splits and fixed-conversion reactors): their
#: units are listed in ``not_modelled`` so a zero is not read as "needs no energy", unless
#: the outcome reports a ``duty_basis`` (a StoichiometricReactor that heats or cools does).
NO_ENERGY_MODEL = (Separator, StoichiometricReactor)


def reagent_flows(result) -> tuple[dict[str, float], float]:
    """Reagents fed [kg/s] by commodity, and water fed [kg/s], from reagent/utility feeds.

    Ions pair into commodities with :data:`~yieldkit.analysis.kpi_data.REAGENTS` (e.g.
    H+ + Cl- count as HCl); other species, and ions left unpaired, count under their own
    name. Ambient-air species in utility feeds are free and not counted; water in any
    reagent or utility feed is water use.
    """
    c = result.components
    M = c.molar_masses
    reagents: dict[str, float] = {}
    water = 0.0

    def add(name, kg_s):
        reagents[name] = reagents.get(name, 0.0) + kg_s

    for fname, unit in result.flowsheet.feeds().items():
        if unit.kind == "feed":
            continue
        fed = result.stream(fname).moles
        left = fed.copy()
        for commodity, recipe in REAGENTS:
            if not all(sp in c for sp in recipe):
                continue
            idx = {sp: c.index(sp) for sp in recipe}
            mol = min(left[idx[sp]] / nu for sp, nu in recipe.items())
            if mol > 0:
                add(commodity, float(mol) * _formula_mass(commodity))
                for sp, nu in recipe.items():
                    left[idx[sp]] = max(left[idx[sp]] - mol * nu, 0.0)
        for i, sp in enumerate(c.names):
            if left[i] <= LEFTOVER_RTOL * fed[i]:
                continue  # paired completely (up to floating-point rounding)
            if sp in WATER_SPECIES:
                water += left[i] * M[i]
            elif not (unit.kind == "utility" and sp in AIR_SPECIES):
                add(sp, float(left[i] * M[i]))
    return reagents, water


def _formula_mass(formula: str) -> float:
    return Formula(formula).mass / 1000.0


def energy(result) -> dict:
    """Heat supplied, heat removed and electricity [W], with what is missing.

    Returns
    -------
    dict
        ``heat_W`` (sum of positive duties), ``cooling_W`` (heat removed, positive),
        ``electric_W``, ``by_unit`` {unit: {"duty_W", "power_W"}}, ``complete`` and
        ``missing`` (one message per unit whose energy is unknown or whose temperature
        change is not matched by a duty), ``not_modelled`` {class: [units]} for units of
        classes that model no energy (:data:`NO_ENERGY_MODEL`) and reported no
        ``duty_basis``, and ``notes`` (one per unit with a finite duty whose outcome states
        its basis in ``info["duty_basis"]``, e.g. "sensible heat only: ..." or which heat
        capacities are Kopp's-rule estimates; the total stays complete).
    """
    fs = result.flowsheet
    heat = cooling = electric = 0.0
    by_unit, missing, not_modelled, notes = {}, [], {}, []
    for name, unit in fs.units.items():
        if isinstance(unit, Feed | Product) or name not in result.outcomes:
            continue
        o = result.outcomes[name]
        if type(unit) in NO_ENERGY_MODEL and "duty_basis" not in o.info:
            not_modelled.setdefault(type(unit).__name__, []).append(name)
        duty, power = float(o.duty), float(o.power)
        by_unit[name] = {"duty_W": duty, "power_W": power}
        if math.isnan(duty):
            species = o.info.get("duty_missing_species") or ["unknown species"]
            missing.append(
                f"heat duty of {name!r} unknown: no thermo data for {', '.join(map(str, species))}"
            )
        elif duty > 0:
            heat += duty
        else:
            cooling -= duty
        if not math.isnan(duty) and o.info.get("duty_basis"):
            notes.append(f"duty of {name!r}: {o.info['duty_basis']}")
        if math.isnan(power):
            missing.append(f"power of {name!r} unknown")
        else:
            electric += power
        if duty == 0 and not math.isnan(duty):
            span = _temperature_change(result, name)
            if span:
                missing.append(
                    f"{name!r} changes temperature ({span}) but models no heat duty "
                    f"({type(unit).__name__})"
                )
    return {
        "heat_W": heat,
        "cooling_W": cooling,
        "electric_W": electric,
        "by_unit": by_unit,
        "complete": not missing,
        "missing": missing,
        "not_modelled": not_modelled,
        "notes": notes,
    }


def _temperature_change(result, unit_name: str) -> str:
    fs = result.flowsheet
    t_in = [
        result.streams[c.name].T
        for c in fs.connections.values()
        if c.sink == unit_name and result.streams[c.name].moles.any()
    ]
    t_out = [
        result.streams[c.name].T
        for c in fs.connections.values()
        if c.source == unit_name and result.streams[c.name].moles.any()
    ]
    if not t_in or not t_out:
        return ""
    lo, hi = min(t_in), max(t_in)
    if min(t_out) < lo - T_TOLERANCE or max(t_out) > hi + T_TOLERANCE:
        fmt = lambda ts: "/".join(f"{t - 273.15:.0f}" for t in sorted(set(ts)))  # noqa: E731
        return f"inlets {fmt(t_in)} degC, outlets {fmt(t_out)} degC"
    return ""


def process_co2(result) -> float:
    """Net CO2(g) released by the process [kg/s]: CO2(g) leaving minus CO2(g) fed."""
    c = result.components
    if "CO2(g)" not in c:
        return 0.0
    i = c.index("CO2(g)")
    out = sum(result.stream(n).moles[i] for n in result.flowsheet.products())
    fed = sum(s.moles[i] for s in result.feed_streams().values())
    return float((out - fed) * c.molar_masses[i])


def co2e(reagents_kg_s: dict, en: dict) -> dict:
    """CO2e [kg/s] by source (reagents, electricity, heat) with what has no factor."""
    ef = emission_factors()
    by, sources, missing = {}, [], []
    for name, kg_s in reagents_kg_s.items():
        f = ef.get("reagent", {}).get(name)
        if f is None:
            missing.append(f"no emission factor for {name}")
        else:
            by[f"reagent {name}"] = kg_s * f["kg_co2e_per"]
            sources += f["sources"]
    util = ef.get("utility", {})
    for key, watts in (("electricity", en["electric_W"]), ("heat", en["heat_W"])):
        if watts == 0:
            continue
        if key not in util:
            missing.append(f"no emission factor for {key}")
            continue
        by[key] = watts / J_PER_KWH * util[key]["kg_co2e_per"]
        sources += util[key]["sources"]
    return {"by_source": by, "sources": sources, "missing": missing}


def costs(reagents_kg_s: dict, water_kg_s: float, en: dict) -> dict:
    """Operating cost [currency/s] by item and what has no price."""
    p = prices()
    by, sources, missing, dates, currencies = {}, [], [], {}, set()

    def charge(label, price, amount):
        by[label] = amount * price.value
        sources.extend(price.sources)
        dates[label] = price.date
        currencies.add(price.currency)

    for name, kg_s in reagents_kg_s.items():
        price = p.get("reagent", {}).get(name)
        if price is None:
            missing.append(f"no price for {name}")
        else:
            charge(f"reagent {name}", price, kg_s)
    util = p.get("utility", {})
    if water_kg_s > 0:
        if "water" in util:
            charge("water", util["water"], water_kg_s / 1000.0)  # 1000 kg/m3
        else:
            missing.append("no price for water")
    if en["electric_W"] > 0:
        if "electricity" in util:
            charge("electricity", util["electricity"], en["electric_W"] / J_PER_KWH)
        else:
            missing.append("no price for electricity")
    if en["heat_W"] > 0:
        if "natural_gas" in util:
            fuel_kwh_s = en["heat_W"] / J_PER_KWH / heat_efficiency()
            charge("heat (natural gas)", util["natural_gas"], fuel_kwh_s)
            sources.append("yieldkitEstimate")
        else:
            missing.append("no price for heat")
    return {
        "by_item": by,
        "sources": sources,
        "missing": missing,
        "dates": dates,
        "currencies": currencies,
    }


def revenue(result, products, ree_species: list[int]) -> dict:
    """Revenue [currency/s] of the product outlets from the product prices, by species."""
    p = prices().get("product", {})
    c = result.components
    by, sources, missing, dates, currencies = {}, [], [], {}, set()
    n = sum((result.stream(x).moles for x in products), np.zeros(len(c)))
    for i in ree_species:
        if n[i] <= 0:
            continue
        name = c.names[i]
        price = p.get(name)
        if price is None:
            missing.append(f"no price for {name}")
            continue
        by[name] = n[i] * c.molar_masses[i] * price.value
        sources.extend(price.sources)
        dates[name] = price.date
        currencies.add(price.currency)
    return {
        "by_species": by,
        "sources": sources,
        "missing": missing,
        "dates": dates,
        "currencies": currencies,
    }
