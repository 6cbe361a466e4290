"""Source values and open estimates behind ``yieldkit/data/thermo_species.yaml``.

The YAML file is generated from the table in this module (run
``python -m yieldkit.models.thermo.species_data`` after editing it); a test regenerates it
and compares, so the two never drift apart. Every number below names its citation key.
Values we estimate say so in the species ``note`` and use key ``yieldkitEstimate``.

Thermo models written to the YAML (both exact representations of the source data):

- ``Shomate`` for a heat capacity ``Cp = a + b T`` [J/mol/K]: Shomate coefficients
  A = a, B = 1000 b, C = D = E = 0 reproduce it exactly; F and G are set so that
  h(298.15 K) = ΔfH°298 and s(298.15 K) = S°298.
- ``constant-cp`` (Cantera) when only one Cp value is available (or estimated).

Estimation methods (all marked ``estimated`` in the YAML notes):

- S° of a rare-earth sesquioxide without a tabulated value (Pr2O3, Gd2O3, Tb2O3): Latimer's
  mass term applied to the Nd2O3 value, S°(M2O3) = S°(Nd2O3) + 2 · (3/2) R ln(M_M / M_Nd).
  It ignores the 4f magnetic/electronic entropy, so uncertainty is of order ±40 J/mol/K.
- Cp of sesquioxides without a fit (Sm..Lu, Y, Sc): the tabulated Cp(298.15 K) (CRC
  Handbook) with the temperature slope of the Nd2O3 fit, Cp = Cp298 + 0.0403 (T − 298.15)
  (Neumann–Kopp analogy, same M2O3 stoichiometry); CeO2 likewise with half that slope
  (one cation).
- Pr6O11 (no tabulated value, DOMAIN.md §8): Pr2O3 + 4 "PrO2", PrO2 modelled on CeO2, i.e.
  ΔfH = 3 ΔfH(Pr2O3) + 2 [2 ΔfH(CeO2) − ΔfH(Ce2O3)] (the Ce(III)→Ce(IV) oxidation
  enthalpy per O atom): an upper bound on the magnitude, as Pr(IV) is less stable than
  Ce(IV); S and Cp by the same sum (Neumann–Kopp).
- CO2 bound in a solid (oxycarbonate; oxalate counted as 2 CO2-equivalents per C2O4,
  i.e. M2O3 + 3 (CO + CO2)): increments ΔS = S°(CaCO3) − S°(CaO) and ΔCp = Cp(CaCO3) −
  Cp(CaO) at 298.15 K from the NASA condensed data (McBride 1993).
- Water of crystallisation: S and Cp of ice at 273.15 K (NASA H2O(s)) per H2O (Latimer's
  ice rule for hydrates).
- Chloride from fluoride: per-halide increments (CaCl2 − CaF2)/2 at 298.15 K (NASA).
- ΔfH of the oxalate decahydrates other than Ce's (not tabulated): the Ce value shifted by
  the oxide difference, ΔfH(M2(C2O4)3·10H2O) = ΔfH(Ce2(C2O4)3·10H2O) + ΔfH(M2O3) −
  ΔfH(Ce2O3), for La..Lu, Y and Sc. The tabulated Pr value (−5920 kJ/mol) is 862 kJ/mol
  less negative than Ce's (about three waters of hydration), probably a lower hydrate or a
  transcription error; it would make the calcination of Pr oxalate in air exothermic,
  unlike every other rare earth, so it is not used (kept as ``PR_OXALATE_DHF_TABULATED``).
- S° of Nd2Fe14B: Neumann–Kopp sum of the elements (ΔfS ≈ 0), with S°(Nd, s) itself
  estimated by Latimer's mass term from α-Fe.

- Elements Nd, Pr, Dy, Co: ΔfH = 0 by definition, tabulated S°; Cp = 3R (Dulong–Petit).
- Co3O4: tabulated ΔfH and S°; Cp of Fe3O4 (NASA, same spinel structure).
- CoO (CRC Handbook), NiO (Wagman 1982): tabulated ΔfH, S° and Cp(298 K), constant Cp.
- Pr2Fe14B, Dy2Fe14B: ΔfH and Cp of Nd2Fe14B (same structure type); S Neumann–Kopp from
  tabulated element entropies.
- Fe2(C2O4)3·4H2O: Ce value with Fe2O3 for Ce2O3 and 6 waters fewer (rough).

Ore minerals, roast and calcination products:

- ThO2: tabulated ΔfH, S°, Cp(298 K) (CRC Handbook); Cp slope of CeO2 (same fluorite type).
- LaF3, CeF3, PrF3, SmF3: ΔfH = ΔfH(NdF3) + ΔfH(MCl3) − ΔfH(NdCl3) (the fluorides shift
  like the chlorides, CRC Handbook); the CRC SmF3 value (−1778 kJ/mol, 124 kJ/mol below
  NdF3) is inconsistent with that series and not used (``CRC_SMF3_DHF_TABULATED``). S°, Cp of
  LaF3 and PrF3 by calorimetry; CeF3, SmF3 from NdF3 (Latimer mass term; same Cp).
- Bastnasite REFCO3 (La, Ce, Pr, Nd): ΔfH = ΔfG (Al-Nafai 2019) + T ΔfS, ΔfS = S(REFCO3)
  − Σ S(elements), S(REFCO3) = [S(REF3) + S(RE2O3)]/3 + (CaCO3 − CaO) increment; Cp by
  the same sum. SmFCO3: the Nd roast enthalpy (3 REFCO3 → REF3 + RE2O3 + 3 CO2) carried
  over. The resulting roast enthalpies are 136–142 kJ per mol CO2, with ΔrG = 0 near
  860–900 K at 1 bar CO2 (about 630 K at the 0.4 mbar CO2 of air).
- Monazite REPO4: ΔfH = ΔfG + T ΔfS, S° as tabulated (Front. Chem. 2018 Table 4);
  Cp = Cp(RE2O3)/2 + Cp(P4O10, 298 K)/4 (Neumann–Kopp).
- RE(OH)3: ΔfH of La, Nd, Sm measured (Merli 1996), Pr and Dy by the oxide shift from the
  nearest measured hydroxide (Nd, Sm); S°, Cp of Nd(OH)3 by calorimetry, the others
  Latimer-shifted S and the same Cp.
- Na3PO4 (not in the CRC table): Na2HPO4 + (Na2CO3 − NaHCO3) for ΔfH, S°, Cp, all CRC.

- Cu3(BO3)2: 3 CuO + B2O3 (NASA) by Neumann–Kopp, formation from the oxides neglected
  (about ±60 kJ/mol); constant Cp.

Species skipped for lack of data: NaRE(SO4)2·H2O double sulfates (no thermochemical data
found), NdFeO3 (no ΔfH or S° in the project's sources), Tb4O7
(no tabulated value and no route needs it; it could be estimated like Pr6O11). Ni, B and
B2O3 come from NASA data (database.py).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import cantera as ct
from molmass import Formula

R = ct.gas_constant / 1000.0  # [J/mol/K]
T0 = 298.15  # [K]
T_MIN, T_MAX = 298.15, 1800.0  # [K] range where yieldkit uses its own species (our choice)

YAML_PATH = Path(__file__).resolve().parents[2] / "data" / "thermo_species.yaml"


@cache
def _nasa(name: str) -> ct.Species:
    """A species of Cantera's ``nasa_condensed.yaml`` or ``nasa_gas.yaml`` by Cantera name."""
    for fname in ("nasa_condensed.yaml", "nasa_gas.yaml"):
        for sp in ct.Species.list_from_file(fname):
            if sp.name == name:
                return sp
    raise KeyError(name)


