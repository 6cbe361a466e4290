"""Tests of the tear solvers on synthetic loops (yieldkit.flowsheet.solvers).

Every test that concerns a method runs for every entry of SOLVERS (STYLE.md items 7-8).
"""

from __future__ import annotations

import numpy as np
import pytest

from yieldkit import citations
from yieldkit.errors import ConvergenceError, SpecificationError
from yieldkit.flowsheet.solvers import (
    SOLVERS,
    SolveStats,
    TearSolver,
    get_solver,
    scale_vector,
    scaled_residual,
)

NAMES = sorted(SOLVERS)


class Recorder:
    """Wraps a loop map: counts calls, records the smallest input entry and the last input."""

    def __init__(self, g):
        self.g, self.calls, self.min_input, self.last_x, self.inputs = g, 0, np.inf, None, []

    def __call__(self, x):
        self.calls += 1
        self.min_input = min(self.min_input, float(np.min(x)))
        self.last_x = np.array(x, copy=True)
        self.inputs.append(self.last_x)
        return self.g(x)


# ---------------------------------------------------------------- synthetic loops
def purge_loop(n=6, purge=0.01, seed=0):
    """x = a + (1 - purge) M x with M mass-conserving (w^T M = w^T, w molar masses)."""
    rng = np.random.default_rng(seed)
    s = rng.random((n, n))
    s /= s.sum(axis=0)  # column-stochastic
    w = rng.uniform(20.0, 300.0, n)  # molar masses [g/mol]
    m = np.diag(1.0 / w) @ s @ np.diag(w)
    a = rng.uniform(0.1, 1.0, n)  # fresh feed [mol/s]
    exact = np.linalg.solve(np.eye(n) - (1.0 - purge) * m, a)
    return (lambda x: a + (1.0 - purge) * (m @ x)), a, m, w, exact


C_WIDE = np.array([350.0, 1e2, 1.0, 1e-3, 1e-6, 1e-10])  # a temperature [K] and flows [mol/s]


def wide_map():
    """Nonlinear contraction (Lipschitz 0.9 in x/C) with components over 12 orders."""
    rng = np.random.default_rng(1)
    b = rng.random((C_WIDE.size, C_WIDE.size))
    b /= b.sum(axis=1, keepdims=True)  # row-stochastic: ||B||_inf = 1

    def g(x):
        v = b @ (x / C_WIDE)
        return C_WIDE * (0.3 + 0.9 * v / (1.0 + 0.5 * v))

    return g


def overshoot_map(x):
    """Component 0 decays superlinearly to 0 (its only fixed point in x >= 0): a secant
    extrapolation overshoots below 0."""
    return np.array([x[0] ** 2 / (1.0 + x[0]), 0.5 + 0.3 * x[0] + 0.2 * x[1], 300.0 + 10.0 * x[0]])


@pytest.fixture(scope="module")
def wide_reference():
    st = get_solver("direct", tol=1e-15).solve(wide_map(), C_WIDE, scale=np.full(6, 1e-300))
    assert st.converged
    return st.x


# ---------------------------------------------------------------- convergence
@pytest.mark.parametrize("name", NAMES)
def test_linear_purge_loop(name):
    g, a, m, w, exact = purge_loop()
    rec = Recorder(g)
    st = get_solver(name).solve(rec, np.zeros(a.size), loop="purge loop")
    assert isinstance(st, SolveStats)
    assert st.converged and st.method == name and st.loop == "purge loop"
    assert st.residual <= 1e-10
    # error amplification of a 1 % purge is 1/0.01: residual 1e-10 -> error <= 1e-8
    np.testing.assert_allclose(st.x, exact, rtol=2e-8)
    assert st.evaluations == rec.calls
    assert len(st.residual_history) == st.evaluations
    np.testing.assert_array_equal(rec.last_x, st.x)  # g's last call was at stats.x
    assert st.residual == pytest.approx(scaled_residual(st.x, g(st.x)))
    assert st.wall_time > 0 and st.iterations >= 1


