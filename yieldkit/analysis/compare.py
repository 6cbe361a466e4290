"""Side-by-side comparison of process routes on the same KPIs.

Examples
--------
>>> from yieldkit.analysis.compare import compare_routes
>>> cmp = compare_routes(["ndfeb-hcl-leach", "mountain-pass-flotation"])
>>> list(cmp.table.columns)
['ndfeb-hcl-leach', 'mountain-pass-flotation']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from yieldkit.analysis.kpi import KPIs, route_kpis
from yieldkit.errors import SpecificationError


def _pct(x):
    return None if x is None else 100.0 * x


def _rows(k: KPIs) -> dict[str, object]:
    e, c, m = k.energy, k.co2e, k.cost
    cur = m["currency"]
    rows: dict[str, object] = {
        "product outlets": ", ".join(k.products),
        "product [kg/h]": k.product_kg_h,
        "per-kg basis": k.basis,
        "RE recovery, total [%]": _pct(k.recovery_total),
    }
    for el, r in k.recovery.items():
        rows[f"recovery {el} [%]"] = _pct(r)
    rows[f"purity, {k.purity['basis']} basis [%]"] = _pct(k.purity.get("value"))
    rows["reagents [kg/kg]"] = sum(k.reagents_kg_per_kg.values())
    for name, v in k.reagents_kg_per_kg.items():
        rows[f"  reagent {name} [kg/kg]"] = v
    rows["water [kg/kg]"] = k.water_kg_per_kg
    rows["heat [kWh/kg]"] = e["heat_kwh_per_kg"]
    rows["electricity [kWh/kg]"] = e["electric_kwh_per_kg"]
    rows["energy total [kWh/kg]"] = e["total_kwh_per_kg"]
    rows["energy complete"] = e["complete"]
    rows["units with no energy model"] = sum(len(v) for v in e.get("not_modelled", {}).values())
    rows["CO2e [kg/kg]"] = c["total_kg_per_kg"]
    rows["CO2e complete"] = c["complete"]
    rows[f"operating cost [{cur}/kg]"] = m["opex_per_kg"]
    rows[f"revenue [{cur}/kg]"] = m["revenue_per_kg"]
    rows[f"margin [{cur}/kg]"] = m["margin_per_kg"]
    rows["cost complete"] = m["complete"]
    rows["revenue complete"] = m["revenue_complete"]
    return rows


_HEAD = {
    "recovery ": "RE recovery, total [%]",
    "  reagent ": "reagents [kg/kg]",
    "purity, ": "purity",  # oxide- and metal-basis rows side by side
}


def _group(label: str) -> str:
    """Rows that belong together (per-element recoveries, per-reagent uses, purities)."""
    for prefix in _HEAD:
        if label.startswith(prefix):
            return prefix
    return ""


def comparison_table(kpis: list[KPIs], labels: list[str] | None = None) -> pd.DataFrame:
    """KPIs of several routes side by side: one column per route, one row per KPI.

    Columns are named by ``labels`` (default the route names). Rows a route does not have
    (e.g. an element it does not contain) are empty (None).
    """
    if isinstance(kpis, Mapping) or not isinstance(kpis, Iterable):
        raise SpecificationError(f"kpis = {kpis!r} must be a list of KPIs (route_kpis).")
    kpis = list(kpis)
    for k in kpis:
        if not isinstance(k, KPIs):
            raise SpecificationError(f"comparison_table: {k!r} is not a KPIs (route_kpis).")
    if labels is not None:
        if isinstance(labels, str | Mapping) or not isinstance(labels, Iterable):
            raise SpecificationError(f"labels = {labels!r} must be a list of column names.")
        labels = list(labels)
        if len(labels) != len(kpis):
            raise SpecificationError(
                f"labels {labels} name {len(labels)} columns for {len(kpis)} KPIs."
            )
    names = labels or [k.route for k in kpis]
    if len(set(names)) != len(names):
        raise SpecificationError(
            f"comparison columns must be unique, got {names}; pass labels=[...]."
        )
    data = {n: _rows(k) for n, k in zip(names, kpis, strict=True)}
    labels = []
    for rows in data.values():
        for r in rows:
            if r in labels:
                continue
            g = _group(r)
            group = [i for i, x in enumerate(labels) if g and (_group(x) == g or x == _HEAD[g])]
            labels.insert(group[-1] + 1 if group else len(labels), r)
    df = pd.DataFrame({route: [rows.get(r) for r in labels] for route, rows in data.items()})
    df.index = labels
    df.index.name = "KPI"
    return df


@dataclass
class Comparison:
    """Results, KPIs and the side-by-side table of several routes."""

    results: dict
    kpis: list
    table: pd.DataFrame

    def to_dict(self) -> dict:
        """Plain JSON types: ``{"routes": {route: KPIs.to_dict()}, "table": {...}}``."""
        table = {
            route: {
                row: (None if isinstance(v, float) and v != v else v)
                for row, v in col.items()
                if v is not None
            }
            for route, col in self.table.to_dict().items()
        }
        cols = list(self.table.columns)
        return {
            "routes": {c: k.to_dict() for c, k in zip(cols, self.kpis, strict=True)},
            "table": table,
        }


def compare_routes(
    routes, solver: str | None = None, basis: str = "product", overrides: dict | None = None
) -> Comparison:
    """Build, solve and compare routes.

    Parameters
    ----------
    routes : sequence of str
        Route names of ``process_library.ROUTES``.
    solver : str, optional
        Tear solver for every route (default: each route's own).
    basis : str
        Per-kg basis, see :func:`yieldkit.analysis.kpi.route_kpis`.
    overrides : dict, optional
        ``{route: {parameter: value}}`` build overrides per route.

    Returns
    -------
    Comparison
    """
    import process_library

    if isinstance(routes, str | Mapping) or not isinstance(routes, Iterable):
        raise SpecificationError(f"routes = {routes!r} must be a list of route names.")
    routes = list(routes)
    if not routes:
        raise SpecificationError("compare_routes needs at least one route.")
    for name in routes:
        process_library.module(name)  # did-you-mean before any solve
    overrides = overrides or {}
    if not isinstance(overrides, Mapping):
        raise SpecificationError(f"overrides = {overrides!r} must be a dict {{route: {{...}}}}.")
    results, kpis = {}, []
    for name in routes:
        fs = process_library.build(name, **overrides.get(name, {}))
        results[name] = fs.solve(solver)
        kpis.append(route_kpis(results[name], basis=basis))
    return Comparison(results, kpis, comparison_table(kpis))


def compare_results(results: dict, basis: str = "product") -> Comparison:
    """Compare already solved results ``{label: Result}``."""
    if not isinstance(results, Mapping) or not results:
        raise SpecificationError(
            f"results = {results!r} must be a non-empty dict {{label: Result}}."
        )
    kpis = [route_kpis(r, basis=basis) for r in results.values()]
    return Comparison(dict(results), kpis, comparison_table(kpis, list(results)))