def _hscp(name: str, T: float) -> tuple[float, float, float]:
    """(h [J/mol], s [J/mol/K], cp [J/mol/K]) of a NASA species at T [K]."""
    th = _nasa(name).thermo
    return th.h(T) / 1e3, th.s(T) / 1e3, th.cp(T) / 1e3


def increments() -> dict[str, float]:
    """Additive increments used by the estimates, from NASA data (McBride 1993).

    Returns
    -------
    dict
        ``dS_CO2``, ``dCp_CO2`` (CaCO3 − CaO at 298.15 K) [J/mol/K]; ``S_w``, ``Cp_w`` (ice at
        273.15 K) [J/mol/K]; ``dS_Cl``, ``dCp_Cl`` ((CaCl2 − CaF2)/2 at 298.15 K) [J/mol/K];
        ``dHf_CO2`` (CO2 gas at 298.15 K) [J/mol]; ``S_Fe``, ``S_B`` (α-Fe, β-B) [J/mol/K].
    """
    _, s_cao, cp_cao = _hscp("CaO(s)", T0)
    _, s_caco3, cp_caco3 = _hscp("CaCO3(caL)", T0)
    _, s_ice, cp_ice = _hscp("H2O(s)", 273.15)
    _, s_cacl2, cp_cacl2 = _hscp("CaCL2(s)", T0)
    _, s_caf2, cp_caf2 = _hscp("CaF2(a)", T0)
    return {
        "dS_CO2": s_caco3 - s_cao,
        "dCp_CO2": cp_caco3 - cp_cao,
        "S_w": s_ice,
        "Cp_w": cp_ice,
        "dS_Cl": (s_cacl2 - s_caf2) / 2,
        "dCp_Cl": (cp_cacl2 - cp_caf2) / 2,
        "dHf_CO2": _hscp("CO2", T0)[0],
        "S_Fe": _hscp("Fe(a)", T0)[1],
        "S_B": _hscp("B(b)", T0)[1],
    }


def _mass(el: str) -> float:
    return Formula(el).mass  # [g/mol]


def _latimer(s_ref: float, el_ref: str, el: str, n: int) -> float:
    """Latimer mass-term shift of an entropy for n cations el_ref -> el [J/mol/K]."""
    return s_ref + n * 1.5 * R * math.log(_mass(el) / _mass(el_ref))


# Sourced values (DOMAIN.md §7) -------------------------------------------------------------
# oxides: ΔfH [kJ/mol] (Wagman1982), Cp = a + b T [J/mol/K] (JChemEngDataREOCp)
OXIDES = {
    "La": (-1793.7, (107.72, 0.026114)),
    "Ce": (-1796.2, (115.78, 0.03477)),
    "Pr": (-1809.7, (112.82, 0.034364)),
    "Nd": (-1807.9, (105.13, 0.0403)),
    "Y": (-1905.3, None),
    "Sc": (-1908.8, None),
}
S_ND2O3 = 158.6  # [J/mol/K] Wagman1982
# CRC Handbook 95th ed. (CRC2014), "Standard Thermodynamic Properties of Chemical
# Substances", crystalline solid: ΔfH° [kJ/mol], S° [J/mol/K] (None: not tabulated),
# Cp(298.15 K) [J/mol/K]. ΔfH of La, Ce, Nd, Y, Sc agrees with Wagman1982 (used above);
# Pr2O3 is -1809.6 there vs -1809.7 (Wagman), the latter kept.
CRC_OXIDES = {
    "La": (-1793.7, 127.3, 108.8),
    "Ce": (-1796.2, 150.6, 114.6),
    "Pr": (-1809.6, None, 117.4),
    "Nd": (-1807.9, 158.6, 111.3),
    "Sm": (-1823.0, 151.0, 114.5),
    "Eu": (-1651.4, 146.0, 122.2),
    "Gd": (-1819.6, None, 106.7),
    "Tb": (-1865.2, None, 115.9),
    "Dy": (-1863.1, 149.8, 116.3),
    "Ho": (-1880.7, 158.2, 115.0),
    "Er": (-1897.9, 155.6, 108.5),
    "Tm": (-1888.7, 139.7, 116.7),
    "Yb": (-1814.6, 133.1, 115.4),
    "Lu": (-1878.2, 110.0, 101.8),
    "Y": (-1905.3, 99.1, 102.5),
    "Sc": (-1908.8, 77.0, 94.2),
}
CRC_CEO2 = (-1088.7, 62.3, 61.6)  # CeO2: ΔfH [kJ/mol], S°, Cp(298) [J/mol/K], CRC2014
CRC_COO = (-237.9, 53.0, 55.2)  # CoO: same, CRC2014
NIO = (-239.7, 37.99, 44.31)  # NiO: ΔfH [kJ/mol], S°, Cp(298) [J/mol/K], Wagman1982
#: rare earths whose sesquioxide and oxalate decahydrate yieldkit carries (species.toml order)
RE_OXIDE_ORDER = (
    "La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y", "Sc",
)  # fmt: skip
OXALATE_DHF = {"Ce": -6782.0}  # [kJ/mol] Wagman1982
# Tabulated (Wagman1982, DOMAIN.md §7) but NOT used: 862 kJ/mol less negative than the Ce
# value, about 3 x ΔfH(H2O, l) = -857 kJ/mol, i.e. most likely a heptahydrate (or a
# transcription error); with it the calcination of the decahydrate in air would be
# exothermic (-669 kJ/mol to Pr2O3 at 298 K), unlike every other rare-earth oxalate.
PR_OXALATE_DHF_TABULATED = -5920.0  # [kJ/mol] Wagman1982, rejected
SJASTAD_DH = {"La": -198.0, "Nd": -176.2}  # [kJ/mol] M2O3 + CO2(g) -> M2O2CO3, Sjastad2012
NDF3 = (-1669.0, 120.79, 92.42)  # ΔfH NdF3MassSpec; S°, Cp(298) NdF3HeatCapacity1979
CHLORIDE_DHF = {"Nd": -1040.1, "Dy": -994.3}  # [kJ/mol] Cordfunke1996
ND2FE14B = (-93.39, (272.59, 0.6487))  # ΔfH Morishita2020; Cp a + b T GibsonHarvey1966
CAC2O4_H2O = (-1674.86, 152.8)  # ΔfH [kJ/mol], Cp [J/mol/K] NISTWebBook
# elements in their reference state: ΔfH = 0 by definition; S°298 [J/mol/K] with its table
# (the values Cantera ships in element-standard-entropies.yaml, which cites these pages)
ELEMENT_S = {
    "Nd": (71.09, "RobieHemingway1979"),  # p. 77
    "Pr": (73.93, "RobieHemingway1979"),  # p. 85
    "Dy": (74.89, "RobieHemingway1979"),  # p. 50
    "Co": (30.067, "Chase1998"),  # p. 943
}
CO3O4 = (-910.02, 114.22)  # ΔfH [kJ/mol], S° [J/mol/K] OpenStaxChem2e (Appendix G)

