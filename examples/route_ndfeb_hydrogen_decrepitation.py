"""Route ``ndfeb-hydrogen-decrepitation``: Hydrogen decrepitation of HDD magnets to hydrided alloy powder (magnet to magnet).

Builds the route from the process library with its defaults, solves it with the default
tear solver and prints the stream table, the recovery of each element to every outlet and
the balance closure. Every default and its source is in the route module's docstring.
"""

import process_library
from yieldkit.report.route_report import print_route_report

ROUTE = "ndfeb-hydrogen-decrepitation"
PRODUCT = "alloy_powder"
ELEMENTS = "Nd Fe B Ni".split()


def main() -> None:
    result = process_library.build(ROUTE).solve()
    print_route_report(result, ROUTE, process_library.describe(ROUTE), PRODUCT, ELEMENTS)


if __name__ == "__main__":
    main()
