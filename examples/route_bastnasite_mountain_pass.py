"""Route ``bastnasite-mountain-pass``: Mountain Pass flotation, oxidative roast, HCl leach with a cerium residue, La/NdPr and NdPr/heavies SX, oxalate, calcine.

Builds the route from the process library with its defaults, solves it with the default
tear solver and prints the stream table, the recovery of each element to every outlet and
the balance closure. Every default and its source is in the route module's docstring.
"""

import process_library
from yieldkit.report.route_report import print_route_report

ROUTE = "bastnasite-mountain-pass"
PRODUCT = "ndpr_oxide"
ELEMENTS = "La Ce Pr Nd Sm Ca Sr Ba F".split()


def main() -> None:
    result = process_library.build(ROUTE).solve()
    print_route_report(result, ROUTE, process_library.describe(ROUTE), PRODUCT, ELEMENTS)


if __name__ == "__main__":
    main()
