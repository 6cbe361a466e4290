"""Route ndfeb-cmi-copper-nitrate: solve, balances, solvers, Chowdhury 2021 figures."""

from __future__ import annotations

import pytest

import process_library

ROUTE = "ndfeb-cmi-copper-nitrate"
PRODUCT = "nd_oxide"


def test_solves_and_closes(solved, check_default_solve):
    check_default_solve(solved)


def test_every_tear_solver(solver_name, solved, check_solver):
    check_solver(ROUTE, solver_name, PRODUCT, solved)


def test_recovery_and_purity_against_chowdhury_2021(solved):
    # Chowdhury et al., ACS Sust. Chem. Eng. 9 (2021) 15915: ~97 % of the REE recovered as
    # REO of > 99.5 % purity. The model's published (PrOMMiS) extents are ~1, so it
    # recovers 99.998 %: an upper bound 3 points above the figure, hence abs=0.035.
    recovery = solved.recovery("Nd", PRODUCT)
    assert recovery == pytest.approx(0.97, abs=0.035)
    assert recovery <= 1.0
    assert solved.grade(PRODUCT, "Nd2O3") > 0.995


def test_reference_feed_and_reagents(solved):
    # DOMAIN.md §2: Nd2Fe14B 1, Cu2+ 34, NO3- 68, O2 50, H2O 300 mol/s; 35 NH4OH twice,
    # 35 H2C2O4; 100 mol/s calcination gas.
    assert solved.stream("magnet").flow("Nd2Fe14B") == pytest.approx(1.0)
    cu = solved.stream("copper_nitrate")
    assert (cu.flow("Cu+2"), cu.flow("NO3-"), cu.flow("H2O")) == pytest.approx((34, 68, 300))
    assert solved.stream("oxygen").flow("O2(g)") == pytest.approx(50.0)
    assert solved.stream("oxalic_acid").flow("H2C2O4") == pytest.approx(35.0)
    assert solved.stream("calciner_gas").mole_flow() == pytest.approx(100.0)
    # iron: one third leaves as Fe(OH)3 with the copper residue, the rest with the barren
    fe_residue = solved.recovery("Fe", "copper_residue")
    assert fe_residue == pytest.approx(1 / 3, rel=1e-4)
    assert solved.recovery("Fe", "barren_liquor") == pytest.approx(2 / 3, rel=1e-4)
    assert solved.recovery("Cu", "copper_residue") == pytest.approx(0.5, rel=1e-4)


def test_scale_is_linear():
    small = process_library.build(ROUTE, scale=0.5).solve()
    assert small.stream(PRODUCT).flow("Nd2O3") == pytest.approx(0.5 * 0.99999, rel=1e-4)
