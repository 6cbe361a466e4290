"""Benchmarks: leach CSTR train (1, 2, 10 tanks) and acid-base speciation (1, 10 000 liquors).

Run: pytest benchmarks/test_bench_hydromet.py --benchmark-only
The coal-refuse reference case (12 oxides, PrOMMiS kinetics, sulfate liquor) with the total
100 US gal split over the tanks; speciation on random liquors (sulfate, oxalate, ammonia
totals 1e-8..10 mol/L, strong charge +-5 eq/L). extra_info holds per-item ratios.
"""

import numpy as np
import pytest

from yieldkit.models import leaching, speciation
from yieldkit.models.leach_kinetics import load_kinetics
from yieldkit.models.leaching import leach_cstr_train
from yieldkit.models.speciation import SULFATE, speciate

NAMES = ["Al2O3", "Fe2O3", "CaO", "Sc2O3", "Y2O3", "La2O3", "Ce2O3", "Pr2O3", "Nd2O3",
         "Sm2O3", "Gd2O3", "Dy2O3"]  # fmt: skip
W = np.array([0.237, 0.0642, 3.31e-3, 2.77966e-05, 3.28653e-05, 6.77769e-05, 0.000156161,
              1.71438e-05, 6.76618e-05, 1.47926e-05, 1.0405e-05, 7.54827e-06])  # fmt: skip
MW = np.array([101.96, 159.69, 56.08, 137.91, 225.81, 325.81, 328.23, 329.81, 336.48,
               348.72, 362.50, 373.00]) * 1e-3  # fmt: skip
GAL = 3.785411784e-3


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
@pytest.mark.parametrize("n_tanks", [1, 2, 10])
def test_bench_leach_train(benchmark, n_tanks, backend, monkeypatch):
    """backend 'numpy' runs the remaining-fraction roots and the speciation in NumPy (the
    references, baseline of the ratio); 'compiled' in the numba kernels (the default)."""
    if backend == "numpy":
        no_kernels(monkeypatch)
    benchmark.group = f"leach train {n_tanks} tank(s)"
    solid = 22.68 / 3600.0
    kin = load_kinetics("coal_refuse_h2so4", NAMES)
    args = (W * solid / MW, MW, 0.6952 * solid, 224.3e-3 / 3600.0, [0.05], 0.0, kin)
    vols = [100 * GAL / n_tanks] * n_tanks
    kw = dict(volumes=vols, solid_density=2400.0, systems=[SULFATE])
    leach_cstr_train(*args, **kw)  # compile / load the kernel cache
    r = benchmark(leach_cstr_train, *args, **kw)
    benchmark.extra_info["tanks"] = n_tanks
    benchmark.extra_info["nd_recovery"] = float(r.recovery[NAMES.index("Nd2O3")])


def no_kernels(monkeypatch) -> None:
    """The NumPy reference paths: the leach and speciation kernels unavailable."""
    monkeypatch.setattr(leaching, "_kernel", lambda: None)
    monkeypatch.setattr(speciation, "compiled", lambda name: None)


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
@pytest.mark.parametrize("n_liquors", [1, 10_000])
def test_bench_speciate(benchmark, n_liquors, backend, monkeypatch):
    if backend == "numpy":
        no_kernels(monkeypatch)
    benchmark.group = f"speciate {n_liquors} liquor(s)"
    rng = np.random.default_rng(0)
    c = 10 ** rng.uniform(-8, 1, (n_liquors, 3))
    q = rng.uniform(-5, 5, n_liquors) * 10 ** rng.uniform(-10, 0, n_liquors)
    r = benchmark(speciate, c, q)
    benchmark.extra_info["liquors"] = n_liquors
    if benchmark.stats is not None:  # (None with --benchmark-disable)
        benchmark.extra_info["us_per_liquor"] = benchmark.stats.stats.median * 1e6 / n_liquors
    assert np.all(np.isfinite(r.pH))


def test_bench_route_leach_unit(benchmark):
    """One run of the kinetic Leach unit of the default NdFeB route at its solved inlets."""
    import process_library

    fs = process_library.build()
    res = fs.solve()
    unit = fs.unit("leach")
    inlets = {c.sink_port: res.streams[k] for k, c in fs.connections.items() if c.sink == "leach"}
    out = benchmark(unit.run, inlets)
    benchmark.extra_info["tanks"] = unit.tanks
    benchmark.extra_info["nd_conversion"] = out.info["conversion"]["Nd2O3"]
    benchmark.extra_info["route_unit_evaluations"] = res.solver_summary()[0]["evaluations"]
