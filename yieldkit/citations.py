"""Registry of the sources yieldkit's numbers rest on.

Every data file and model names a citation key from ``data/CITATIONS.bib``; code that uses
a source calls :func:`register` so that :func:`print_citations` after a run lists what the
numbers relied on (after PyBaMM's ``citations.py``).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from yieldkit.errors import SpecificationError, unknown_name

_ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", re.S)
_FIELD = re.compile(r"(\w+)\s*=\s*\{(.*?)\}\s*,?\s*$", re.M | re.S)

_used: dict[str, None] = {}


@cache
def bibliography() -> dict[str, dict[str, str]]:
    """All entries of CITATIONS.bib as {key: {field: value}} (field 'type' is the entry type)."""
    text = resources.files("yieldkit.data").joinpath("CITATIONS.bib").read_text(encoding="utf-8")
    entries: dict[str, dict[str, str]] = {}
    for kind, key, body in _ENTRY.findall(text):
        fields = {"type": kind.lower()}
        for name, value in _FIELD.findall(body):
            fields[name.lower()] = " ".join(value.split())
        if key in entries:
            raise SpecificationError(f"CITATIONS.bib: duplicate key {key!r}.")
        entries[key] = fields
    return entries


def register(*keys: str) -> None:
    """Record that the current run used the sources ``keys`` (must be in CITATIONS.bib)."""
    bib = bibliography()
    for key in keys:
        if key not in bib:
            raise SpecificationError(unknown_name("citation key", key, bib, "CITATIONS.bib"))
        _used[key] = None


def check(key: str) -> str:
    """Return ``key`` if it is in CITATIONS.bib, else raise SpecificationError."""
    if key not in bibliography():
        raise SpecificationError(unknown_name("citation key", key, bibliography(), "CITATIONS.bib"))
    return key


def used() -> list[str]:
    """Citation keys registered since the last :func:`reset`, in order of first use."""
    return list(_used)


def reset() -> None:
    """Forget the registered citations (start of a new run)."""
    _used.clear()


def format_entry(key: str) -> str:
    """One line for a citation: authors, year, title, where, doi."""
    e = bibliography()[key]
    parts = [e.get("author", e.get("organization", "")), f"({e['year']})" if "year" in e else ""]
    parts.append(e.get("title", ""))
    venue = e.get("journal") or e.get("booktitle") or e.get("institution") or e.get("publisher")
    if venue:
        parts.append(venue)
    if "doi" in e:
        parts.append(f"doi:{e['doi']}")
    elif "url" in e:
        parts.append(e["url"])
    if "note" in e:
        parts.append(f"[{e['note']}]")
    return f"[{key}] " + ". ".join(p for p in parts if p)


def print_citations(file=None) -> None:
    """Print the sources the numbers of this run rest on."""
    keys = used()
    print("Sources used by this run:" if keys else "No sources registered yet.", file=file)
    for key in keys:
        print("  " + format_entry(key), file=file)