# Ore minerals, roast and calcination products ---------------------------------------------
# CRC Handbook 95th ed. (CRC2014), crystalline solid, only values the table lists:
# ΔfH [kJ/mol], S° [J/mol/K], Cp(298.15 K) [J/mol/K]
CRC_THO2 = (-1226.4, 65.2, 61.8)
CRC_SODIUM_SALTS = {
    "Na2HPO4": (-1748.1, 150.5, 135.3),
    "NaHCO3": (-950.8, 101.7, 87.6),
    "Na2CO3": (-1130.7, 135.0, 112.3),
}
#: RE trichlorides, ΔfH [kJ/mol] (CRC2014; used only as differences to NdCl3)
CRC_RECL3_DHF = {"La": -1072.2, "Ce": -1060.5, "Pr": -1056.9, "Nd": -1041.0, "Sm": -1025.9}
#: RE metals, S°298 [J/mol/K] (CRC2014), for entropies of formation
CRC_RE_METAL_S = {"La": 56.9, "Ce": 72.0, "Pr": 73.2, "Nd": 71.5, "Sm": 69.6}
# Tabulated (CRC2014, ΔfH only) but NOT used: 124 kJ/mol more negative than NdF3 although
# SmCl3 and Sm2O3 differ from the Nd compounds by only -15..+15 kJ/mol per Sm; likely an
# error in the compilation.
CRC_SMF3_DHF_TABULATED = -1778.0  # [kJ/mol] CRC2014, rejected
#: REF3 by adiabatic calorimetry: S°298, Cp(298.15 K) [J/mol/K], key
REF3_CALORIMETRY = {
    "La": (106.98, 90.29, "LyonLaF31978"),
    "Pr": (121.22, 92.65, "PrF3HeatCapacity"),
    "Nd": (NDF3[1], NDF3[2], "NdF3HeatCapacity1979"),
}
#: ΔfG°298 of bastnasite REFCO3 [kJ/mol], AlNafai2019 (mean of four estimation methods)
BASTNASITE_DGF = {"La": -1599.5, "Ce": -1589.5, "Pr": -1595.4, "Nd": -1589.1}
#: monazite REPO4 at 298.15 K (FrontChem2018, Table 4, from Navrotsky et al. 2015 enthalpies):
#: ΔfG [kJ/mol], ΔfS [J/mol/K], S° (from the elements) [J/mol/K]
MONAZITE = {
    "La": (-1875.0, -401.7, 106.6),
    "Ce": (-1845.0, -398.5, 122.4),
    "Pr": (-1860.0, -415.3, 110.1),
    "Nd": (-1845.0, -401.9, 120.6),
    "Sm": (-1847.0, -398.5, 122.4),
}
HYDROXIDE_DHF = {"La": -1416.7, "Nd": -1415.6, "Sm": -1406.6}  # [kJ/mol] Merli1996
ND_OH3_S_R, ND_OH3_CP_R = 15.62, 14.15  # S°/R, Cp/R of Nd(OH)3 at 298.15 K, NdOH3HeatCapacity


def _sp(name, comp, dhf, s, cp, src, note):
    """One species spec: ΔfH [J/mol], S [J/mol/K], cp (a, b) [J/mol/K, J/mol/K2]."""
    return {
        "name": name,
        "composition": comp,
        "dHf": dhf,
        "S": s,
        "cp": cp,
        "sources": src,
        "note": note,
    }


