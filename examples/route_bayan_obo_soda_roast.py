"""Route ``bayan-obo-soda-roast``: Na2CO3 roast and 9 M HCl leach of Bayan Obo mixed concentrate, Th removed as hydroxide.

Builds the route from the process library with its defaults, solves it with the default
tear solver and prints the stream table, the recovery of each element to every outlet and
the balance closure. Every default and its source is in the route module's docstring.
"""

import process_library
from yieldkit.report.route_report import print_route_report

ROUTE = "bayan-obo-soda-roast"
PRODUCT = "mixed_reo"
ELEMENTS = "La Ce Pr Nd Th F P".split()


def main() -> None:
    result = process_library.build(ROUTE).solve()
    print_route_report(result, ROUTE, process_library.describe(ROUTE), PRODUCT, ELEMENTS)


if __name__ == "__main__":
    main()
