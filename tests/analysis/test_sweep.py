import json

import pytest

from yieldkit.analysis import sweep as sw
from yieldkit.analysis.sweep import parse_values, sweep_route
from yieldkit.errors import SpecificationError


def test_parse_values_ranges_and_lists():
    assert parse_values("r", "0.1:0.5:3") == [0.1, 0.3, 0.5]
    assert parse_values("T", "70 degC:90 degC:3") == ["70 degC", "80 degC", "90 degC"]
    assert parse_values("q", "1e-3 L/h:2e-3 L/h:2") == ["0.001 L/h", "0.002 L/h"]
    assert parse_values("r", "1:0:2") == [1.0, 0.0]  # descending is a range too
    assert parse_values("x", "0.3,true,70 degC") == [0.3, True, "70 degC"]
    assert parse_values("x", "5") == [5]


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("0.1:0.9", r"a range is START:STOP:N .* N an integer >= 2"),
        ("70 degC:90 K:3", r"or two quantities in the same unit"),
        ("0.1:0.9:1", r"a range is START:STOP:N"),
        ("0.1:0.9:2.5", r"a range is START:STOP:N"),
        ("a:b:3", r"a range is START:STOP:N"),
        ("0:inf:3", r"a range is START:STOP:N with finite numbers"),
        ("0.1:0.2:3:4", r"a range is START:STOP:N"),
        ("0.1,,0.3", r"an empty value in the list"),
        ("  ", r"give START:STOP:N or a comma-separated list"),
    ],
)
def test_parse_values_errors(spec, match):
    with pytest.raises(SpecificationError, match=match):
        parse_values("recycle_fraction", spec)


def test_warm_sweep_agrees_with_cold_in_fewer_iterations():
    """Each point starts from the last one's tear streams: the same steady states (KPIs to
    1e-8) in fewer tear iterations."""
    vary = {"recycle_fraction": [0.3, 0.4, 0.5]}
    warm = sweep_route("ndfeb-hcl-leach", vary)
    cold = sweep_route("ndfeb-hcl-leach", vary, warm_start=False)
    assert [p.warm for p in warm.points] == [False, True, True]
    assert not any(p.warm for p in cold.points)
    for a, b in zip(warm.points, cold.points, strict=True):
        assert a.converged and b.converged and a.error is None
        assert a.kpis.recovery_total == pytest.approx(b.kpis.recovery_total, rel=1e-8)
        assert a.kpis.cost["opex_per_kg"] == pytest.approx(b.kpis.cost["opex_per_kg"], rel=1e-8)
    assert sum(p.iterations for p in warm.points[1:]) < sum(p.iterations for p in cold.points[1:])
    assert warm.labels() == ["recycle_fraction=0.3", "recycle_fraction=0.4", "recycle_fraction=0.5"]
    doc = json.loads(json.dumps(warm.to_dict(), allow_nan=False))
    assert doc["route"] == "ndfeb-hcl-leach" and doc["vary"] == vary
    assert set(doc["points"][0]) == {"values", "converged", "iterations", "evaluations",
                                     "wall_seconds", "warm", "error", "kpis"}  # fmt: skip


def test_a_point_that_cannot_operate_is_recorded_and_the_sweep_goes_on():
    """coal-refuse-uky doses a fixed 0.02 L/h of oxalic acid: 500 kg/h of solids need more
    than it precipitates. That point is recorded with the reason; the next starts from
    the last converged point."""
    s = sweep_route("coal-refuse-uky", {"solid_feed": ["22.68 kg/h", "500 kg/h", "30 kg/h"]})
    ok, bad, after = s.points
    assert ok.converged and ok.kpis is not None
    assert not bad.converged and bad.kpis is None
    assert bad.error.startswith("InfeasibleStateError") and "raise the dose" in bad.error
    assert after.converged and after.warm and after.kpis is not None


def test_a_parameter_that_changes_the_species_starts_cold():
    """dy_sx=True adds the Dy SX circuit's species: the previous point's streams have
    other components, so that point starts from zero flows instead of failing."""
    s = sweep_route("ndfeb-hcl-leach", {"dy_sx": [False, True]})
    assert [p.converged for p in s.points] == [True, True]
    assert [p.warm for p in s.points] == [False, False]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(route="ndfeb-hcl-leech", vary={"acid_ratio": [3.5]}),
         r"unknown route 'ndfeb-hcl-leech'.*Did you mean 'ndfeb-hcl-leach'"),
        (dict(route="ndfeb-hcl-leach", vary={"acid_ration": [3.5]}),
         r"unknown route parameter 'acid_ration'.*Did you mean 'acid_ratio'"),
        (dict(route="ndfeb-hcl-leach", vary={"acid_ratio": [3.5]}, fixed={"acid_ratio": 4}),
         r"\['acid_ratio'\] are both varied and fixed"),
        (dict(route="ndfeb-hcl-leach", vary={}), r"must be a dict .* at least one entry"),
        (dict(route="ndfeb-hcl-leach", vary={"acid_ratio": 3.5}),
         r"vary\['acid_ratio'\] = 3.5 must be a list of values"),
        (dict(route="ndfeb-hcl-leach", vary={"acid_ratio": []}), r"vary\['acid_ratio'\] is empty"),
        (dict(route="ndfeb-hcl-leach", vary={"acid_ratio": [3.5]}, solver="andersen"),
         r"andersen.*Did you mean 'anderson'"),
        (dict(route="ndfeb-hcl-leach", vary={"acid_ratio": [3.5]}, basis="REOO"),
         r"unknown KPI basis 'REOO'.*Did you mean 'REO'"),
        (dict(route="ndfeb-hcl-leach", vary={"acid_ratio": [3.5]}, fixed=[("x", 1)]),
         r"fixed = \[\('x', 1\)\] must be a dict of overrides"),
        (dict(route="ndfeb-hcl-leach", vary={"recycle_fraction": [0.3, 1.5]}),
         r"recycle_fraction = 1.5 is outside the accepted range \[0, 1\]"),
    ],
)  # fmt: skip
def test_sweep_errors(kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        sweep_route(**kwargs)


def test_a_rejected_value_stops_the_sweep_before_any_solve(monkeypatch):
    from yieldkit.flowsheet.flowsheet import Flowsheet

    def no_solve(*args, **kwargs):
        raise AssertionError("solved before the values were checked")

    monkeypatch.setattr(Flowsheet, "solve", no_solve)
    with pytest.raises(SpecificationError, match=r"recycle_fraction = 1.5 is outside"):
        sweep_route("ndfeb-hcl-leach", {"acid_ratio": [3.5, 4.0], "recycle_fraction": [0.3, 1.5]})


def test_too_many_points(monkeypatch):
    monkeypatch.setattr(sw, "MAX_POINTS", 5)
    with pytest.raises(SpecificationError, match=r"the sweep has 6 points \(2 x 3\), more than 5"):
        sweep_route("ndfeb-hcl-leach", {"acid_ratio": [3, 4], "recycle_fraction": [0.1, 0.2, 0.3]})
