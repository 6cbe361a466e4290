"""Route ``ndfeb-cmi-copper-nitrate``: Acid-free Cu(NO3)2 dissolution of NdFeB (CMI route) with the reference feed of Chowdhury 2021.

Builds the route from the process library with its defaults, solves it with the default
tear solver and prints the stream table, the recovery of each element to every outlet and
the balance closure. Every default and its source is in the route module's docstring.
"""

import process_library
from yieldkit.report.route_report import print_route_report

ROUTE = "ndfeb-cmi-copper-nitrate"
PRODUCT = "nd_oxide"
ELEMENTS = "Nd Fe Cu B".split()


def main() -> None:
    result = process_library.build(ROUTE).solve()
    print_route_report(result, ROUTE, process_library.describe(ROUTE), PRODUCT, ELEMENTS)


if __name__ == "__main__":
    main()
