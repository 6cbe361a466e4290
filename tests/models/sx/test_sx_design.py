"""SX parameter sets, sections, design tools, reference case and example."""

from __future__ import annotations

import runpy
import warnings
from pathlib import Path

import numpy as np
import pytest

from yieldkit import citations
from yieldkit.errors import SpecificationError
from yieldkit.models.sx import constant_d, solve_cascade
from yieldkit.models.sx.design import (
    mccabe_thiele_plot,
    oa_ratio_for_recovery,
    purity,
    recovery,
    stages_for_purity,
    stages_for_recovery,
)
from yieldkit.models.sx.parameters import (
    from_separation_factors,
    p507_pr,
    parameter_sets,
    uky_d2ehpa,
    with_saponification,
)
from yieldkit.models.sx.reference import gauss_seidel_cascade
from yieldkit.models.sx.sections import Section, solve_sections

EXAMPLE = Path(__file__).parents[3] / "examples" / "sx_reference_case.py"


def test_every_parameter_set_loads_and_cites_known_sources():
    builders = {
        "uky_d2ehpa": lambda: uky_d2ehpa(5.0),
        "p507_pr": p507_pr,
        "yin2015_separation": lambda: from_separation_factors("Pr+3", -1.98),
        "saponification_na": lambda: with_saponification(p507_pr()),
    }
    assert set(builders) == set(parameter_sets())
    for name, build in builders.items():
        model = build()
        for key in parameter_sets()[name]["citations"]:
            assert citations.check(key) == key
            assert key in citations.used()
        assert model.n_metals >= 1


def test_uky_correlation_value():
    # log10 D = (m0 + m1*dosage)*pH + B0 + B1*log10(dosage): Nd at pH 2, 5 vol %
    model = uky_d2ehpa(5.0, metals=["Nd+3", "Sc+3"])
    h = 10 ** (3 - 2.0)
    d = model.distribution(np.array(h), np.array(100.0))
    expected = (0.31183 + 0.03763 * 5) * 2 + -1.62372 + -0.38096 * np.log10(5)
    np.testing.assert_allclose(np.log10(d[0]), expected, rtol=1e-12)
    np.testing.assert_allclose(d[1], 632.4976, rtol=1e-12)  # constant D for Sc


def test_separation_factors_are_ratios_of_d():
    model = from_separation_factors("Pr+3", -1.98, metals=["La+3", "Ce+3", "Pr+3", "Nd+3"])
    d = model.distribution(np.array(10.0), np.array(200.0))
    np.testing.assert_allclose(d[1:] / d[:-1], [3.24, 2.04, 1.58], rtol=1e-12)


def test_unknown_names_get_suggestions():
    with pytest.raises(SpecificationError, match=r"unknown metal 'Nd3'.*Did you mean 'Nd\+3'"):
        uky_d2ehpa(5.0, metals=["Nd3"])
    with pytest.raises(SpecificationError, match=r"dosage = 0.0 vol %, accepted range \(0, 100\]"):
        uky_d2ehpa(0.0)
    with pytest.raises(SpecificationError, match=r"dosage = 1e\+30 vol %, accepted range"):
        uky_d2ehpa(1e30)


def _case():
    model = from_separation_factors("Pr+3", -1.98)  # La, Ce, Pr, Nd
    aq = np.array([2.0, 4.0, 1.0, 3.0, 20.0])
    org = np.array([0.0, 0.0, 0.0, 0.0, 600.0])
    return model, aq, org


def test_stages_for_recovery_is_minimal():
    model, aq, org = _case()
    n, sol = stages_for_recovery(aq, org, 1.0, 1.5, model, "Nd+3", 0.9)
    assert recovery(sol, aq, org, 3) >= 0.9
    before = solve_cascade(aq, org, 1.0, 1.5, model, n - 1) if n > 1 else None
    if before is not None:
        assert recovery(before, aq, org, 3) < 0.9


def test_stages_for_recovery_unreachable():
    model, aq, org = _case()
    with pytest.raises(SpecificationError, match=r"reaches only .*max_stages = 4"):
        stages_for_recovery(aq, org, 1.0, 0.01, model, "La+3", 0.999, max_stages=4)


