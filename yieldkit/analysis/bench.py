"""Compare tear solvers on process routes (``yieldkit bench``)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from yieldkit.errors import SpecificationError, YieldkitError, unknown_name


def bench_routes(routes, solvers=None, repeat: int = 3, tol: float = 1e-12) -> list[dict]:
    """Solve each route with each solver; iterations, evaluations, time, and ratio to direct.

    Parameters
    ----------
    routes : sequence of str
        Route names.
    solvers : sequence of str, optional
        Solver names (default: all registered).
    repeat : int
        Solves per method; the fastest wall time is kept [-].
    tol : float
        Convergence tolerance [-].
    """
    import process_library
    from yieldkit.flowsheet.solvers import SOLVERS

    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise SpecificationError(f"repeat = {repeat!r} must be an integer >= 1.")
    for what, names in (("solvers", solvers), ("routes", routes)):
        if names is not None and (isinstance(names, str) or not isinstance(names, Iterable)):
            raise SpecificationError(f"{what} = {names!r} must be a list of names.")
    solvers = list(solvers or SOLVERS)
    for method in solvers:  # a misspelt name is an error, not a row of failed solves
        if method not in SOLVERS:
            raise SpecificationError(unknown_name("tear solver", str(method), SOLVERS))
    for route in routes:
        process_library.module(route)  # did-you-mean for an unknown route
    rows = []
    for route in routes:
        route_rows = []
        for method in solvers:
            best = None
            for _ in range(repeat):
                fs = process_library.build(route)
                t0 = time.perf_counter()
                try:
                    res = fs.solve(method, tol=tol)
                except YieldkitError as exc:  # a unit can fail on a method's trial iterate too
                    best = {
                        "route": route,
                        "method": method,
                        "converged": False,
                        "iterations": None,
                        "evaluations": None,
                        "unit_evaluations": None,
                        "wall_seconds": time.perf_counter() - t0,
                        "final_residual": None,
                        "error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}",
                    }
                    break
                wall = time.perf_counter() - t0
                loops = res.solver_summary()
                row = {
                    "route": route,
                    "method": method,
                    "converged": res.converged,
                    "iterations": sum(x["iterations"] for x in loops),
                    "evaluations": sum(x["evaluations"] for x in loops),
                    "unit_evaluations": res.unit_evaluations,
                    "wall_seconds": wall,
                    "final_residual": max((x["final_residual"] for x in loops), default=0.0),
                    "max_balance_error": res.max_balance_error(),
                }
                if best is None or wall < best["wall_seconds"]:
                    best = row
            route_rows.append(best)
        base = next((r for r in route_rows if r["method"] == "direct" and r["converged"]), None)
        for r in route_rows:
            r["speedup_vs_direct"] = (
                base["wall_seconds"] / r["wall_seconds"]
                if base and r["converged"] and r["wall_seconds"] > 0
                else None
            )
        rows += route_rows
    return rows
