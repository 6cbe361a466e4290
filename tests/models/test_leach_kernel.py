"""The compiled tank-increment kernel gives the NumPy reference's roots."""

from __future__ import annotations

import numpy as np
import pytest

from yieldkit.errors import ConvergenceError
from yieldkit.models import leaching
from yieldkit.models._leach_kernel import reacted


def _case(rng, n, reversible):
    y_in = rng.uniform(0.05, 1.0, n)
    kc = 10.0 ** rng.uniform(-2, 4, n)
    kd = np.where(rng.random(n) < 0.5, np.inf, 10.0 ** rng.uniform(-2, 3, n))
    order = rng.uniform(0.0, 1.5, n)
    f0 = 10.0 ** rng.uniform(-4, -1, n)
    sat = None
    d_lo = np.zeros(n)
    if reversible:
        rev = rng.random(n) < 0.5
        kd = np.where(rev, np.inf, kd)  # reversible solids are under chemical control
        dc = 10.0 ** rng.uniform(-3, -1, n)
        ion_in = dc * rng.uniform(0.0, 0.5, n)
        nu = np.where(rev, 2.0, 0.0)
        ln_kh = rng.uniform(-20.0, 5.0, n)
        d_lo = np.where(rev, -ion_in / dc, 0.0)
        sat = (rev, ion_in, dc, nu, ln_kh)
    return y_in, d_lo, y_in.copy(), f0, kc, kd, order, sat


@pytest.mark.parametrize("reversible", [False, True])
@pytest.mark.parametrize("seed", range(8))
def test_kernel_matches_numpy(seed, reversible):
    rng = np.random.default_rng(seed)
    y_in, d_lo, d_hi, f0, kc, kd, order, sat = _case(rng, 6, reversible)
    h, w = 10.0 ** rng.uniform(-3, 0.5), 10.0 ** rng.uniform(-2, 2)
    shift = rng.uniform(0.0, 0.5, 6)  # fraction reacted upstream
    ref = leaching._reacted_numpy(h, w, y_in, d_lo, d_hi, f0, kc, kd, order, None, sat, shift)
    got = leaching._reacted(h, w, y_in, d_lo, d_hi, f0, kc, kd, order, None, sat, shift)
    assert np.all((got >= d_lo) & (got <= d_hi))
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-300)
    warm = leaching._reacted(h, w, y_in, d_lo, d_hi, f0, kc, kd, order, got * 0.9, sat, shift)
    np.testing.assert_allclose(warm, ref, rtol=1e-12, atol=1e-300)


def test_small_increments_keep_their_relative_precision():
    # a solid that barely dissolves (d ~ 1e-9 of its feed): d itself is resolved to 1e-15
    # relative, which 1 - y (y ~ 1 - 1e-9) could hold only to about 1e-7
    one = np.ones(1)
    args = (1.0, 3.6e-6, one, np.zeros(1), one, one, one, one * np.inf, one)  # c = 1e-9
    d = leaching._reacted(*args)
    # chemical control, y = 1 - d: d = 1e-9 (1 - d)^(2/3) -> d = 1e-9 (1 - 2/3 1e-9 + ...)
    assert d[0] == pytest.approx(1e-9 * (1.0 - 1e-9) ** (2.0 / 3.0), rel=1e-14)
    assert leaching._reacted_numpy(*args)[0] == pytest.approx(d[0], rel=1e-14)


def test_kernel_reports_no_convergence():
    one = np.ones(1)
    zero = np.zeros(1)
    d, bad, step = reacted(
        one, zero, one, one * 1e3, one, one * np.inf, np.zeros(1, dtype=np.bool_), zero, zero,
        zero, zero, zero, False, 1e-15, 1, 460.0, zero,
    )  # fmt: skip
    assert bad == 0 and step > 0


def test_leach_raises_convergence_error_naming_the_root(monkeypatch):
    monkeypatch.setattr(leaching, "REACTED_MAX_ITER", 1)
    one = np.ones(1)
    with pytest.raises(ConvergenceError, match="leach tank conversion: bracketed Newton"):
        leaching._reacted(1.0, 1e3, one, np.zeros(1), one, one * 1e-3, one, one * np.inf, one)


