"""Plain-text report of one solved route, as printed by the route examples."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from yieldkit import citations
from yieldkit.flowsheet.result import Result


def print_route_report(
    result: Result, route: str, description: str, product: str, elements: Sequence[str]
) -> None:
    """Print the stream table, recoveries to every outlet, solver summary and balance closure.

    Parameters
    ----------
    result : Result
        A solved route.
    route : str
        Route name, printed as the title.
    description : str
        One line describing the route.
    product : str
        The main product outlet, named in the recovery table's header.
    elements : sequence of str
        Elements whose recoveries are tabulated [-].
    """
    print(f"{route}: {description}")
    table = result.stream_table("kg/h")
    with pd.option_context("display.width", 250, "display.max_columns", 12):
        print(table.round(4).to_string())
    print(f"\nrecovery to each outlet [%] (product: {product})")
    print(f"{'outlet':24s}" + "".join(f"{e:>9s}" for e in elements))
    for outlet in result.flowsheet.products():
        row = [100 * result.recovery(e, outlet) for e in elements]
        if any(v > 0 for v in row):
            print(f"{outlet:24s}" + "".join(f"{v:9.3f}" for v in row))
    for summary in result.solver_summary():
        print(f"loop {summary['tears']}: {summary['method']}, {summary['iterations']} iterations")
    print(f"largest element imbalance: {result.max_balance_error():.2e}")
    citations.print_citations()
