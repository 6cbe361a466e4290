"""Every unit operation closes its element and charge balance (one test, every unit).

Each ``tests/unitops/cases_*.py`` defines ``CASES = {label: (unit, inlets)}``; this module
collects them all. ``test_every_unit_class_has_a_case`` fails when a unit class in
yieldkit.unitops has none (after Cantera's EquilTestCases idea).
"""

import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import numpy as np
import pytest

import yieldkit.unitops as unitops_pkg
from yieldkit.unitops.base import UnitOperation


def _load_cases():
    cases = {}
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        spec = importlib.util.spec_from_file_location(f"_yk_{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for label, case in mod.CASES.items():
            cases[f"{path.stem[6:]}:{label}"] = case
    return cases


CASES = _load_cases()
_BASIC = importlib.util.spec_from_file_location(
    "_yk_basic", Path(__file__).parent / "cases_basic.py"
)
basic = importlib.util.module_from_spec(_BASIC)
_BASIC.loader.exec_module(basic)


@pytest.mark.parametrize("case", sorted(CASES))
def test_unit_closes_element_and_charge_balance(case):
    unit, inlets = CASES[case]
    out = unit.run(inlets)
    b = unit.balance(inlets, out.outlets)
    if unit.inlet_ports and unit.outlet_ports:
        assert b.max_relative_error <= 1e-12, (case, b.worst_element)
        assert abs(b.charge_in - b.charge_out) <= 1e-12 * max(1.0, abs(b.inflow).max())
    for s in out.outlets.values():
        assert np.all(s.moles >= 0)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_units_warm_start_state_leaves_its_answer_as_it_is(case):
    """Units keep their last solution as a start inside recycle loops (the SX cascade, the
    leach tanks' [H+], the outlet speciation): run again on the same inlets, every outlet
    is the same to 1e-12 of the largest flow."""
    unit, inlets = CASES[case]
    first = unit.run(inlets).outlets
    again = unit.run(inlets).outlets
    for port, s in first.items():
        scale = max(float(np.abs(s.moles).max()), 1e-300)
        assert np.abs(again[port].moles - s.moles).max() <= 1e-12 * scale, (case, port)


def test_limited_reaction_is_recorded_and_never_negative():
    r = basic.StoichiometricReactor(
        "leach",
        [
            ("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 0.95),
            ("Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O", "Fe2O3", 0.5),
        ],
    )
    out = r.run({"in": basic.slurry()})
    s = out.outlets["out"]
    assert s.flow("H+") == 0.0
    assert out.info["limited_by"] == {"Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O": "H+"}
    # Nd2O3: 0.95 * 0.4 mol/s used 2.28 mol/s H+; Fe2O3 gets the remaining 0.72 mol/s -> 0.12 mol/s Fe2O3
    assert s.flow("Fe2O3") == pytest.approx(2.0 - 0.72 / 6)
    assert s.flow("Nd2O3") == pytest.approx(0.4 * 0.05)


def test_every_unit_class_has_a_case():
    classes = set()
    for mod in pkgutil.walk_packages(unitops_pkg.__path__, "yieldkit.unitops."):
        m = importlib.import_module(mod.name)
        for _, cls in inspect.getmembers(m, inspect.isclass):
            if (
                issubclass(cls, UnitOperation)
                and cls is not UnitOperation
                and cls.__module__ == m.__name__
            ):
                classes.add(cls.__name__)
    covered = {type(u).__name__ for u, _ in CASES.values()}
    assert classes <= covered, (
        f"unit classes without a conservation case: {sorted(classes - covered)}"
    )


class _Leaky(UnitOperation):
    """A unit whose outlet carries ``factor`` times one species of its inlet."""

    def __init__(self, name, species, factor):
        super().__init__(name)
        self.species, self.factor = species, factor

    def _run(self, inlets):
        s = inlets["in"]
        n = s.moles.copy()
        n[s.components.index(self.species)] *= self.factor
        return {"out": s.with_moles(n)}


@pytest.mark.parametrize(
    ("species", "factor", "match"),
    [
        ("Nd+3", 1 - 1e-6, r"does not close the Nd balance: in 0\.1 mol/s, out 0\.0999999"),
        ("H2O", 1 + 3e-9, r"does not close the O balance.*relative error 3e-09 > 1e-09"),
        ("Cl-", 1 + 1e-6, r"does not close the Cl balance"),
    ],
)
def test_run_raises_on_a_unit_that_loses_or_makes_mass(species, factor, match):
    """The balance check after every run (UnitOperation.check_balance) names the element,
    its flows and the relative error; up to 1e-9 relative passes."""
    from yieldkit.errors import BalanceError

    with pytest.raises(BalanceError, match=match):
        _Leaky("leaky", species, factor).run({"in": basic.liquor()})
    _Leaky("tight", species, 1 + 5e-10).run({"in": basic.liquor()})


def test_run_raises_on_a_charge_imbalance_and_ignores_round_off_elements():
    """Charge is checked against the largest element flow (Fe+3 in, Fe+2 out: every
    element closes, the charge does not); an element present only at round-off of the
    others (1e-25 mol/s of Nd+3 against 55 mol/s of water, lost) is not judged against its
    own flow, while 1e-15 mol/s lost is 1e-15 / (1e-14 x 110) = 9e-4 > 1e-9 relative."""
    from yieldkit.chemistry.components import Components
    from yieldkit.errors import BalanceError
    from yieldkit.stream import Stream

    c = Components(["H2O", "Fe+2", "Fe+3", "Cl-", "Nd+3"])
    inlet = Stream(c, {"H2O": "55 mol/s", "Fe+3": "1 mol/s", "Cl-": "3 mol/s"})
    u = _Leaky("any", "H2O", 1.0)
    reduced = inlet.with_moles(np.array([55.0, 1.0, 0.0, 3.0, 0.0]))
    with pytest.raises(BalanceError, match=r"does not close the charge balance: in 0, out -1"):
        u.check_balance({"in": inlet}, {"out": reduced})
    for lost, closes in ((1e-25, True), (1e-15, False)):
        trace = inlet.with_moles(np.array([55.0, 0.0, 1.0, 3.0, lost]))
        if closes:
            assert u.check_balance({"in": trace}, {"out": inlet}).max_relative_error < 1e-9
        else:
            with pytest.raises(BalanceError, match=r"does not close the Nd balance"):
                u.check_balance({"in": trace}, {"out": inlet})
