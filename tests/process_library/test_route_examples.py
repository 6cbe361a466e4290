"""Every examples/route_*.py runs to the end with warnings as errors."""

from __future__ import annotations

import runpy
import warnings
from pathlib import Path

import pytest

import process_library

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROUTE_EXAMPLES = sorted(EXAMPLES.glob("route_*.py"))


@pytest.mark.parametrize("path", ROUTE_EXAMPLES, ids=lambda p: p.name)
def test_route_example_runs(path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    assert "largest element imbalance" in out
    assert "recovery to each outlet" in out


def test_every_new_route_has_an_example():
    names = {p.stem.removeprefix("route_").replace("_", "-") for p in ROUTE_EXAMPLES}
    assert names <= set(process_library.ROUTES)
    assert len(names) >= 5