def test_stages_for_purity():
    model, aq, org = _case()
    n, sol = stages_for_purity(aq, org, 1.0, 0.3, model, "Nd+3", 0.35)
    assert sol.y[0, 3] / sol.y[0].sum() >= 0.35
    with pytest.raises(SpecificationError, match=r"target 0.99 is not reachable"):
        stages_for_purity(aq, org, 1.0, 0.3, model, "Nd+3", 0.99, max_stages=3)


def test_oa_ratio_search_hits_target():
    model, aq, org = _case()
    ratio, sol = oa_ratio_for_recovery(aq, org, 1.0, model, 4, "Nd+3", 0.8)
    np.testing.assert_allclose(recovery(sol, aq, org, 3), 0.8, rtol=1e-8)
    assert 1e-3 < ratio < 1e3


def test_oa_ratio_search_stops_at_the_edge_of_the_operable_range():
    """A constant D ignores loading: below O/A ~1 the organic would be loaded beyond its
    capacity, and the search's default low end (1e-3) used to stop it with that
    InfeasibleStateError; it now bisects to the lowest O/A that operates and searches
    above it. A target reached only below that edge is an error naming the range and why."""
    model = constant_d(["A+3"], [2.0], [3.0])  # 6 HA per ion: 10 mol/m3 bind all 60
    aq, org = np.array([10.0, 200.0]), np.array([0.0, 60.0])
    ratio, sol = oa_ratio_for_recovery(aq, org, 1.0, model, 4, "A+3", 0.99)
    np.testing.assert_allclose(recovery(sol, aq, org, 0), 0.99, rtol=1e-8)
    assert sol.loading.max() < 1.0 and 1.0 < ratio < 2.0
    with pytest.raises(
        SpecificationError,
        match=r"spans 0.96\d+\.\.1 for the O/A the cascade can operate at, 0.96\d+\.\.1000 of "
        r"\(0.001, 1000.0\); target 0.5 is outside, and beyond that range: the organic would be "
        r"loaded beyond its extractant capacity at stage 1",
    ):
        oa_ratio_for_recovery(aq, org, 1.0, model, 4, "A+3", 0.5)


def test_stage_searches_stop_where_more_stages_overload_the_organic():
    """With a D that ignores loading, more stages extract more and load the organic more:
    at O/A 0.9 this cascade operates with up to 6 stages (recovery 0.888) and is loaded
    beyond its capacity from 7. The stage search doubled past 6 and stopped with that
    InfeasibleStateError; it now takes the counts that overload as an upper bound."""
    model = constant_d(["A+3", "B+3"], [1.2, 1e-3], [3.0, 3.0])
    aq, org = np.array([10.0, 0.5, 200.0]), np.array([0.0, 0.0, 60.0])
    n, sol = stages_for_recovery(aq, org, 1.0, 0.9, model, "A+3", 0.85)
    assert n == 5 and recovery(sol, aq, org, 0) >= 0.85
    assert recovery(solve_cascade(aq, org, 1.0, 0.9, model, 4), aq, org, 0) < 0.85
    with pytest.raises(SpecificationError, match=r"reaches only 0.8879\d+ with 6 stages; with 7 "
                       r"the cascade cannot operate: the organic would be loaded beyond"):  # fmt: skip
        stages_for_recovery(aq, org, 1.0, 0.9, model, "A+3", 0.89)
    with pytest.raises(SpecificationError, match=r"purity of A\+3 in the loaded organic reaches "
                       r"at most 0.9999\d+ with 1..6 stages; with 7 the cascade cannot operate"):  # fmt: skip
        stages_for_purity(aq, org, 1.0, 0.9, model, "A+3", 0.999999999)


