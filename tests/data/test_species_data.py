"""Data test of the built-in species database ``yieldkit/data/species.toml``.

Loads the file with tomllib and checks every row with molmass directly, independently of the
loader in ``yieldkit.chemistry.species``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from molmass import Formula

DATA = Path(__file__).resolve().parents[2] / "yieldkit" / "data"
PHASES = {"aq", "org", "s", "g", "l"}
FIELDS = {
    "name",
    "formula",
    "charge",
    "phase",
    "source",
    "description",
    "note",
    "molar_mass",
    "elements",
}
REE = [
    "La",
    "Ce",
    "Pr",
    "Nd",
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
    "Y",
    "Sc",
]
_CHARGE_SUFFIX = re.compile(r"([+-])(\d*)$")


def _rows() -> list[dict]:
    with open(DATA / "species.toml", "rb") as fh:
        return tomllib.load(fh)["species"]


ROWS = _rows()
BY_NAME = {r["name"]: r for r in ROWS}


def _bib_keys() -> set[str]:
    text = (DATA / "CITATIONS.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, re.M))


def _mass(row: dict) -> float:
    """Molar mass [g/mol] of a row: molmass for a formula, the given value for a pseudo-species."""
    return Formula(row["formula"]).mass if row["formula"] else float(row["molar_mass"])


def test_at_least_200_species():
    assert len(ROWS) >= 200


def test_names_unique():
    names = [r["name"] for r in ROWS]
    dup = sorted({n for n in names if names.count(n) > 1})
    assert not dup, f"duplicate names: {dup}"


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_row_fields_valid(row):
    assert set(row) <= FIELDS, f"unknown fields {set(row) - FIELDS}"
    for key in ("name", "formula", "charge", "phase", "source", "description"):
        assert key in row, f"missing field {key!r}"
    assert isinstance(row["name"], str) and row["name"].strip() == row["name"] != ""
    assert row["phase"] in PHASES, f"phase {row['phase']!r} not in {sorted(PHASES)}"
    assert isinstance(row["charge"], int) and not isinstance(row["charge"], bool)
    assert isinstance(row["description"], str) and row["description"]
    if "note" in row:
        assert isinstance(row["note"], str) and row["note"]


def test_every_source_key_in_bib():
    keys = _bib_keys()
    missing = sorted({r["source"] for r in ROWS} - keys)
    assert not missing, f"source keys not in CITATIONS.bib: {missing}"


def test_estimates_explain_themselves():
    bare = [r["name"] for r in ROWS if r["source"] == "yieldkitEstimate" and not r.get("note")]
    assert not bare, f"yieldkitEstimate rows need a note saying how: {bare}"


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_formula_parses_with_positive_mass(row):
    if not row["formula"]:
        pytest.skip("pseudo-species (checked separately)")
    assert not re.search(r"[+-]", row["formula"]), "charge must not be written in the formula"
    assert Formula(row["formula"]).mass > 0


def test_pseudo_species_have_mass_and_elements():
    pseudo = [r for r in ROWS if not r["formula"]]
    assert {r["name"] for r in pseudo} == {"inert gangue"}
    for r in pseudo:
        assert r["molar_mass"] > 0
        assert r["elements"] and all(v > 0 for v in r["elements"].values())
        assert r["source"] == "yieldkitEstimate" and r.get("note")
    # SiO2 surrogate, 60.08 g/mol (IUPAC standard atomic weights)
    assert BY_NAME["inert gangue"]["molar_mass"] == pytest.approx(60.08, rel=1e-3)
    assert BY_NAME["inert gangue"]["elements"] == {"Gangue": 1}
    # kerosene has a real surrogate formula (n-dodecane), not a pseudo-element
    assert BY_NAME["kerosene"]["formula"] == "C12H26"


def test_only_pseudo_species_carry_molar_mass_or_elements():
    extra = [r["name"] for r in ROWS if r["formula"] and ("molar_mass" in r or "elements" in r)]
    assert not extra, f"rows with a formula must not give molar_mass/elements: {extra}"


@pytest.mark.parametrize(
    "row",
    [r for r in ROWS if r["phase"] != "g"],
    ids=[r["name"] for r in ROWS if r["phase"] != "g"],
)
def test_name_charge_agrees_with_charge_field(row):
    m = _CHARGE_SUFFIX.search(row["name"])
    expected = 0
    if m:
        expected = (1 if m.group(1) == "+" else -1) * int(m.group(2) or 1)
    assert row["charge"] == expected, f"name says {expected}, charge field {row['charge']}"


def test_charged_species_are_aqueous():
    wrong = [r["name"] for r in ROWS if r["charge"] != 0 and r["phase"] != "aq"]
    assert not wrong


def test_gas_and_melt_names_marked():
    for r in ROWS:
        if r["phase"] == "g":
            assert r["name"].endswith("(g)"), r["name"]
        if r["phase"] == "l":
            assert r["name"].endswith("(l)"), r["name"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Nd2O3 336.48 g/mol: CRC Handbook (Haynes2016), physical constants of inorganic compounds
        ("Nd2O3", 336.48),
        # Nd2Fe14B 1081.1 g/mol: DOMAIN.md section 1 (stoichiometric Nd2Fe14B, computed)
        ("Nd2Fe14B", 1081.1),
        # Nd2(C2O4)3.10H2O 732.69 g/mol: hand sum 2*144.242 + 6*12.011 + 22*15.999 + 20*1.008
        ("Nd2(C2O4)3.10H2O", 732.69),
        # D2EHPA C16H35O4P 322.42 g/mol: hand sum with IUPAC standard atomic weights
        ("D2EHPA", 322.42),
        # Nd-D2EHPA = Nd + 6 HA - 3 H: 144.242 + 6*322.42 - 3*1.008 (hand sum)
        ("Nd-D2EHPA", 2075.75),
        # CaCO3 100.09 g/mol: CRC Handbook (Haynes2016)
        ("CaCO3", 100.09),
    ],
)
def test_molar_mass_against_hand_values(name, expected):
    assert _mass(BY_NAME[name]) == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize("m", REE)
def test_every_ree_has_metal_ion_oxide_oxalate(m):
    assert BY_NAME[m]["phase"] == "s"
    assert BY_NAME[f"{m}+3"]["charge"] == 3 and BY_NAME[f"{m}+3"]["phase"] == "aq"
    assert BY_NAME[f"{m}2O3"]["phase"] == "s"
    assert BY_NAME[f"{m}2(C2O4)3.10H2O"]["phase"] == "s"
    for stem in (f"{m}Cl3", f"{m}F3", f"{m}(OH)3", f"{m}-D2EHPA"):
        assert stem in BY_NAME, stem


def test_extracted_complexes_follow_stoichiometry():
    """M(A)z(HA)z: composition of M-X equals M + 2z HA - z H for every extracted complex;
    the saponified extractant NaA (Na-X) is Na + HA - H."""
    extractants = {"D2EHPA", "PC88A", "Cyanex272"}
    charges = {"Fe": 3, "Al": 3, "Ca": 2, "Na": 1} | {m: 3 for m in REE}
    n = 0
    for r in ROWS:
        metal, sep, ext = r["name"].partition("-")
        if not sep or ext not in extractants:
            continue
        z = charges[metal]
        ha = Formula(BY_NAME[ext]["formula"]).composition()
        per_ion = 1 if metal == "Na" else 2 * z  # HA units per ion: NaA, or M(A)z(HA)z
        want = {el: per_ion * ha[el].count for el in ha}
        want["H"] -= z
        want[metal] = want.get(metal, 0) + 1
        got = {k: v.count for k, v in Formula(r["formula"]).composition().items()}
        assert got == want, r["name"]
        assert r["phase"] == "org" and r["charge"] == 0
        n += 1
    assert n == 19 + 8 + 8 + 3


def test_required_coverage_present():
    required = (
        "Ce+4 CeO2 Pr6O11 Tb4O7 Nd2Fe14B Pr2Fe14B Dy2Fe14B Fe Co Ni B Cu Al NdFeO3 NdBO3 "
        "La2O2CO3 Nd2O2CO3 YPO4 DyPO4 ErPO4 YbPO4 Fe+2 Fe+3 Cu+ UO2+2 Th+4 Fe3O4 U3O8 FeOOH "
        "NaFe3(SO4)2(OH)6 Cu3(BO3)2 CaMg(CO3)2 FeC2O4.2H2O CaC2O4.H2O H2O H+ OH- HSO4- SO4-2 "
        "H2SO4 H2C2O4 HC2O4- C2O4-2 NH4+ NH3 H3BO3 CO2 HF PO4-3 CH3COO- CH3COOH O2(g) N2(g) "
        "H2O(g) CO2(g) HCl(g) Ar(g) Cl2(g) D2EHPA PC88A Cyanex272 TBP kerosene LiF(l)"
    ).split()
    missing = [n for n in required if n not in BY_NAME]
    assert not missing, missing
    for m in ["La", "Ce", "Pr", "Nd", "Sm", "Gd", "Dy"]:
        assert f"Na{m}(SO4)2.H2O" in BY_NAME
    for m in ["La", "Ce", "Pr", "Nd"]:
        for name in (f"{m}FCO3", f"{m}2(CO3)3", f"{m}(NO3)3.6H2O", f"{m}PO4"):
            assert name in BY_NAME, name
