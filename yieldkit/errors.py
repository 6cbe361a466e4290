"""The yieldkit exception hierarchy.

Every error a user can provoke with bad input is a :class:`YieldkitError`. Messages name
the bad value, where it came from, and what is accepted; names get a "did you mean".
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

import numpy as np


class YieldkitError(Exception):
    """Base class of every yieldkit error."""


class SpeciesError(YieldkitError, KeyError):
    """Unknown species, bad formula, or a species in the wrong phase."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class UnitsError(YieldkitError, TypeError):
    """A quantity with the wrong dimension, or a bare number where a quantity is needed."""


class SpecificationError(YieldkitError, ValueError):
    """A parameter outside its accepted range or set (fraction > 1, negative flow, ...)."""


class InfeasibleStateError(SpecificationError):
    """A unit cannot operate at the inlet state it was given (e.g. an organic feed loaded
    beyond its extractant capacity). Tear solvers that extrapolate treat it, at an
    extrapolated trial point only, as a failed step and retreat to a point the flowsheet
    itself produced; anywhere else it is reported like any SpecificationError."""


class BalanceError(YieldkitError):
    """An element, charge or mass balance that does not close."""


class ConnectionError(YieldkitError):  # noqa: A001 - the design names it so
    """A flowsheet wiring problem: dangling port, port used twice, unknown unit."""


class ConvergenceError(YieldkitError):
    """An iterative solve that did not converge.

    Attributes
    ----------
    loop : str
        Which loop or equation system failed.
    residual_history : list of float
        The scaled residual at each iteration [-].
    best_iterate : numpy.ndarray or None
        The iterate with the smallest residual.
    """

    def __init__(self, message: str, loop: str = "", residual_history=None, best_iterate=None):
        super().__init__(message)
        self.loop = loop
        self.residual_history = list(residual_history or [])
        self.best_iterate = best_iterate

    def reworded(self, message: str) -> ConvergenceError:
        """The same failure (loop, residual history, best iterate) with another message,
        e.g. prefixed by the unit or section that ran the solve."""
        return ConvergenceError(message, self.loop, self.residual_history, self.best_iterate)


class ThermoError(YieldkitError):
    """A thermochemistry (Cantera) failure, with the state that caused it."""


def expect_dict(value, name: str, example: str):
    """``value`` when it is a mapping, else SpecificationError naming it, with ``example``
    showing the expected form (a list or a number given for a dict parameter)."""
    if not isinstance(value, Mapping):
        raise SpecificationError(f"{name} = {value!r} must be a dict, e.g. {example}.")
    return value


def float_array(value, message: str) -> np.ndarray:
    """``value`` as an array of floats, else SpecificationError with ``message``, whose
    ``{!r}`` is filled with the value (only when it fails: the repr of a large array is not
    built on every call)."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SpecificationError(message.format(value)) from None


def did_you_mean(name: str, choices: Iterable[str], n: int = 3) -> str:
    """Return a ' Did you mean ...?' suffix for an unknown name (empty if no close match)."""
    choices = [str(c) for c in choices]
    if not isinstance(name, str):  # e.g. a tuple passed where a name was expected
        return f" (a name is a string; got a {type(name).__name__})"
    close = difflib.get_close_matches(name, choices, n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=n)]
    if not close:  # an abbreviation spelled out ('aqueous' for 'aq') or cut short
        low = name.lower()
        close = [
            c for c in choices if c and (low.startswith(c.lower()) or c.lower().startswith(low))
        ]
        close = close[:n] if low else []
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"


def unknown_name(kind: str, name: str, choices: Iterable[str], where: str = "") -> str:
    """Build the standard message for an unknown name: value, suggestion, accepted names."""
    choices = sorted(str(c) for c in choices)
    shown = ", ".join(choices[:40]) + (
        f", ... ({len(choices)} in all)" if len(choices) > 40 else ""
    )
    loc = f" in {where}" if where else ""
    return f"unknown {kind} {name!r}{loc}.{did_you_mean(name, choices)} Accepted: {shown}."
