"""Monazite concentrate to mixed rare-earth oxide by caustic cracking (NaOH route).

Concentrated NaOH cracks the phosphate: REPO4 + 3 NaOH -> RE(OH)3 + Na3PO4; thorium
phosphate goes to Th(OH)4 and uranium to sodium diuranate. The liquor is separated from the
hydroxide cake, trisodium phosphate crystallises from it as a by-product, and the mother
liquor with the excess NaOH returns to the digestion (the recycle, with a bleed). The cake
is dissolved in HCl with the acid limited so that the end pH stays near 3.5: the rare-earth
hydroxides dissolve while thorium stays as hydroxide (thorium rejected by pH control), and
leaves in the thorium cake with the undissolved phosphate and most of the uranium. Oxalic
acid precipitates the rare earths, and the oxalate is calcined to the mixed oxide.

Defaults and their sources
--------------------------
* Chemistry and the route: Watts & Fisher (2021) (NaOH cracking at 140–400 °C);
  TMS 1989 Taiwan black monazite abstract (caustic route, Th rejected by pH control,
  ~90 % REE yield), DOMAIN.md §5.
* Concentrate (estimate, no composition in the sources): 1 t/h of concentrate with 60 wt%
  REO, 7 wt% ThO2, 0.3 wt% U3O8 (typical beach-sand monazite grades), RE distribution in
  the REO by mass La2O3 23, CeO2 47, Pr6O11 5, Nd2O3 20, Sm2O3 5 (rounded typical monazite
  values, heavier REE lumped into Sm); RE and Th as phosphates, U as U3O8, the rest SiO2.
* Digestion at 140 °C (lower end of Watts & Fisher's range) with 50 wt% NaOH at 1.5 times
  the stoichiometric demand (estimate); air at twice the O2 the diuranate needs (estimate).
* Cracking conversion 0.98 and selective dissolution of the RE hydroxides 0.97 (estimates,
  chosen so that with the oxalate yield below the route gives the ~90 % overall REE yield
  of the TMS 1989 abstract; the route test is therefore a consistency check, not an
  independent validation). At the controlled end pH 2 % of the Th(OH)4 and 10 % of the
  diuranate dissolve (estimates: Th(OH)4 precipitates above pH ~3.5, uranyl partly).
* Filters: solids to the cake; 2 % of the liquor stays in each washed cake (estimate).
* Na3PO4 crystallisation on cooling to 30 °C: 90 % of the phosphate (estimate); the crystals
  carry 5 % of the mother liquor (estimate); 80 % of the mother liquor recycled (estimate).
* HCl as 32 wt% acid (commercial grade), 1.1 times the acid the RE dissolution needs
  (estimate), 80 °C; acid first dissolves RE, Th and U, the rest neutralises the entrained
  caustic liquor (OH-, then PO4 3- to H2PO4-).
* Oxalate precipitation with 20 % excess oxalic acid, 96.7 % of each RE (Klemettinen 2021,
  magnet leachates; applying it to this liquor is an estimate), 60 °C; Th and U oxalates are
  not represented (Th and U left in the liquor leave with the barren liquor).
* Calcination at 950 °C in air (Ceram. Int. 2014), twice the O2 needed; Ce to CeO2, Pr to
  Pr6O11, others to RE2O3.
"""

from __future__ import annotations

from molmass import Formula

from process_library._route_tools import (
    air,
    calcination_o2,
    oxalate,
    oxalate_calcination,
    oxalate_precipitation,
    oxide,
    solution,
    with_species,
)
from yieldkit.chemistry.components import Components
from yieldkit.chemistry.species import Species
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator, Splitter, StoichiometricReactor
from yieldkit.unitops.thermal import Calciner
from yieldkit.units import Q_

NAME = "monazite-caustic"
SOURCES = (
    "WattsFisher2021",
    "TaiwanMonazite1989",
    "Klemettinen2021",
    "CeramInt2014",
    "yieldkitEstimate",
)

