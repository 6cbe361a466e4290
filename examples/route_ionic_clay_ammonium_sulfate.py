"""Route ``ionic-clay-ammonium-sulfate``: (NH4)2SO4 leach of ion-adsorption clay with barren-liquor recycle, Al removal, oxalate.

Builds the route from the process library with its defaults, solves it with the default
tear solver and prints the stream table, the recovery of each element to every outlet and
the balance closure. Every default and its source is in the route module's docstring.
"""

import process_library
from yieldkit.report.route_report import print_route_report

ROUTE = "ionic-clay-ammonium-sulfate"
PRODUCT = "mixed_reo"
ELEMENTS = "La Nd Dy Y Al".split()


def main() -> None:
    result = process_library.build(ROUTE).solve()
    print_route_report(result, ROUTE, process_library.describe(ROUTE), PRODUCT, ELEMENTS)


if __name__ == "__main__":
    main()