@pytest.mark.parametrize("reversible", [False, True])
@pytest.mark.parametrize("tanks", [1, 3])
@pytest.mark.parametrize("by_volume", [False, True])
def test_compiled_tank_solve_matches_numpy(monkeypatch, reversible, tanks, by_volume):
    """The solid-mass root of every tank in one compiled call (solid_mass: the narrowed
    bracket and Brent's method of _solve_tank's inner) against the NumPy reference path
    (the leach and speciation kernels switched off): the same train to 1e-10."""
    from yieldkit.models import speciation
    from yieldkit.models.leach_kinetics import kinetics_from_rows
    from yieldkit.models.leaching import leach_cstr_train
    from yieldkit.models.solubility import oxide_solubility
    from yieldkit.models.speciation import SULFATE

    kin = kinetics_from_rows(
        {"Nd2O3": [1.0, 20.0, 0.0, 6.0], "Fe2O3": [1.0, 3.0, 0.0, 6.0], "CaO": [1.0, 50.0,
         0.0, 6.0]}, "chemical"
    )  # fmt: skip
    f0 = np.array([2e-3, 5e-3, 1e-3])
    size = {"volumes": [2.0] * tanks} if by_volume else {"residence_times": [1800.0] * tanks}
    kw = dict(
        systems=[SULFATE],
        temperature=330.0,
        solubility=[None, oxide_solubility("Fe2O3"), None] if reversible else None,
        ion_conc=[0.0, 0.05, 0.0] if reversible else None,
        **size,
    )
    args = (f0, [0.336, 0.1597, 0.056], 1e-3, 1e-3, [0.5], -0.6, kin)
    got = leach_cstr_train(*args, **kw)
    with monkeypatch.context() as m:
        m.setattr(leaching, "_kernel", lambda: None)
        m.setattr(speciation, "compiled", lambda name: None)
        ref = leach_cstr_train(*args, **kw)
    np.testing.assert_allclose(got.liquor.h, ref.liquor.h, rtol=1e-10)
    np.testing.assert_allclose(got.conversion, ref.conversion, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(got.solids_out, ref.solids_out, rtol=1e-10, atol=1e-18)


def test_compiled_tank_solve_reports_brent_failure(monkeypatch):
    from yieldkit.models.leach_kinetics import kinetics_from_rows
    from yieldkit.models.leaching import leach_cstr_train
    from yieldkit.models.speciation import SULFATE

    monkeypatch.setattr(leaching, "BRENT_MAX_ITER", 1)
    kin = kinetics_from_rows({"Nd2O3": [1.0, 20.0, 0.0, 6.0]}, "chemical")
    with pytest.raises(ConvergenceError) as err:
        leach_cstr_train(np.array([2e-3]), [0.336], 1e-3, 1e-3, [0.5], -0.6, kin,
                         volumes=[2.0], systems=[SULFATE])  # fmt: skip
    msg = str(err.value)
    assert msg.startswith("leach tank solid mass: Brent's method did not converge in 1 ")
    assert "evaluations (last bracket width " in msg and msg.endswith(" kg/s).")


@pytest.mark.parametrize("hold", [(0.0, 2.0, 2400.0, 1e-3), (1.0, 1800.0, 0.0, 0.0)])
def test_holdup_law_is_the_kernels(hold):
    from yieldkit.models._leach_kernel import _holdup

    arr = np.array(hold)
    for m in (0.0, 1e-4, 0.3, 7.0):
        assert leaching._holdup(m, arr) == _holdup(m, arr)


@pytest.mark.parametrize(
    ("importer", "constant", "source"),
    [
        ("_leach_kernel", "SPECIATION_SOURCE_SHA256", "_speciation_kernel"),
        ("_leach_kernel", "BRACKET_SOURCE_SHA256", "_bracket_kernel"),
        ("_speciation_kernel", "BRACKET_SOURCE_SHA256", "_bracket_kernel"),
    ],
)
def test_kernels_record_the_sources_they_call(importer, constant, source):
    """A change of a kernel file another kernel calls must change that kernel's file as
    well, or numba keeps running the old code from its cache of the caller."""
    import hashlib
    import importlib
    from pathlib import Path

    called = importlib.import_module(f"yieldkit.models.{source}")
    sha = hashlib.sha256(Path(called.__file__).read_bytes()).hexdigest()
    recorded = getattr(importlib.import_module(f"yieldkit.models.{importer}"), constant)
    assert recorded == sha, f"{source}.py changed: set {constant} = {sha!r} in {importer}.py"
