"""The ``yieldkit`` command: list, run, compare, sweep and benchmark process routes."""

from __future__ import annotations

import argparse
import json
import sys

from yieldkit.errors import SpecificationError, YieldkitError


def _parse_set(items: list[str]) -> dict:
    """``["leach.T=90 degC", "recycle_fraction=0.3"]`` -> overrides dict (JSON values allowed)."""
    out = {}
    for item in items or []:
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            raise SpecificationError(
                f"--set {item!r}: expected NAME=VALUE, e.g. leach.T='90 degC'."
            )
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw.strip()
        out[key.strip()] = value
    return out


def _solve_options(parser, set_help: str) -> None:
    """--set, --solver and --tol of a command that builds and solves a route."""
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=set_help)
    parser.add_argument("--solver", default=None, help="tear solver (see 'yieldkit bench')")
    parser.add_argument("--tol", type=float, default=1e-12, help="tear convergence tolerance [-]")


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yieldkit", description="Rare-earth recovery flowsheets.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the process routes")
    r = sub.add_parser("run", help="solve a route and print its streams and KPIs")
    r.add_argument("route", nargs="?", default=None, help="route name (default: the default route)")
    _solve_options(r, "route argument or unit.param override (repeatable)")
    r.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    r.add_argument("--citations", action="store_true", help="list the sources the numbers rest on")
    c = sub.add_parser(
        "compare", help="solve routes and compare their KPIs; write a bar chart and Sankeys"
    )
    c.add_argument("routes", nargs="+", metavar="ROUTE", help="route names (see 'yieldkit list')")
    c.add_argument("--solver", default=None, help="tear solver for every route")
    c.add_argument(
        "--basis",
        default="product",
        choices=("product", "REO", "REE"),
        help="per-kg basis: product mass, its TREO or its RE metal (default: product)",
    )
    c.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    c.add_argument(
        "--out",
        default="compare-output",
        metavar="DIR",
        help="folder for kpis.png and sankey_<route>.png (default: ./compare-output)",
    )
    c.add_argument("--no-plots", action="store_true", help="do not write figures")
    c.add_argument("--citations", action="store_true", help="list the sources the numbers rest on")
    s = sub.add_parser(
        "sweep", help="solve a route over a grid of parameter values, each point warm-started"
    )
    s.add_argument("route", help="route name (see 'yieldkit list')")
    s.add_argument(
        "--vary",
        action="append",
        default=[],
        required=True,
        metavar="NAME=SPEC",
        help="parameter and its values: START:STOP:N or a comma-separated list (repeatable: "
        "a grid)",
    )
    _solve_options(s, "route argument or unit.param override at every point (repeatable)")
    s.add_argument(
        "--basis",
        default="product",
        choices=("product", "REO", "REE"),
        help="per-kg basis of the KPIs (default: product)",
    )
    s.add_argument(
        "--cold", action="store_true", help="solve every point from zero flows (no warm start)"
    )
    s.add_argument(
        "--plot", default=None, metavar="PNG", help="write the KPIs against the first parameter"
    )
    s.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    b = sub.add_parser("bench", help="compare the tear solvers on routes")
    b.add_argument("routes", nargs="*", help="routes (default: all)")
    b.add_argument("--solvers", default=None, help="comma-separated solver names (default: all)")
    b.add_argument("--repeat", type=int, default=3, help="solves per method; the fastest is shown")
    b.add_argument("--json", action="store_true", help="print JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``yieldkit`` console script."""
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "list":
            return _cmd_list()
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "compare":
            return _cmd_compare(args)
        if args.command == "sweep":
            return _cmd_sweep(args)
        if args.command == "bench":
            return _cmd_bench(args)
    except YieldkitError as exc:
        print(f"yieldkit: error: {exc}", file=sys.stderr)
        return 2
    return 0


def _cmd_list() -> int:
    import process_library
    from yieldkit.report.console import print_routes

    print_routes(process_library.list_routes(), process_library.DEFAULT_ROUTE)
    return 0


def _cmd_run(args) -> int:
    import process_library
    from yieldkit import citations
    from yieldkit.report.console import print_kpis, print_result
    from yieldkit.report.document import result_document

    citations.reset()
    route = args.route or process_library.DEFAULT_ROUTE
    fs = process_library.build(route, **_parse_set(args.set))
    result = fs.solve(args.solver, tol=args.tol)
    if args.json:
        print(json.dumps(result_document(result), indent=2))
    else:
        print_result(result)
        _print_run_kpis(result, print_kpis)
        if args.citations:
            citations.print_citations()
    return 0


def _print_run_kpis(result, print_kpis) -> None:
    from yieldkit.analysis.kpi import route_kpis

    try:
        kpis = route_kpis(result)
    except SpecificationError as err:  # e.g. no outlet of kind "product"
        print(f"KPIs not computed: {err}")
        return
    print_kpis(kpis)


def _cmd_compare(args) -> int:
    from pathlib import Path

    import process_library
    from yieldkit import citations
    from yieldkit.analysis.compare import compare_routes
    from yieldkit.report.console import print_comparison, print_kpis

    for name in args.routes:
        process_library.module(name)  # unknown names fail before any solve
    if len(set(args.routes)) != len(args.routes):
        raise SpecificationError(f"compare: a route is named twice in {args.routes}.")
    citations.reset()
    cmp = compare_routes(args.routes, solver=args.solver, basis=args.basis)
    figures = []
    if not args.no_plots:
        from yieldkit.report.plots import element_sankey, kpi_bar_chart

        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        figures.append(str(kpi_bar_chart(cmp.kpis, out / "kpis.png")))
        for k in cmp.kpis:
            figures.append(str(element_sankey(k, out / f"sankey_{k.route}.png")))
    if args.json:
        doc = cmp.to_dict() | {"figures": figures, "sources": citations.used()}
        print(json.dumps(doc, indent=2, allow_nan=False))
        return 0
    print_comparison(cmp.table)
    for k in cmp.kpis:
        print_kpis(k)
    for f in figures:
        print(f"wrote {f}")
    if args.citations:
        citations.print_citations()
    return 0


def _parse_vary(items: list[str]) -> dict:
    """``["recycle_fraction=0.1:0.9:5", "leach.T=70 degC,90 degC"]`` -> {name: [values]}."""
    from yieldkit.analysis.sweep import parse_values

    out = {}
    for item in items:
        key, eq, spec = item.partition("=")
        if not eq or not key.strip():
            raise SpecificationError(
                f"--vary {item!r}: expected NAME=SPEC, e.g. recycle_fraction=0.1:0.9:5."
            )
        if key.strip() in out:
            raise SpecificationError(f"--vary names {key.strip()!r} twice; give it once.")
        out[key.strip()] = parse_values(key.strip(), spec)
    return out


def _cmd_sweep(args) -> int:
    from yieldkit import citations
    from yieldkit.analysis.sweep import sweep_route
    from yieldkit.report.console import print_sweep

    citations.reset()
    sweep = sweep_route(args.route, _parse_vary(args.vary), _parse_set(args.set),
                        solver=args.solver, tol=args.tol, basis=args.basis,
                        warm_start=not args.cold)  # fmt: skip
    figure = None
    if args.plot:
        from yieldkit.report.plots import sweep_plot

        figure = str(sweep_plot(sweep, args.plot))
    if args.json:
        doc = sweep.to_dict() | {"figure": figure, "sources": citations.used()}
        print(json.dumps(doc, indent=2, allow_nan=False))
    else:
        print_sweep(sweep)
        if figure:
            print(f"wrote {figure}")
    return 0


def _cmd_bench(args) -> int:
    import process_library
    from yieldkit.analysis.bench import bench_routes
    from yieldkit.report.console import print_bench

    routes = args.routes or list(process_library.ROUTES)
    solvers = args.solvers.split(",") if args.solvers else None
    rows = bench_routes(routes, solvers, repeat=args.repeat)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print_bench(rows)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
