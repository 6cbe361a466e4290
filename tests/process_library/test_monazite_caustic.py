"""Route monazite-caustic: solve, balances, solvers, Th/U tracking, TMS 1989 yield."""

from __future__ import annotations

import pytest

import process_library

ROUTE = "monazite-caustic"
PRODUCT = "mixed_reo"
REE = ("La", "Ce", "Pr", "Nd", "Sm")


def test_solves_and_closes(solved, check_default_solve):
    check_default_solve(solved)


def test_every_tear_solver(solver_name, solved, check_solver):
    check_solver(ROUTE, solver_name, PRODUCT, solved)


def _ree_recovery(result, product):
    fed = sum(result.stream("monazite").element_flow(e) for e in REE)
    return sum(result.stream(product).element_flow(e) for e in REE) / fed


def test_ree_yield_against_tms_1989(solved):
    # Taiwan black monazite, caustic route (TMS 1989 abstract): ~90 % REE yield. Two
    # extents of the route are estimates set to reproduce it (see the route docstring),
    # so this is a consistency check of the whole chain, not an independent validation.
    assert _ree_recovery(solved, PRODUCT) == pytest.approx(0.90, abs=0.02)


def test_thorium_and_uranium_tracked(solved):
    # Th and U leave only with the thorium cake and the barren liquor, never the product
    for element in ("Th", "U"):
        to_cake = solved.recovery(element, "thorium_cake")
        to_barren = solved.recovery(element, "barren_liquor")
        assert to_cake + to_barren == pytest.approx(1.0, rel=1e-9)
        assert solved.recovery(element, PRODUCT) == 0.0
    assert solved.recovery("Th", "thorium_cake") > 0.95
    assert solved.grade(PRODUCT, "Th") == 0.0


def test_trisodium_phosphate_and_naoh_recycle(solved):
    assert solved.stream("trisodium_phosphate").flow("Na3PO4", "kg/h") > 0
    assert solved.stream("NaOH recycle").flow("OH-") > 0
    # every P fed leaves as TSP, with the bleeds or in the cakes: most as TSP
    assert solved.recovery("P", "trisodium_phosphate") > 0.8


def test_recycle_lowers_fresh_caustic_demand_not_yield():
    once = process_library.build(ROUTE, recycle_fraction=0.0).solve()
    base = process_library.build(ROUTE).solve()
    assert _ree_recovery(once, PRODUCT) == pytest.approx(_ree_recovery(base, PRODUCT), rel=1e-9)
    # with the loop the digestion sees more caustic for the same fresh feed
    assert base.stream("NaOH to digestion").flow("OH-") > once.stream("NaOH to digestion").flow(
        "OH-"
    )
