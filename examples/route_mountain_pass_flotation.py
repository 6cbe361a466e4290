"""Route ``mountain-pass-flotation``: The Mountain Pass bastnaesite flotation circuit: five banks, three recycle loops.

Builds the route from the process library with its defaults, solves it with the default
tear solver and prints the stream table, the recovery of each element to every outlet and
the balance closure. Every default and its source is in the route module's docstring.
"""

import process_library
from yieldkit.report.route_report import print_route_report

ROUTE = "mountain-pass-flotation"
PRODUCT = "concentrate"
ELEMENTS = "REO Ba Ca Sr Gangue".split()


def main() -> None:
    result = process_library.build(ROUTE).solve()
    print_route_report(result, ROUTE, process_library.describe(ROUTE), PRODUCT, ELEMENTS)


if __name__ == "__main__":
    main()
