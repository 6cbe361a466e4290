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