RE = ("La", "Ce", "Pr", "Nd", "Sm")
# concentrate (estimates, see the module docstring) [kg/kg]
REO_GRADE, THO2_GRADE, U3O8_GRADE = 0.60, 0.07, 0.003
REO_DISTRIBUTION = {"La": 0.23, "Ce": 0.47, "Pr": 0.05, "Nd": 0.20, "Sm": 0.05}  # mass of oxide

NAOH_EXCESS = 1.5  # estimate
NAOH_WT = 0.50  # estimate (50 wt% liquor)
CRACKING = 0.98  # estimate (see docstring)
RE_DISSOLVED = 0.97  # estimate (see docstring)
TH_DISSOLVED = 0.02  # estimate
U_DISSOLVED = 0.10  # estimate
CAKE_LIQUOR = 0.02  # estimate
TSP_CRYSTALLISED = 0.90  # estimate
TSP_LIQUOR = 0.05  # estimate
MOTHER_LIQUOR_RECYCLE = 0.80  # estimate
HCL_WT = 0.32  # commercial hydrochloric acid
HCL_EXCESS = 1.1  # estimate
OXALATE_YIELD = 0.967  # Klemettinen2021 (+20 % excess)
OXALIC_EXCESS = 0.2  # Klemettinen2021

TH_PHOSPHATE = Species.create(
    "Th3(PO4)4",
    phase="s",
    source="HandbookMineralogy",
    description="thorium phosphate, the thorium of monazite (route-local species)",
)
DIURANATE = Species.create(
    "Na2U2O7",
    phase="s",
    source="yieldkitEstimate",
    description="sodium diuranate, the uranium product of caustic cracking (route-local)",
)


def components() -> Components:
    """Species of the route."""
    names = [f"{e}PO4" for e in RE] + [TH_PHOSPHATE, "U3O8", "SiO2"]
    names += ["Na+", "OH-", "H2O", "PO4-3", "H2PO4-", "Na3PO4", "O2(g)", "N2(g)"]
    names += [f"{e}(OH)3" for e in RE] + ["Th(OH)4", DIURANATE]
    names += ["H+", "Cl-"] + [f"{e}+3" for e in RE] + ["Th+4", "UO2+2"]
    names += ["H2C2O4"] + [oxalate(e) for e in RE] + [oxide(e) for e in RE]
    names += ["CO2(g)", "H2O(g)"]
    return Components(names)


def _molar_mass(formula: str) -> float:
    return Formula(formula).mass / 1000.0  # [kg/mol]


def concentrate_moles(kg_s: float) -> dict[str, float]:
    """Phase flows of the concentrate [mol/s] for ``kg_s`` [kg/s] (estimated composition)."""
    flows = {}
    for e, w in REO_DISTRIBUTION.items():
        ox = oxide(e)
        per_oxide = Formula(ox).composition()[e].count
        flows[f"{e}PO4"] = kg_s * REO_GRADE * w / _molar_mass(ox) * per_oxide
    flows["Th3(PO4)4"] = kg_s * THO2_GRADE / _molar_mass("ThO2") / 3
    flows["U3O8"] = kg_s * U3O8_GRADE / _molar_mass("U3O8")
    mass = sum(n * _molar_mass(k) for k, n in flows.items())
    flows["SiO2"] = (kg_s - mass) / _molar_mass("SiO2")
    return flows