def _sesquioxide_specs() -> tuple[list[dict], dict, dict, dict]:
    """M2O3 of every rare earth in :data:`RE_OXIDE_ORDER`, with their ΔfH, S and Cp maps.

    Returns
    -------
    specs : list of dict
        One spec per oxide.
    dhf, s, cp : dict
        By element symbol: ΔfH [kJ/mol], S°298 [J/mol/K], (a [J/mol/K], b [J/mol/K^2]).
    """
    E = "yieldkitEstimate"
    slope = OXIDES["Nd"][1][1]  # [J/mol/K^2] temperature slope of the Nd2O3 fit
    specs, dhf_ox, s_ox, cp_ox = [], {}, {}, {}
    for m in RE_OXIDE_ORDER:
        dhf_crc, s_crc, cp298_crc = CRC_OXIDES[m]
        if m in OXIDES:
            dhf, h_src, h_note = OXIDES[m][0], "Wagman1982", "dHf Wagman 1982"
        else:
            dhf, h_src, h_note = dhf_crc, "CRC2014", "dHf CRC Handbook 95th ed."
        if m == "Nd":
            s, s_src, s_note = S_ND2O3, "Wagman1982", "S Wagman 1982"
        elif s_crc is not None:
            s, s_src, s_note = s_crc, "CRC2014", "S CRC Handbook 95th ed."
        else:
            s = _latimer(S_ND2O3, "Nd", m, 2)
            s_src = E
            s_note = "S estimated: Latimer mass term from S(Nd2O3), +-40 J/mol/K"
        if m in OXIDES and OXIDES[m][1] is not None:
            cp, cp_src = OXIDES[m][1], "JChemEngDataREOCp"
            cp_note = "Cp = a + bT fit as compiled in DOMAIN.md s7"
        else:
            cp, cp_src = (cp298_crc - slope * T0, slope), E
            cp_note = (
                "Cp estimated: Cp(298 K) CRC Handbook 95th ed. with the temperature slope"
                " of the Nd2O3 fit (0.0403 J/mol/K2, same M2O3 stoichiometry)"
            )
        dhf_ox[m], s_ox[m], cp_ox[m] = dhf, s, cp
        specs.append(
            _sp(
                f"{m}2O3",
                {m: 2, "O": 3},
                dhf * 1e3,
                s,
                cp,
                {"dHf": h_src, "S": s_src, "cp": cp_src},
                f"{h_note}; {s_note}; {cp_note}",
            )
        )
    return specs, dhf_ox, s_ox, cp_ox


def _higher_oxide_specs(dhf_ox: dict, s_ox: dict, cp_ox: dict) -> list[dict]:
    """CeO2 (tabulated) and Pr6O11 (estimated as Pr2O3 + 4 PrO2, PrO2 modelled on CeO2)."""
    E = "yieldkitEstimate"
    dhf_ce, s_ce, cp298_ce = CRC_CEO2
    b_ce = OXIDES["Nd"][1][1] / 2  # [J/mol/K^2] Nd2O3 slope per rare-earth cation
    cp_ce = (cp298_ce - b_ce * T0, b_ce)
    specs = [
        _sp(
            "CeO2",
            {"Ce": 1, "O": 2},
            dhf_ce * 1e3,
            s_ce,
            cp_ce,
            {"dHf": "CRC2014", "S": "CRC2014", "cp": E},
            "dHf, S CRC Handbook 95th ed.; Cp estimated: Cp(298 K) CRC Handbook 95th ed. with"
            " the Nd2O3-fit temperature slope per cation (0.0403/2 J/mol/K2)",
        )
    ]
    # Pr6O11 = Pr2O3 + 4 PrO2; PrO2 = CeO2 shifted by half the M2O3 difference, so that
    # 3 Pr2O3 + O2 -> Pr6O11 has twice the enthalpy of Ce2O3 + 1/2 O2 -> 2 CeO2
    dh_ox = 2 * (2 * dhf_ce - dhf_ox["Ce"])  # [kJ per mol O2]
    dhf = 3 * dhf_ox["Pr"] + dh_ox
    s = s_ox["Pr"] + 4 * _latimer(s_ce, "Ce", "Pr", 1)
    a, b = cp_ox["Pr"]
    specs.append(
        _sp(
            "Pr6O11",
            {"Pr": 6, "O": 11},
            dhf * 1e3,
            s,
            (a + 4 * cp_ce[0], b + 4 * cp_ce[1]),
            {"dHf": E, "S": E, "cp": E},
            "ROUGH, estimated as Pr2O3 + 4 PrO2 with PrO2 modelled on CeO2: dHf = 3 dHf(Pr2O3)"
            " (Wagman 1982) + dH(3 Pr2O3 + O2 -> Pr6O11), the latter taken equal to the Ce"
            " oxidation 2 x [2 dHf(CeO2) - dHf(Ce2O3)] = "
            f"{dh_ox:.1f} kJ/mol O2 (CRC Handbook 95th ed., Wagman 1982). Pr(IV) is less"
            " stable than Ce(IV) (Pr6O11 gives off O2 on heating, CeO2 does not), so this"
            " magnitude is an upper bound: the true dHf lies between 3 dHf(Pr2O3) = "
            f"{3 * dhf_ox['Pr']:.1f} and this value (uncertainty up to +{-dh_ox:.0f} kJ/mol),"
            " and in equilibria Pr6O11 is too stable (never reduces to Pr2O3). S = S(Pr2O3)"
            " (Latimer, estimated) + 4 S(CeO2) (CRC, Latimer-shifted Ce -> Pr), +-60 J/mol/K;"
            " Cp = Cp(Pr2O3 fit) + 4 Cp(CeO2 as above) (Neumann-Kopp)",
        )
    )
    return specs


def _transition_oxide_specs() -> list[dict]:
    """CoO (CRC) and NiO (Wagman), constant Cp."""
    dhf, s, cp = CRC_COO
    dhf_ni, s_ni, cp_ni = NIO
    return [
        _sp(
            "CoO",
            {"Co": 1, "O": 1},
            dhf * 1e3,
            s,
            (cp, 0.0),
            {"dHf": "CRC2014", "S": "CRC2014", "cp": "CRC2014"},
            "dHf, S, Cp(298 K) CRC Handbook 95th ed.; constant Cp (its rise with T is not"
            " represented)",
        ),
        _sp(
            "NiO",
            {"Ni": 1, "O": 1},
            dhf_ni * 1e3,
            s_ni,
            (cp_ni, 0.0),
            {"dHf": "Wagman1982", "S": "Wagman1982", "cp": "Wagman1982"},
            "dHf, S, Cp(298 K) Wagman 1982 (NBS tables); constant Cp: the magnetic lambda"
            " transition near 525 K and the rise of Cp with T are not represented"
            " (sensible heat at roasting temperatures underestimated)",
        ),
    ]


