"""Terminal output with rich: stream tables, recoveries, balances, solver statistics."""

from __future__ import annotations

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
            title=escape(f"Streams [{unit}] ({start + 1}-{min(start + STREAMS_PER_TABLE, len(cols))} of {len(cols)})")
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
            g = Table(title=escape(f"Product {p!r}: {s.mass_flow('kg/h'):.6g} kg/h, composition [wt%]"))
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
        title=escape(f"Recycle solver (solve {result.wall_time * 1000:.1f} ms, {result.unit_evaluations} unit runs)")
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
