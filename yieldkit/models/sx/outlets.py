"""Outlet flows of a cascade that conserve every metal, the protons and the extractant exactly.

The Newton solution closes each balance to the solver tolerance (~1e-12 relative). The
unit operation needs closure to rounding, so the larger outlet of each metal is taken by
difference from the total inflow, and the protons and free extractant follow from the
organic metal flows by their exact stoichiometry.
"""

from __future__ import annotations

import numpy as np

from yieldkit.errors import ConvergenceError


def exact_outlets(
    metal_in: np.ndarray,
    complex_in: np.ndarray,
    h_in: float,
    extractant_in: float,
    raffinate_metal: np.ndarray,
    loaded_metal: np.ndarray,
    z: np.ndarray,
    n: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Outlet flows that close the metal, proton and extractant balances to rounding.

    Parameters
    ----------
    metal_in : numpy.ndarray
        Total inflow of each metal, both phases [mol/s].
    complex_in : numpy.ndarray
        Inflow of each metal as organic complex [mol/s].
    h_in : float
        Inflow of aqueous H+ [mol/s].
    extractant_in : float
        Inflow of extractant, free plus bound, as monomer HA [mol/s].
    raffinate_metal, loaded_metal : numpy.ndarray
        Metal flows of the aqueous and organic outlets from the cascade solution [mol/s].
    z : numpy.ndarray
        Protons released per ion extracted [-].
    n : numpy.ndarray
        Dimers bound per ion (2n HA per complex) [-].

    Returns
    -------
    raffinate : numpy.ndarray
        Aqueous metal outflows [mol/s].
    loaded : numpy.ndarray
        Organic complex outflows [mol/s].
    h_out : float
        Aqueous H+ outflow [mol/s].
    free_out : float
        Free extractant outflow, monomer HA [mol/s].
    """
    raff_sol = np.asarray(raffinate_metal, dtype=float)
    load_sol = np.asarray(loaded_metal, dtype=float)
    big_aq = raff_sol >= load_sol
    raff = np.where(big_aq, metal_in - load_sol, raff_sol)
    load = np.where(big_aq, load_sol, metal_in - raff_sol)
    h_out = float(h_in + z @ (load - complex_in))
    free_out = float(extractant_in - (2.0 * n) @ load)
    scale_h = float(h_in + z @ (load + complex_in))
    if not (raff.min() >= 0 and load.min() >= 0) or h_out < -1e-12 * scale_h or free_out < 0:
        raise ConvergenceError(
            f"SX outlets by difference are negative (raffinate {raff}, loaded {load}, H+ "
            f"{h_out:.3g}, free extractant {free_out:.3g} mol/s): the cascade solution does "
            "not conserve its inflows.",
            loop="sx_cascade",
        )
    return raff, load, max(h_out, 0.0), free_out
