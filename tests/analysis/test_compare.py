"""Route comparison table and figures."""

import json

import pandas as pd
import pytest

from tests.analysis.test_kpi import tiny
from yieldkit.analysis.compare import compare_results, compare_routes, comparison_table
from yieldkit.analysis.kpi import route_kpis
from yieldkit.errors import SpecificationError
from yieldkit.report.plots import element_sankey, kpi_bar_chart

PNG = b"\x89PNG"


@pytest.fixture(scope="module")
def cmp():
    return compare_routes(["ndfeb-hcl-leach", "mountain-pass-flotation"])


def test_table_side_by_side(cmp):
    t = cmp.table
    assert list(t.columns) == ["ndfeb-hcl-leach", "mountain-pass-flotation"]
    for k in cmp.kpis:
        col = t[k.route]
        assert col["RE recovery, total [%]"] == pytest.approx(100 * k.recovery_total)
        assert col["CO2e [kg/kg]"] == pytest.approx(k.co2e["total_kg_per_kg"])
        assert col["operating cost [USD/kg]"] == pytest.approx(k.cost["opex_per_kg"])
    # per-element rows sit under the total recovery, empty where a route lacks the element
    labels = list(t.index)
    i = labels.index("RE recovery, total [%]")
    assert set(labels[i + 1 : i + 5]) == {f"recovery {e} [%]" for e in ("Pr", "Nd", "Dy", "REO")}
    assert pd.isna(t.loc["recovery Nd [%]", "mountain-pass-flotation"])
    assert t.loc["  reagent HCl [kg/kg]", "ndfeb-hcl-leach"] == pytest.approx(
        cmp.kpis[0].reagents_kg_per_kg["HCl"]
    )
    # roaster and calciner duties from the thermo data; the pre-processing crusher has power
    assert bool(t.loc["energy complete", "ndfeb-hcl-leach"]) is True


def test_json_document(cmp):
    d = json.loads(json.dumps(cmp.to_dict(), allow_nan=False))
    assert set(d["routes"]) == {"ndfeb-hcl-leach", "mountain-pass-flotation"}
    assert d["routes"]["mountain-pass-flotation"]["cost"]["complete"] is True  # MP 2023-Q3
    assert "recovery Nd [%]" not in d["table"]["mountain-pass-flotation"]


def test_compare_results_with_labels():
    r = tiny()
    c = compare_results({"a": r, "b": r})
    assert list(c.table.columns) == ["a", "b"]
    assert c.table.loc["recovery Nd [%]", "b"] == pytest.approx(80.0)
    with pytest.raises(SpecificationError, match=r"columns must be unique"):
        comparison_table([route_kpis(r), route_kpis(r)])


def test_figures_are_written(cmp, tmp_path):
    bar = kpi_bar_chart(cmp.kpis, tmp_path / "kpis.png")
    assert bar.read_bytes()[:4] == PNG
    for k in cmp.kpis:
        p = element_sankey(k, tmp_path / f"{k.route}.png")
        assert p.read_bytes()[:4] == PNG and p.stat().st_size > 5000


def test_arguments_of_the_wrong_kind_name_the_value():
    """AttributeError or TypeError from inside before 2026-12-06."""
    r = tiny()
    k = route_kpis(r)
    cases = [
        (lambda: route_kpis("ndfeb-hcl-leach"), r"route_kpis needs a solved flowsheet's Result \(Flowsheet.solve\(\)\), got str"),
        (lambda: route_kpis(r, products=5), r"products = 5 must be an outlet name or a list"),
        (lambda: compare_results([r]), r"results = \[.*\] must be a non-empty dict \{label: Result\}"),
        (lambda: comparison_table(k), r"kpis = .* must be a list of KPIs"),
        (lambda: comparison_table(["a"]), r"comparison_table: 'a' is not a KPIs"),
        (lambda: comparison_table([k], labels="ab"), r"labels = 'ab' must be a list of column names"),
        (lambda: comparison_table([k], labels=["a", "b"]), r"labels \['a', 'b'\] name 2 columns for 1 KPIs"),
        (lambda: compare_routes("ndfeb-hcl-leach"), r"routes = 'ndfeb-hcl-leach' must be a list of route names"),
        (lambda: compare_routes([]), r"compare_routes needs at least one route"),
        (lambda: compare_routes(["ndfeb-hcl-leach", "monazite"]), r"unknown route 'monazite'.*Did you mean 'monazite-caustic'"),
    ]  # fmt: skip
    for call, match in cases:
        with pytest.raises(SpecificationError, match=match):
            call()
