"""Route ndfeb-sulfate-double-salt: solve, balances, solvers, Fe rejection, Na recycle."""

from __future__ import annotations

import process_library

ROUTE = "ndfeb-sulfate-double-salt"
PRODUCT = "mixed_reo"
REE = ("Nd", "Pr", "Dy")


def test_solves_and_closes(solved, check_default_solve):
    check_default_solve(solved)


def test_every_tear_solver(solver_name, solved, check_solver):
    check_solver(ROUTE, solver_name, PRODUCT, solved)


def test_complete_dissolution_and_iron_rejection(solved):
    # Lyman & Palmer (USBM RI 9481): NdFeB dissolves completely in 2 M H2SO4 at room
    # temperature; Na2SO4 precipitates the RE double sulfate while Fe stays in solution.
    slurry = solved.stream("dissolution slurry")
    assert slurry.phase("s").mass_flow() == 0.0
    for e in REE:
        assert solved.recovery(e, PRODUCT) > 0.95
    assert solved.recovery("Fe", PRODUCT) < 1e-3
    assert solved.recovery("Fe", "Fe(OH)2 cake") > 0.99
    oxides = sum(solved.grade(PRODUCT, s) for s in ("Nd2O3", "Pr6O11", "Dy2O3"))
    assert oxides > 0.95


def test_sodium_recycle_supplies_the_double_salt():
    base = process_library.build(ROUTE).solve()
    na_recycled = base.stream("Na2SO4 recycle").flow("Na+")
    na_fresh = base.stream("sodium_sulfate").flow("Na+")
    assert na_recycled > na_fresh
    assert base.outcomes["double_salt"].info["limited_by"] == {}
