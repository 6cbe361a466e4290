"""Components: the ordered, immutable set of species that a flowsheet's streams share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property

import numpy as np

from yieldkit.chemistry.species import PHASES, Species, get_species
from yieldkit.errors import SpeciesError, unknown_name

# order of elements in matrices: REEs first (as chemists list them), then the rest sorted
REE = (
    "Sc",
    "Y",
    "La",
    "Ce",
    "Pr",
    "Nd",
    "Pm",
    "Sm",
    "Eu",
    "Gd",
    "Tb",
    "Dy",
    "Ho",
    "Er",
    "Tm",
    "Yb",
    "Lu",
)


class Components:
    """An ordered, immutable set of species with its element matrix and phase masks.

    Parameters
    ----------
    species : iterable of str or Species
        Names from the built-in database, or Species objects.

    Examples
    --------
    >>> c = Components(["H2O", "H+", "Cl-", "Nd+3"])
    >>> c.index("Nd+3")
    3
    >>> c.element_matrix.shape
    (4, 4)
    """

    def __init__(self, species: Iterable[str | Species]):
        if isinstance(species, str | Mapping) or not isinstance(species, Iterable):
            example = f"[{species!r}]" if isinstance(species, str) else "['H2O', 'H+', 'Cl-']"
            raise SpeciesError(f"Components: species = {species!r} must be a list, e.g. {example}.")
        items = tuple(get_species(s) for s in species)
        names = [s.name for s in items]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise SpeciesError(f"Components: species listed twice: {dupes}.")
        if not items:
            raise SpeciesError("Components: at least one species is needed.")
        self._species = items
        self._index = {n: i for i, n in enumerate(names)}

    # identity ---------------------------------------------------------------
    @property
    def species(self) -> tuple[Species, ...]:
        return self._species

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._species)

    def __len__(self) -> int:
        return len(self._species)

    def __iter__(self):
        return iter(self._species)

    def __contains__(self, name: object) -> bool:
        try:
            return name in self._index
        except TypeError:  # an unhashable value (a list) is no species name
            return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Components) and self.names == other.names

    def __hash__(self) -> int:
        return hash(self.names)

    def __repr__(self) -> str:
        return f"Components({len(self)} species: {', '.join(self.names[:8])}{', ...' if len(self) > 8 else ''})"

    def index(self, name: str) -> int:
        """Position of a species; unknown names raise SpeciesError with suggestions."""
        try:
            return self._index[name]
        except (KeyError, TypeError):  # TypeError: an unhashable value (a list, a dict)
            raise SpeciesError(
                unknown_name("species", name, self._index, "this flowsheet's components")
            ) from None

    def indices(self, names: Iterable[str]) -> np.ndarray:
        """Positions of several species as an int array."""
        return np.array([self.index(n) for n in names], dtype=int)

    def __getitem__(self, name: str) -> Species:
        return self._species[self.index(name)]

    # matrices ---------------------------------------------------------------
    @cached_property
    def elements(self) -> tuple[str, ...]:
        """Elements (and pseudo-elements) present, REEs first, then alphabetical."""
        found = {e for s in self._species for e in s.elements}
        return tuple([e for e in REE if e in found] + sorted(found - set(REE)))

    @cached_property
    def element_matrix(self) -> np.ndarray:
        """Atoms of element i in species j [-], shape (n_elements, n_species); read-only."""
        m = np.zeros((len(self.elements), len(self)))
        row = {e: i for i, e in enumerate(self.elements)}
        for j, s in enumerate(self._species):
            for e, v in s.elements.items():
                m[row[e], j] = v
        m.setflags(write=False)
        return m

    @cached_property
    def balance_matrix(self) -> np.ndarray:
        """:attr:`element_matrix` with the charges as a last row, shape (n_elements + 1,
        n_species): one product gives a stream's element and charge flows; read-only."""
        m = np.vstack((self.element_matrix, self.charges))
        m.setflags(write=False)
        return m

    def element_index(self, element: str) -> int:
        """Row of an element in :attr:`element_matrix`."""
        try:
            return self.elements.index(element)
        except ValueError:
            raise SpeciesError(
                unknown_name("element", element, self.elements, "this flowsheet's components")
            ) from None

    @cached_property
    def molar_masses(self) -> np.ndarray:
        """Molar masses [kg/mol]; read-only."""
        a = np.array([s.molar_mass for s in self._species])
        a.setflags(write=False)
        return a

    @cached_property
    def charges(self) -> np.ndarray:
        """Charge numbers [-]; read-only."""
        a = np.array([s.charge for s in self._species], dtype=float)
        a.setflags(write=False)
        return a

    def phase_mask(self, phase: str) -> np.ndarray:
        """Boolean mask of the species in ``phase``; read-only (built once per phase)."""
        mask = self._phase_masks.get(phase) if isinstance(phase, str) else None
        if mask is None:
            if phase not in PHASES:
                raise SpeciesError(unknown_name("phase", phase, PHASES))
            mask = np.array([s.phase == phase for s in self._species])
            mask.setflags(write=False)
            self._phase_masks[phase] = mask
        return mask

    @cached_property
    def _phase_masks(self) -> dict[str, np.ndarray]:
        return {}

    def phase_molar_masses(self, phase: str) -> np.ndarray:
        """Molar masses of the species in ``phase``, zero for the others [kg/mol]; read-only
        (built once per phase): the mass flow of one phase is one dot product."""
        mw = self._phase_mw.get(phase) if isinstance(phase, str) else None
        if mw is None:
            mw = np.where(self.phase_mask(phase), self.molar_masses, 0.0)
            mw.setflags(write=False)
            self._phase_mw[phase] = mw
        return mw

    @cached_property
    def _phase_mw(self) -> dict[str, np.ndarray]:
        return {}

    def phases(self) -> tuple[str, ...]:
        """Phases that occur in this set, in the order of PHASES."""
        present = {s.phase for s in self._species}
        return tuple(p for p in PHASES if p in present)

    def ree_species(self) -> list[str]:
        """Names of species that contain a rare-earth element."""
        return [s.name for s in self._species if any(e in REE for e in s.elements)]

    def extend(self, species: Iterable[str | Species]) -> Components:
        """A new Components with extra species appended (existing ones kept, no duplicates)."""
        extra = [s for s in species if (s.name if isinstance(s, Species) else s) not in self._index]
        return Components(list(self._species) + extra)
