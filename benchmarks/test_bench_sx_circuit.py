"""A solvent-extraction circuit inside its recycle loop, from bench scale to plant scale.

The use the SX solver is built for: extraction -> scrub -> strip sections (``add_sx_circuit``)
with the stripped organic recycled through a make-up mixer and a 10 % bleed, converged by
the flowsheet's tear solvers, each section re-solved warm from its last solution at every
pass. A chloride La/Pr/Nd feed (illustrative inputs, not data: 5 / 3 / 2 mmol/L Nd / Pr /
La at pH 2, 100 L/h), 0.6 mol/L D2EHPA, Yin 2015 separation factors around an estimated
Pr log K of -1.98 (the unit tests' circuit), at 6 / 3 / 3, 40 / 30 / 15 and 100 / 60 / 30
stages. Each benchmark records the tear iterations, the SX section solves, the share of
the time spent inside ``solve_cascade`` and the time against direct substitution on the
same circuit in the same process. Run with
``python -m pytest benchmarks/test_bench_sx_circuit.py --benchmark-only``.
"""

from __future__ import annotations

import time

import pytest

import yieldkit.unitops.solvent_extraction as sx_unit
from yieldkit.chemistry.components import Components
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.flowsheet.sx_circuit import add_sx_circuit
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Product

C = Components(["H2O", "H+", "Cl-", "La+3", "Pr+3", "Nd+3", "La-D2EHPA", "Pr-D2EHPA",
                "Nd-D2EHPA", "D2EHPA", "kerosene"])  # fmt: skip
MODEL = dict(
    model="cation_exchange",
    parameter_set="yin2015_separation",
    anchor="Pr+3",
    log10_kex_anchor=-1.98,  # P507 Pr (Wu 2007) with D2EHPA factors: an estimate
    metals=["La+3", "Pr+3", "Nd+3"],
)
SCALES = {"bench-6-3-3": (6, 3, 3), "pilot-40-30-15": (40, 30, 15),
          "plant-100-60-30": (100, 60, 30)}  # fmt: skip
SOLVERS = ["anderson", "wegstein", "direct"]


def _aq(flow: str, conc: dict[str, float]) -> Stream:
    return Stream.from_concentrations(C, flow, {k: f"{v} mol/L" for k, v in conc.items()},
                                      phase="aq")  # fmt: skip


def circuit(stages: tuple[int, int, int]) -> Flowsheet:
    """The circuit with ``stages`` = (extraction, scrub, strip) stages."""
    fs = Flowsheet("ndpr-sx-circuit", C)
    organic = Stream.from_concentrations(C, "10 L/h", {"D2EHPA": "0.6 mol/L"}, phase="org",
                                         solvent="kerosene")  # fmt: skip
    ports = add_sx_circuit(
        fs,
        "ndpr",
        extraction=dict(n_stages=stages[0], **MODEL),
        scrub=dict(n_stages=stages[1], **MODEL),
        strip=dict(n_stages=stages[2], **MODEL),
        make_up=organic,
        bleed=0.1,
    )
    feeds = {
        "feed": _aq(
            "100 L/h", {"Nd+3": 0.005, "Pr+3": 0.003, "La+3": 0.002, "H+": 0.01, "Cl-": 0.04}
        ),  # fmt: skip
        "scrub_liquor": _aq("20 L/h", {"H+": 0.05, "Cl-": 0.05}),
        "strip_liquor": _aq("20 L/h", {"H+": 2.0, "Cl-": 2.0}),
    }
    for port, stream in feeds.items():
        fs.add(Feed(port, stream, kind="feed" if port == "feed" else "reagent"))
        fs.connect(f"{port}.out", ports[port], port)
    for port in ("raffinate", "scrub_out", "strip_out", "bleed"):
        fs.add(Product(port))
        fs.connect(ports[port], f"{port}.in", port)
    return fs


_direct_seconds: dict[str, float] = {}


def _direct_time(scale: str) -> float:
    """Best-of-3 direct-substitution time of the circuit at ``scale`` in this process [s]."""
    if scale not in _direct_seconds:
        best = float("inf")
        for _ in range(3):
            fs = circuit(SCALES[scale])
            t0 = time.perf_counter()
            fs.solve("direct")
            best = min(best, time.perf_counter() - t0)
        _direct_seconds[scale] = best
    return _direct_seconds[scale]


@pytest.mark.parametrize("method", SOLVERS)
@pytest.mark.parametrize("scale", list(SCALES))
def test_sx_circuit(benchmark, monkeypatch, scale, method):
    benchmark.group = f"sx circuit {scale}"
    inside = {"seconds": 0.0, "solves": 0}
    solve = sx_unit.solve_cascade

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return solve(*args, **kwargs)
        finally:
            inside["seconds"] += time.perf_counter() - t0
            inside["solves"] += 1

    fs = circuit(SCALES[scale])
    fs.solve(method)  # compiles and warms caches
    monkeypatch.setattr(sx_unit, "solve_cascade", timed)
    t0 = time.perf_counter()
    result = circuit(SCALES[scale]).solve(method)
    once = time.perf_counter() - t0
    monkeypatch.undo()
    assert result.converged and result.max_balance_error() <= 1e-9
    nd = sum(result.recovery("Nd", p) for p in ("raffinate", "scrub_out", "strip_out", "bleed"))
    assert nd == pytest.approx(1.0, rel=1e-9)
    result = benchmark.pedantic(lambda: circuit(SCALES[scale]).solve(method), rounds=3,
                                iterations=1)  # fmt: skip
    benchmark.extra_info.update(
        tear_iterations=sum(x["iterations"] for x in result.solver_summary()),
        sx_solves=inside["solves"],
        share_in_solve_cascade=round(inside["seconds"] / once, 3),
        nd_to_strip=round(result.recovery("Nd", "strip_out"), 6),
        time_ratio_to_direct=benchmark.stats.stats.min / _direct_time(scale),
    )
