"""Input validation shared by the thermo functions."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from yieldkit.errors import SpecificationError
from yieldkit.models.thermo.database import lookup


def check_amounts(names: Sequence[str], moles, where: str) -> tuple[list[str], np.ndarray]:
    """Validate species names and non-negative finite amounts; return (names, array)."""
    names = list(names)
    n = np.asarray(moles, dtype=float)
    if n.ndim != 1 or n.size != len(names):
        raise SpecificationError(
            f"{where}: {len(names)} species names but amounts of shape {n.shape}; "
            "give one amount per species."
        )
    if len(set(names)) != len(names):
        dup = sorted({x for x in names if names.count(x) > 1})
        raise SpecificationError(f"{where}: species listed twice: {dup}.")
    for name in names:
        lookup(name, where)
    bad = ~np.isfinite(n) | (n < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SpecificationError(
            f"{where}: amount of {names[i]!r} is {float(n[i])!r}; amounts must be finite and >= 0."
        )
    return names, n


def check_positive(value, what: str, where: str, unit: str) -> float:
    """A finite, strictly positive scalar (temperature, pressure)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise SpecificationError(
            f"{where}: {what} must be a number in {unit}, got {value!r}."
        ) from None
    if not math.isfinite(x) or x <= 0:
        raise SpecificationError(f"{where}: {what} = {value!r} {unit}; it must be finite and > 0.")
    return x
