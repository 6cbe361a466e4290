"""Figures of route KPIs: a bar chart comparing routes, a Sankey diagram of element flows.

matplotlib with the Agg backend (files only, no display needed).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.sankey import Sankey  # noqa: E402

#: Bars of the KPI chart: (title, function of KPIs -> value, function -> complete).
BARS = (
    ("RE recovery [%]", lambda k: 100 * k.recovery_total, lambda k: True),
    ("purity [%]", lambda k: 100 * k.purity.get("value", float("nan")), lambda k: True),
    ("reagents [kg/kg]", lambda k: sum(k.reagents_kg_per_kg.values()), lambda k: True),
    ("water [kg/kg]", lambda k: k.water_kg_per_kg, lambda k: True),
    (
        "energy [kWh/kg]",
        lambda k: k.energy["total_kwh_per_kg"],
        lambda k: k.energy["complete"],
    ),
    ("CO2e [kg/kg]", lambda k: k.co2e["total_kg_per_kg"], lambda k: k.co2e["complete"]),
    ("operating cost [USD/kg]", lambda k: k.cost["opex_per_kg"], lambda k: k.cost["complete"]),
    ("revenue [USD/kg]", lambda k: k.cost["revenue_per_kg"], lambda k: k.cost["revenue_complete"]),
)
#: Outlets carrying less than this fraction of an element are grouped as "other" [-].
SMALL_FLOW = 0.005


def kpi_bar_chart(kpis, path, labels=None) -> Path:
    """Bar chart of the main KPIs of several routes, one panel per KPI; hatched bars are
    incomplete (missing data, see the KPI notes).

    Parameters
    ----------
    kpis : sequence of KPIs
    path : str or Path
        PNG file to write.
    labels : sequence of str, optional
        Bar labels (default the route names).

    Returns
    -------
    Path
    """
    labels = list(labels or [k.route for k in kpis])
    ncol = 4
    nrow = -(-len(BARS) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 3.2 * nrow), squeeze=False)
    colors = [f"C{i}" for i in range(len(kpis))]
    for ax, (title, value, complete) in zip(axes.flat, BARS, strict=False):
        vals = [value(k) for k in kpis]
        bars = ax.bar(range(len(kpis)), vals, color=colors)
        for bar, k in zip(bars, kpis, strict=True):
            if not complete(k):
                bar.set_hatch("//")
                bar.set_edgecolor("black")
                ax.annotate(
                    "incomplete",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(len(kpis)))
        ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
    for ax in list(axes.flat)[len(BARS) :]:
        ax.axis("off")
    fig.suptitle("Route comparison (per kg of product; hatched = incomplete, see notes)")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _element_flows(kpis, element):
    """(labels, fractions) out of the feed for one element: product first, then losses."""
    flows = [(" + ".join(kpis.products) + " (product)", kpis.recovery[element])]
    other = 0.0
    for outlet, f in sorted(kpis.losses[element].items(), key=lambda t: -t[1]):
        if abs(f) < SMALL_FLOW:
            other += f
        else:
            flows.append((outlet, f))
    if other:
        flows.append(("other", other))
    return flows


def element_sankey(kpis, path) -> Path:
    """Sankey diagram per rare earth: the feed splits into the product and each loss outlet.

    Parameters
    ----------
    kpis : KPIs
    path : str or Path
        PNG file to write.

    Returns
    -------
    Path
    """
    elements = list(kpis.recovery)
    n = max(len(elements), 1)
    fig, axes = plt.subplots(1, n, figsize=(4.5 * n, 4.2), squeeze=False)
    for ax, el in zip(axes.flat, elements, strict=False):
        flows = _element_flows(kpis, el)
        ax.axis("off")
        ax.set_title(f"{el}: fate of the feed", fontsize=10, pad=28)
        sankey = Sankey(
            ax=ax, scale=1.0, unit=None, format="%.3g", gap=0.35, margin=0.3, tolerance=1e-6
        )
        values = [1.0] + [-f for _, f in flows]
        names = ["feed"] + [f"{name}\n{100 * f:.1f} %" for name, f in flows]
        orientations = [0, 0] + [(-1) ** i for i in range(len(flows) - 1)]
        sankey.add(
            flows=values,
            labels=names,
            orientations=orientations,
            pathlengths=[0.4] * len(values),
            facecolor="C0",
            alpha=0.6,
        )
        diagram = sankey.finish()[0]
        diagram.text.set_text("")  # the flow labels say it all
        ax.set_adjustable("box")  # keep the limits Sankey chose (no datalim warnings)
    if not elements:
        axes.flat[0].axis("off")
        axes.flat[0].text(0.5, 0.5, "no rare earth fed", ha="center")
    fig.suptitle(f"{kpis.route}: where each rare earth goes (fraction of the feed)", y=1.04)
    path = Path(path)
    fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.3)
    plt.close(fig)
    return path


def sweep_plot(sweep, path) -> Path:
    """The main KPIs of a sweep (``yieldkit.analysis.sweep``) against its first varied
    parameter, one panel per KPI of :data:`BARS`, one line per combination of the other
    varied parameters; a point without KPIs (no solution) is a gap, and a panel with an
    incomplete value (missing data) says so in its title.

    Parameters
    ----------
    sweep : Sweep
    path : str or Path
        PNG file to write.

    Returns
    -------
    Path
    """
    names = list(sweep.vary)
    first, rest = names[0], names[1:]
    xs = sweep.vary[first]
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs)
    position = {_key(v): (float(v) if numeric else i) for i, v in enumerate(xs)}
    lines: dict[str, list] = {}
    for p in sweep.points:
        label = ", ".join(f"{n}={p.values[n]}" for n in rest) or sweep.route
        lines.setdefault(label, []).append((position[_key(p.values[first])], p.kpis))
    ncol = 4
    nrow = -(-len(BARS) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 3.2 * nrow), squeeze=False)
    for ax, (title, value, complete) in zip(axes.flat, BARS, strict=False):
        partial = False
        for label, pts in lines.items():
            x = [px for px, _ in pts]
            y = [float("nan") if k is None else value(k) for _, k in pts]
            partial |= any(k is not None and not complete(k) for _, k in pts)
            ax.plot(x, y, "o-", label=label, markersize=4)
        ax.set_title(title + (" (incomplete: see notes)" if partial else ""), fontsize=9)
        ax.set_xlabel(first, fontsize=8)
        if not numeric:
            ax.set_xticks(range(len(xs)))
            ax.set_xticklabels([str(v) for v in xs], rotation=30, ha="right", fontsize=8)
    for ax in list(axes.flat)[len(BARS) :]:
        ax.axis("off")
    if rest:
        axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"Sweep of {sweep.route} (per kg of product; gaps: no solution)")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _key(value):
    """A hashable stand-in for a swept value (lists and dicts from JSON are not)."""
    return repr(value)
