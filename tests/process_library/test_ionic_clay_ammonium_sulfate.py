"""Route ionic-clay-ammonium-sulfate: solve, balances, solvers, leach figures, recycle."""

from __future__ import annotations

import pytest

import process_library

ROUTE = "ionic-clay-ammonium-sulfate"
PRODUCT = "mixed_reo"
REE = ("La", "Nd", "Dy", "Y")


def test_solves_and_closes(solved, check_default_solve):
    check_default_solve(solved)


def test_every_tear_solver(solver_name, solved, check_solver):
    check_solver(ROUTE, solver_name, PRODUCT, solved)


def test_exchange_leach_against_literature(solved):
    # (NH4)2SO4 column leach of ion-adsorption clay (2016/2024 abstracts): 99.98 % of the
    # RE leached, site ratio RE:Al:NH4 ~ 20:41:39, large Al co-leach.
    out = solved.outcomes["leach"].info["extents"]
    ore = solved.stream("clay_ore")
    for e in REE:
        extent = out[f"Clay3{e} + 3 NH4+ -> 3 ClayNH4 + {e}+3"]
        assert extent / ore.flow(f"Clay3{e}") == pytest.approx(0.9998, rel=1e-12)
    nh4_re = 3 * sum(out[f"Clay3{e} + 3 NH4+ -> 3 ClayNH4 + {e}+3"] for e in REE)
    nh4_al = 3 * out["Clay3Al + 3 NH4+ -> 3 ClayNH4 + Al+3"]
    nh4_h = out["ClayH + NH4+ -> ClayNH4 + H+"]
    total = nh4_re + nh4_al + nh4_h
    shares = [nh4_re / total, nh4_al / total, nh4_h / total]
    assert shares == pytest.approx([0.20, 0.41, 0.39], abs=2e-4)
    # the leachate turns acid (pH 4.5 -> 4.0 in the source): protons released from the clay
    assert solved.stream("leachate").flow("H+") > 0


def test_aluminium_removed_before_oxalate(solved):
    assert solved.recovery("Al", PRODUCT) == 0.0
    assert solved.recovery("Al", "aluminium_cake") > 0.85  # 10 % leaves with the tailings liquor


def test_barren_recycle_raises_recovery():
    once = process_library.build(ROUTE, recycle_fraction=0.0).solve()
    base = process_library.build(ROUTE).solve()
    assert base.recovery("Y", PRODUCT) > once.recovery("Y", PRODUCT)
    assert base.stream("barren recycle").flow("NH4+") > 0
