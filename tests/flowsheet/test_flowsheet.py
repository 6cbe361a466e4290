import numpy as np
import pytest

import process_library
from yieldkit.analysis.bench_cases import slow_purge_loop
from yieldkit.chemistry.components import Components
from yieldkit.errors import ConnectionError, ConvergenceError, SpecificationError
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.flowsheet.solvers import SOLVERS
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product

C = Components(["H2O", "Nd2O3", "H+", "Cl-", "Nd+3"])


def purge_loop(purge=0.01) -> Flowsheet:
    return slow_purge_loop(purge)


def test_wiring_errors():
    fs = Flowsheet("f", C)
    fs.add(Mixer("mix"), Product("out"))
    with pytest.raises(ConnectionError, match=r"unknown unit 'mixx'.*Did you mean 'mix'"):
        fs.connect("mixx.out", "out.in")
    with pytest.raises(ConnectionError, match=r"unknown inlet port 'inn'.*Did you mean 'in'"):
        fs.connect("mix.out", "out.inn")
    fs.connect("mix.out", "out.in")
    with pytest.raises(ConnectionError, match=r"outlet mix.out is connected already"):
        fs.connect("mix.out", "out.in")
    with pytest.raises(
        ConnectionError, match=r"inlet mix.in1 is not connected; inlet mix.in2 is not connected"
    ):
        fs.solve()
    with pytest.raises(ConnectionError, match=r"a unit named 'mix' exists already"):
        fs.add(Mixer("mix"))
    fs.add(Feed("feed", Stream(C, {"H2O": "1 mol/s"})))
    with pytest.raises(ConnectionError, match=r"has inlets \['in1', 'in2'\]; write 'mix.<port>'"):
        fs.connect("feed", "mix")


def test_tear_selection_and_override():
    fs = process_library.build("mountain-pass-flotation")
    plan = fs.plan()
    tears = [t for _, t in plan if t]
    assert tears == [["cleaner 1 feed", "cleaner 2 conc"]]  # two tears break all three loops
    res = fs.solve(tears=["rougher feed", "cleaner 2 feed"])
    assert res.converged and res.stats[0].tears == ["rougher feed", "cleaner 2 feed"]
    with pytest.raises(SpecificationError, match=r"do not break every cycle"):
        fs.solve(tears=["rougher conc"])
    with pytest.raises(
        SpecificationError, match=r"unknown tear stream 'rougher conk'.*Did you mean"
    ):
        fs.solve(tears=["rougher conk"])


def test_tear_choice_is_remembered_per_graph():
    """The exact tear search runs once per loop graph (a rebuilt route reuses it) and its
    result is the search's own: the same for equal graphs, another for another graph, and
    the greedy branch (beyond EXACT_LIMIT subsets) still answers."""
    import networkx as nx

    from yieldkit.flowsheet import tearing

    def ring(n, chords=()):
        g = nx.MultiDiGraph()
        for i in range(n):
            g.add_edge(f"u{i}", f"u{(i + 1) % n}", key=f"s{i}")
        for a, b in chords:
            g.add_edge(f"u{a}", f"u{b}", key=f"c{a}{b}")
        return g

    tearing._choose_tears.cache_clear()
    first = tearing.choose_tears(ring(4, [(2, 0)]))
    again = tearing.choose_tears(ring(4, [(2, 0)]))
    assert first == again == list(tearing._choose_tears.__wrapped__(
        tuple(ring(4, [(2, 0)]).nodes), tuple(ring(4, [(2, 0)]).edges(keys=True))))  # fmt: skip
    assert tearing._choose_tears.cache_info().hits == 1
    assert tearing.choose_tears(ring(4)) == ["s0"]  # another graph, another answer
    big = ring(30, [(i, (i + 7) % 30) for i in range(0, 30, 2)])  # beyond the exact search
    tears = tearing.choose_tears(big)
    g = nx.MultiDiGraph(big)
    g.remove_edges_from([(u, v, k) for u, v, k in big.edges(keys=True) if k in tears])
    assert nx.is_directed_acyclic_graph(nx.DiGraph(g))


