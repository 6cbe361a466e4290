"""Bookkeeping between a Stream's aqueous species and the speciation model (hydromet units).

The acid-base model of :mod:`yieldkit.models.speciation` works on system totals and a
strong-ion charge; a Stream holds named species (``H+``, ``HSO4-``, ``SO4-2``, ``OH-``...).
The hydromet units move between the two in three exact steps, each a sum of balanced
reactions, so element and charge balances close to rounding:

1. :func:`pool_form` writes every acid-base system in its least protonated species and
   puts the dissociable protons in ``H+`` (``HSO4- -> H+ + SO4-2``, ``H+ + OH- -> H2O``):
   ``H+`` then holds the proton total (negative for a basic liquor);
2. the unit applies its reactions to that form (acid consumed from ``H+``, ligands taken
   from the deprotonated species);
3. :func:`equilibrate` speciates the liquor from its totals and proton total and writes
   the equilibrium species back, water dissociation included when ``OH-`` is tracked.

Using the proton total rather than the strong-ion charge keeps the step exact even for a
transiently non-electroneutral recycle iterate. A system counts when any of its species is
a component; then all of them must be (a partial system cannot hold its equilibrium).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from yieldkit.chemistry.components import Components
from yieldkit.errors import SpecificationError
from yieldkit.models.speciation import (
    DEFAULT_SYSTEMS,
    SULFATE,
    AcidBaseSystem,
    Speciation,
    speciate,
    strong_charge_from_proton_total,
)

_L_PER_M3 = 1000.0


@dataclass(frozen=True)
class LiquorLayout:
    """Where the acid-base species of a Components set are.

    Attributes
    ----------
    systems : tuple of AcidBaseSystem
        Systems whose species are components [-].
    index : tuple of numpy.ndarray
        Component index of each system's species, most protonated first [-].
    h, oh, water : int or None
        Index of ``H+``, ``OH-`` (only with ``H2O``) and ``H2O`` [-].
    aq : numpy.ndarray
        Mask of the aqueous species [-].
    """

    systems: tuple[AcidBaseSystem, ...]
    index: tuple[np.ndarray, ...]
    h: int | None
    oh: int | None
    water: int | None
    aq: np.ndarray

    @property
    def system_species(self) -> set[int]:
        return {int(i) for idx in self.index for i in idx}


@lru_cache(maxsize=64)
def layout(components: Components, where: str) -> LiquorLayout:
    """The :class:`LiquorLayout` of ``components``; ``where`` names the unit in errors."""
    systems, index = [], []
    for system in DEFAULT_SYSTEMS:
        present = [s for s in system.species if s in components]
        if not present:
            continue
        missing = [s for s in system.species if s not in components]
        if missing:
            raise SpecificationError(
                f"{where}: the components hold {present} of the {system.name} system but not "
                f"{missing}; add them so the liquor's acid-base equilibrium can be written."
            )
        systems.append(system)
        index.append(components.indices(system.species))
    if "H+" not in components:
        raise SpecificationError(f"{where}: the components need 'H+' for the liquor's acidity.")
    water = components.index("H2O") if "H2O" in components else None
    oh = components.index("OH-") if "OH-" in components and water is not None else None
    return LiquorLayout(
        tuple(systems), tuple(index), components.index("H+"), oh, water, components.phase_mask("aq")
    )


def _bound(n: np.ndarray, lay: LiquorLayout) -> float:
    """Protons bound in the systems, relative to their least protonated forms [mol/s]."""
    total = 0.0
    for system, idx in zip(lay.systems, lay.index, strict=True):
        k = len(system.pKa) - np.arange(len(idx), dtype=float)
        total += float(n[idx] @ k)
    return total


def pool_form(n: np.ndarray, lay: LiquorLayout) -> np.ndarray:
    """Species flows with every system deprotonated and the protons in ``H+`` [mol/s]."""
    out = np.array(n, dtype=float)
    bound = _bound(out, lay)
    for idx in lay.index:
        out[idx[-1]] = float(out[idx].sum())
        out[idx[:-1]] = 0.0
    out[lay.h] += bound
    if lay.oh is not None:
        out[lay.h] -= out[lay.oh]
        out[lay.water] += out[lay.oh]
        out[lay.oh] = 0.0
    return out


def liquor_volume(n: np.ndarray, components: Components, density: float) -> float:
    """Aqueous volumetric flow [m3/s] from the aqueous mass and ``density`` [kg/m3]."""
    mask = components.phase_mask("aq")
    return float((n * mask) @ components.molar_masses) / density


def state(n_pool: np.ndarray, lay: LiquorLayout, volume: float):
    """(systems, totals [mol/L], proton total [mol/L], strong charge [eq/L]) of a pool form."""
    v_l = volume * _L_PER_M3
    systems = lay.systems or (SULFATE,)
    totals = (
        np.array([float(n_pool[idx].sum()) for idx in lay.index]) / v_l
        if lay.systems
        else np.zeros(1)
    )
    proton = float(n_pool[lay.h]) / v_l
    q = float(strong_charge_from_proton_total(proton, totals, systems))
    return systems, totals, proton, q


def equilibrate(
    n_pool: np.ndarray, lay: LiquorLayout, volume: float, where: str, h_guess=None
) -> tuple[np.ndarray, Speciation | None]:
    """Write the equilibrium species of a pool-form liquor of ``volume`` [m3/s].

    ``h_guess``: free H+ expected near the answer (e.g. the unit's last one inside a recycle
    loop), where the speciation's Newton starts [mol/L]. Returns the species flows [mol/s]
    and the speciation (None without liquor).
    """
    out = np.array(n_pool, dtype=float)
    if volume <= 0.0:
        return out, None
    systems, totals, proton, q = state(out, lay, volume)
    spec = speciate(totals, q, systems, h_guess=h_guess)
    v_l = volume * _L_PER_M3
    for j, idx in enumerate(lay.index):
        out[idx] = spec.conc[j] * v_l
        # the species must sum to the total exactly: the most abundant one takes the
        # remainder (a trace species taking it, e.g. C2O4-2 at pH 1, would carry the
        # rounding of the whole total, ~1e-11 of itself, into a recycle loop)
        big = int(idx[int(np.argmax(out[idx]))])
        out[big] = totals[j] * v_l - float(out[idx[idx != big]].sum())
    h = float(n_pool[lay.h]) - _bound(out, lay)
    if lay.oh is not None:
        oh = float(spec.oh) * v_l
        out[lay.oh] = oh
        out[lay.water] -= oh
        h += oh
    scale = max(abs(float(n_pool[lay.h])), float(spec.h) * v_l, 1e-300)
    if h < 0.0:
        if h < -1e-9 * scale:
            raise SpecificationError(
                f"{where}: the liquor is basic (proton total {proton:.4g} mol/L) but 'OH-' "
                "(with 'H2O') is not a component; add them to the components."
            )
        h = 0.0
    out[lay.h] = h
    return out, spec
