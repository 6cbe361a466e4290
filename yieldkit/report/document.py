"""The machine-readable document of a solved route (``yieldkit run --json``).

Schema (all flows kg/h, fractions in [0, 1]):

``{"route", "converged", "solver": {"method", "iterations", "unit_evaluations",
"wall_seconds", "final_residual", "loops": [...]}, "recoveries": {product: {element: f}},
"grades": {product: {species: mass fraction}}, "balance": {"units": {unit: max relative
error}, "overall": max relative error}, "stream_table": {"unit": "kg/h", "streams":
{stream: {species: kg/h}}, "temperature_K": {stream: K}}, "kpis": {...}}``

``kpis`` is :meth:`yieldkit.analysis.kpi.KPIs.to_dict` (documented in
docs/JSON_SCHEMA_KPIS.md), or ``{"error": message}`` when the route has no outlet of
kind "product" to take KPIs on.
"""

from __future__ import annotations

from yieldkit.errors import SpecificationError
from yieldkit.unitops.basic import Product


def kpi_document(result) -> dict:
    """The route's KPIs as plain JSON types (``{"error": ...}`` if they are undefined)."""
    from yieldkit.analysis.kpi import route_kpis

    try:
        return route_kpis(result).to_dict()
    except SpecificationError as err:
        return {"error": str(err)}


def result_document(result) -> dict:
    """Everything a script needs from a Result, as plain JSON types."""
    fs = result.flowsheet
    loops = result.solver_summary()
    products = {n: u for n, u in fs.units.items() if isinstance(u, Product)}
    fed = {
        e
        for s in result.feed_streams().values()
        for e, v in zip(result.components.elements, s.element_flows(), strict=True)
        if v > 0
    }
    elements = [e for e in result.components.elements if e in fed]
    recoveries = {p: {e: result.recovery(e, p) for e in elements} for p in products}
    grades = {}
    for p, u in products.items():
        if u.kind in ("product", "by-product"):
            s = result.stream(p)
            grades[p] = {
                n: s.mass_fraction(n)
                for n, x in zip(result.components.names, s.moles, strict=True)
                if x > 0
            }
    bt = result.balance_table()["max relative error [-]"]
    table = result.stream_table("kg/h", nonzero=False)
    streams = {
        name: {sp: float(table.loc[sp, name]) for sp in result.components.names}
        for name in result.streams
    }
    return {
        "route": fs.name,
        "converged": bool(result.converged),
        "solver": {
            "method": loops[0]["method"] if loops else fs.default_solver,
            "iterations": sum(x["iterations"] for x in loops),
            "unit_evaluations": int(result.unit_evaluations),
            "wall_seconds": float(result.wall_time),
            "final_residual": max((x["final_residual"] for x in loops), default=0.0),
            "loops": loops,
        },
        "recoveries": recoveries,
        "grades": grades,
        "balance": {
            "units": {k: float(v) for k, v in bt.items() if k != "OVERALL"},
            "overall": float(bt["OVERALL"]),
        },
        "stream_table": {
            "unit": "kg/h",
            "streams": streams,
            "temperature_K": {n: s.T for n, s in result.streams.items()},
        },
        "kpis": kpi_document(result),
    }
