"""Key performance indicators of a solved route, per kg of product.

:func:`route_kpis` gathers recovery of each rare earth to the main product, product purity
(oxide/TREO basis or metal basis), reagent and water use, energy split into heat and
electricity, CO2e, operating cost and revenue, and where each rare earth is lost. Prices
and emission factors come from ``data/prices.toml`` and ``data/emission_factors.toml``
with their sources; whatever is missing is said in ``notes`` and the affected totals carry
``complete = False`` — a missing number is never counted as zero.

Examples
--------
>>> import process_library
>>> from yieldkit.analysis.kpi import route_kpis
>>> k = route_kpis(process_library.build("ndfeb-hcl-leach").solve())
>>> 0.5 < k.recovery["Nd"] < 1.0
True
>>> k.purity["basis"]
'oxide'
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from yieldkit import citations
from yieldkit.analysis import kpi_footprint as fp
from yieldkit.analysis import kpi_material as mat
from yieldkit.errors import SpecificationError

BASES = ("product", "REO", "REE")


@dataclass
class KPIs:
    """KPIs of one route; every ``*_per_kg`` is per kg of ``basis`` flow.

    Attributes
    ----------
    route : str
    products : list of str
        Outlets counted as the main product.
    basis : str
        ``product`` (kg of product), ``REO`` (kg TREO equivalent) or ``REE`` (kg RE metal).
    basis_kg_h : float
        Basis flow [kg/h].
    product_kg_h : float
        Mass flow of the main product [kg/h].
    recovery : dict
        Fraction of each rare earth fed that reaches the product [-].
    recovery_total : float
        Fraction of the rare-earth mass fed (as metal) that reaches the product [-].
    purity : dict
        ``basis`` ("oxide"/"metal"), ``value`` [-], ``reason``, and ``reo_distribution``
        (oxide basis) or ``ree_metal_fraction`` (metal basis) [-].
    losses : dict
        {element: {outlet: fraction of the fed}} for the outlets other than the product [-].
    reagents_kg_per_kg : dict
        Reagent use by commodity [kg/kg].
    water_kg_per_kg : float
        Water fed with reagents and utilities [kg/kg].
    energy : dict
        ``heat_kwh_per_kg`` (heat supplied), ``cooling_kwh_per_kg`` (heat removed),
        ``electric_kwh_per_kg``, ``total_kwh_per_kg`` (heat + electric) [kWh/kg],
        ``complete``, ``missing``, ``not_modelled`` ({class: [units]} that model no energy),
        ``notes`` (what each reported duty includes: sensible heat only, estimates),
        ``by_unit`` ({unit: {duty_kW, power_kW}}).
    co2e : dict
        ``total_kg_per_kg`` [kg CO2e/kg] and ``by_source`` (reagents, electricity, heat,
        process CO2 released), ``complete``, ``missing``.
    cost : dict
        ``currency``, ``opex_per_kg``, ``revenue_per_kg``, ``margin_per_kg``
        [currency/kg], ``opex_by_item``, ``revenue_by_species``, ``price_dates``,
        ``complete``, ``missing``, ``scope``.
    notes : list of str
        Everything missing or assumed, in words.
    sources : list of str
        Citation keys the prices and factors rest on.
    """

    route: str
    products: list
    basis: str
    basis_kg_h: float
    product_kg_h: float
    recovery: dict
    recovery_total: float
    purity: dict
    losses: dict
    reagents_kg_per_kg: dict
    water_kg_per_kg: float
    energy: dict
    co2e: dict
    cost: dict
    notes: list = field(default_factory=list)
    sources: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain JSON types; NaN becomes ``None``."""
        return _clean(asdict(self))


def _clean(x):
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple | set):
        return [_clean(v) for v in (sorted(x) if isinstance(x, set) else x)]
    if isinstance(x, float) and math.isnan(x):
        return None
    if hasattr(x, "item"):  # numpy scalar
        return _clean(x.item())
    return x