def species_specs() -> list[dict]:
    """The yieldkit condensed species, each with sources and the estimate method used."""
    inc = increments()
    E = "yieldkitEstimate"
    specs, dhf_ox, s_oxide, cp_oxide = _sesquioxide_specs()
    specs += _higher_oxide_specs(dhf_ox, s_oxide, cp_oxide)
    specs += _transition_oxide_specs()
    for m, dh in SJASTAD_DH.items():
        dhf = OXIDES[m][0] * 1e3 + inc["dHf_CO2"] + dh * 1e3
        a, b = cp_oxide[m]
        specs.append(
            _sp(
                f"{m}2O2CO3",
                {m: 2, "O": 5, "C": 1},
                dhf,
                s_oxide[m] + inc["dS_CO2"],
                (a + inc["dCp_CO2"], b),
                {"dHf": "Sjastad2012", "S": E, "cp": E},
                f"dHf = dHf({m}2O3) + dHf(CO2,g NASA) + ({dh} kJ/mol, Sjastad 2012, oxide + CO2);"
                " S, Cp estimated: oxide + (CaCO3 - CaO) increments at 298 K (NASA)",
            )
        )
    for m in RE_OXIDE_ORDER:
        n_co2 = 6  # 3 C2O4 = 3 (O + CO + CO2) on top of M2O3: 6 CO2-equivalents
        s = s_oxide[m] + n_co2 * inc["dS_CO2"] + 10 * inc["S_w"]
        a, b = cp_oxide[m]
        cp = a + b * T0 + n_co2 * inc["dCp_CO2"] + 10 * inc["Cp_w"]
        if m in OXALATE_DHF:
            dhf, h_src = OXALATE_DHF[m] * 1e3, "Wagman1982"
            h_note = "dHf Wagman 1982"
        else:
            dhf = (OXALATE_DHF["Ce"] + dhf_ox[m] - dhf_ox["Ce"]) * 1e3
            h_src = E
            h_note = "dHf estimated: Ce value (Wagman 1982) + dHf(M2O3) - dHf(Ce2O3)"
            if m == "Pr":
                h_note += (
                    f" (the tabulated {PR_OXALATE_DHF_TABULATED:g} kJ/mol, Wagman 1982, is NOT"
                    " used: 862 kJ/mol less negative than the Ce value, about 3 x dHf(H2O, l),"
                    " most likely a lower hydrate, and it would make the calcination in air"
                    " exothermic)"
                )
        specs.append(
            _sp(
                f"{m}2(C2O4)3.10H2O",
                {m: 2, "C": 6, "O": 22, "H": 20},
                dhf,
                s,
                (cp, 0.0),
                {"dHf": h_src, "S": E, "cp": E},
                f"{h_note}; S, Cp estimated: M2O3 + 6 x (CaCO3 - CaO) + 10 x ice(273 K) (NASA);"
                " constant Cp from 298 K",
            )
        )
    dhf, cp = CAC2O4_H2O
    _, s_cao, _ = _hscp("CaO(s)", T0)
    specs.append(
        _sp(
            "CaC2O4.H2O",
            {"Ca": 1, "C": 2, "O": 5, "H": 2},
            dhf * 1e3,
            s_cao + 2 * inc["dS_CO2"] + inc["S_w"],
            (cp, 0.0),
            {"dHf": "NISTWebBook", "S": E, "cp": "NISTWebBook"},
            "dHf, Cp NIST WebBook; S estimated: CaO + 2 x (CaCO3 - CaO) + ice(273 K) (NASA)",
        )
    )
    dhf, s, cp = NDF3
    specs.append(
        _sp(
            "NdF3",
            {"Nd": 1, "F": 3},
            dhf * 1e3,
            s,
            (cp, 0.0),
            {"dHf": "NdF3MassSpec", "S": "NdF3HeatCapacity1979", "cp": "NdF3HeatCapacity1979"},
            "dHf (+-42 kJ/mol) mass spectrometry; S, Cp(298 K) J. Chem. Phys. 71 (1979); constant Cp",
        )
    )
    s_ndcl3 = s + 3 * inc["dS_Cl"]
    cp_ndcl3 = cp + 3 * inc["dCp_Cl"]
    for m, dhf in CHLORIDE_DHF.items():
        s_m = s_ndcl3 if m == "Nd" else _latimer(s_ndcl3, "Nd", m, 1)
        specs.append(
            _sp(
                f"{m}Cl3",
                {m: 1, "Cl": 3},
                dhf * 1e3,
                s_m,
                (cp_ndcl3, 0.0),
                {"dHf": "Cordfunke1996", "S": E, "cp": E},
                "dHf Cordfunke 1996; S, Cp estimated: NdF3 + 3 x (CaCl2 - CaF2)/2 (NASA)"
                + ("" if m == "Nd" else ", S shifted by Latimer mass term Nd -> " + m)
                + "; constant Cp",
            )
        )
    dhf, cp = ND2FE14B
    s_nd = _latimer(inc["S_Fe"], "Fe", "Nd", 1)
    specs.append(
        _sp(
            "Nd2Fe14B",
            {"Nd": 2, "Fe": 14, "B": 1},
            dhf * 1e3,
            2 * s_nd + 14 * inc["S_Fe"] + inc["S_B"],
            cp,
            {"dHf": "Morishita2020", "S": E, "cp": "GibsonHarvey1966"},
            "dHf Morishita 2020; Cp = a + bT Gibson & Harvey (as in DOMAIN.md s7; DOUBTFUL above"
            " the 585 K Curie point: 921 J/mol/K at 1000 K);"
            " S estimated: 2 S(Nd) + 14 S(Fe,a) + S(B,b), S(Nd) by Latimer mass term from Fe",
        )
    )
    specs += _magnet_metal_specs(inc)
    specs += _ore_specs(inc, dhf_ox, s_oxide, cp_oxide)
    return specs


