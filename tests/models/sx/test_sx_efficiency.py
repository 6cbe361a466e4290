"""Murphree stage efficiency (aqueous phase) of the SX cascade: definition, conservation,
limits and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.models.sx.test_sx_cascade import balances, side_fed_cascades
from yieldkit.errors import InfeasibleStateError, SpecificationError
from yieldkit.models.sx import SideFeed, constant_d, solve_cascade
from yieldkit.models.sx.design import recovery, stages_for_recovery
from yieldkit.models.sx.parameters import build_model
from yieldkit.models.sx.synthetic import random_cascade, random_cascades

NDPR = build_model("cation_exchange", "yin2015_separation", ["La+3", "Pr+3", "Nd+3"],
                   anchor="Pr+3", log10_kex_anchor=-1.98)  # fmt: skip
AQ = np.array([2.0, 3.0, 5.0, 10.0])  # La Pr Nd H+ [mol/m3]
ORG = np.array([0.0, 0.0, 0.0, 600.0])


def _murphree_gap(sol, model, aq, q_aq, sides, eff):
    """Largest relative miss of x_k = (1 - E) x_in + E y_k / D_k over stages and metals,
    of each value or 1e-250 mol/m3 (the solvers set concentrations below 1e-300 to zero:
    a trace of 1e-296 computed from such a neighbour misses by ~1e-300, found by
    hypothesis on a 200-stage scrub; both backends alike)."""
    d = np.exp(model.log_d(sol.h, sol.free_extractant))
    s_am = np.zeros_like(sol.x)
    s_am[0] += q_aq * aq[:-1]
    for sf in sides:
        if sf.phase == "aq":
            s_am[sf.stage - 1] += sf.flow * np.asarray(sf.conc)[:-1]
    qa = sol.q_aq[:, None]
    x_in = s_am / qa
    x_in[1:] += qa[:-1] * sol.x[:-1] / qa[1:]
    with np.errstate(divide="ignore", invalid="ignore"):  # (a D that underflows to 0)
        expected = (1.0 - eff) * x_in + eff * np.where(sol.y > 0, sol.y / d, 0.0)
    floor = np.maximum(x_in * 1e-12, 1e-250)
    return float(np.max(np.abs(expected - sol.x) / np.maximum(sol.x, floor)))


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
@pytest.mark.parametrize("eff", [0.95, 0.7, 0.3])
def test_every_stage_meets_the_murphree_definition_and_the_balances_close(eff, backend):
    """x_k = x_in - E (x_in - x*_k), x*_k = y_k / D_k at the stage's H+ and free
    extractant, with an aqueous side feed mixing into the aqueous entering stage 5 and an
    organic one at stage 8; every metal, proton and extractant balance closes."""
    sides = [SideFeed(5, "aq", 0.4, np.array([1.0, 1.0, 2.0, 50.0])),
             SideFeed(8, "org", 0.2, np.array([0.1, 0.2, 0.3, 600.0]))]  # fmt: skip
    sol = solve_cascade(AQ, ORG, 1.0, 1.0, NDPR, 12, sides, stage_efficiency=eff,
                        backend=backend)  # fmt: skip
    assert sol.backend == backend and sol.stage_efficiency == eff
    assert sol.balance_error < 1e-10
    assert _murphree_gap(sol, NDPR, AQ, 1.0, sides, eff) < 1e-9


def test_efficiency_one_is_the_equilibrium_cascade():
    eq = solve_cascade(AQ, ORG, 1.0, 1.0, NDPR, 10)
    one = solve_cascade(AQ, ORG, 1.0, 1.0, NDPR, 10, stage_efficiency=1.0)
    assert one.backend == eq.backend == "compiled" and one.stage_efficiency == 1.0
    np.testing.assert_array_equal(one.x, eq.x)


def test_a_single_stage_with_constant_d_matches_the_closed_form():
    """One stage, constant D, no metal on the organic fed: x = x_in (1 - E + E/S) /
    (1 + E/S) with S = D Q_org / Q_aq the extraction factor (from x = (1 - E) x_in + E y/D
    and Q_aq (x_in - x) = Q_org y)."""
    model = constant_d(["A+3"], [3.0], [3.0])
    for eff in (1.0, 0.8, 0.4, 0.05):
        sol = solve_cascade(np.array([1.0, 100.0]), np.array([0.0, 600.0]), 1.0, 0.5, model, 1,
                            stage_efficiency=eff)  # fmt: skip
        s = 3.0 * 0.5
        expected = (1 - eff + eff / s) / (1 + eff / s)
        assert sol.x[0, 0] == pytest.approx(expected, rel=1e-12)


def test_less_efficient_stages_extract_less_and_need_more_of_them():
    raff = [solve_cascade(AQ, ORG, 1.0, 1.0, NDPR, 8, stage_efficiency=e).x[-1, 2]
            for e in (1.0, 0.9, 0.7, 0.5)]  # fmt: skip
    assert np.all(np.diff(raff) > 0)  # Nd left in the raffinate grows as E falls
    n1, _ = stages_for_recovery(AQ, ORG, 1.0, 1.0, NDPR, "Nd+3", 0.99)
    n07, sol = stages_for_recovery(AQ, ORG, 1.0, 1.0, NDPR, "Nd+3", 0.99, stage_efficiency=0.7)
    assert n07 > n1 and recovery(sol, AQ, ORG, "Nd+3") >= 0.99 and sol.stage_efficiency == 0.7


def test_random_cascades_conserve_and_re_solve_warm():
    """60 random cascades of the property tests' kinds (1-150 stages, 2-10 metals, D
    1e-4..1e4 at the feed, organic up to 95 % loaded) at E 0.1-1: every balance closes to
    1e-10, and the re-solve after a 1 % feed change starts from the solution (a search of
    600 such cascades up to 500 stages and 15 metals, E 0.05-1, found no failure)."""
    rng = np.random.default_rng(11)
    for model, aq, org, qa, qo, n, aq2 in random_cascades(60, stages=(1, 150), metals=(2, 10)):
        eff = float(rng.uniform(0.1, 1.0))
        sol = solve_cascade(aq, org, qa, qo, model, n, stage_efficiency=eff)
        assert sol.balance_error < 1e-10
        warm = solve_cascade(aq2, org, qa, qo, model, n, x0=sol, stage_efficiency=eff)
        assert warm.balance_error < 1e-10 and warm.jacobians <= sol.jacobians + 2


@pytest.mark.parametrize("bad", [0, 0.0, -0.1, 1.01, "0.9", True, float("nan"), None])
def test_bad_efficiency_is_named(bad):
    with pytest.raises(SpecificationError, match=r"stage_efficiency = .*, accepted 0 < E <= 1"):
        solve_cascade(AQ, ORG, 1.0, 1.0, NDPR, 3, stage_efficiency=bad)


def test_an_efficiency_runs_compiled_by_default_and_falls_back_to_numpy(monkeypatch):
    """Below E = 1 the compiled kernel runs by default; when its Newton does not pass, the
    NumPy path's Newton and fallbacks take over (they handle E < 1) and give the answer."""
    from yieldkit.models.sx import cascade

    sol = solve_cascade(AQ, ORG, 1.0, 1.0, NDPR, 6, stage_efficiency=0.8)
    assert sol.backend == "compiled"
    kernel_solve = cascade._kernel_solve

    def failing(*args):  # the kernel's Newton "did not pass" (its status 3)
        out = kernel_solve(*args)
        return (out.state, *(None,) * 10) if args[-1] < 1.0 else out

    monkeypatch.setattr(cascade, "_kernel_solve", failing)
    again = solve_cascade(AQ, ORG, 1.0, 1.0, NDPR, 6, stage_efficiency=0.8)
    assert again.backend == "numpy" and again.stage_efficiency == 0.8
    np.testing.assert_allclose(again.x, sol.x, rtol=1e-9)


