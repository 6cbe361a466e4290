"""bench_routes records a method that fails on a route (any yieldkit error) and goes on."""

from __future__ import annotations

from yieldkit.analysis.bench import bench_routes
from yieldkit.errors import SpecificationError
from yieldkit.flowsheet.flowsheet import Flowsheet


def test_a_unit_error_on_a_trial_iterate_is_a_failed_row(monkeypatch):
    real = Flowsheet.solve

    def solve(self, solver=None, **kw):
        if solver == "wegstein":
            raise SpecificationError("the organic would be loaded beyond its capacity")
        return real(self, solver, **kw)

    monkeypatch.setattr(Flowsheet, "solve", solve)
    rows = bench_routes(["mountain-pass-flotation"], ["direct", "wegstein"], repeat=1)
    by = {r["method"]: r for r in rows}
    assert by["direct"]["converged"] and by["direct"]["speedup_vs_direct"] == 1.0
    failed = by["wegstein"]
    assert failed["converged"] is False and failed["speedup_vs_direct"] is None
    assert failed["error"] == "SpecificationError: the organic would be loaded beyond its capacity"
