"""Shared checks for the route tests: solve, balance closure, every tear solver."""

from __future__ import annotations

import pytest

import process_library
from yieldkit.flowsheet.solvers import SOLVERS

BALANCE_TOL = 1e-9


@pytest.fixture(scope="module")
def solved(request):
    """The route of the test module (``ROUTE``) solved with its default solver."""
    fs = process_library.build(request.module.ROUTE)
    return fs.solve()


def _check_default_solve(result) -> None:
    """Converged, and every unit and the whole flowsheet close every element to 1e-9."""
    assert result.converged
    table = result.balance_table()
    worst = table["max relative error [-]"].idxmax()
    assert result.max_balance_error() <= BALANCE_TOL, f"worst unit {worst}:\n{table}"


def _check_solver(route: str, solver: str, product: str, reference) -> None:
    """``solver`` converges the route; overall balance closes; recoveries match the default.

    Per-unit balances are checked with the default solver only: finite-difference solvers
    leave ~1e-46 mol/s of species absent from a tear in the iterate, which makes a zero
    element flow look 100 % unbalanced in the relative per-unit metric.
    """
    result = process_library.build(route).solve(solver)
    assert result.converged, result.solver_summary()
    assert result.overall_balance().max_relative_error <= BALANCE_TOL
    for element, value in reference.recoveries(product).items():
        assert result.recovery(element, product) == pytest.approx(value, rel=1e-7, abs=1e-10)


@pytest.fixture
def check_default_solve():
    """:func:`_check_default_solve`."""
    return _check_default_solve


@pytest.fixture
def check_solver():
    """:func:`_check_solver`."""
    return _check_solver


def pytest_generate_tests(metafunc):
    """Parametrise ``solver_name`` over every tear solver of ``SOLVERS``."""
    if "solver_name" in metafunc.fixturenames:
        metafunc.parametrize("solver_name", sorted(SOLVERS))
