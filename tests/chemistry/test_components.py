import numpy as np
import pytest

from yieldkit.chemistry.components import Components
from yieldkit.errors import SpeciesError


def test_element_matrix_and_masks():
    c = Components(["H2O", "H+", "Cl-", "Nd+3", "Nd2O3"])
    assert c.elements[0] == "Nd"  # rare earths first
    E = c.element_matrix
    assert E[c.element_index("Nd"), c.index("Nd2O3")] == 2
    assert E[c.element_index("O"), c.index("H2O")] == 1
    assert list(c.phase_mask("s")) == [False, False, False, False, True]
    assert np.array_equal(c.charges, [0, 1, -1, 3, 0])
    with pytest.raises(ValueError):
        E[0, 0] = 5  # read-only


def test_duplicates_and_unknown_names():
    with pytest.raises(SpeciesError, match=r"species listed twice: \['H2O'\]"):
        Components(["H2O", "H2O"])
    c = Components(["H2O", "Nd+3"])
    with pytest.raises(SpeciesError, match=r"unknown species 'Nd\+2'.*Did you mean 'Nd\+3'"):
        c.index("Nd+2")
    with pytest.raises(SpeciesError, match="unknown element 'Dy'"):
        c.element_index("Dy")


def test_extend_keeps_order():
    c = Components(["H2O"]).extend(["Nd+3", "H2O"])
    assert c.names == ("H2O", "Nd+3")
