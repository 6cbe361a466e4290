"""Magnetic separation as a split model by magnetic-susceptibility class.

Each species is assigned a class (ferromagnetic, paramagnetic, diamagnetic); the fraction of
that species reporting to the magnetic product is the recovery of its class. No default
recoveries are shipped: no citable per-class figure for magnet scrap was found, so the user
passes them (a separator's recoveries depend strongly on field, belt speed and particle size).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from yieldkit.errors import SpecificationError, unknown_name

#: Accepted magnetic-susceptibility classes.
SUSCEPTIBILITY_CLASSES: tuple[str, ...] = ("ferromagnetic", "paramagnetic", "diamagnetic")


def _check_recovery(recovery: Mapping[str, float]) -> dict[str, float]:
    checked: dict[str, float] = {}
    for key, value in recovery.items():
        if key not in SUSCEPTIBILITY_CLASSES:
            raise SpecificationError(
                unknown_name("susceptibility class", key, SUSCEPTIBILITY_CLASSES, "recovery")
            )
        v = float(value)
        if not (np.isfinite(v) and 0.0 <= v <= 1.0):
            raise SpecificationError(
                f"recovery[{key!r}] must be a fraction in [0, 1]; got {value!r}."
            )
        checked[key] = v
    return checked


def magnetic_split_fractions(classes: Sequence[str], recovery: Mapping[str, float]) -> np.ndarray:
    """Fraction of each species that reports to the magnetic product.

    Parameters
    ----------
    classes : sequence of str
        Susceptibility class of each species, one of :data:`SUSCEPTIBILITY_CLASSES`.
    recovery : mapping of str to float
        Recovery to the magnetic product per class [-], each in [0, 1]. Every class used in
        ``classes`` must be given; unknown class names are rejected.

    Returns
    -------
    numpy.ndarray
        Split fraction to the magnetic product per species [-], same order as ``classes``.

    Raises
    ------
    SpecificationError
        Unknown class name (with "did you mean"), a recovery outside [0, 1], or a class used
        by a species but missing from ``recovery``.
    """
    rec = _check_recovery(recovery)
    out = np.empty(len(classes), dtype=float)
    for i, cls in enumerate(classes):
        if cls not in SUSCEPTIBILITY_CLASSES:
            raise SpecificationError(
                unknown_name("susceptibility class", cls, SUSCEPTIBILITY_CLASSES, f"classes[{i}]")
            )
        if cls not in rec:
            raise SpecificationError(
                f"no recovery given for class {cls!r} (used by classes[{i}]); "
                f"recovery has {sorted(rec)}. Pass a recovery in [0, 1] for every class used."
            )
        out[i] = rec[cls]
    return out


def split_flows(flows: ArrayLike, fractions: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Split species flows into magnetic and non-magnetic products.

    The non-magnetic product is computed as ``flows - magnetic`` so that the two products
    add up to the feed exactly (to rounding of one subtraction).

    Parameters
    ----------
    flows : array_like
        Feed flow per species [mol/s] (or any extensive unit); must be >= 0.
    fractions : array_like
        Fraction to the magnetic product per species [-], each in [0, 1].

    Returns
    -------
    magnetic : numpy.ndarray
        Flow per species to the magnetic product [mol/s].
    non_magnetic : numpy.ndarray
        Flow per species to the non-magnetic product [mol/s].
    """
    f = np.asarray(flows, dtype=float)
    s = np.asarray(fractions, dtype=float)
    if f.shape != s.shape:
        raise SpecificationError(
            f"flows and fractions must have the same shape; got {f.shape} and {s.shape}."
        )
    if np.any(~np.isfinite(f) | (f < 0.0)):
        raise SpecificationError(f"flows must be finite and >= 0; got {f.tolist()}.")
    if np.any(~np.isfinite(s) | (s < 0.0) | (s > 1.0)):
        raise SpecificationError(f"fractions must be in [0, 1]; got {s.tolist()}.")
    magnetic = f * s
    return magnetic, f - magnetic
