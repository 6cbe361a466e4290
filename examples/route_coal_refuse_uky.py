"""Route ``coal-refuse-uky``: UKy coal-refuse pilot flowsheet (H2SO4 leach, rougher and cleaner D2EHPA SX, oxalate, roast).

Builds the route from the process library with its defaults, solves it with the default
tear solver and prints the stream table, the recovery of each element to every outlet and
the balance closure. Every default and its source is in the route module's docstring.
"""

import pandas as pd

import process_library
import yieldkit as yk

ROUTE = "coal-refuse-uky"
PRODUCT = "reo_product"
ELEMENTS = "Sc Y La Ce Pr Nd Sm Gd Dy Al Fe Ca".split()


def main() -> None:
    result = process_library.build(ROUTE).solve()
    print(f"{ROUTE}: {process_library.describe(ROUTE)}")
    table = result.stream_table("kg/h")
    with pd.option_context("display.width", 250, "display.max_columns", 12):
        print(table.round(6).to_string())
    print(f"\nrecovery to each outlet [%] (product: {PRODUCT})")
    outlets = list(result.flowsheet.products())
    print(f"{'outlet':24s}" + "".join(f"{e:>8s}" for e in ELEMENTS))
    for outlet in outlets:
        row = [100 * result.recovery(e, outlet) for e in ELEMENTS]
        if any(v > 0 for v in row):
            print(f"{outlet:24s}" + "".join(f"{v:8.3f}" for v in row))
    product = result.stream("REO product")
    print(f"\nREO product {product.mass_flow('g/h'):.4f} g/h")
    for summary in result.solver_summary():
        print(f"loop {summary['tears']}: {summary['method']}, {summary['iterations']} iterations")
    print(f"largest element imbalance: {result.max_balance_error():.2e}")
    yk.print_citations()


if __name__ == "__main__":
    main()
