"""Terminal output with rich: stream tables, recoveries, balances, solver statistics."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from yieldkit.unitops.basic import Product

STREAMS_PER_TABLE = 6


def _console() -> Console:
    return Console(width=160)


def print_routes(routes, default: str) -> None:
    t = Table(title=escape("yieldkit process routes"))
    t.add_column("route")
    t.add_column("description")
    for name, desc in routes:
        t.add_row(name + (" (default)" if name == default else ""), desc)
    _console().print(t)


def print_stream_table(result, unit: str = "kg/h") -> None:
    """The stream table, a few streams per block so it fits a terminal."""
    df = result.stream_table(unit)
    con = _console()
    cols = list(df.columns)
    for start in range(0, len(cols), STREAMS_PER_TABLE):
        t = Table(
            title=escape(
                f"Streams [{unit}] ({start + 1}-{min(start + STREAMS_PER_TABLE, len(cols))} of {len(cols)})"
            )
        )
        t.add_column("species")
        block = cols[start : start + STREAMS_PER_TABLE]
        for c in block:
            t.add_column(escape(c), justify="right")
        for sp, row in df[block].iterrows():
            if sp.startswith("T [") or (row.abs() > 0).any():
                t.add_row(escape(sp), *(f"{v:.5g}" if v else "" for v in row))
        con.print(t)


def print_result(result) -> None:
    """Stream table, recoveries and grades of every product, balances, solver statistics."""
    con = _console()
    fs = result.flowsheet
    con.print(f"[bold]{escape(fs.name)}[/bold]: {escape(fs.description)}")
    print_stream_table(result)
    products = [n for n, u in fs.units.items() if isinstance(u, Product)]
    fed = {
        e
        for s in result.feed_streams().values()
        for e, v in zip(result.components.elements, s.element_flows(), strict=True)
        if v > 0
    }
    elements = [e for e in result.components.elements if e in fed]
    t = Table(title=escape("Recovery of each element fed to each outlet [%]"))
    t.add_column("element")
    for p in products:
        t.add_column(p, justify="right")
    for e in elements:
        t.add_row(e, *(f"{100 * result.recovery(e, p):.3f}" for p in products))
    con.print(t)
    for p in products:
        if fs.units[p].kind in ("product", "by-product"):
            s = result.stream(p)
            g = Table(
                title=escape(f"Product {p!r}: {s.mass_flow('kg/h'):.6g} kg/h, composition [wt%]")
            )
            g.add_column("species")
            g.add_column("wt%", justify="right")
            for name, x in sorted(
                ((n, s.mass_fraction(n)) for n in result.components.names), key=lambda t: -t[1]
            ):
                if x > 0:
                    g.add_row(escape(name), f"{100 * x:.4f}")
            con.print(g)
    b = result.balance_table()
    bt = Table(title=escape("Element balance closure (largest relative error)"))
    bt.add_column("unit")
    bt.add_column("max rel. error", justify="right")
    bt.add_column("worst element")
    for unit, row in b.iterrows():
        bt.add_row(unit, f"{row.iloc[0]:.2e}", str(row.iloc[1]))
    con.print(bt)
    st = Table(
        title=escape(
            f"Recycle solver (solve {result.wall_time * 1000:.1f} ms, {result.unit_evaluations} unit runs)"
        )
    )
    for col in ("loop tears", "method", "converged", "iterations", "evaluations", "residual"):
        st.add_column(col)
    for s in result.solver_summary():
        st.add_row(
            ", ".join(s["tears"]),
            s["method"],
            str(s["converged"]),
            str(s["iterations"]),
            str(s["evaluations"]),
            f"{s['final_residual']:.2e}",
        )
    con.print(st)


def print_bench(rows) -> None:
    t = Table(title=escape("Tear solvers compared (fastest of the repeats)"))
    for col in (
        "route",
        "method",
        "converged",
        "iterations",
        "loop evaluations",
        "unit runs",
        "time [ms]",
        "vs direct",
        "residual",
    ):
        t.add_column(col, justify="right" if col not in ("route", "method") else "left")
    for r in rows:
        t.add_row(
            r["route"],
            r["method"],
            str(r["converged"]),
            str(r["iterations"]),
            str(r["evaluations"]),
            str(r["unit_evaluations"]),
            f"{1000 * r['wall_seconds']:.2f}",
            f"{r['speedup_vs_direct']:.2f}x" if r.get("speedup_vs_direct") else "",
            f"{r['final_residual']:.1e}" if r["final_residual"] is not None else "",
        )
    _console().print(t)


def _num(v, fmt=".4g") -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "n/a"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float | int):
        return format(v, fmt)
    return str(v)


def _row(table, label: str, value: str, remark: str) -> None:
    """A table row whose text is shown as is (brackets such as [kg/kg] are not markup)."""
    table.add_row(escape(label), value, escape(remark))


def print_kpis(kpis) -> None:
    """The KPIs of one route, with every gap and assumption listed under them."""
    con = _console()
    k = kpis
    cur = k.cost["currency"]
    t = Table(title=f"KPIs of {k.route} per kg of {k.basis} ({', '.join(k.products)})")
    t.add_column("KPI")
    t.add_column("value", justify="right")
    t.add_column("remark")
    _row(t, "product [kg/h]", _num(k.product_kg_h), "")
    _row(
        t,
        "RE recovery, total [%]",
        _num(100 * k.recovery_total),
        "by mass (RE as metal; lumped REO as oxide)",
    )
    for el, r in k.recovery.items():
        where = ", ".join(f"{o} {100 * f:.3g} %" for o, f in k.losses.get(el, {}).items())
        _row(t, f"  recovery {el} [%]", _num(100 * r), f"lost to: {where}" if where else "")
    p = k.purity
    _row(
        t,
        f"purity, {p['basis']} basis [%]",
        _num(100 * p["value"] if p.get("value") is not None else None),
        p["reason"],
    )
    for name, v in k.reagents_kg_per_kg.items():
        _row(t, f"reagent {name} [kg/kg]", _num(v), "")
    _row(t, "water [kg/kg]", _num(k.water_kg_per_kg), "with reagents and utilities")
    e = k.energy
    flag = "" if e["complete"] else "INCOMPLETE (see notes): sum of the known parts only"
    low = "" if e["complete"] else ">= "  # a partial sum is a lower bound, not the value
    _row(t, "heat supplied [kWh/kg]", low + _num(e["heat_kwh_per_kg"]), flag)
    _row(t, "heat removed [kWh/kg]", low + _num(e["cooling_kwh_per_kg"]), flag)
    _row(t, "electricity [kWh/kg]", low + _num(e["electric_kwh_per_kg"]), flag)
    c = k.co2e
    _row(
        t,
        "CO2e [kg/kg]",
        _num(c["total_kg_per_kg"]),
        "" if c["complete"] else "INCOMPLETE: " + "; ".join(c["missing"]),
    )
    for src, v in c["by_source"].items():
        _row(t, f"  {src}", _num(v), "")
    m = k.cost
    _row(
        t,
        f"operating cost [{cur}/kg]",
        _num(m["opex_per_kg"]),
        "" if m["complete"] else "INCOMPLETE: " + "; ".join(m["missing"]),
    )
    for item, v in m["opex_by_item"].items():
        _row(t, f"  {item}", _num(v), f"price of {m['price_dates'].get(item, '?')}")
    _row(
        t,
        f"revenue [{cur}/kg]",
        _num(m["revenue_per_kg"]),
        "" if m["revenue_complete"] else "INCOMPLETE (see notes)",
    )
    for sp, v in m["revenue_by_species"].items():
        _row(t, f"  {sp}", _num(v), f"price of {m['price_dates'].get(sp, '?')}")
    _row(t, f"margin [{cur}/kg]", _num(m["margin_per_kg"]), m["scope"])
    con.print(t)
    if k.notes:
        con.print("[bold]KPI notes[/bold] (what is missing or assumed):")
        for n in k.notes:
            con.print("  - " + escape(n))


def print_comparison(table, title: str = "Routes compared (per kg of product)") -> None:
    """The side-by-side KPI table of several routes (a DataFrame from compare)."""
    t = Table(title=escape(title))
    t.add_column("KPI")
    for col in table.columns:
        t.add_column(escape(str(col)), justify="right")
    for label, row in table.iterrows():
        t.add_row(escape(str(label)), *(escape(_num(v)) if v is not None else "" for v in row))
    _console().print(t)


def _short_error(message: str, limit: int = 240) -> str:
    """A sweep point's error for a table cell: without the loop's list of units (the
    ``loop "loop {...} torn at [...]"`` prefix of a tear solver's message), cut at
    ``limit`` characters (the JSON document has it whole)."""
    short = re.sub(r'loop "loop \{[^}]*\} torn at \[[^\]]*\]": ', "", message)
    return short if len(short) <= limit else short[: limit - 3] + "..."


def print_sweep(sweep) -> None:
    """One row per point of a sweep (``yieldkit.analysis.sweep``): its values, the solve and
    the main KPIs; then, for the points that have KPIs, the full side-by-side KPI table."""
    from yieldkit.analysis.compare import comparison_table

    names = list(sweep.vary)
    cur = next((p.kpis.cost["currency"] for p in sweep.points if p.kpis is not None), "USD")
    t = Table(title=escape(f"Sweep of {sweep.route} ({'warm' if sweep.warm_start else 'cold'} "
                           f"starts, {sweep.wall_seconds:.2f} s)"))  # fmt: skip
    for col in names:
        t.add_column(escape(col), justify="right")
    for col in ("converged", "iterations", "time [ms]", "RE recovery [%]", "purity [%]",
                f"opex [{cur}/kg]", "CO2e [kg/kg]"):  # fmt: skip
        t.add_column(escape(col), justify="right")
    t.add_column("remark")
    for p in sweep.points:
        k = p.kpis
        cells = [_num(p.values[n]) for n in names]
        cells += [_num(p.converged), str(p.iterations), f"{1000 * p.wall_seconds:.0f}"]
        if k is None:
            cells += ["", "", "", ""]
        else:
            purity = k.purity.get("value")
            cells += [
                _num(100 * k.recovery_total),
                _num(100 * purity if purity is not None else None),
                _num(k.cost["opex_per_kg"]) + ("" if k.cost["complete"] else " *"),
                _num(k.co2e["total_kg_per_kg"]) + ("" if k.co2e["complete"] else " *"),
            ]
        remark = _short_error(p.error or "")
        t.add_row(*(escape(c) for c in cells), escape(remark))
    con = _console()
    con.print(t)
    if any(p.kpis is not None and not (p.kpis.cost["complete"] and p.kpis.co2e["complete"])
           for p in sweep.points):  # fmt: skip
        con.print("* incomplete: the sum of the known parts only (see 'yieldkit run' notes)")
    with_kpis = [(label, p.kpis) for label, p in zip(sweep.labels(), sweep.points, strict=True)
                 if p.kpis is not None]  # fmt: skip
    if with_kpis:
        table = comparison_table([k for _, k in with_kpis], [label for label, _ in with_kpis])
        print_comparison(table, f"Sweep points compared (per kg of {with_kpis[0][1].basis})")
