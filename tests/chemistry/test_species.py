import pytest

from yieldkit.chemistry.species import Species, database, find_species, get_species
from yieldkit.errors import SpeciesError


def test_database_loads_every_entry_with_mass_and_source():
    db = database()
    assert len(db) >= 150
    for sp in db.values():
        assert sp.molar_mass > 0, sp
        assert sp.source, sp


def test_molar_masses_from_formula():
    # Nd2O3 336.48 g/mol (IUPAC atomic weights: Nd 144.242, O 15.999)
    assert get_species("Nd2O3").molar_mass == pytest.approx(0.33648, rel=1e-4)
    assert get_species("Nd+3").charge == 3
    assert dict(get_species("Nd2Fe14B").elements) == {"Nd": 2.0, "Fe": 14.0, "B": 1.0}


def test_unknown_species_suggests_close_names():
    with pytest.raises(SpeciesError, match=r"unknown species 'Nd2O4'.*Did you mean .*'Nd2O3'"):
        get_species("Nd2O4")


def test_bad_formula_and_phase_messages():
    with pytest.raises(SpeciesError, match=r"cannot parse formula 'Xx2O3'"):
        Species.create("foo", "Xx2O3", phase="s")
    with pytest.raises(SpeciesError, match=r"unknown phase 'solid'.*Did you mean 's'"):
        Species.create("foo", "NaCl", phase="solid")
    with pytest.raises(SpeciesError, match=r"needs both 'elements' and 'molar_mass'"):
        Species.create("lump", "", phase="s")


def test_pseudo_species():
    sp = Species.create("REO", "", phase="s", elements={"REO": 1}, molar_mass=328.2)
    assert sp.molar_mass == pytest.approx(0.3282)


def test_query_by_element_and_phase():
    ions = find_species(element="Nd", phase="aq")
    assert "Nd+3" in [s.name for s in ions]
    with pytest.raises(SpeciesError, match="unknown phase"):
        find_species(phase="plasma")