@pytest.mark.parametrize("name", NAMES)
def test_nonlinear_map_over_twelve_orders(name, wide_reference):
    rec = Recorder(wide_map())
    x0 = C_WIDE * 2.0
    st = get_solver(name).solve(rec, x0, loop="wide")
    assert st.converged and st.evaluations == rec.calls
    ref = wide_reference
    floor = 1e-9 * np.max(np.abs(ref))
    # default scale: relative below the floor is not required, absolute at the floor is
    assert np.all(np.abs(st.x - ref) <= 1e-8 * np.maximum(np.abs(ref), floor))
    # a per-component scale floor makes every component converge relatively
    st2 = get_solver(name).solve(wide_map(), x0, loop="wide", scale=np.full(6, 1e-30))
    assert st2.converged
    np.testing.assert_allclose(st2.x, ref, rtol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_g_never_sees_negative_entries(name):
    rec = Recorder(overshoot_map)
    st = get_solver(name).solve(rec, np.array([0.5, 1.0, 300.0]), loop="overshoot")
    assert rec.min_input >= 0.0
    assert st.converged and np.all(st.x >= 0.0)
    assert st.x[0] == pytest.approx(0.0, abs=1e-15)
    assert st.x[1] == pytest.approx(0.625, rel=1e-9)


def test_wegstein_step_is_projected():
    # x0 = 0.5 -> direct 1/6 -> g = 1/42, slope 3/7, q = -3/4 -> -1/8 + 1/24 < 0
    rec = Recorder(overshoot_map)
    get_solver("wegstein").solve(rec, np.array([0.5, 1.0, 300.0]))
    assert rec.inputs[2][0] == 0.0 and rec.min_input >= 0.0


def chain_loop(n=8):
    """Cold-start chain: only component 0 is fed; the others fill through the recycle."""
    s = 0.3 * np.eye(n) + 0.7 * np.roll(np.eye(n), 1, axis=0)
    a = np.zeros(n)
    a[0] = 1.0
    return (lambda x: a + 0.9 * (s @ x)), np.linalg.solve(np.eye(n) - 0.9 * s, a)


@pytest.mark.parametrize("name", NAMES)
def test_cold_start_chain_loop(name):
    # regression: without the warm-up, newton-krylov and hybr failed here from x0 = 0
    g, exact = chain_loop()
    rec = Recorder(g)
    st = get_solver(name).solve(rec, np.zeros(exact.size), loop="chain")
    assert st.converged and rec.min_input >= 0.0
    np.testing.assert_allclose(st.x, exact, rtol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_conservation_linear_loop(name):
    # Mass balance around the loop: feed w.a = purge 0.01 w.(M x) = 0.01 w.x. The purge
    # amplifies the residual 100 times, so tol 1e-13 gives a balance to 1e-10 relative.
    g, a, m, w, exact = purge_loop(n=8, seed=3)
    st = get_solver(name, tol=1e-13).solve(g, np.zeros(a.size), loop="balance")
    assert st.converged
    feed, purge = w @ a, 0.01 * (w @ (m @ st.x))
    assert abs(feed - purge) <= 1e-10 * feed


@pytest.mark.parametrize("name", NAMES)
def test_converged_at_start(name):
    g, a, m, w, exact = purge_loop()
    st = get_solver(name).solve(g, exact)
    assert st.converged and st.evaluations == 1 and st.iterations == 0


@pytest.mark.parametrize("name", NAMES)
def test_every_registry_entry_loads_and_cites(name):
    cls = SOLVERS[name]
    assert issubclass(cls, TearSolver) and cls.name == name
    citations.reset()
    solver = get_solver(name)
    solver.solve(lambda x: 0.5 * x + 1.0, np.ones(2))
    for key in cls.references:
        assert citations.check(key) in citations.used()
    assert name in repr(solver) or type(solver).__name__ in repr(solver)


# ---------------------------------------------------------------- failure paths
def expanding(x):
    return 2.0 * x + 1.0  # fixed point -1: none in x >= 0


@pytest.mark.parametrize("name", NAMES)
def test_non_convergence_raises(name):
    solver = get_solver(name, max_iter=30)
    with pytest.raises(ConvergenceError) as info:
        solver.solve(expanding, np.ones(3), loop="leach recycle")
    msg = str(info.value)
    assert f"loop 'leach recycle': tear solver '{name}' did not converge in" in msg
    for part in ("iterations", "final scaled residual", "best", "Try another method", "max_iter"):
        assert part in msg
    err = info.value
    assert err.loop == "leach recycle" and len(err.residual_history) > 0
    assert err.best_iterate.shape == (3,) and np.all(err.best_iterate >= 0)


def test_non_convergence_message_direct():
    with pytest.raises(
        ConvergenceError,
        match=r"loop 'A'.*'direct' did not converge in 5 "
        r"iterations \(6 evaluations.*get_solver\('anderson'\).*now 5",
    ):
        get_solver("direct", max_iter=5).solve(expanding, np.ones(2), loop="A")


@pytest.mark.parametrize("name", NAMES)
def test_on_failure_return(name):
    rec = Recorder(expanding)
    st = get_solver(name, max_iter=20, on_failure="return").solve(rec, np.ones(2), loop="B")
    assert not st.converged
    assert st.residual == pytest.approx(min(st.residual_history))
    assert "did not converge" in st.message
    np.testing.assert_array_equal(rec.last_x, st.x)
    assert st.evaluations == rec.calls


@pytest.mark.parametrize("name", NAMES)
def test_non_finite_from_g(name):
    def g(x):
        y = 0.5 * x + 1.0
        if x[0] > 1.5:
            y[1] = np.nan
        return y

    with pytest.raises(ConvergenceError, match=r"loop 'C'.*non-finite values.*components \[1\]"):
        get_solver(name).solve(g, np.ones(2), loop="C")


# ---------------------------------------------------------------- names and options
def test_unknown_solver_name():
    with pytest.raises(
        SpecificationError,
        match=r"unknown tear solver 'andersen'.*Did you mean "
        r"'anderson'.*Accepted: anderson, broyden, direct, hybr, newton-krylov",
    ):
        get_solver("andersen")


@pytest.mark.parametrize(
    ("name", "options", "match"),
    [
        ("direct", {"tol": 0.0}, r"direct option tol=0.0 is outside the accepted range \(0, 1\)"),
        ("direct", {"tol": 2}, r"tol=2 is outside the accepted range \(0, 1\)"),
        ("direct", {"tol": float("nan")}, r"tol=nan is not accepted: a number in \(0, 1\)"),
        ("anderson", {"max_iter": 0}, r"max_iter=0 is not accepted: an integer >= 1"),
        ("anderson", {"max_iter": 2.5}, r"max_iter=2.5 is not accepted"),
        ("hybr", {"on_failure": "ignore"}, r"on_failure='ignore'.*'raise', 'return'"),
        ("hybr", {"on_failure": "rais"}, r"on_failure='rais'.*Did you mean 'raise'"),
        ("direct", {"damping": 1.5}, r"damping=1.5 is outside the accepted range \(0, 1\]"),
        ("direct", {"dampng": 0.5}, r"unknown option 'dampng'.*Did you mean 'damping'"),
        ("wegstein", {"q_min": -200}, r"q_min=-200 is outside the accepted range \[-100, 0\]"),
        ("wegstein", {"q_max": 1.0}, r"q_max=1.0 is outside the accepted range \[-100, 1\)"),
        ("wegstein", {"q_min": -1, "q_max": -2}, r"q_max=-2.0 is below q_min=-1.0"),
        ("anderson", {"m": 0}, r"m=0 is outside the accepted range \[1, 50\]"),
        ("anderson", {"m": 2.5}, r"m=2.5 is not accepted: an integer in \[1, 50\]"),
        ("anderson", {"beta": 0}, r"beta=0 is outside the accepted range \(0, 1\]"),
        ("anderson", {"rcond": 1.0}, r"rcond=1.0 is outside the accepted range \(0, 1\)"),
        ("broyden", {"line_search": "foo"}, r"line_search='foo'.*'armijo', 'wolfe', None"),
        ("broyden", {"alpha": -1}, r"alpha=-1 is outside the accepted range \(0, 100\]"),
        ("newton-krylov", {"krylov_method": "lsqr"}, r"krylov_method='lsqr'.*'lgmres'"),
        ("newton-krylov", {"krylov_method": "GMRES"}, r"'GMRES'.*Did you mean 'gmres'"),
        ("broyden", {"line_search": "Armijo"}, r"'Armijo'.*Did you mean 'armijo'"),
        ("newton-krylov", {"inner_maxiter": 0}, r"inner_maxiter=0 is outside"),
        ("broyden", {"warmup": -1}, r"warmup=-1 is outside the accepted range \[0, 1000\]"),
        ("hybr", {"warmup": 1.5}, r"warmup=1.5 is not accepted: an integer in \[0, 1000\]"),
        ("hybr", {"factor": 500}, r"factor=500 is outside the accepted range \[0.1, 100\]"),
        ("hybr", {"xtol": "small"}, r"xtol='small' is not accepted: a number in \(0, 1\)"),
    ],
)
def test_invalid_options(name, options, match):
    with pytest.raises(SpecificationError, match=match):
        get_solver(name, **options)


@pytest.mark.parametrize(
    ("x0", "kwargs", "match"),
    [
        ([1.0, -2.0], {}, r"loop 'D': x0 must be finite and >= 0.*components \[1\]: \[-2.0\]"),
        ([1.0, np.nan], {}, r"x0 must be finite and >= 0"),
        ([[1.0]], {}, r"x0 must be a non-empty 1-D array, got shape \(1, 1\)"),
        ([1.0, 2.0], {"scale": [1.0]}, r"scale must be an array of shape \(2,\).*got shape \(1,\)"),
        ([1.0, 2.0], {"scale": [1.0, 0.0]}, r"scale must be .* > 0"),
        (
            [1.0, 2.0],
            {"scale": lambda x: np.ones(3)},
            r"scale\(x0\) must return an array of "
            r"shape \(2,\) with finite values > 0, got shape \(3,\)",
        ),  # fmt: skip
    ],
)
def test_invalid_inputs(x0, kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        get_solver("direct").solve(lambda x: x, x0, loop="D", **kwargs)


def test_bad_g():
    with pytest.raises(SpecificationError, match="g must be callable, got int"):
        get_solver("direct").solve(3, [1.0], loop="E")
    with pytest.raises(SpecificationError, match=r"returned shape \(3,\), expected \(2,\)"):
        get_solver("direct").solve(lambda x: np.ones(3), [1.0, 1.0], loop="E")


# ---------------------------------------------------------------- helpers and stats
def test_scale_and_residual():
    x = np.array([1e3, 1e-20, 0.0])
    np.testing.assert_allclose(scale_vector(x), [1e3, 1e-6 + 1e-30, 1e-6 + 1e-30])
    np.testing.assert_allclose(scale_vector(x, np.full(3, 1e-12)), [1e3, 1e-12, 1e-12])
    np.testing.assert_allclose(scale_vector(x, lambda v: v[0] * 1e-3 + 0 * v), [1e3, 1, 1])
    assert scaled_residual(x, x + np.array([1.0, 0.0, 1e-7])) == pytest.approx(0.1)


def test_callable_scale_sets_the_convergence_floor():
    # x = g(x) with a component that flips by 1e-10 of itself at every pass (noise, as H+
    # near neutrality): the loop converges only when its floor is raised
    calls = []

    def g(x):
        calls.append(1)
        return np.array([0.5 * x[0] + 1.0, 1e-7 * (1 + 1e-10 * (-1) ** len(calls))])

    with pytest.raises(ConvergenceError):
        get_solver("direct", tol=1e-12, max_iter=200).solve(g, [0.0, 1e-7], loop="N")
    stats = get_solver("direct", tol=1e-12, max_iter=200).solve(
        g, [0.0, 1e-7], loop="N", scale=lambda x: np.array([1e-30, max(x[0], 1e-30)])
    )
    assert stats.converged and abs(stats.x[0] - 2.0) < 1e-11


def test_stats_summary_and_dict():
    st = get_solver("anderson").solve(lambda x: 0.5 * x + 1.0, np.zeros(2), loop="F")
    assert st.summary().startswith("F: anderson converged in")
    d = st.as_dict()
    assert d["x"] == pytest.approx([2.0, 2.0]) and d["converged"] is True


# ------------------------------------------------- infeasible extrapolated points
def concave_loop():
    """x = 0.5 x + 1 - 0.05 x^2 per component (fixed point 1.708), with states more than
    1 % above the fixed point infeasible for the 'unit': direct substitution from 0 rises
    monotonically and never meets them, secant extrapolation overshoots into them (by 6 %
    on its first extrapolated step)."""
    from yieldkit.errors import InfeasibleStateError

    x_star = (-0.5 + np.sqrt(0.25 + 0.2)) / 0.1

    def g(x):
        if np.any(x > x_star * 1.01):
            raise InfeasibleStateError(f"state {x.max():.6g} above {x_star:.6g}")
        return 0.5 * x + 1.0 - 0.05 * x**2

    return g, x_star


@pytest.mark.parametrize("name", ["wegstein", "anderson"])
def test_extrapolating_solvers_retreat_from_infeasible_points(name):
    g, x_star = concave_loop()
    stats = get_solver(name, tol=1e-10).solve(g, np.zeros(3), loop="concave")
    assert stats.converged
    np.testing.assert_allclose(stats.x, x_star, rtol=1e-8)
    # with the unit's reason at the last such point (which may say why no answer exists)
    assert (
        "infeasible for a unit, retreated (the last: state 1.81818 above 1.7082)" in stats.message
    )


def test_infeasible_point_not_from_extrapolation_is_reported():
    from yieldkit.errors import InfeasibleStateError

    g, x_star = concave_loop()
    with pytest.raises(InfeasibleStateError, match=r"state 20 above 1\.708"):
        get_solver("wegstein").solve(g, np.full(2, 20.0), loop="concave")


def test_infeasible_loop_output_retreats_by_damped_direct_steps():
    from yieldkit.errors import InfeasibleStateError
    from yieldkit.flowsheet.solvers.base import LoopEvaluator

    def g(x):
        if np.any(x > 1.0):
            raise InfeasibleStateError(f"state {x.max():.6g} above 1")
        return 2.0 * x

    ev = LoopEvaluator(g, 1, None, "damped", "test")
    ev(np.array([0.4]))
    # the extrapolated point (3) and the loop's own output (1.6) are both infeasible: the
    # half step 0.4 + (1.6 - 0.4) / 2 = 1.0 is the first feasible one
    (xp, gx, _), retreated = ev.call_or_retreat(np.array([3.0]), np.array([1.6]))
    assert retreated and xp == pytest.approx([1.0]) and gx == pytest.approx([2.0])
    assert ev.retreats == 1 and ev.evaluations == 4  # 0.4, then 3, 1.6 failed, 1.0
    with pytest.raises(InfeasibleStateError, match="above 1") as err:
        ev.call_or_retreat(np.array([5.0]), np.array([4.0]))  # from x = 1: none feasible
    msg = str(err.value)
    assert msg.startswith("loop 'damped': tear solver 'test' reached a state (evaluation ")
    assert "scaled residual 1) from which no step towards the loop's own output" in msg
    assert "down to 1/64 of it: state 1.04688 above 1. Other methods" in msg
    assert msg.endswith("e.g. get_solver('wegstein').")


@pytest.mark.parametrize("name", ["wegstein", "anderson"])
def test_solvers_survive_a_loop_whose_direct_step_overshoots_into_infeasibility(name):
    from yieldkit.errors import InfeasibleStateError

    # g overshoots its fixed point 1 (slope -1.5): from 0 the direct step lands at 2.5,
    # beyond the states a unit can take (x > 1.6); damped steps keep the solve going
    def g(x):
        if np.any(x > 1.6):
            raise InfeasibleStateError(f"state {x.max():.6g} above 1.6")
        return 1.0 - 1.5 * (x - 1.0)

    stats = get_solver(name, tol=1e-10, max_iter=200, on_failure="return").solve(
        g, np.zeros(2), loop="overshoot"
    )
    assert "infeasible for a unit, retreated" in stats.message
    if name == "anderson":  # a linear map: Anderson converges once it has a secant
        assert stats.converged
        np.testing.assert_allclose(stats.x, 1.0, rtol=1e-8)


def test_line_search_methods_retreat_from_infeasible_trial_points():
    from yieldkit.errors import InfeasibleStateError

    # Broyden's first secant steps overshoot the fixed point 2 of this slow loop into
    # states no unit can take (x > 2.1): the infeasible trial answers with a huge residual,
    # the Armijo line search shortens the step, and the solve converges
    def g(x):
        if np.any(x > 2.1):
            raise InfeasibleStateError(f"state {x.max():.6g} above 2.1")
        return 0.9 * x + 0.2 + 0.05 * np.sin(3 * x)

    stats = get_solver("broyden", tol=1e-10).solve(g, np.zeros(3), loop="overshoot")
    assert stats.converged
    assert "infeasible for a unit, retreated (the last: state 38.9549 above 2.1)" in stats.message
    x = stats.x
    np.testing.assert_allclose(x, 0.9 * x + 0.2 + 0.05 * np.sin(3 * x), rtol=1e-9)
    # without a line search there is nothing to shorten: the unit's error propagates, saying
    # that it came from a trial point (the steady state may be feasible)
    for name, opts in (("broyden", {"line_search": None}), ("hybr", {})):
        with pytest.raises(InfeasibleStateError) as err:
            get_solver(name, tol=1e-10, **opts).solve(g, np.zeros(3), loop="o")
        msg = str(err.value)
        assert msg.startswith(
            f"loop 'o': tear solver '{name}' stepped to a state at which a unit cannot "
            "operate (evaluation "
        )
        assert "without a line search it cannot retreat from it): state " in msg
        assert "above 2.1. The steady state itself may be feasible" in msg
        assert msg.endswith("e.g. get_solver('anderson').")


# ------------------------------------------------- scipy methods on the loop's support
SCIPY_METHODS = ["broyden", "hybr", "newton-krylov"]


@pytest.mark.parametrize("name", SCIPY_METHODS)
def test_finite_differences_never_probe_a_species_the_loop_does_not_carry(name):
    # component 2 never enters the loop; a unit rejects any trace of it (as the kinetic
    # leach rejects solids without rate parameters)
    def g(x):
        if x[2] != 0.0:
            raise SpecificationError(f"trace {x[2]!r} of a species without data")
        return np.array([0.5 * x[0] + 0.2 * x[1] + 1.0, 0.3 * x[0] + 2.0, 0.0])

    stats = get_solver(name, tol=1e-10).solve(g, np.zeros(3), loop="support")
    assert stats.converged
    assert stats.x[2] == 0.0


@pytest.mark.parametrize("name", SCIPY_METHODS)
def test_a_component_that_turns_nonzero_late_grows_the_support(name):
    # x2 appears only once x0 exceeds 5 (fixed point x0 = 10): the warm-up from zero stops
    # before that, scipy converges on {x0, x1}, then solves again with x2
    def g(x):
        return np.array([0.8 * x[0] + 2.0, 0.5 * x[1] + 1.0, max(x[0] - 5.0, 0.0) + 0.1 * x[2]])

    stats = get_solver(name, tol=1e-10).solve(g, np.zeros(3), loop="late")
    assert stats.converged
    np.testing.assert_allclose(stats.x, [10.0, 2.0, 5.0 / 0.9], rtol=1e-8)


def test_newton_krylov_retries_with_the_other_line_search():
    """newton-krylov with line_search='wolfe' stops on bastnasite-mountain-pass ("Jacobian
    inversion yielded zero vector"); a solve that ends unconverged is run again from its
    best point with the other line search, so the route converges, and the loop's message
    says so. (ndfeb-hcl-leach with dy_sx=True needed the same retry the other way round
    until the variable scale got its floor, scipy_root.VARIABLE_FLOOR: now 5 iterations
    with either.)"""
    import process_library

    res = process_library.build("bastnasite-mountain-pass").solve(
        "newton-krylov", line_search="wolfe"
    )
    assert res.converged and res.max_balance_error() < 1e-9
    notes = [s.message for s in res.stats]
    assert any("then from its best point with line_search='armijo'" in m for m in notes)


@pytest.mark.parametrize("method", ["newton-krylov", "broyden", "hybr"])
def test_jacobian_solvers_converge_alike_at_every_plant_scale(method):
    """ndfeb-hcl-leach with its Dy SX circuit at 0.1, 1 and 10 t/h of magnets: the
    methods that build Jacobians from the loop converge at each scale in nearly the same
    iterations (newton-krylov and broyden failed from 1 t/h, hybr took 143 at 0.1 t/h and
    288-382 above: the tear floor was set by the temperature below ~300 mol/s, and the
    variable scale resolved traces down to their rounding noise)."""
    import process_library

    iterations = []
    for feed in ("100 kg/h", "1000 kg/h", "10000 kg/h"):
        res = process_library.build("ndfeb-hcl-leach", dy_sx=True, magnet_feed=feed).solve(method)
        assert res.converged and res.max_balance_error() < 1e-9
        iterations.append(sum(s.iterations for s in res.stats))
    assert max(iterations) <= 40 and max(iterations) - min(iterations) <= 3


def test_hybr_runs_share_the_max_iter_budget():
    """max_iter counts hybr's calls of g after the warm-up over every run (support rounds,
    restarts from the best point): each run gets what is left (at least one call, MINPACK
    reads 0 as its default), and no restart starts once it is spent."""
    from yieldkit.flowsheet.solvers.base import LoopEvaluator

    capped = get_solver("hybr", max_iter=10)
    assert capped._scipy_options(3, 1e-10, None, spent=7)["maxfev"] == 3
    assert capped._scipy_options(3, 1e-10, None, spent=12)["maxfev"] == 1
    assert get_solver("hybr")._scipy_options(3, 1e-10, None, spent=500)["maxfev"] == 800
    ev = LoopEvaluator(lambda x: x, 1, None, "budget", "hybr")
    ev.started, ev.evaluations = 4, 13
    assert capped._budget_left(ev)
    ev.evaluations = 14
    assert not capped._budget_left(ev) and get_solver("hybr")._budget_left(ev)
