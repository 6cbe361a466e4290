"""Every number in a data file names its source: each source key exists in CITATIONS.bib.

Covers the ``source``/``sources``/``citations`` fields of every TOML data file, the ``sources`` of every
unit-operation class and the ``references`` of every tear solver.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import tomllib
from pathlib import Path

import pytest

import yieldkit.unitops
from yieldkit import citations
from yieldkit.flowsheet.solvers import SOLVERS
from yieldkit.unitops.base import UnitOperation

DATA = Path(yieldkit.unitops.__file__).resolve().parents[1] / "data"
TOML_FILES = sorted(DATA.glob("*.toml"))


def source_keys(node, path=""):
    """(path, key) of every source/sources value in a parsed TOML tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("source", "sources", "citations"):
                for key in [v] if isinstance(v, str) else v:
                    yield f"{path}.{k}", key
            else:
                yield from source_keys(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from source_keys(v, f"{path}[{i}]")


@pytest.mark.parametrize("path", TOML_FILES, ids=lambda p: p.name)
def test_toml_source_keys_exist(path):
    keys = list(source_keys(tomllib.loads(path.read_text())))
    assert keys, f"{path.name} names no source at all"
    bib = citations.bibliography()
    missing = [(where, key) for where, key in keys if key not in bib]
    assert not missing, f"{path.name}: keys not in CITATIONS.bib: {missing[:10]}"


def unit_classes():
    for info in pkgutil.iter_modules(yieldkit.unitops.__path__):
        importlib.import_module(f"yieldkit.unitops.{info.name}")
    seen, todo = [], [UnitOperation]
    while todo:
        for sub in todo.pop().__subclasses__():
            seen.append(sub)
            todo.append(sub)
    return [c for c in seen if c.__module__.startswith("yieldkit.unitops")]


def test_unit_and_solver_sources_exist():
    bib = citations.bibliography()
    named = [(c.__name__, k) for c in unit_classes() for k in getattr(c, "sources", ())]
    named += [(n, k) for n, s in SOLVERS.items() for k in getattr(s, "references", ())]
    assert named
    assert [(who, k) for who, k in named if k not in bib] == []


def test_unknown_key_is_a_clear_error():
    with pytest.raises(Exception, match="NoSuchKey2099"):
        citations.check("NoSuchKey2099")
    assert inspect.isfunction(citations.check)
