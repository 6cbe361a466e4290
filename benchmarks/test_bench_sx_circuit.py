"""A solvent-extraction circuit inside its recycle loop, from bench scale to plant scale.

The use the SX solver is built for: extraction -> scrub -> strip sections (``add_sx_circuit``)
with the stripped organic recycled through a make-up mixer and a 10 % bleed, converged by
the flowsheet's tear solvers, each section re-solved warm from its last solution at every
pass. The circuit of ``examples/sx_circuit.py`` (a chloride La/Pr/Nd feed, illustrative
inputs, not data: 5 / 3 / 2 mmol/L Nd / Pr / La at pH 2, 100 L/h; 0.6 mol/L D2EHPA; Yin
2015 separation factors around an estimated Pr log K of -1.98) at 6 / 3 / 3, 40 / 30 /
15 and 100 / 60 / 30 stages. Each benchmark records the tear iterations, the SX section
solves, the share of the time spent inside ``solve_cascade`` and the time against direct
substitution on the same circuit in the same process. Run with
``python -m pytest benchmarks/test_bench_sx_circuit.py --benchmark-only``.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

import yieldkit.unitops.solvent_extraction as sx_unit

_SPEC = importlib.util.spec_from_file_location(
    "_yk_example_sx_circuit", Path(__file__).parents[1] / "examples" / "sx_circuit.py"
)
_EXAMPLE = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_EXAMPLE)
circuit = _EXAMPLE.build  # the example's circuit, at any stage numbers

SCALES = {"bench-6-3-3": (6, 3, 3), "pilot-40-30-15": (40, 30, 15),
          "plant-100-60-30": (100, 60, 30)}  # fmt: skip
SOLVERS = ["anderson", "wegstein", "direct"]


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
    )
    if benchmark.stats is not None:  # (None with --benchmark-disable: the checks above ran)
        benchmark.extra_info["time_ratio_to_direct"] = benchmark.stats.stats.min / _direct_time(
            scale
        )


@pytest.mark.parametrize("scale", list(SCALES))
def test_sx_circuit_saponified(benchmark, scale):
    """The same circuit with its organic 30 % saponified by NaOH before extraction
    (``add_sx_circuit(..., saponification=...)``: a saponifier and a settler in the organic
    loop, Na+ as a fourth exchanging cation in every section), Anderson."""
    benchmark.group = f"sx circuit {scale} saponified"
    circuit(SCALES[scale], saponified=0.3).solve()  # compiles and warms caches
    result = benchmark.pedantic(lambda: circuit(SCALES[scale], saponified=0.3).solve(),
                                rounds=3, iterations=1)  # fmt: skip
    assert result.converged and result.max_balance_error() <= 1e-8
    benchmark.extra_info.update(
        tear_iterations=sum(x["iterations"] for x in result.solver_summary()),
        nd_to_strip=round(result.recovery("Nd", "strip_out"), 6),
        extraction_ph=round(float(result.outcomes["ndpr_extraction"].info["pH"].min()), 2),
    )
