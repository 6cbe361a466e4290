"""Route ``bastnasite-mountain-pass``: Mountain Pass flotation, oxidative roast, HCl leach with a cerium residue, La/NdPr and NdPr/heavies SX, oxalate, calcine.

Builds the route from the process library with its defaults, solves it with the default
tear solver and prints the stream table, the recovery of each element to every outlet and
the balance closure. Every default and its source is in the route module's docstring.
"""

import pandas as pd

import process_library
import yieldkit as yk

ROUTE = "bastnasite-mountain-pass"
PRODUCT = "ndpr_oxide"
ELEMENTS = "La Ce Pr Nd Sm Ca Sr Ba F".split()


def main() -> None:
    result = process_library.build(ROUTE).solve()
    print(f"{ROUTE}: {process_library.describe(ROUTE)}")
    table = result.stream_table("kg/h")
    with pd.option_context("display.width", 250, "display.max_columns", 12):
        print(table.round(4).to_string())
    print(f"\nrecovery to each outlet [%] (product: {PRODUCT})")
    outlets = list(result.flowsheet.products())
    print(f"{'outlet':24s}" + "".join(f"{e:>9s}" for e in ELEMENTS))
    for outlet in outlets:
        row = [100 * result.recovery(e, outlet) for e in ELEMENTS]
        if any(v > 0 for v in row):
            print(f"{outlet:24s}" + "".join(f"{v:9.3f}" for v in row))
    product = result.stream("NdPr oxide")
    ndpr = product.flow("Nd2O3", "kg/h") + product.flow("Pr6O11", "kg/h")
    print(
        f"\nNdPr oxide {product.mass_flow('kg/h'):.1f} kg/h, "
        f"Nd2O3 + Pr6O11 {100 * ndpr / product.mass_flow('kg/h'):.2f} % of the oxide"
    )
    for summary in result.solver_summary():
        print(f"loop {summary['tears']}: {summary['method']}, {summary['iterations']} iterations")
    print(f"largest element imbalance: {result.max_balance_error():.2e}")
    yk.print_citations()


if __name__ == "__main__":
    main()