def _reactions():
    cracking = [(f"{e}PO4 + 3 OH- -> {e}(OH)3 + PO4-3", f"{e}PO4", CRACKING) for e in RE]
    cracking += [
        ("Th3(PO4)4 + 12 OH- -> 3 Th(OH)4 + 4 PO4-3", "Th3(PO4)4", CRACKING),
        ("2 U3O8 + O2(g) + 6 OH- + 6 Na+ -> 3 Na2U2O7 + 3 H2O", "U3O8", CRACKING),
    ]
    leach = [(f"{e}(OH)3 + 3 H+ -> {e}+3 + 3 H2O", f"{e}(OH)3", RE_DISSOLVED) for e in RE]
    leach += [
        ("Th(OH)4 + 4 H+ -> Th+4 + 4 H2O", "Th(OH)4", TH_DISSOLVED),
        ("Na2U2O7 + 6 H+ -> 2 UO2+2 + 2 Na+ + 3 H2O", "Na2U2O7", U_DISSOLVED),
        ("H+ + OH- -> H2O", "OH-", 1.0),
        ("PO4-3 + 2 H+ -> H2PO4-", "PO4-3", 1.0),
    ]
    return with_species(cracking, TH_PHOSPHATE, DIURANATE), with_species(leach, DIURANATE)


