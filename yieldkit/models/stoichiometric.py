"""Extents of stoichiometric reactions applied one after another."""

from __future__ import annotations

import numpy as np


def sequential_extents(n_in: np.ndarray, nu: np.ndarray, key: np.ndarray, conversion: np.ndarray):
    """Apply reactions in order, each converting a fraction of its key reactant.

    Reaction r converts ``conversion[r]`` of the key reactant present when it is applied
    (after the reactions before it). If another reactant runs out first, the extent is
    limited to what that reactant allows and the limit is reported; no amount goes
    negative.

    Parameters
    ----------
    n_in : numpy.ndarray
        Inlet molar flows, shape (n_species,) [mol/s].
    nu : numpy.ndarray
        Signed stoichiometric matrix, shape (n_reactions, n_species) [-].
    key : numpy.ndarray
        Index of the key reactant of each reaction [-].
    conversion : numpy.ndarray
        Fraction of the key reactant converted by each reaction [-].

    Returns
    -------
    n_out : numpy.ndarray
        Outlet molar flows [mol/s].
    extents : numpy.ndarray
        Extent of each reaction [mol/s].
    limiting : list of int or None
        For each reaction, the index of the reactant that limited it (None if the key
        reactant's conversion was reached).
    """
    n = np.array(n_in, dtype=float)
    extents = np.zeros(len(nu))
    limiting: list[int | None] = []
    for r in range(len(nu)):
        k = key[r]
        wanted = conversion[r] * n[k] / -nu[r, k]
        reactants = np.flatnonzero(nu[r] < 0)
        allowed = n[reactants] / -nu[r, reactants]
        j = int(np.argmin(allowed))
        if allowed[j] < wanted * (1 - 1e-12) and reactants[j] != k:
            extent, lim = float(allowed[j]), int(reactants[j])
        else:
            extent, lim = float(wanted), None
        dn = nu[r] * extent
        n = n + dn
        # the limiting reactant is used up exactly, never driven below zero by rounding
        for i in reactants:
            if n[i] < 0 and n[i] > -1e-12 * max(abs(n_in[i]), abs(dn[i])):
                n[i] = 0.0
        if lim is not None:
            n[lim] = 0.0
        elif conversion[r] == 1.0:
            n[k] = 0.0  # complete conversion leaves exactly nothing
        extents[r] = extent
        limiting.append(lim)
    return n, extents, limiting
