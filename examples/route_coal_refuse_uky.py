"""Route ``coal-refuse-uky``: UKy coal-refuse pilot flowsheet (H2SO4 leach, rougher and cleaner D2EHPA SX, oxalate, roast).

Builds the route from the process library with its defaults, solves it with the default
tear solver and prints the stream table, the recovery of each element to every outlet and
the balance closure. Every default and its source is in the route module's docstring.
"""

import process_library
from yieldkit.report.route_report import print_route_report

ROUTE = "coal-refuse-uky"
PRODUCT = "reo_product"
ELEMENTS = "Sc Y La Ce Pr Nd Sm Gd Dy Al Fe Ca".split()


def main() -> None:
    result = process_library.build(ROUTE).solve()
    print_route_report(result, ROUTE, process_library.describe(ROUTE), PRODUCT, ELEMENTS)


if __name__ == "__main__":
    main()