def _magnet_metal_specs(inc: dict) -> list[dict]:
    """Elements, Co3O4, (Pr,Dy)2Fe14B and the Fe(III) oxalate of magnet feeds."""
    E = "yieldkitEstimate"
    specs = []
    for m, (s, key) in ELEMENT_S.items():
        specs.append(
            _sp(
                m,
                {m: 1},
                0.0,
                s,
                (3 * R, 0.0),
                {"dHf": key, "S": key, "cp": E},
                "dHf = 0 (element in its reference state, by definition); S as tabulated"
                f" ({key}); Cp estimated: Dulong-Petit 3R (about 10 % below the measured"
                " 298 K value of the lanthanides); constant Cp, no melting"
                " (Pr 1204 K, Nd 1297 K, Dy 1680 K, Co 1768 K)",
            )
        )
    dhf, s = CO3O4
    cp = _hscp("Fe3O4(s)", T0)[2]
    specs.append(
        _sp(
            "Co3O4",
            {"Co": 3, "O": 4},
            dhf * 1e3,
            s,
            (cp, 0.0),
            {"dHf": "OpenStaxChem2e", "S": "OpenStaxChem2e", "cp": E},
            "dHf, S OpenStax Chemistry 2e Appendix G; Cp estimated = Cp(Fe3O4, 298 K, NASA),"
            " same spinel structure; constant Cp (Co3O4 loses O2 to CoO above about 1170 K in"
            " air, not represented)",
        )
    )
    dhf, cp = ND2FE14B
    for m in ("Pr", "Dy"):
        specs.append(
            _sp(
                f"{m}2Fe14B",
                {m: 2, "Fe": 14, "B": 1},
                dhf * 1e3,
                2 * ELEMENT_S[m][0] + 14 * inc["S_Fe"] + inc["S_B"],
                cp,
                {"dHf": E, "S": E, "cp": E},
                f"estimated from Nd2Fe14B (same tetragonal R2Fe14B structure type): dHf = dHf(Nd2Fe14B)"
                " (Morishita 2020) per formula unit; Cp = the Nd2Fe14B fit (Gibson & Harvey);"
                f" S = 2 S({m}) (Robie & Hemingway 1979) + 14 S(Fe,a) + S(B,b) (NASA),"
                " Neumann-Kopp (dfS = 0)",
            )
        )
    # Fe(III) oxalate tetrahydrate: Ce oxalate decahydrate, oxide swapped, 6 H2O fewer
    h_fe2o3, s_fe2o3, cp_fe2o3 = _hscp("Fe2O3(s)", T0)
    h_w = _hscp("H2O(L)", T0)[0]
    dhf = (OXALATE_DHF["Ce"] - OXIDES["Ce"][0]) * 1e3 + h_fe2o3 - 6 * h_w
    specs.append(
        _sp(
            "Fe2(C2O4)3.4H2O",
            {"Fe": 2, "C": 6, "O": 16, "H": 8},
            dhf,
            s_fe2o3 + 6 * inc["dS_CO2"] + 4 * inc["S_w"],
            (cp_fe2o3 + 6 * inc["dCp_CO2"] + 4 * inc["Cp_w"], 0.0),
            {"dHf": E, "S": E, "cp": E},
            "ROUGH, estimated: dHf = dHf(Ce2(C2O4)3.10H2O) (Wagman 1982) - dHf(Ce2O3)"
            " + dHf(Fe2O3) - 6 dHf(H2O, l) (NASA), i.e. the oxalate-from-oxide enthalpy of"
            " Ce(III) taken for Fe(III), uncertainty of order 100 kJ/mol; S, Cp estimated:"
            " Fe2O3 + 6 x (CaCO3 - CaO) + 4 x ice(273 K) (NASA); constant Cp",
        )
    )
    return specs


def _fluoride_specs() -> tuple[list[dict], dict, dict, dict]:
    """LaF3, CeF3, PrF3, SmF3 (NdF3 is sourced above) with their ΔfH, S and Cp maps.

    Returns
    -------
    specs : list of dict
        One spec per new fluoride.
    dhf, s, cp : dict
        By element symbol, NdF3 included: ΔfH [kJ/mol], S°298 [J/mol/K], Cp [J/mol/K].
    """
    E = "yieldkitEstimate"
    dhf_nd, s_nd, cp_nd = NDF3
    dhf_f, s_f, cp_f = {"Nd": dhf_nd}, {"Nd": s_nd}, {"Nd": cp_nd}
    specs = []
    for m in ("La", "Ce", "Pr", "Sm"):
        dhf = dhf_nd + CRC_RECL3_DHF[m] - CRC_RECL3_DHF["Nd"]
        h_note = (
            "dHf estimated: dHf(NdF3) (mass spectrometry, +-42 kJ/mol) + dHf(MCl3) - dHf(NdCl3)"
            " (CRC Handbook 95th ed.), i.e. the halide series shifts like the chlorides,"
            " +-45 kJ/mol"
        )
        if m == "Sm":
            h_note += (
                f" (the tabulated {CRC_SMF3_DHF_TABULATED:g} kJ/mol, CRC Handbook, is NOT used:"
                " 124 kJ/mol below the NdF3 value against +15 kJ/mol for the chlorides)"
            )
        if m in REF3_CALORIMETRY:
            s, cp, key = REF3_CALORIMETRY[m]
            s_src = cp_src = key
            sc_note = (
                "S, Cp(298 K) adiabatic calorimetry (J. Chem. Phys. lanthanide trifluoride series)"
            )
        else:
            s, cp = _latimer(s_nd, "Nd", m, 1), cp_nd
            s_src = cp_src = E
            sc_note = "S estimated: S(NdF3) with Latimer mass term; Cp estimated = Cp(NdF3, 298 K)"
        dhf_f[m], s_f[m], cp_f[m] = dhf, s, cp
        specs.append(
            _sp(
                f"{m}F3",
                {m: 1, "F": 3},
                dhf * 1e3,
                s,
                (cp, 0.0),
                {"dHf": E, "S": s_src, "cp": cp_src},
                f"{h_note}; {sc_note}; constant Cp",
            )
        )
    return specs, dhf_f, s_f, cp_f


def _element_entropy(m: str) -> float:
    """S°298 of m + F/2 + C + 3 O/2 ... helper: Σ S of the elements of REFCO3 [J/mol/K]."""
    return (
        CRC_RE_METAL_S[m]
        + 0.5 * _hscp("F2", T0)[1]
        + _hscp("C(gr)", T0)[1]
        + 1.5 * _hscp("O2", T0)[1]
    )


