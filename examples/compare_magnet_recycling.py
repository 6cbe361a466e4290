"""Compare the NdFeB magnet-recycling routes of the process library on the same KPIs.

Takes every route whose name starts with "ndfeb-" in ``process_library.ROUTES`` at run
time, solves each, prints the side-by-side KPI table (recovery, purity, reagents, water,
energy, CO2e, cost, revenue per kg of product) and the notes saying what each number
leaves out, writes a bar chart and one element-flow Sankey per route, and lists the
sources the numbers rest on.

Run: ``python examples/compare_magnet_recycling.py [OUTPUT_DIR]``
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import process_library
import yieldkit as yk
from yieldkit import citations
from yieldkit.analysis.compare import compare_routes
from yieldkit.report.console import print_comparison
from yieldkit.report.plots import element_sankey, kpi_bar_chart


def main(out_dir: str | None = None) -> None:
    routes = sorted(r for r in process_library.ROUTES if r.startswith("ndfeb-"))
    print(f"Magnet-recycling routes found: {', '.join(routes)}")
    citations.reset()
    cmp = compare_routes(routes)
    print_comparison(cmp.table)
    for k in cmp.kpis:
        print(f"\n{k.route} ({k.purity['basis']} basis: {k.purity['reason']})")
        for note in k.notes:
            print(f"  - {note}")
    out = Path(out_dir or tempfile.mkdtemp(prefix="yieldkit-compare-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"\nwrote {kpi_bar_chart(cmp.kpis, out / 'kpis.png')}")
    for k in cmp.kpis:
        print(f"wrote {element_sankey(k, out / f'sankey_{k.route}.png')}")
    print()
    yk.print_citations()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
