"""The example scripts that are not route examples run to the end with warnings as errors.

Route examples (``examples/route_*.py``) are run by tests/process_library/test_route_examples.py.
"""

from __future__ import annotations

import runpy
import warnings
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("route_"))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(path, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything an example writes lands in tmp_path
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    assert len(out.splitlines()) >= 3, f"{path.name} printed almost nothing:\n{out}"


def test_there_are_examples():
    assert len(SCRIPTS) >= 3
