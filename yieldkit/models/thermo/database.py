"""Thermo species available to Cantera, keyed by yieldkit species names.

Three sources, loaded once and cached:

- ``yieldkit/data/thermo_species.yaml`` — yieldkit's rare-earth species (see
  :mod:`yieldkit.models.thermo.species_data` for the values and their sources);
- Cantera's ``nasa_gas.yaml`` and ``nasa_condensed.yaml`` (McBride et al. 1993) for gases
  and common condensed species, loaded from those files, never copied.

A yieldkit name can map to several Cantera species, the polymorphs or melt of one
compound (``Fe`` -> ``Fe(a)``, ``Fe(c)``, ``Fe(d)``); at a given temperature the one whose
range contains T is *active* and is the only one used, so enthalpies include transition
enthalpies and an equilibrium holds one phase per compound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import cantera as ct
import numpy as np

from yieldkit.errors import SpeciesError, SpecificationError, unknown_name

#: yieldkit gas name -> Cantera name in nasa_gas.yaml
GAS_NAMES: dict[str, str] = {
    "O2(g)": "O2",
    "N2(g)": "N2",
    "H2O(g)": "H2O",
    "CO(g)": "CO",
    "CO2(g)": "CO2",
    "HCl(g)": "HCL",
    "HF(g)": "HF",
    "H2(g)": "H2",
    "Ar(g)": "Ar",
    "Cl2(g)": "CL2",
    "SO2(g)": "SO2",
    "SO3(g)": "SO3",
    "NO(g)": "NO",
    "NO2(g)": "NO2",
    "NH3(g)": "NH3",
}

#: yieldkit condensed name -> Cantera names in nasa_condensed.yaml, in order of temperature
NASA_CONDENSED_NAMES: dict[str, tuple[str, ...]] = {
    "Fe": ("Fe(a)", "Fe(c)", "Fe(d)"),
    "FeO": ("FeO(s)",),
    "Fe2O3": ("Fe2O3(s)",),
    "Fe3O4": ("Fe3O4(s)",),
    "Fe(OH)3": ("Fe(OH)3(s)",),
    "FeCl2": ("FeCL2(s)", "FeCL2(L)"),
    "CaO": ("CaO(s)",),
    "CaCO3": ("CaCO3(caL)",),
    "Ca(OH)2": ("CaO2H2(s)",),
    "CaSO4": ("CaSO4(s)",),
    "CaF2": ("CaF2(a)", "CaF2(b)", "CaF2(L)"),
    "CaCl2": ("CaCL2(s)", "CaCL2(L)"),
    "Na2SO4": ("Na2SO4(V)", "Na2SO4(IV)", "Na2SO4(I)", "Na2SO4(L)"),
    "Al2O3": ("AL2O3(a)",),
    "B2O3": ("B2O3(L)",),
    "C": ("C(gr)",),
    "Ni": ("Ni(cr)", "Ni(L)"),
    "B": ("B(b)", "B(L)"),
    "BaO": ("BaO(s)", "BaO(L)"),
    "SrO": ("SrO(s)", "SrO(L)"),
    "Cu": ("Cu(cr)", "Cu(L)"),
    "Cu2O": ("Cu2O(s)", "Cu2O(L)"),
    "CuO": ("CuO(s)",),
    "NaF": ("NaF(s)", "NaF(L)"),
    "NaOH": ("NaOH(a)", "NaOH(L)"),
    "Na2CO3": ("Na2CO3(I)", "Na2CO3(II)", "Na2CO3(L)"),
    "SiO2": ("SiO2(Lqz)", "SiO2(hqz)", "SiO2(L)"),
}

#: Pseudo-species without a chemical formula -> the species whose enthalpy stands in for
#: theirs in heat duties (never in equilibria). "inert gangue" has the molar mass of SiO2
#: (species.toml) and passes thermal units unchanged, so only its heat capacity matters:
#: quartz's (NASA) is taken for it, an estimate (yieldkitEstimate) for silicate gangue;
#: the units that use it say so in their outcome (``duty_basis``).
ENTHALPY_SURROGATES: dict[str, str] = {"inert gangue": "SiO2"}


def enthalpy_stand_ins(names: Sequence[str], known: frozenset[str]) -> list[str]:
    """Per species, the name whose thermo data give its enthalpy: its own when ``known``
    has it, else its :data:`ENTHALPY_SURROGATES` stand-in (else its own, which has none).

    Parameters
    ----------
    names : sequence of str
        Species names.
    known : frozenset of str
        Names with thermo data, e.g. ``frozenset(available())``.
    """
    return [n if n in known else ENTHALPY_SURROGATES.get(n, n) for n in names]


def stand_in_clause(name: str, stand_in: str) -> str:
    """The duty-basis clause of a species whose heat is counted as its stand-in's.

    Parameters
    ----------
    name : str
        The species.
    stand_in : str
        The species whose thermo data stand in for it.
    """
    return f"{name} counted as {stand_in} for its heat (estimate)"


#: NASA ranges that start at 300 K are accepted down to this reference temperature [K]
T_REF = 298.15
#: Temperatures this close outside a data range count as its end (no extrapolation
#: message): finite-difference probes and rounding of tear temperatures, e.g.
#: 298.14999999 K [K]
T_SLACK = 1e-3


@dataclass(frozen=True)
class ThermoSpecies:
    """A yieldkit species with its Cantera thermo data.

    Attributes
    ----------
    name : str
        yieldkit name.
    phase : str
        ``"g"`` (ideal gas) or ``"s"`` (pure condensed phase, melts included).
    polymorphs : tuple of cantera.Species
        Cantera species in order of temperature range.
    sources : tuple of str
        Citation keys the data rest on.
    """

    name: str
    phase: str
    polymorphs: tuple
    sources: tuple

    @property
    def t_range(self) -> tuple[float, float]:
        """Temperatures covered by the polymorphs together [K]."""
        lo = self.polymorphs[0].thermo.min_temp
        if lo <= 300.0:
            lo = min(lo, T_REF)
        return lo, self.polymorphs[-1].thermo.max_temp

    def active_index(self, T: float, extrapolate: bool = False) -> int:
        """Index of the polymorph valid at T [K].

        Raises
        ------
        SpecificationError
            If T is outside every range and ``extrapolate`` is False.
        """
        lo, hi = self.t_range
        if not (lo <= T <= hi):
            if lo - T_SLACK <= T <= hi + T_SLACK:  # rounding, e.g. a solver's probe
                return 0 if T < lo else len(self.polymorphs) - 1
            if not extrapolate:
                raise SpecificationError(
                    f"temperature {T:g} K is outside the range {lo:g}-{hi:g} K of the thermo "
                    f"data of {self.name!r}; pass extrapolate=True to use the data anyway."
                )
            return 0 if T < lo else len(self.polymorphs) - 1
        for i, sp in enumerate(self.polymorphs):
            if T <= sp.thermo.max_temp:
                return i
        return len(self.polymorphs) - 1  # pragma: no cover - T <= hi guarantees a match


def _nasa_file(fname: str) -> dict[str, ct.Species]:
    return {sp.name: sp for sp in ct.Species.list_from_file(fname)}


@cache
def species_table() -> dict[str, ThermoSpecies]:
    """Every thermo species yieldkit knows, by yieldkit name (loaded once)."""
    table: dict[str, ThermoSpecies] = {}
    gas = _nasa_file("nasa_gas.yaml")
    for yk, cn in GAS_NAMES.items():
        table[yk] = ThermoSpecies(yk, "g", (gas[cn],), ("McBride1993",))
    cond = _nasa_file("nasa_condensed.yaml")
    for yk, cns in NASA_CONDENSED_NAMES.items():
        table[yk] = ThermoSpecies(yk, "s", tuple(cond[c] for c in cns), ("McBride1993",))
    path = resources.files("yieldkit.data").joinpath("thermo_species.yaml")
    for sp in ct.Species.list_from_file(str(path)):
        src = sp.input_data["yieldkit"]["sources"]
        keys = tuple(dict.fromkeys(src.values()))
        if "yieldkitEstimate" in keys or sp.name.endswith("O2CO3"):
            keys += ("McBride1993",)  # the estimates and the CO2 enthalpy use NASA data
        table[sp.name] = ThermoSpecies(sp.name, "s", (sp,), tuple(dict.fromkeys(keys)))
    return table


def available() -> list[str]:
    """Names of all species with thermo data, sorted."""
    return sorted(species_table())


def lookup(name: str, where: str = "") -> ThermoSpecies:
    """The :class:`ThermoSpecies` called ``name``.

    Parameters
    ----------
    name : str
        yieldkit species name.
    where : str
        Where the name came from, for the error message.

    Raises
    ------
    SpeciesError
        Unknown name; the message suggests close names and lists the accepted ones.
    """
    try:
        return species_table()[name]
    except KeyError:
        raise SpeciesError(unknown_name("thermo species", name, species_table(), where)) from None


def element_matrix(names: list[str]) -> tuple[list[str], np.ndarray]:
    """Elements and the element matrix of species ``names``.

    Parameters
    ----------
    names : list of str
        yieldkit species names.

    Returns
    -------
    elements : list of str
        Elements present, sorted.
    A : numpy.ndarray
        Atoms of each element per molecule, shape (n_elements, n_species) [-].
    """
    comps = [lookup(n).polymorphs[0].composition for n in names]
    elements = sorted({e for c in comps for e in c})
    A = np.array([[c.get(e, 0.0) for c in comps] for e in elements], dtype=float)
    return elements, A


def standard_properties(name: str, T: float, *, extrapolate: bool = False) -> dict[str, float]:
    """Standard-state properties of one species at T.

    Parameters
    ----------
    name : str
        yieldkit species name.
    T : float
        Temperature [K].
    extrapolate : bool
        Allow T outside the data range.

    Returns
    -------
    dict
        ``cp`` [J/mol/K], ``h`` (formation-based, absolute) [J/mol], ``s`` [J/mol/K],
        ``g`` = h − T s [J/mol], and ``polymorph`` (the Cantera species name used).
    """
    sp = lookup(name)
    th = sp.polymorphs[sp.active_index(T, extrapolate)].thermo
    h, s = th.h(T) / 1e3, th.s(T) / 1e3
    return {
        "cp": th.cp(T) / 1e3,
        "h": h,
        "s": s,
        "g": h - T * s,
        "polymorph": sp.polymorphs[sp.active_index(T, extrapolate)].name,
    }
