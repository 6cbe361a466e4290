"""Every registered route: docstring, sources in CITATIONS.bib, builds and solves, balances."""

from __future__ import annotations

import inspect

import pytest

import process_library
from yieldkit import citations
from yieldkit.flowsheet.flowsheet import Flowsheet

BALANCE_TOL = 1e-9


@pytest.mark.parametrize("name", list(process_library.ROUTES))
def test_route_module_is_documented_and_sourced(name):
    mod = process_library.module(name)
    assert mod.NAME == name
    doc = inspect.getdoc(mod) or ""
    assert len(doc.splitlines()) > 3, f"route {name!r} needs a docstring of assumptions"
    assert process_library.describe(name)
    assert mod.SOURCES, f"route {name!r} names no sources"
    bib = citations.bibliography()
    missing = [k for k in mod.SOURCES if k not in bib]
    assert not missing, f"route {name!r}: sources {missing} not in CITATIONS.bib"
    assert inspect.getdoc(mod.build)


@pytest.mark.parametrize("name", list(process_library.ROUTES))
def test_route_builds_solves_and_closes(name):
    fs = process_library.build(name)
    assert isinstance(fs, Flowsheet)
    assert fs.name == name
    result = fs.solve()
    assert result.converged
    assert result.max_balance_error() <= BALANCE_TOL, result.balance_table()
    assert any(u.kind == "product" for u in fs.products().values())


def test_list_routes_covers_registry():
    assert [n for n, _ in process_library.list_routes()] == list(process_library.ROUTES)


def test_unknown_route_suggests_a_name():
    with pytest.raises(Exception, match="monazite-caustic"):
        process_library.build("monazite-caustik")


def test_a_route_name_that_is_not_a_string_is_a_clear_error():
    from yieldkit.errors import SpecificationError

    with pytest.raises(
        SpecificationError, match=r"unknown route .*a name is a string; got a tuple"
    ):
        process_library.build(("ndfeb-hcl-leach", "HDD magnets"))
