"""Reactions parsed from text and checked for element and charge balance when created."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from yieldkit.chemistry.species import Species, get_species
from yieldkit.errors import SpecificationError

_ARROW = re.compile(r"\s*(?:<=>|->|=>|→|⇌|=)\s*")
_TERM = re.compile(r"^(\d+(?:\.\d+)?(?:/\d+)?)?\s*(\S.*)$")
_BALANCE_RTOL = 1e-9


def _coefficient(text: str | None, where: str) -> float:
    if text is None:
        return 1.0
    try:
        value = float(Fraction(text))
    except (ValueError, ZeroDivisionError) as exc:
        raise SpecificationError(f"reaction {where!r}: bad coefficient {text!r}.") from exc
    if value <= 0:
        raise SpecificationError(f"reaction {where!r}: coefficient {text!r} must be positive.")
    return value


def _side(text: str, where: str, species_lookup) -> dict[str, float]:
    terms: dict[str, float] = {}
    for raw in re.split(r"\s+\+\s+", text.strip()):
        m = _TERM.match(raw.strip())
        if not m:
            raise SpecificationError(f"reaction {where!r}: cannot read the term {raw!r}.")
        coef = _coefficient(m.group(1), where)
        name = m.group(2).strip()
        species_lookup(name)  # raises SpeciesError with suggestions
        terms[name] = terms.get(name, 0.0) + coef
    return terms


@dataclass(frozen=True)
class Reaction:
    """A balanced reaction between named species.

    Create with :meth:`parse`; the constructor is for already-checked data.

    Attributes
    ----------
    equation : str
        The text it was parsed from.
    reactants, products : dict of str to float
        Stoichiometric coefficients [-].
    """

    equation: str
    reactants: dict
    products: dict

    @classmethod
    def parse(cls, equation: str, species: dict[str, Species] | None = None) -> Reaction:
        """Parse ``"Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O"`` and check its balance.

        Terms are separated by ``" + "`` (spaces around the plus, so ``H+`` stays a name);
        the arrow may be ``->``, ``=>``, ``<=>``, ``=`` or ``→``.

        Parameters
        ----------
        equation : str
            The reaction text.
        species : dict, optional
            Extra species by name (looked up before the database).

        Raises
        ------
        SpecificationError
            If the text cannot be read or the reaction does not balance (the message gives
            the imbalance per element and the charge).
        """
        extra = species or {}

        def lookup(name: str) -> Species:
            return extra[name] if name in extra else get_species(name)

        parts = _ARROW.split(equation.strip())
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise SpecificationError(
                f"reaction {equation!r}: expected one arrow ('->') between reactants and products."
            )
        left = _side(parts[0], equation, lookup)
        right = _side(parts[1], equation, lookup)
        both = set(left) & set(right)
        if both:
            raise SpecificationError(f"reaction {equation!r}: {sorted(both)} on both sides.")
        rxn = cls(equation, left, right)
        rxn._check_balance(lookup)
        return rxn

    def _check_balance(self, lookup) -> None:
        totals: dict[str, float] = {}
        scale: dict[str, float] = {}
        charge = 0.0
        for side, sign in ((self.reactants, -1.0), (self.products, 1.0)):
            for name, coef in side.items():
                sp = lookup(name)
                charge += sign * coef * sp.charge
                for el, count in sp.elements.items():
                    totals[el] = totals.get(el, 0.0) + sign * coef * count
                    scale[el] = scale.get(el, 0.0) + coef * count
        bad = {el: v for el, v in totals.items() if abs(v) > _BALANCE_RTOL * scale[el]}
        if bad or abs(charge) > _BALANCE_RTOL:
            parts = [f"{el}: {v:+g} atoms" for el, v in sorted(bad.items())]
            if abs(charge) > _BALANCE_RTOL:
                parts.append(f"charge: {charge:+g}")
            raise SpecificationError(
                f"reaction {self.equation!r} is not balanced (products minus reactants): "
                + ", ".join(parts)
                + "."
            )

    @property
    def species(self) -> list[str]:
        """All species names, reactants first."""
        return list(self.reactants) + list(self.products)

    def coefficient(self, name: str) -> float:
        """Signed coefficient: negative for a reactant, positive for a product, 0 if absent."""
        return self.products.get(name, 0.0) - self.reactants.get(name, 0.0)

    def stoichiometry(self, names) -> np.ndarray:
        """Signed stoichiometric vector over the species ``names`` [-]."""
        return np.array([self.coefficient(n) for n in names])

    def __str__(self) -> str:
        def fmt(side):
            return " + ".join((f"{c:g} " if c != 1 else "") + n for n, c in side.items())

        return f"{fmt(self.reactants)} -> {fmt(self.products)}"