def build(
    concentrate="1 t/h",
    recycle_fraction: float = MOTHER_LIQUOR_RECYCLE,
    **overrides,
) -> Flowsheet:
    """Build the route.

    Parameters
    ----------
    concentrate : quantity
        Monazite concentrate fed [kg/h or t/h].
    recycle_fraction : float
        Fraction of the Na3PO4 mother liquor (excess NaOH) returned to the digestion [-].
    **overrides
        ``{"unit.param": value}`` changes applied after building.

    Returns
    -------
    Flowsheet
    """
    from yieldkit.unitops.params import fraction, positive

    kg_s = positive(concentrate, "kg/s", "concentrate")
    recycle_fraction = fraction(recycle_fraction, "recycle_fraction")
    c = components()
    conc = concentrate_moles(kg_s)
    ree = sum(conc[f"{e}PO4"] for e in RE)
    demand = 3 * ree + 12 * conc["Th3(PO4)4"] + 3 * conc["U3O8"]  # [mol/s OH-]
    naoh = NAOH_EXCESS * demand
    water = naoh * _molar_mass("NaOH") * (1 - NAOH_WT) / NAOH_WT / _molar_mass("H2O")
    caustic = Stream(
        c, {"Na+": Q_(naoh, "mol/s"), "OH-": Q_(naoh, "mol/s"), "H2O": Q_(water, "mol/s")}
    )
    hcl = HCL_EXCESS * 3 * RE_DISSOLVED * CRACKING * ree
    hcl_water = hcl * _molar_mass("HCl") * (1 - HCL_WT) / HCL_WT / _molar_mass("H2O")
    acid = Stream(
        c, {"H+": Q_(hcl, "mol/s"), "Cl-": Q_(hcl, "mol/s"), "H2O": Q_(hcl_water, "mol/s")}
    )
    dissolved = {e: CRACKING * RE_DISSOLVED * conc[f"{e}PO4"] for e in RE}
    oxalic = solution(
        c, {"H2C2O4": (1 + OXALIC_EXCESS) * 1.5 * sum(dissolved.values())}, 1.0, "H2C2O4"
    )
    calc_o2 = 2.0 * sum(calcination_o2(e) * OXALATE_YIELD * n for e, n in dissolved.items())
    cracking, leach = _reactions()

    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES,
        description="Monazite: NaOH cracking with liquor recycle, HCl at controlled pH, "
        "oxalate, calcine.",
    )
    fs.add(
        Feed("monazite", Stream(c, {k: Q_(v, "mol/s") for k, v in conc.items()})),
        Feed("caustic_soda", caustic, kind="reagent"),
        Feed("digestion_air", air(c, 2.0 * 0.5 * conc["U3O8"]), kind="utility"),
        Feed("hydrochloric_acid", acid, kind="reagent"),
        Feed("oxalic_acid", oxalic, kind="reagent"),
        Feed("calciner_air", air(c, calc_o2), kind="utility"),
        Mixer("caustic_mixer", inlets=("fresh", "recycle")),
        StoichiometricReactor(
            "digestion", cracking, T="140 degC", inlets=("solids", "caustic", "air")
        ),
        Separator("digestion_vent", {"g": 1.0}, outlets=("gas", "slurry"), default=0.0),
        Separator("hydroxide_filter", {"s": 1.0, "aq": CAKE_LIQUOR}, outlets=("cake", "liquor")),
        StoichiometricReactor(
            "tsp_crystalliser",
            [("3 Na+ + PO4-3 -> Na3PO4", "PO4-3", TSP_CRYSTALLISED)],
            T="30 degC",
        ),
        Separator("tsp_filter", {"s": 1.0, "aq": TSP_LIQUOR}, outlets=("crystals", "liquor")),
        Splitter(
            "mother_liquor_split", {"recycle": recycle_fraction, "bleed": 1 - recycle_fraction}
        ),
        StoichiometricReactor("hcl_leach", leach, T="80 degC", inlets=("cake", "acid")),
        Separator("thorium_filter", {"s": 1.0, "aq": CAKE_LIQUOR}, outlets=("cake", "liquor")),
        StoichiometricReactor(
            "precipitator",
            oxalate_precipitation(RE, OXALATE_YIELD),
            T="60 degC",
            inlets=("liquor", "oxalic"),
        ),
        Separator("oxalate_filter", {"s": 1.0, "aq": 0.0}, outlets=("cake", "liquor")),
        Calciner("calciner", "950 degC", "stoichiometric", reactions=oxalate_calcination(RE)),
        Product("mixed_reo", kind="product"),
        Product("trisodium_phosphate", kind="by-product"),
        Product("thorium_cake", kind="residue"),
        Product("caustic_bleed", kind="effluent"),
        Product("barren_liquor", kind="effluent"),
        Product("digestion_offgas", kind="emission"),
        Product("calciner_offgas", kind="emission"),
        Product("calciner_dust", kind="residue"),
    )
    for a, b, name in [
        ("monazite", "digestion.solids", "monazite"),
        ("caustic_soda", "caustic_mixer.fresh", "fresh NaOH"),
        ("caustic_mixer", "digestion.caustic", "NaOH to digestion"),
        ("digestion_air", "digestion.air", "digestion air"),
        ("digestion", "digestion_vent", "digested slurry"),
        ("digestion_vent.gas", "digestion_offgas", "digestion off-gas"),
        ("digestion_vent.slurry", "hydroxide_filter", "degassed slurry"),
        ("hydroxide_filter.liquor", "tsp_crystalliser", "phosphate liquor"),
        ("tsp_crystalliser", "tsp_filter", "crystal slurry"),
        ("tsp_filter.crystals", "trisodium_phosphate", "Na3PO4 crystals"),
        ("tsp_filter.liquor", "mother_liquor_split", "mother liquor"),
        ("mother_liquor_split.recycle", "caustic_mixer.recycle", "NaOH recycle"),
        ("mother_liquor_split.bleed", "caustic_bleed", "caustic bleed"),
        ("hydroxide_filter.cake", "hcl_leach.cake", "hydroxide cake"),
        ("hydrochloric_acid", "hcl_leach.acid", "HCl"),
        ("hcl_leach", "thorium_filter", "leach slurry"),
        ("thorium_filter.cake", "thorium_cake", "thorium cake"),
        ("thorium_filter.liquor", "precipitator.liquor", "RE chloride liquor"),
        ("oxalic_acid", "precipitator.oxalic", "oxalic acid"),
        ("precipitator", "oxalate_filter", "oxalate slurry"),
        ("oxalate_filter.liquor", "barren_liquor", "barren liquor"),
        ("oxalate_filter.cake", "calciner.solids", "oxalate cake"),
        ("calciner_air", "calciner.gas", "calciner air"),
        ("calciner.product", "mixed_reo", "mixed REO"),
        ("calciner.offgas", "calciner_offgas", "calciner off-gas"),
        ("calciner.dust", "calciner_dust", "calciner dust"),
    ]:
        fs.connect(a, b, name)
    for path, value in overrides.items():
        fs.set_parameter(path, value)
    return fs