@st.composite
def murphree_cascades(draw):
    """The property tests' random cascades (2-15 metals, 1-500 stages, the three model
    kinds, D 1e-4..1e4 at the feed, organic up to 95 % loaded) at a stage efficiency drawn
    from 0.05-0.99."""
    m = draw(st.integers(2, 15))
    n = draw(st.sampled_from([1, 2, 3, 5, 17, 60, 200, 500]))
    seed = draw(st.integers(0, 2**31 - 1))
    kind = draw(st.sampled_from(["cation_exchange", "constant_d", "empirical_ph"]))
    return random_cascade(m, n, seed, kind), draw(st.floats(0.05, 0.99))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(murphree_cascades())
def test_murphree_cascades_conserve_and_meet_the_definition(case):
    """Random Murphree cascades on the default (compiled) backend: every stage's balances
    close to 1e-10 (the solution's own check and an independent overall one), and every
    stage's aqueous outlet meets the Murphree definition."""
    (model, aq, org, qa, qo, n), eff = case
    sol = solve_cascade(aq, org, qa, qo, model, n, stage_efficiency=eff)
    assert sol.stage_efficiency == eff and sol.balance_error < 1e-10
    err_m, err_h, err_e = balances(sol, aq, org, qa, qo, model)
    assert max(err_m.max(), err_h, err_e) < 1e-10
    assert _murphree_gap(sol, model, aq, qa, [], eff) < 1e-9


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(side_fed_cascades(), st.floats(0.05, 0.99))
def test_side_fed_murphree_cascades_conserve_and_meet_the_definition(case, eff):
    """The side-fed property cascades (a scrub section: acid at stage 1, the loaded
    organic at stage n, a feed at a random stage) at a random stage efficiency: balances
    to 1e-10 and the Murphree definition with the side feed mixed into the aqueous
    entering its stage, or too little scrub acid, named."""
    model, scrub, org, q_s, qo, n, side = case
    try:
        sol = solve_cascade(scrub, org, q_s, qo, model, n, side_feeds=side, stage_efficiency=eff)
    except InfeasibleStateError as err:
        assert "not enough acid" in str(err) and model.kind != "cation_exchange"
        return
    err_m, err_h, err_e = balances(sol, scrub, org, q_s, qo, model, side)
    assert max(err_m.max(), err_h, err_e) < 1e-10 and sol.balance_error < 1e-10
    assert _murphree_gap(sol, model, scrub, q_s, side, eff) < 1e-9
