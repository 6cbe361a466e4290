"""Small helpers shared by the route modules: reagent streams and RE reaction sets.

Nothing here carries a literature number except the composition of dry air (mole fraction
of O2 0.2095, the value of the CMI reference calcination gas, DOMAIN.md §2 / Chowdhury 2021).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from yieldkit.chemistry.components import Components
from yieldkit.stream import Stream
from yieldkit.units import Q_

AIR_O2 = 0.2095  # mole fraction of O2 in dry air [-]

#: RE whose oxalate calcines to a non-sesquioxide in air
_OXIDE = {"Ce": "CeO2", "Pr": "Pr6O11", "Tb": "Tb4O7"}


def air(c: Components, o2_mol_s: float, T=None) -> Stream:
    """Dry air carrying ``o2_mol_s`` of O2 [mol/s] (N2 the balance)."""
    n2 = o2_mol_s * (1 - AIR_O2) / AIR_O2
    return Stream(c, {"O2(g)": Q_(o2_mol_s, "mol/s"), "N2(g)": Q_(n2, "mol/s")}, T=T)


def solution(
    c: Components, solutes: Mapping[str, float], molarity: float, key: str, T=None
) -> Stream:
    """Aqueous solution of ``solutes`` [mol/s] whose ``key`` solute is at ``molarity`` [mol/L]."""
    volume = solutes[key] / (molarity * 1000.0)  # [m3/s]
    return Stream.from_concentrations(
        c, Q_(volume, "m^3/s"), {k: Q_(v / volume, "mol/m^3") for k, v in solutes.items()}, T=T
    )


def oxide(re: str) -> str:
    """Oxide formed when the oxalate of ``re`` is calcined in air."""
    return _OXIDE.get(re, f"{re}2O3")


def oxalate(re: str) -> str:
    """Name of the oxalate decahydrate of ``re``."""
    return f"{re}2(C2O4)3.10H2O"


def oxalate_precipitation(elements: Sequence[str], yield_: float) -> list[tuple[str, str, float]]:
    """Reactions ``2 RE+3 + 3 H2C2O4 + 10 H2O -> RE2(C2O4)3.10H2O + 6 H+`` [-]."""
    return [
        (f"2 {e}+3 + 3 H2C2O4 + 10 H2O -> {oxalate(e)} + 6 H+", f"{e}+3", yield_) for e in elements
    ]


def oxalate_calcination(elements: Sequence[str]) -> list[tuple[str, str, float]]:
    """Complete calcination of each RE oxalate in air to the oxide of :func:`oxide`."""
    out = []
    for e in elements:
        ox = oxalate(e)
        if e == "Ce":
            eq = f"{ox} + 2 O2(g) -> 2 CeO2 + 6 CO2(g) + 10 H2O(g)"
        elif e == "Pr":
            eq = f"6 {ox} + 11 O2(g) -> 2 Pr6O11 + 36 CO2(g) + 60 H2O(g)"
        elif e == "Tb":
            eq = f"4 {ox} + 7 O2(g) -> 2 Tb4O7 + 24 CO2(g) + 40 H2O(g)"
        else:
            eq = f"2 {ox} + 3 O2(g) -> 2 {e}2O3 + 12 CO2(g) + 20 H2O(g)"
        out.append((eq, ox, 1.0))
    return out


def calcination_o2(re: str) -> float:
    """O2 consumed per mol of ``re`` calcined from its oxalate [mol/mol]."""
    return {"Ce": 1.0, "Pr": 11 / 12, "Tb": 7 / 8}.get(re, 0.75)


def with_species(reactions, *species) -> list:
    """``reactions`` with each equation parsed knowing the route-local ``species``."""
    from yieldkit.chemistry.reactions import Reaction

    extra = {s.name: s for s in species}
    return [(Reaction.parse(eq, extra), key, x) for eq, key, x in reactions]