def _bastnasite_specs(inc: dict, dhf_ox: dict, s_ox: dict, cp_ox: dict, fl: tuple) -> list:
    """REFCO3 (La, Ce, Pr, Nd from ΔfG; Sm by analogy with Nd), all estimated."""
    E = "yieldkitEstimate"
    dhf_f, s_f, cp_f = fl
    specs, dhf_b = [], {}
    for m in ("La", "Ce", "Pr", "Nd", "Sm"):
        s = (s_f[m] + s_ox[m]) / 3 + inc["dS_CO2"]
        a, b = cp_ox[m]
        cp = ((cp_f[m] + a) / 3 + inc["dCp_CO2"], b / 3)
        if m in BASTNASITE_DGF:
            dfs = s - _element_entropy(m)
            dhf = BASTNASITE_DGF[m] + T0 * dfs / 1e3
            h_src = E
            h_note = (
                f"ROUGH, dHf estimated = dGf (Al-Nafai 2019, {BASTNASITE_DGF[m]:g} kJ/mol) + T dfS,"
                f" dfS = S(estimated, below) - S(elements) = {dfs:.1f} J/mol/K ({m} CRC Handbook"
                " 95th ed.; F2, C(gr), O2 NASA); uncertainty about +-25 kJ/mol (dGf itself an"
                " estimate, S +-15 J/mol/K)"
            )
        else:
            dhf = dhf_b["Nd"] + (dhf_f[m] - dhf_f["Nd"] + dhf_ox[m] - dhf_ox["Nd"]) / 3
            h_src = E
            h_note = (
                "ROUGH, dHf estimated: dHf(NdFCO3, estimated as for La..Nd) + [dHf(SmF3) -"
                " dHf(NdF3) + dHf(Sm2O3) - dHf(Nd2O3)]/3, i.e. the same roast enthalpy"
                " 3 REFCO3 -> REF3 + RE2O3 + 3 CO2 as Nd (no dGf for Sm in Al-Nafai 2019)"
            )
        dhf_b[m] = dhf
        specs.append(
            _sp(
                f"{m}FCO3",
                {m: 1, "F": 1, "C": 1, "O": 3},
                dhf * 1e3,
                s,
                cp,
                {"dHf": h_src, "S": E, "cp": E},
                f"{h_note}; S, Cp estimated: [{m}F3 + {m}2O3]/3 + (CaCO3 - CaO) increment at"
                " 298 K (NASA), Cp linear with a third of the oxide slope",
            )
        )
    return specs


def _monazite_specs(cp_ox: dict) -> list[dict]:
    """REPO4 monazites: ΔfH = ΔfG + T ΔfS and S from FrontChem2018; Cp Neumann–Kopp."""
    E = "yieldkitEstimate"
    cp_p = _hscp("P4O10(s)", T0)[2] / 4  # [J/mol/K] per P2O5/2
    specs = []
    for m, (dgf, dfs, s) in MONAZITE.items():
        a, b = cp_ox[m]
        specs.append(
            _sp(
                f"{m}PO4",
                {m: 1, "P": 1, "O": 4},
                (dgf + T0 * dfs / 1e3) * 1e3,
                s,
                (a / 2 + cp_p, b / 2),
                {"dHf": "FrontChem2018", "S": "FrontChem2018", "cp": E},
                f"dHf = dGf + T dfS with dGf = {dgf:g} kJ/mol and dfS = {dfs:g} J/mol/K, S from the"
                " elements, all Front. Chem. 6 (2018) 604 Table 4 (enthalpies of Navrotsky et al."
                f" 2015); Cp estimated: {m}2O3/2 + P4O10(298 K, NASA)/4 (Neumann-Kopp),"
                " linear with half the oxide slope",
            )
        )
    return specs


def _hydroxide_specs(dhf_ox: dict) -> list[dict]:
    """RE(OH)3 of La, Pr, Nd, Sm, Dy; constant Cp of Nd(OH)3."""
    E = "yieldkitEstimate"
    s_nd, cp_nd = ND_OH3_S_R * R, ND_OH3_CP_R * R
    # nearest neighbour with a measured dHf, for the oxide-shift rule
    ref = {"Pr": "Nd", "Dy": "Sm"}
    specs = []
    for m in ("La", "Pr", "Nd", "Sm", "Dy"):
        if m in HYDROXIDE_DHF:
            dhf, h_src, h_note = (
                HYDROXIDE_DHF[m],
                "Merli1996",
                "dHf solution calorimetry (Merli 1996)",
            )
        else:
            r = ref[m]
            dhf = HYDROXIDE_DHF[r] + (dhf_ox[m] - dhf_ox[r]) / 2
            h_src = E
            h_note = (
                f"dHf estimated: dHf({r}(OH)3) (Merli 1996) + [dHf({m}2O3) - dHf({r}2O3)]/2, i.e."
                f" the dehydration enthalpy of {r}(OH)3 (the rule misses the measured La and Sm"
                " values by 8 and 17 kJ/mol when applied from Nd), +-20 kJ/mol"
            )
        if m == "Nd":
            s, s_src = s_nd, "NdOH3HeatCapacity"
            sc_note = "S, Cp(298 K) adiabatic calorimetry (S/R 15.62, Cp/R 14.15)"
            cp_src = "NdOH3HeatCapacity"
        else:
            s, s_src, cp_src = _latimer(s_nd, "Nd", m, 1), E, E
            sc_note = "S estimated: S(Nd(OH)3) with Latimer mass term; Cp estimated = Cp(Nd(OH)3)"
        specs.append(
            _sp(
                f"{m}(OH)3",
                {m: 1, "O": 3, "H": 3},
                dhf * 1e3,
                s,
                (cp_nd, 0.0),
                {"dHf": h_src, "S": s_src, "cp": cp_src},
                f"{h_note}; {sc_note}; constant Cp (the hydroxide decomposes above about 600 K)",
            )
        )
    return specs


