"""The one pint registry of yieldkit and the conversions at the public boundary.

Inside yieldkit everything is SI with amounts in mol (flows in mol/s, T in K, P in Pa);
pint is used only where values enter or leave. The registry is pint's application
registry, so quantities made by a user's own ``pint.get_application_registry()`` combine
with ours.
"""

from __future__ import annotations

import numbers
import re

import pint

from yieldkit.errors import UnitsError

ureg = pint.get_application_registry()
_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z°%].*)?$")
Q_ = ureg.Quantity

# aliases that process engineers type
for _definition in ("tonne_per_hour = tonne / hour = tph",):
    try:
        ureg.define(_definition)
    except (pint.errors.RedefinitionError, ValueError):  # already defined by a user
        pass


def parse_quantity(value, name: str = "value") -> pint.Quantity:
    """Return ``value`` as a pint Quantity (strings such as ``"80 degC"`` are parsed).

    Parameters
    ----------
    value : pint.Quantity or str
        The value given by the user.
    name : str
        Where the value came from, for messages.
    """
    if isinstance(value, str):
        m = _NUMBER_UNIT.match(value)
        try:
            if m:  # "80 degC": offset units need the magnitude and unit apart
                return Q_(float(m.group(1)), (m.group(2) or "").strip() or "dimensionless")
            return Q_(value)
        except (
            pint.errors.UndefinedUnitError,
            pint.errors.DefinitionSyntaxError,
            ValueError,
            AttributeError,
            TypeError,
        ) as exc:
            raise UnitsError(f"{name}: cannot read {value!r} as a quantity ({exc}).") from exc
    if isinstance(value, pint.Quantity):
        return value
    raise UnitsError(
        f"{name}: expected a quantity with units (e.g. Q_(1.0, 'kg/h') or '1 kg/h'), "
        f"got {value!r} of type {type(value).__name__}."
    )


def to_si(value, unit: str, name: str = "value") -> float:
    """Convert a quantity to a float in ``unit`` (the internal unit), checking dimensions.

    A bare number is rejected: the caller must say which unit it is in. The caller's
    Quantity is not modified.

    Parameters
    ----------
    value : pint.Quantity or str
        The value with units.
    unit : str
        Internal unit, e.g. ``"mol/s"``, ``"K"``, ``"Pa"``.
    name : str
        Where the value came from, for messages.

    Returns
    -------
    float
        The magnitude in ``unit``.
    """
    q = parse_quantity(value, name)
    try:
        return q.to(unit).magnitude
    except pint.errors.DimensionalityError as exc:
        raise UnitsError(
            f"{name}: {q:~P} has dimension {q.dimensionality}, expected a quantity convertible "
            f"to {unit!r} ({ureg.Quantity(1, unit).dimensionality})."
        ) from exc


def to_dimensionless(value, name: str = "value") -> float:
    """Return a dimensionless value as float; accepts numbers, '%' strings and quantities."""
    if isinstance(value, bool):
        raise UnitsError(f"{name}: expected a number, got a bool {value!r}.")
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    q = parse_quantity(value, name)
    try:
        return float(q.to("dimensionless").magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitsError(f"{name}: expected a dimensionless number, got {q:~P}.") from exc


def check_unit(unit: str, expected: str, name: str = "unit") -> None:
    """Raise UnitsError unless ``unit`` has the dimension of ``expected``."""
    try:
        ok = ureg.Quantity(1, unit).dimensionality == ureg.Quantity(1, expected).dimensionality
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitsError(f"{name}: unknown unit {unit!r} ({exc}).") from exc
    if not ok:
        raise UnitsError(
            f"{name}: unit {unit!r} is not a {ureg.Quantity(1, expected).dimensionality} unit "
            f"like {expected!r}."
        )
