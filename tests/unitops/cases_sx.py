"""Conservation cases for SolventExtraction (collected by test_conservation.py).

Also imported by test_solvent_extraction.py for its streams. Feeds of the reference case
follow DOMAIN.md section 3 (UKy pilot via PrOMMiS, Keim & Naumann OSTI 1569277); the
chloride Nd/Pr cases are illustrative inputs, not data.
"""

import re

from yieldkit.chemistry.components import Components
from yieldkit.stream import Stream
from yieldkit.unitops.solvent_extraction import SolventExtraction

REF_METALS = ["Sc+3", "Y+3", "La+3", "Ce+3", "Pr+3", "Nd+3", "Sm+3", "Gd+3", "Dy+3",
              "Al+3", "Ca+2", "Fe+3"]  # fmt: skip
REF_AQ_MG_L = {"H+": 10.75, "SO4-2": 100.0, "HSO4-": 10000.0, "Al+3": 422.375,
               "Ca+2": 109.542, "Fe+3": 688.266, "Sc+3": 0.032, "Y+3": 0.124, "La+3": 0.986,
               "Ce+3": 2.277, "Pr+3": 0.303, "Nd+3": 0.946, "Sm+3": 0.097, "Gd+3": 0.2584,
               "Dy+3": 0.047}  # fmt: skip
REF_FLOW = "62.01 L/h"


def cx(metal: str, extractant: str = "D2EHPA") -> str:
    return re.sub(r"[+-]\d*$", "", metal) + "-" + extractant


C = Components(
    ["H2O", "H+", "Cl-", "SO4-2", "HSO4-", "Na+"] + REF_METALS
    + [cx(m) for m in REF_METALS] + ["Pr-PC88A", "D2EHPA", "PC88A", "kerosene", "Na-D2EHPA"]
)  # fmt: skip
D2EHPA_MOL_M3 = 48.79 / C["D2EHPA"].molar_mass  # 48.79 g/L D2EHPA in total (5 vol %)


def ref_aq() -> Stream:
    conc = {k: f"{v} mg/L" for k, v in REF_AQ_MG_L.items()}
    return Stream.from_concentrations(C, REF_FLOW, conc, phase="aq", T="305.15 K")


def ref_org() -> Stream:
    """Sc 1.734 mg/L, other metals 1e-5 mg/L, 48.79 g/L D2EHPA in total (free + bound)."""
    conc = {cx(m): (1.734 if m == "Sc+3" else 1e-5) / 1e3 / C[m].molar_mass for m in REF_METALS}
    bound = sum(c * 2 * abs(C[m].charge) for m, c in zip(REF_METALS, conc.values(), strict=True))
    mol = {k: f"{v} mol/m^3" for k, v in conc.items()}
    mol["D2EHPA"] = f"{D2EHPA_MOL_M3 - bound} mol/m^3"
    return Stream.from_concentrations(
        C, REF_FLOW, mol, phase="org", solvent="kerosene", T="305.15 K"
    )


def ndpr_aq(flow="100 L/h", nd=0.005, pr=0.003, la=0.002, h=0.01, c=C) -> Stream:
    cl = 3 * (nd + pr + la) + h
    conc = {"Nd+3": nd, "Pr+3": pr, "La+3": la, "H+": h, "Cl-": cl}
    return Stream.from_concentrations(
        c, flow, {k: f"{v} mol/L" for k, v in conc.items()}, phase="aq"
    )


def acid(flow: str, molar: float, c=C) -> Stream:
    conc = {"H+": f"{molar} mol/L", "Cl-": f"{molar} mol/L"}
    return Stream.from_concentrations(c, flow, conc, phase="aq")


def organic(flow="100 L/h", d2ehpa=0.6, loaded=None, extractant="D2EHPA", c=C) -> Stream:
    """Organic with ``d2ehpa`` mol/L extractant in total and complexes ``loaded`` (mol/L)."""
    loaded = loaded or {}
    # extractant units bound per complex = its P atoms (one P per HA)
    bound = sum(C[cx(m, extractant)].elements["P"] * v for m, v in loaded.items())
    conc = {cx(m, extractant): f"{v} mol/L" for m, v in loaded.items()}
    conc[extractant] = f"{d2ehpa - bound} mol/L"
    return Stream.from_concentrations(c, flow, conc, phase="org", solvent="kerosene")


# the species of a chloride La/Pr/Nd circuit only
C_NDPR = Components(["H2O", "H+", "Cl-", "La+3", "Pr+3", "Nd+3", "La-D2EHPA", "Pr-D2EHPA",
                     "Nd-D2EHPA", "D2EHPA", "kerosene"])  # fmt: skip

YIN = dict(
    model="cation_exchange",
    parameter_set="yin2015_separation",
    anchor="Pr+3",
    log10_kex_anchor=-1.98,  # P507 Pr (Wu 2007) used with D2EHPA factors: an estimate
    metals=["La+3", "Pr+3", "Nd+3"],
)

CASES = {
    "empirical_ph-reference": (
        SolventExtraction("sx", 3, "empirical_ph", "uky_d2ehpa", dosage=5.0),
        {"aq_in": ref_aq(), "org_in": ref_org()},
    ),
    "cation_exchange-side-feed": (
        SolventExtraction("ext", 6, side_feeds=[3], **YIN),
        {"aq_in": acid("100 L/h", 0.02), "org_in": organic(), "feed_3": ndpr_aq()},
    ),
    "cation_exchange-strip-PC88A": (
        SolventExtraction("strip", 3, "cation_exchange", "p507_pr", extractant="PC88A"),
        {
            "aq_in": acid("20 L/h", 2.0),
            "org_in": organic(d2ehpa=0.6, loaded={"Pr+3": 0.05}, extractant="PC88A"),
        },
    ),
    "constant_d-uky": (
        SolventExtraction("imp", 2, "constant_d", "uky_d2ehpa"),
        {"aq_in": ref_aq(), "org_in": ref_org()},
    ),
    "constant_d-saponified": (
        SolventExtraction(
            "sap",
            4,
            "constant_d",
            {"Nd+3": 20.0, "Pr+3": 10.0},
            saturation=True,
            capacity="600 mol/m^3",
            saponification=True,
        ),
        {"aq_in": ndpr_aq(), "org_in": organic(loaded={"Na+": 0.2})},
    ),  # fmt: skip
    "cation_exchange-murphree-side-feed": (
        SolventExtraction("ext_eff", 6, side_feeds=[3], stage_efficiency=0.8, **YIN),
        {"aq_in": acid("100 L/h", 0.02), "org_in": organic(), "feed_3": ndpr_aq()},
    ),
    "no-organic-pass-through": (
        SolventExtraction("idle", 3, **YIN),
        {"aq_in": ndpr_aq(), "org_in": Stream(C)},
    ),
}