def _ore_specs(inc: dict, dhf_ox: dict, s_ox: dict, cp_ox: dict) -> list[dict]:
    """Fluorides, bastnasite, monazite, hydroxides, Na3PO4, Cu3(BO3)2 and ThO2."""
    E = "yieldkitEstimate"
    fl_specs, *fl = _fluoride_specs()
    specs = fl_specs + _bastnasite_specs(inc, dhf_ox, s_ox, cp_ox, tuple(fl))
    specs += _monazite_specs(cp_ox)
    specs += _hydroxide_specs(dhf_ox)
    # Na3PO4 = Na2HPO4 with its H replaced by Na as NaHCO3 -> Na2CO3 does (all CRC values)
    na = CRC_SODIUM_SALTS
    d = [na["Na2CO3"][i] - na["NaHCO3"][i] for i in range(3)]
    dhf, s, cp = (na["Na2HPO4"][i] + d[i] for i in range(3))
    specs.append(
        _sp(
            "Na3PO4",
            {"Na": 3, "P": 1, "O": 4},
            dhf * 1e3,
            s,
            (cp, 0.0),
            {"dHf": E, "S": E, "cp": E},
            "estimated (Na3PO4 is not in the CRC table): Na2HPO4 + (Na2CO3 - NaHCO3) for dHf, S"
            " and Cp(298 K), all CRC Handbook 95th ed., i.e. H -> Na substitution as in the"
            " carbonates, +-20 kJ/mol; constant Cp",
        )
    )
    # Cu3(BO3)2 = 3 CuO + B2O3 (NASA), Neumann-Kopp: no formation-from-oxides enthalpy
    # found; in the CMI route it passes the calciner unchanged, so only its Cp enters duties
    h_cu, s_cu, cp_cu = _hscp("CuO(s)", T0)
    h_b, s_b, cp_b = _hscp("B2O3(L)", T0)
    specs.append(
        _sp(
            "Cu3(BO3)2",
            {"Cu": 3, "B": 2, "O": 6},
            3 * h_cu + h_b,
            3 * s_cu + s_b,
            (3 * cp_cu + cp_b, 0.0),
            {"dHf": E, "S": E, "cp": E},
            "ROUGH, estimated: 3 CuO + B2O3 (NASA, McBride 1993) by Neumann-Kopp for dHf, S and"
            " Cp(298 K); the enthalpy of formation from the oxides is not known (for borates"
            " typically tens of kJ/mol, so dHf is uncertain by about 60 kJ/mol); B2O3 is NASA's"
            " glass/liquid phase; constant Cp. A unit through which Cu3(BO3)2 passes unchanged"
            " (the CMI calciner) depends only on its Cp",
        )
    )
    dhf, s, cp298 = CRC_THO2
    b = OXIDES["Nd"][1][1] / 2  # [J/mol/K^2] as for CeO2 (same fluorite structure)
    specs.append(
        _sp(
            "ThO2",
            {"Th": 1, "O": 2},
            dhf * 1e3,
            s,
            (cp298 - b * T0, b),
            {"dHf": "CRC2014", "S": "CRC2014", "cp": E},
            "dHf, S CRC Handbook 95th ed.; Cp estimated: Cp(298 K) CRC Handbook 95th ed. with the"
            " CeO2 slope (Nd2O3-fit slope per cation, 0.0403/2 J/mol/K2; same fluorite structure)",
        )
    )
    return specs


def shomate_coefficients(dhf: float, s: float, a: float, b: float) -> list[float]:
    """Shomate coefficients reproducing Cp = a + bT, h(298.15) = dhf, s(298.15) = s.

    Parameters
    ----------
    dhf : float
        Enthalpy of formation at 298.15 K [J/mol].
    s : float
        Entropy at 298.15 K [J/mol/K].
    a : float
        Constant term of the heat capacity [J/mol/K].
    b : float
        Linear term of the heat capacity [J/mol/K^2].

    Returns
    -------
    list of float
        [A, B, C, D, E, F, G] in NIST/Cantera units (t = T/1000; h in kJ/mol).
    """
    A, B = a, 1000.0 * b
    t = T0 / 1000.0
    F = dhf / 1e3 - (A * t + B * t * t / 2)
    G = s - (A * math.log(t) + B * t)
    return [A, B, 0.0, 0.0, 0.0, F, G]


def _fmt(x: float) -> str:
    return repr(float(f"{x:.12g}"))


def render_yaml(specs: list[dict] | None = None) -> str:
    """The text of ``thermo_species.yaml`` (Cantera species format).

    Parameters
    ----------
    specs : list of dict or None
        Species specs as from :func:`species_specs` (default: those).

    Returns
    -------
    str
        YAML text.
    """
    specs = species_specs() if specs is None else specs
    out = [
        "# yieldkit condensed species for Cantera. GENERATED by",
        "#   python -m yieldkit.models.thermo.species_data",
        "# from the source values in yieldkit/models/thermo/species_data.py: edit there.",
        "# Models: Shomate (exact for Cp = a + bT: A = a, B = 1000 b) or constant-cp.",
        "# Each species: `note` states sources and estimates; `yieldkit` holds the input",
        "# values [kJ/mol, J/mol/K] and the citation key of each (keys in CITATIONS.bib).",
        f"# Temperature range {T_MIN}-{T_MAX} K is yieldkit's choice (sources give no fit range).",
        "# Gas and other condensed species are loaded from Cantera's nasa_gas.yaml and",
        "# nasa_condensed.yaml (McBride1993), not copied here.",
        "",
        "species:",
    ]
    for sp in specs:
        a, b = sp["cp"]
        comp = ", ".join(f"{k}: {v}" for k, v in sp["composition"].items())
        out += [f"- name: {sp['name']}", f"  composition: {{{comp}}}", "  thermo:"]
        if b == 0.0:
            out += [
                "    model: constant-cp",
                f"    T0: {T0} K",
                f"    h0: {_fmt(sp['dHf'] / 1e3)} kJ/mol",
                f"    s0: {_fmt(sp['S'])} J/mol/K",
                f"    cp0: {_fmt(a)} J/mol/K",
                f"    T-min: {T_MIN} K",
                f"    T-max: {T_MAX} K",
            ]
        else:
            coef = ", ".join(_fmt(c) for c in shomate_coefficients(sp["dHf"], sp["S"], a, b))
            out += [
                "    model: Shomate",
                f"    temperature-ranges: [{T_MIN}, {T_MAX}]",
                f"    data: [[{coef}]]",
            ]
        src = sp["sources"]
        out += [
            f'  note: "{sp["note"]}"',
            "  yieldkit:",
            f"    dHf298: {_fmt(sp['dHf'] / 1e3)}  # kJ/mol, {src['dHf']}",
            f"    S298: {_fmt(sp['S'])}  # J/mol/K, {src['S']}",
            f"    cp: [{_fmt(a)}, {_fmt(b)}]  # a [J/mol/K] + b T, {src['cp']}",
            f"    sources: {{dHf298: {src['dHf']}, S298: {src['S']}, cp: {src['cp']}}}",
        ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    YAML_PATH.write_text(render_yaml(), encoding="utf-8")
    print(f"wrote {YAML_PATH}")
