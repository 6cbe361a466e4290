"""Comminution (shredding, crushing, grinding) energy from Bond's third law.

Pure functions on numpy arrays, SI units throughout: sizes in metres, specific energy in
J/kg, power in W. The Bond work index is taken in its customary unit, kWh per tonne.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from yieldkit import citations
from yieldkit.errors import SpecificationError

#: 1 kWh/t expressed in J/kg: 3.6e6 J/kWh / 1000 kg/t.
KWH_PER_T_TO_J_PER_KG = 3600.0


def _positive_finite(name: str, value: ArrayLike) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr) | (arr <= 0.0)
    if np.any(bad):
        raise SpecificationError(
            f"{name} must be finite and > 0; got {arr[bad].tolist() if arr.ndim else float(arr)}."
        )
    return arr


def bond_specific_energy(work_index: ArrayLike, f80: ArrayLike, p80: ArrayLike) -> np.ndarray:
    """Specific comminution energy from Bond's law.

    ``W = 10 Wi (1/sqrt(P80) - 1/sqrt(F80))`` with W and Wi in kWh/t and sizes in µm,
    returned in J/kg. Inputs broadcast against each other.

    Parameters
    ----------
    work_index : array_like
        Bond work index of the material [kWh/t]; must be > 0.
    f80 : array_like
        80 % passing size of the feed [m]; must be > 0.
    p80 : array_like
        80 % passing size of the product [m]; must be > 0 and < ``f80``.

    Returns
    -------
    numpy.ndarray
        Net specific energy [J/kg].

    Raises
    ------
    SpecificationError
        If a value is not finite and positive, or if ``p80 >= f80`` (no size reduction).

    References
    ----------
    .. [1] Bond, F. C. (1961). Crushing and grinding calculations. British Chemical
       Engineering 6, 378-385 and 543-548.
    """
    wi = _positive_finite("work_index [kWh/t]", work_index)
    f = _positive_finite("f80 [m]", f80)
    p = _positive_finite("p80 [m]", p80)
    f, p = np.broadcast_arrays(f, p)
    not_reduced = p >= f
    if np.any(not_reduced):
        raise SpecificationError(
            "p80 must be smaller than f80 (a size reduction); got "
            f"p80 = {p[not_reduced].tolist()} m >= f80 = {f[not_reduced].tolist()} m."
        )
    citations.register("Bond1961")
    p_um = p * 1e6
    f_um = f * 1e6
    w_kwh_t = 10.0 * wi * (1.0 / np.sqrt(p_um) - 1.0 / np.sqrt(f_um))
    return w_kwh_t * KWH_PER_T_TO_J_PER_KG


def bond_power(
    mass_flow: ArrayLike, work_index: ArrayLike, f80: ArrayLike, p80: ArrayLike
) -> np.ndarray:
    """Net comminution power for a solids mass flow, from Bond's law.

    Parameters
    ----------
    mass_flow : array_like
        Solids mass flow through the mill or shredder [kg/s]; must be >= 0.
    work_index : array_like
        Bond work index of the material [kWh/t].
    f80 : array_like
        80 % passing size of the feed [m].
    p80 : array_like
        80 % passing size of the product [m]; smaller than ``f80``.

    Returns
    -------
    numpy.ndarray
        Net power drawn [W] (no motor or drive-train losses).

    References
    ----------
    .. [1] Bond, F. C. (1961). Crushing and grinding calculations. British Chemical
       Engineering 6, 378-385 and 543-548.
    """
    m = np.asarray(mass_flow, dtype=float)
    bad = ~np.isfinite(m) | (m < 0.0)
    if np.any(bad):
        raise SpecificationError(
            f"mass_flow [kg/s] must be finite and >= 0; got {m[bad].tolist() if m.ndim else float(m)}."
        )
    return m * bond_specific_energy(work_index, f80, p80)