def test_oa_ratio_search_between_two_edges():
    """Metal A (D 3) in the aqueous overloads the organic below O/A ~1; metal B (D 0.05)
    on the organic feed is stripped into the aqueous, and above O/A ~2 it needs more acid
    than the aqueous brings: the search runs between both edges (found from the middle of
    the bounds), and a target outside them names both reasons."""
    model = constant_d(["A+3", "B+3"], [3.0, 0.05], [3.0, 3.0])
    aq, org = np.array([10.0, 0.0, 1.0]), np.array([0.0, 5.0, 60.0])
    ratio, sol = oa_ratio_for_recovery(aq, org, 1.0, model, 4, "A+3", 0.995)
    np.testing.assert_allclose(recovery(sol, aq, org, 0), 0.995, rtol=1e-8)
    assert 0.99 < ratio < 2.1
    with pytest.raises(SpecificationError, match=r"at low O/A, the organic would be loaded "
                       r"beyond .* At high O/A, not enough acid"):  # fmt: skip
        oa_ratio_for_recovery(aq, org, 1.0, model, 4, "A+3", 0.9)
    with pytest.raises(SpecificationError, match=r"cannot operate at O/A 3.0, 5.47\d+ or 10.0: "
                       r"at 3.0, not enough acid.* At 10.0, not enough acid"):  # fmt: skip
        oa_ratio_for_recovery(aq, org, 1.0, model, 4, "A+3", 0.995, (3.0, 10.0))


def test_recovery_and_purity_take_a_name_or_an_index():
    model, aq, org = _case()
    sol = solve_cascade(aq, org, 1.0, 1.5, model, 4)
    assert recovery(sol, aq, org, "Nd+3") == recovery(sol, aq, org, 3)
    assert purity(sol, "Nd+3") == purity(sol, np.int64(3)) == sol.y[0, 3] / sol.y[0].sum()
    with pytest.raises(SpecificationError, match=r"unknown metal 'Nd3'.*Did you mean 'Nd\+3'"):
        recovery(sol, aq, org, "Nd3")
    for bad in (4, -1, True, 2.0):
        with pytest.raises(SpecificationError, match=rf"metal = {bad!r}: give a name of .* 0..3"):
            purity(sol, bad)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m, aq, org: stages_for_recovery(aq, org, 1.0, 1.5, m, "Nd+3", 0.9, max_stages=0),
         r"max_stages = 0 must be an integer >= 1"),
        (lambda m, aq, org: stages_for_purity(aq, org, 1.0, 0.3, m, "Nd+3", 0.3, max_stages=2.5),
         r"max_stages = 2.5 must be an integer >= 1"),
        (lambda m, aq, org: stages_for_recovery(aq, org, 1.0, 1.5, m, "Nd+3", "0.9"),
         r"recovery target = '0.9' must be a number between 0 and 1"),
        (lambda m, aq, org: stages_for_purity(aq, org, 1.0, 0.3, m, "Nd+3", 1.0),
         r"purity target = 1.0, accepted strictly between 0 and 1"),
        (lambda m, aq, org: oa_ratio_for_recovery(aq, org, 1.0, m, 4, "Nd+3", 0.8, (0.0, 10.0)),
         r"bounds = \(0.0, 10.0\) must be two O/A ratios \(lo, hi\) with 0 < lo < hi"),
        (lambda m, aq, org: oa_ratio_for_recovery(aq, org, 1.0, m, 4, "Nd+3", 0.8, (10.0, 1.0)),
         r"bounds = \(10.0, 1.0\) must be two O/A ratios"),
        (lambda m, aq, org: oa_ratio_for_recovery(aq, org, 1.0, m, 4, "Nd+3", 0.8, 5.0),
         r"bounds = 5.0 must be two O/A ratios"),
        (lambda m, aq, org: oa_ratio_for_recovery(aq, org, 1.0, m, 4, "Nd3", 0.8),
         r"unknown metal 'Nd3'.*Did you mean 'Nd\+3'"),
    ],
)  # fmt: skip
def test_design_tools_bad_input_messages(call, match):
    model, aq, org = _case()
    with pytest.raises(SpecificationError, match=match):
        call(model, aq, org)


def test_mccabe_thiele_png_written(tmp_path):
    model, aq, org = _case()
    sol = solve_cascade(aq, org, 1.0, 1.0, model, 5)
    path = mccabe_thiele_plot(sol, "Nd+3", tmp_path / "mt.png")
    assert path.exists() and path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(SpecificationError, match=r"metal = 3: give a name of \['La\+3'"):
        mccabe_thiele_plot(sol, 3, tmp_path / "bad.png")
    with pytest.raises(SpecificationError, match=r"unknown metal 'nd\+3'.*Did you mean 'Nd\+3'"):
        mccabe_thiele_plot(sol, "nd+3", tmp_path / "bad.png")