@pytest.mark.parametrize("method", sorted(SOLVERS))
def test_flotation_converges_with_every_solver(method):
    res = process_library.build("mountain-pass-flotation").solve(method)
    assert res.converged
    assert res.max_balance_error() <= 1e-9
    # all five classes leave in the concentrate or the tailings
    total = res.recovery("REO", "concentrate") + res.recovery("REO", "tailings")
    assert total == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize("method", sorted(SOLVERS))
def test_slow_purge_loop_every_solver(method):
    res = purge_loop().solve(method)
    assert res.converged and res.max_balance_error() <= 1e-9
    # steady state: Nd2O3 purged = recycle loop leaves (1-0.3)*0.01 of the reactor feed per pass
    n_feed = res.streams["reactor feed"].flow("Nd2O3")
    assert res.streams["purge"].flow("Nd2O3") == pytest.approx(0.7 * 0.01 * n_feed, rel=1e-9)
    assert res.recovery("Nd", "purge") + res.recovery("Nd", "product") == pytest.approx(
        1.0, rel=1e-9
    )


def test_non_converging_loop_names_loop_and_history():
    with pytest.raises(
        ConvergenceError, match=r"loop \{.*\} torn at \['reactor feed'\].*did not converge"
    ) as exc:
        purge_loop().solve("direct", max_iter=5)
    assert len(exc.value.residual_history) >= 5
    assert exc.value.best_iterate is not None
    res = purge_loop().solve("direct", max_iter=5, on_failure="return")
    assert not res.converged


def test_unknown_solver_name():
    with pytest.raises(SpecificationError, match=r"unknown .*'wegstien'.*Did you mean 'wegstein'"):
        purge_loop().solve("wegstien")


def test_set_parameter_and_result_api():
    fs = process_library.build()
    fs.set_parameter("barren_split.fractions", {"recycle": 0.2, "purge": 0.8})
    res = fs.solve()
    assert res.converged and res.max_balance_error() <= 1e-9
    with pytest.raises(
        SpecificationError, match=r"unknown parameter 'fractoins'.*Did you mean 'fractions'"
    ):
        fs.set_parameter("barren_split.fractoins", {})
    table = res.stream_table("kg/h")
    assert table.attrs["unit"] == "kg/h" and "mixed REO" in table.columns
    # the product is the RE oxides plus the Fe2O3 of the co-precipitated iron oxalate
    reo = sum(res.grade("mixed_reo", sp) for sp in ("Nd2O3", "Pr6O11", "Dy2O3"))
    assert reo + res.grade("mixed_reo", "Fe2O3") == pytest.approx(1.0, rel=1e-12)
    assert 0.95 < reo < 1.0
    leached = res.outcomes["leach"].info["conversion"]["Nd2O3"]
    assert 0.5 < res.recovery("Nd", "mixed_reo") < leached  # cannot beat the leach yield
    assert np.isclose(res.recovery("Nd", "mixed_reo"), res.recovery("Dy", "mixed_reo"))


def test_default_route_more_recycle_recovers_more():
    lo = process_library.build(recycle_fraction=0.2).solve()
    hi = process_library.build(recycle_fraction=0.8).solve()
    assert hi.recovery("Nd", "mixed_reo") > lo.recovery("Nd", "mixed_reo")


def test_unknown_route_and_route_parameter():
    with pytest.raises(
        SpecificationError, match=r"unknown route 'ndfeb-hcl'.*Did you mean 'ndfeb-hcl-leach'"
    ):
        process_library.build("ndfeb-hcl")
    with pytest.raises(
        SpecificationError,
        match=r"unknown route parameter 'acid_ration'.*Did you mean 'acid_ratio'",
    ):
        process_library.build("ndfeb-hcl-leach", acid_ration=3)


def test_tear_floor_measures_h_and_oh_against_the_charge_throughput():
    from yieldkit.flowsheet.flowsheet import _tear_floor

    c = Components(["H2O", "H+", "OH-", "Na+", "Cl-", "Fe+3"])
    floor = _tear_floor(c, 2)
    # two tears of [moles..., T]: a near-neutral brine and an acid liquor
    x = np.array([50.0, 1e-7, 1e-7, 0.35, 0.35, 0.0, 330.0,
                  10.0, 2.0, 0.0, 0.0, 2.3, 0.1, 298.0])  # fmt: skip
    f = floor(x)
    # flows: 1e-9 of the largest flow of any tear; temperatures: 1e-9 of the largest one
    np.testing.assert_allclose(f[[0, 3, 4, 5, 7, 10, 11, 12]], 1e-9 * 50.0 + 1e-30)
    np.testing.assert_allclose(f[[6, 13]], 1e-9 * 330.0 + 1e-30)
    np.testing.assert_allclose(f[[1, 2]], 0.35 + 0.35 + 2e-7)  # sum |z| n of the brine
    np.testing.assert_allclose(f[[8, 9]], 2.0 + 2.3 + 0.3)


