import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yieldkit.chemistry.reactions import Reaction
from yieldkit.errors import SpeciesError, SpecificationError


def test_parse_ionic_reaction():
    r = Reaction.parse("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O")
    assert r.reactants == {"Nd2O3": 1.0, "H+": 6.0}
    assert r.coefficient("Nd+3") == 2.0
    assert r.coefficient("H+") == -6.0


def test_fractional_coefficients_and_arrows():
    r = Reaction.parse("6 Pr + 11/2 O2(g) → Pr6O11")
    assert r.reactants["O2(g)"] == 5.5


def test_unbalanced_reaction_reports_each_element():
    with pytest.raises(SpecificationError, match=r"not balanced.*O: -1 atoms"):
        Reaction.parse("Nd2O3 + 6 H+ -> 2 Nd+3 + 2 H2O")


def test_charge_imbalance_reported():
    with pytest.raises(SpecificationError, match=r"charge: \+1"):
        Reaction.parse("Fe+2 -> Fe+3")
    with pytest.raises(SpecificationError, match=r"charge: -1"):
        Reaction.parse("Fe+3 -> Fe+2")


def test_unknown_species_and_syntax():
    with pytest.raises(SpeciesError, match="Did you mean"):
        Reaction.parse("Nd2O3 + 6 HCL -> 2 NdCl3 + 3 H2O")
    with pytest.raises(SpecificationError, match="expected one arrow"):
        Reaction.parse("Nd2O3 + 6 H+")
    with pytest.raises(SpecificationError, match="on both sides"):
        Reaction.parse("H2O + H+ -> H2O + H+")


BALANCED = [
    "Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O",
    "4 Nd2Fe14B + 51 O2(g) -> 4 Nd2O3 + 28 Fe2O3 + 2 B2O3",
    "2 Nd+3 + 3 H2C2O4 + 10 H2O -> Nd2(C2O4)3.10H2O + 6 H+",
    "2 Nd2(C2O4)3.10H2O + 3 O2(g) -> 2 Nd2O3 + 12 CO2(g) + 20 H2O(g)",
]


@given(st.sampled_from(BALANCED), st.integers(min_value=1, max_value=50))
def test_scaled_reactions_stay_balanced(eq, k):
    """A balanced reaction with every coefficient multiplied by k is balanced (parser property)."""
    r = Reaction.parse(eq)

    def side(d):
        return " + ".join(f"{k * c:g} {n}" for n, c in d.items())

    r2 = Reaction.parse(f"{side(r.reactants)} -> {side(r.products)}")
    names = r.species
    assert np.allclose(r2.stoichiometry(names), k * r.stoichiometry(names))


@given(st.sampled_from(BALANCED), st.integers(min_value=2, max_value=9))
def test_perturbed_reactions_are_rejected(eq, k):
    r = Reaction.parse(eq)
    first = next(iter(r.products))
    prods = dict(r.products)
    prods[first] = prods[first] * k

    def side(d):
        return " + ".join(f"{c:g} {n}" for n, c in d.items())

    with pytest.raises(SpecificationError, match="not balanced"):
        Reaction.parse(f"{side(r.reactants)} -> {side(prods)}")