def test_mccabe_thiele_of_murphree_stages_does_not_call_them_equilibria(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    labels = []
    save = Figure.savefig

    def record(fig, *args, **kwargs):
        labels.extend(t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts())
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", record)
    model, aq, org = _case()
    sol = solve_cascade(aq, org, 1.0, 1.0, model, 5, stage_efficiency=0.8)
    mccabe_thiele_plot(sol, "Nd+3", tmp_path / "mt.png")
    assert "stage outlets (x_k, y_k), Murphree E = 0.8" in labels
    assert not any("equilibria" in t for t in labels)


def test_extraction_scrub_strip_carry_the_organic():
    model, aq, org = _case()
    scrub = np.array([0.0, 0.0, 0.0, 0.0, 100.0])
    strip = np.array([0.0, 0.0, 0.0, 0.0, 3000.0])
    out = solve_sections(
        org,
        1.0,
        model,
        [
            Section("extraction", 6, aq, 1.0),
            Section("scrub", 3, scrub, 0.2),
            Section("strip", 4, strip, 0.3),
        ],
    )
    assert list(out) == ["extraction", "scrub", "strip"]
    np.testing.assert_allclose(
        out["scrub"].y[-1] * 0 + out["extraction"].loaded_organic[:4], out["extraction"].y[0]
    )
    # every metal entering leaves in one of the three aqueous outlets or the final organic
    total_out = (
        out["extraction"].x[-1] * 1.0
        + out["scrub"].x[-1] * 0.2
        + out["strip"].x[-1] * 0.3
        + out["strip"].y[0] * 1.0
    )
    np.testing.assert_allclose(total_out, aq[:4] * 1.0, rtol=1e-10)
    assert out["strip"].y[0].sum() < 0.05 * out["extraction"].y[0].sum()  # stripped


def test_sections_name_the_section_in_errors():
    model, aq, org = _case()
    scrub = np.array([0.0, 0.0, 0.0, 0.0, 100.0])
    ok = [Section("extraction", 6, aq, 1.0), Section("scrub", 3, scrub, 0.2)]
    with pytest.raises(SpecificationError, match=r"section 'scrub': n_stages = 0 must be"):
        solve_sections(org, 1.0, model, [ok[0], Section("scrub", 0, scrub, 0.2)])
    with pytest.raises(SpecificationError, match=r"sections\[1\] = 'scrub' is not a Section"):
        solve_sections(org, 1.0, model, [ok[0], "scrub"])
    first = solve_sections(org, 1.0, model, ok)
    with pytest.raises(SpecificationError, match=r"unknown section 'scurb'.*Did you mean 'scrub'"):
        solve_sections(org, 1.0, model, ok, x0={"scurb": first["scrub"]})
    warm = solve_sections(org, 1.0, model, ok, x0=first)
    assert warm["scrub"].jacobians == 0  # the warm starts were used (chord steps only)


def test_reference_case_against_gauss_seidel():
    """DOMAIN.md section 3 reference case (inputs UKy / PrOMMiS); outputs checked against the
    independent Gauss-Seidel reference and balances (no published outlets to compare)."""
    ns = runpy.run_path(str(EXAMPLE))
    case = ns["reference_case"]()
    sol, model = case["solution"], case["model"]
    ref = gauss_seidel_cascade(
        case["aq_feed"], case["org_feed"], case["flow"], case["flow"], model, 3
    )
    np.testing.assert_allclose(sol.x, ref.x, rtol=1e-8, atol=1e-20)
    np.testing.assert_allclose(sol.h, ref.h, rtol=1e-8)
    i = {m: k for k, m in enumerate(model.metals)}
    q = case["flow"]
    rec = sol.y[0] * q / (q * (case["aq_feed"][:-1] + case["org_feed"][:-1]))
    assert rec[i["Sc+3"]] > 0.99 and rec[i["Dy+3"]] > 0.99  # strongly extracted
    assert rec[i["Al+3"]] < 0.1 and rec[i["Ca+2"]] < 0.1  # mostly stay in the raffinate
    assert np.all(np.diff(sol.ph) < 0)  # protons released lower the pH stage by stage
    assert sol.balance_error < 1e-10


def test_example_runs_with_warnings_as_errors(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert "Reference SX case" in out and "Fe+3" in out