def test_tear_floor_of_the_flows_does_not_depend_on_the_temperature():
    """A tear holds flows [mol/s] and a temperature [K]: a floor of 1e-9 of the largest
    entry was set by the ~300 K wherever the flows were below 300 mol/s, so a bench-scale
    loop converged its flows ~1e3-1e4x more loosely than the same loop at plant scale,
    and the solvers behaved differently at each scale (newton-krylov and broyden failed on
    ndfeb-hcl-leach with dy_sx=True from 1 t/h of magnets, converged at 0.1 t/h)."""
    from yieldkit.flowsheet.flowsheet import _tear_floor

    floor = _tear_floor(Components(["H2O", "Nd2O3"]), 1)
    for k in (1e-3, 1.0, 1e6):
        f = floor(np.array([2.0 * k, 0.5 * k, 298.15]))
        np.testing.assert_allclose(f[:2], 1e-9 * 2.0 * k + 1e-30)
        np.testing.assert_allclose(f[2], 1e-9 * 298.15 + 1e-30)


def test_arguments_of_the_wrong_kind_name_the_value():
    """Names given as lists or numbers (TypeError or AttributeError before 2026-12-06)."""
    fs = purge_loop()
    res = fs.solve()
    with pytest.raises(ConnectionError, match=r"unknown unit \['mix'\].*a name is a string"):
        fs.unit(["mix"])
    with pytest.raises(ConnectionError, match=r"port reference 5 must be a string 'unit\.port'"):
        Flowsheet("f", C).connect(5, "out.in")
    with pytest.raises(SpecificationError, match=r"parameter path None must be a string"):
        fs.set_parameter(None, 1.0)
    with pytest.raises(SpecificationError, match=r"tears = 5 must be a list of stream names"):
        fs.plan(5)
    with pytest.raises(SpecificationError, match=r"unknown stream or product \['out'\]"):
        res.stream(["out"])
    with pytest.raises(SpecificationError, match=r"elements = 'Nd' must be a list of element"):
        res.recoveries("product", "Nd")
    with pytest.raises(SpecificationError, match=r"unknown species or element \['Nd'\]"):
        res.grade("product", ["Nd"])
    with pytest.raises(SpecificationError, match=r"nonzero = 'yes' must be True or False"):
        res.stream_table("kg/h", "yes")
    with pytest.raises(SpecificationError, match=r"unknown route \['ndfeb-hcl-leach'\]"):
        process_library.build(["ndfeb-hcl-leach"])
    with pytest.raises(SpecificationError, match=r"Flowsheet name = 5 must be a non-empty string"):
        Flowsheet(5, C)
    with pytest.raises(SpecificationError, match=r"unknown tear solver 'anderso'.*'anderson'"):
        Flowsheet("f", C, default_solver="anderso")  # (was only found at solve())


def test_initial_tear_streams_are_checked():
    """A wrong ``initial`` raised AttributeError, or was ignored: a silent cold start."""
    res = purge_loop().solve()
    with pytest.raises(SpecificationError, match=r"initial = \[\] must be a dict of streams"):
        purge_loop().solve(initial=[])
    with pytest.raises(SpecificationError, match=r"initial\['x'\] = 1\.0 is not a Stream"):
        purge_loop().solve(initial={"x": 1.0})
    other = Stream(Components(["H2O", "H+", "Cl-"]), {"H2O": "1 kg/h"})
    with pytest.raises(SpecificationError, match=r"initial\['x'\] has another Components set"):
        purge_loop().solve(initial={"x": other})
    some = next(iter(res.streams.values()))
    with pytest.raises(SpecificationError, match=r"initial names none of the tear streams"):
        purge_loop().solve(initial={"not a tear": some})
    warm = purge_loop().solve(initial=res.streams)  # a previous result's streams
    assert warm.converged and warm.solver_summary()[0]["iterations"] <= 2