def route_kpis(result, basis: str = "product", products=None, purity_basis=None) -> KPIs:
    """KPIs of a solved route.

    Parameters
    ----------
    result : Result
        A solved flowsheet.
    basis : str
        Denominator of the per-kg figures: ``"product"`` (mass of the product outlets),
        ``"REO"`` (their TREO equivalent) or ``"REE"`` (their rare-earth metal content).
    products : str or sequence of str, optional
        Product outlets; default every Product unit of kind ``"product"``.
    purity_basis : str, optional
        ``"oxide"`` or ``"metal"``; default inferred from the product (oxygen-free rare-earth
        species such as an alloy powder give ``"metal"``), the reason is in ``purity``.

    Returns
    -------
    KPIs
    """
    from yieldkit.flowsheet.result import Result

    if not isinstance(result, Result):
        raise SpecificationError(
            f"route_kpis needs a solved flowsheet's Result (Flowsheet.solve()), got "
            f"{type(result).__name__} {result!r}."
        )
    if basis not in BASES:
        from yieldkit.errors import unknown_name

        raise SpecificationError(unknown_name("KPI basis", basis, BASES))
    prods = mat.main_products(result, products)
    notes: list[str] = []
    sources: list[str] = []
    per_s = mat.basis_flow(result, prods, basis)  # [kg/s]
    product_kg_s = float(mat.combined(result, prods) @ result.components.molar_masses)
    if per_s <= 0:
        raise SpecificationError(
            f"route {result.flowsheet.name!r}: the {basis} flow of {list(prods)} is zero; "
            "per-kg KPIs are undefined."
        )

    reagents, water = fp.reagent_flows(result)
    en = fp.energy(result)
    notes += [f"energy incomplete: {m}" for m in en["missing"]]
    notes += [f"energy basis: {m}" for m in en["notes"]]
    for cls, units in en["not_modelled"].items():
        notes.append(f"energy not modelled in {cls} units (counted as none): {', '.join(units)}")
    kwh = 1.0 / fp.J_PER_KWH / per_s  # W -> kWh per kg basis
    energy = {
        "heat_kwh_per_kg": en["heat_W"] * kwh,
        "cooling_kwh_per_kg": en["cooling_W"] * kwh,
        "electric_kwh_per_kg": en["electric_W"] * kwh,
        "total_kwh_per_kg": (en["heat_W"] + en["electric_W"]) * kwh,
        "complete": en["complete"],
        "missing": en["missing"],
        "not_modelled": en["not_modelled"],
        "notes": en["notes"],
        "by_unit": {
            u: {"duty_kW": v["duty_W"] / 1e3, "power_kW": v["power_W"] / 1e3}
            for u, v in en["by_unit"].items()
        },
    }

    em = fp.co2e(reagents, en)
    by_source = {k: v / per_s for k, v in em["by_source"].items()}
    proc = fp.process_co2(result)
    if proc != 0:
        by_source["process CO2 released"] = proc / per_s
    co2_missing = em["missing"] + (["energy incomplete"] if not en["complete"] else [])
    notes += [f"CO2e incomplete: {m}" for m in em["missing"]]
    sources += em["sources"]
    co2 = {
        "total_kg_per_kg": sum(by_source.values()),
        "by_source": by_source,
        "complete": not co2_missing,
        "missing": co2_missing,
    }

    cs = fp.costs(reagents, water, en)
    rev = fp.revenue(result, prods, mat._ree_species(result.components))
    currencies = cs["currencies"] | rev["currencies"]
    if len(currencies) > 1:
        raise SpecificationError(
            f"prices.toml mixes currencies {sorted(currencies)}; give every price in one."
        )
    opex = sum(cs["by_item"].values()) / per_s
    revenue = sum(rev["by_species"].values()) / per_s
    cost_missing = cs["missing"] + (["energy incomplete"] if not en["complete"] else [])
    notes += [f"cost: {m}" for m in cs["missing"]]
    notes += [f"revenue: {m}" for m in rev["missing"]]
    if len(rev["by_species"]) > 1:
        notes.append(
            "revenue values each oxide of a mixed product at its separated-oxide price "
            "(an upper bound)"
        )
    sources += cs["sources"] + rev["sources"]
    cost = {
        "currency": next(iter(currencies), "USD"),
        "opex_per_kg": opex,
        "revenue_per_kg": revenue,
        "margin_per_kg": revenue - opex,
        "opex_by_item": {k: v / per_s for k, v in cs["by_item"].items()},
        "revenue_by_species": {k: v / per_s for k, v in rev["by_species"].items()},
        "price_dates": cs["dates"] | rev["dates"],
        "complete": not cost_missing,
        "revenue_complete": not rev["missing"],
        "missing": cost_missing + rev["missing"],
        "scope": "variable costs only: reagents, water, electricity, heat; "
        "no feed material, labour, capital or disposal",
    }

    sources = list(dict.fromkeys(sources))
    citations.register(*sources)
    return KPIs(
        route=result.flowsheet.name,
        products=list(prods),
        basis=basis,
        basis_kg_h=per_s * 3600.0,
        product_kg_h=product_kg_s * 3600.0,
        recovery=mat.recoveries(result, prods),
        recovery_total=mat.total_recovery(result, prods),
        purity=mat.purity(result, prods, purity_basis),
        losses=mat.losses(result, prods),
        reagents_kg_per_kg={k: v / per_s for k, v in reagents.items()},
        water_kg_per_kg=water / per_s,
        energy=energy,
        co2e=co2,
        cost=cost,
        notes=notes,
        sources=sources,
    )
