"""Validation of unit-operation parameters at construction (clear messages, no clipping)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

from yieldkit.errors import SpecificationError, expect_dict, unknown_name
from yieldkit.units import to_dimensionless, to_si

SUM_TOL = 1e-9
#: Mass fraction below which a species a unit cannot treat counts as a tear solver's trace
#: (finite-difference probes put ~1e-40 mol/s of any species into a recycle): the unit passes
#: it through and lists it in ``info``; above it the species is an error. Shared by the
#: Leach (solids without rate laws) and SolventExtraction (solids and gases) units.
SOLVER_TRACE = 1e-9


def fraction(value, name: str) -> float:
    """A number in [0, 1] [-]."""
    v = to_dimensionless(value, name)
    if not (math.isfinite(v) and 0.0 <= v <= 1.0):
        raise SpecificationError(f"{name} = {v!r} is outside the accepted range [0, 1].")
    return v


def positive(value, unit: str, name: str, *, allow_zero: bool = False) -> float:
    """A quantity converted to ``unit`` that must be > 0 (or >= 0)."""
    v = to_si(value, unit, name)
    ok = v >= 0 if allow_zero else v > 0
    if not (math.isfinite(v) and ok):
        bound = ">= 0" if allow_zero else "> 0"
        raise SpecificationError(f"{name} = {value!r} must be finite and {bound} (in {unit}).")
    return v


def positive_number(value, name: str, *, allow_zero: bool = False) -> float:
    """A dimensionless number that must be > 0 (or >= 0)."""
    v = to_dimensionless(value, name)
    ok = v >= 0 if allow_zero else v > 0
    if not (math.isfinite(v) and ok):
        raise SpecificationError(
            f"{name} = {v!r} must be finite and {'>= 0' if allow_zero else '> 0'}."
        )
    return v


def flag(value, name: str) -> bool:
    """A switch given as True or False (a string such as 'no', or 1, is not read as one)."""
    if not isinstance(value, bool | np.bool_):
        raise SpecificationError(f"{name} = {value!r} must be True or False.")
    return bool(value)


def choice(value: str, accepted: Iterable[str], name: str) -> str:
    """One of the accepted option names (did-you-mean otherwise)."""
    accepted = tuple(accepted)
    if value not in accepted:
        raise SpecificationError(unknown_name("option", str(value), accepted, name))
    return value


def fractions_summing_to_one(values: Mapping[str, object], name: str) -> dict[str, float]:
    """A mapping of fractions in [0, 1] that sum to 1 (within 1e-9)."""
    mapping(values, name, "{'recycle': 0.8, 'purge': 0.2}")
    if not values:
        raise SpecificationError(f"{name}: at least one fraction is needed.")
    out = {k: fraction(v, f"{name}[{k!r}]") for k, v in values.items()}
    total = sum(out.values())
    if abs(total - 1.0) > SUM_TOL:
        raise SpecificationError(
            f"{name}: fractions {out} sum to {total:.12g}; they must sum to 1 (within {SUM_TOL:g})."
        )
    return out


def mapping(value, name: str, example: str) -> Mapping:
    """A parameter given as a dict ({name: value}); anything else is an error naming it
    (``example`` shows the expected form; :func:`yieldkit.errors.expect_dict`)."""
    return expect_dict(value, name, example)


def item_list(value, name: str, example: str) -> list:
    """A parameter given as a list (or tuple) of items; a string, a dict or a single
    number is an error naming it (a string would be read character by character)."""
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        if isinstance(value, str):
            example = f"[{value!r}]"  # the one item meant, most likely
        raise SpecificationError(f"{name} = {value!r} must be a list, e.g. {example}.")
    return list(value)


def name_list(value, name: str, example: str) -> tuple[str, ...]:
    """A list of names (species, solids, ...): :func:`item_list` whose items are strings."""
    names = tuple(item_list(value, name, example))
    for item in names:
        if not isinstance(item, str):
            raise SpecificationError(f"{name}: {item!r} is not a name; e.g. {example}.")
    return names


def port_names(value, name: str) -> tuple[str, ...]:
    """A tuple of distinct, non-empty port names (one name may be given as a string)."""
    if isinstance(value, str):
        value = (value,)
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise SpecificationError(
            f"{name} = {value!r} must be a list of port names, e.g. ['feed', 'recycle']."
        )
    names = tuple(value)
    if not names or any(not isinstance(n, str) or not n or "." in n for n in names):
        raise SpecificationError(
            f"{name}: port names must be non-empty strings without '.', got {names!r}."
        )
    if len(set(names)) != len(names):
        raise SpecificationError(f"{name}: port names repeat: {names!r}.")
    return names


def known_keys(keys: Iterable[str], accepted: Iterable[str], name: str) -> None:
    """Reject keys that are not accepted (mistyped keys are never silently ignored)."""
    accepted = tuple(accepted)
    for k in keys:
        if k not in accepted:
            raise SpecificationError(unknown_name("key", k, accepted, name))
