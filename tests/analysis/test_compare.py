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
