"""Species: the chemical identities yieldkit tracks, and the built-in database.

Element composition and molar mass come from the formula through ``molmass`` (a maintained
formula library); the database ``data/species.toml`` names a source for every entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType

from molmass import Formula, FormulaError

from yieldkit import citations
from yieldkit.errors import SpeciesError, SpecificationError, unknown_name

PHASES = ("aq", "org", "s", "g", "l")
PHASE_NAMES = {"aq": "aqueous", "org": "organic", "s": "solid", "g": "gas", "l": "liquid melt"}
_CHARGE_SUFFIX = re.compile(r"([+-])(\d*)$")


@dataclass(frozen=True)
class Species:
    """One chemical species in one phase.

    Parameters
    ----------
    name : str
        Unique name, e.g. ``"Nd+3"``, ``"Nd2O3"``, ``"O2(g)"``.
    formula : str
        Neutral formula for molmass (hydrates with '.'); empty for pseudo-species.
    charge : int
        Charge number [-].
    phase : str
        One of ``aq``, ``org``, ``s``, ``g``, ``l``.
    elements : mapping of str to float
        Atoms of each element per formula unit [-]; pseudo-elements allowed (``Gangue``).
    molar_mass : float
        [kg/mol].
    source : str
        Citation key in CITATIONS.bib.
    description : str
        Plain-language name.
    """

    name: str
    formula: str
    charge: int
    phase: str
    elements: MappingProxyType = field(compare=False)
    molar_mass: float
    source: str = ""
    description: str = ""

    @classmethod
    def create(
        cls,
        name: str,
        formula: str | None = None,
        *,
        charge: int = 0,
        phase: str,
        elements: dict[str, float] | None = None,
        molar_mass: float | None = None,
        source: str = "",
        description: str = "",
    ) -> Species:
        """Make a species, computing composition and molar mass from the formula.

        Parameters
        ----------
        name : str
            Unique name.
        formula : str, optional
            Neutral formula; defaults to ``name``.
        charge : int
            Charge number [-].
        phase : str
            ``aq``, ``org``, ``s``, ``g`` or ``l``.
        elements : dict, optional
            Composition for pseudo-species without a formula [-].
        molar_mass : float, optional
            Molar mass for pseudo-species [g/mol].
        source : str
            Citation key.
        description : str
            Plain-language name.
        """
        if phase not in PHASES:
            raise SpeciesError(phase_error(phase, f"species {name!r}"))
        if not isinstance(charge, int) or isinstance(charge, bool):
            raise SpeciesError(f"species {name!r}: charge must be an integer, got {charge!r}.")
        formula = name if formula is None else formula
        if formula:
            try:
                f = Formula(formula)
                comp = {k: float(v.count) for k, v in f.composition().items()}
                mass = f.mass / 1000.0
            except (FormulaError, ValueError, KeyError) as exc:
                raise SpeciesError(
                    f"species {name!r}: cannot parse formula {formula!r} ({exc}). Write it as "
                    "a neutral formula, hydrates with '.', e.g. 'Nd2(C2O4)3.10H2O'; give the "
                    "charge separately."
                ) from exc
        else:
            if not elements or molar_mass is None:
                raise SpeciesError(
                    f"species {name!r}: a pseudo-species without formula needs both "
                    "'elements' and 'molar_mass' [g/mol]."
                )
            comp = {k: float(v) for k, v in elements.items()}
            mass = float(molar_mass) / 1000.0
        if mass <= 0:
            raise SpeciesError(f"species {name!r}: molar mass must be positive, got {mass} kg/mol.")
        # electrons are not atoms: an ion keeps the neutral formula's mass (error < 1e-5 relative)
        return cls(name, formula, charge, phase, MappingProxyType(comp), mass, source, description)

    def __repr__(self) -> str:
        return f"Species({self.name!r}, phase={self.phase!r}, M={self.molar_mass * 1000:.4g} g/mol)"


def phase_error(phase: str, where: str = "") -> str:
    """Message for an unknown phase; full names ('solid') point to their code ('s')."""
    alias = {v.split()[0]: k for k, v in PHASE_NAMES.items()} | {"liquid": "l", "gas": "g"}
    if isinstance(phase, str) and phase.lower() in alias:
        loc = f" in {where}" if where else ""
        return (
            f"unknown phase {phase!r}{loc}. Did you mean {alias[phase.lower()]!r}? "
            f"Accepted: {', '.join(f'{k} ({v})' for k, v in PHASE_NAMES.items())}."
        )
    return unknown_name("phase", str(phase), PHASES, where)


def _check_name_charge(name: str, charge: int) -> None:
    m = _CHARGE_SUFFIX.search(name)
    if m and not name.endswith("(g)"):
        sign = 1 if m.group(1) == "+" else -1
        expected = sign * int(m.group(2) or 1)
        if expected != charge:
            raise SpeciesError(
                f"species {name!r}: name says charge {expected}, data says {charge}."
            )


@cache
def database() -> MappingProxyType:
    """The built-in species database {name: Species} loaded from ``data/species.toml``."""
    text = resources.files("yieldkit.data").joinpath("species.toml").read_text(encoding="utf-8")
    rows = tomllib.loads(text).get("species", [])
    db: dict[str, Species] = {}
    for row in rows:
        name = row.get("name")
        if name in db:
            raise SpeciesError(f"species.toml: duplicate species {name!r}.")
        unknown = set(row) - {
            "name",
            "formula",
            "charge",
            "phase",
            "elements",
            "molar_mass",
            "source",
            "description",
            "note",
        }
        if unknown:
            raise SpecificationError(
                f"species.toml: {name!r} has unknown fields {sorted(unknown)}."
            )
        sp = Species.create(
            name,
            row.get("formula", name),
            charge=row.get("charge", 0),
            phase=row.get("phase", ""),
            elements=row.get("elements"),
            molar_mass=row.get("molar_mass"),
            source=citations.check(row.get("source", "")),
            description=row.get("description", ""),
        )
        _check_name_charge(name, sp.charge)
        db[name] = sp
    return MappingProxyType(db)


def get_species(name: str | Species) -> Species:
    """Look a species up in the database by name (a Species passes through)."""
    if isinstance(name, Species):
        return name
    db = database()
    try:
        return db[name]
    except KeyError:
        raise SpeciesError(unknown_name("species", name, db, "the species database")) from None


def find_species(*, element: str | None = None, phase: str | None = None) -> list[Species]:
    """Query the database: species containing ``element`` and/or in ``phase``."""
    if phase is not None and phase not in PHASES:
        raise SpeciesError(phase_error(phase))
    return [
        s
        for s in database().values()
        if (element is None or element in s.elements) and (phase is None or s.phase == phase)
    ]
