"""Mountain Pass bastnäsite to NdPr oxide: flotation, oxidative roast, HCl leach, two SX circuits.

The ore is floated in the Mountain Pass circuit (five banks, three recycles, Pradip &
Fuerstenau 2013), the concentrate is roasted in air so that cerium oxidises to CeO2, and
hydrochloric acid leaches the trivalent rare earths while CeO2 stays in the insoluble
residue (the "cerium concentrate" of the Molycorp process; public process descriptions,
see below). Two D2EHPA solvent-extraction circuits then split the chloride liquor: the
first (``lapr``) rejects La (and most Ce) to its raffinate and loads Pr, Nd and the
heavier rare earths; its strip liquor feeds the second (``ndsm``), which extracts the
heavier rare earths (represented by Sm) and leaves NdPr in its raffinate. The NdPr liquor
is precipitated with oxalic acid and calcined to the NdPr oxide product.

Defaults and their sources
--------------------------
* Flotation: fresh feed, circuit and bank recoveries of ``mountain_pass_flotation``
  (Pradip & Fuerstenau 2013, Table 2; inert-gangue recoveries fitted by PrOMMiS, DOMAIN.md
  §5). The source gives a lumped REO; here the REO recovery of each bank applies to every
  rare-earth fluorocarbonate alike (assumption). Gangue stays in the oxide classes of the
  source (CaO, BaO, SrO, inert gangue), reported on the same mass basis.
* Rare-earth distribution of the REO (estimate, not in DOMAIN.md: rounded values of the
  commonly quoted Mountain Pass bastnäsite pattern, not verified against a primary
  analysis): La2O3 33, CeO2 49, Pr6O11 4, Nd2O3 13 wt%, and 1 wt% "heavier" rare earths
  represented by Sm (Mountain Pass is 99 wt% LREE and 1 wt% HREE, Molycorp 2012 as quoted
  by a public summary). Each RE is fed as its fluorocarbonate REFCO3.
* Oxidative roast (``Calciner``, stoichiometric mode) at 650 °C (estimate), twice the O2
  the cerium oxidation needs as air (estimate): 3 REFCO3 -> REF3 + RE2O3 + 3 CO2 for La,
  Pr, Nd, Sm and 3 CeFCO3 + 1/2 O2 -> CeF3 + 2 CeO2 + 3 CO2 (the oxide–fluoride product
  of bastnäsite calcination; the oxyfluoride REOF is not represented). The fluorine thus
  keeps one third of every rare earth as insoluble fluoride: the leach can dissolve at most
  2/3 of La, Pr, Nd and Sm (a consequence of this simplification; no Mountain Pass leach
  figure was found). In practice the HCl-leach residue has been sent to a caustic crack
  that recovers the fluoride-bound rare earths (the two-stage "HCl leach, then caustic
  crack" system described in the background of US patent application 2022/0228237 A1,
  "Advanced systems and methods for leaching rare earths from ore"); that second stage is
  not in this route, so its rare-earth recovery is a lower bound of the plant's. Gangue
  carbonates are already oxides in the flotation classes.
* HCl leach (stoichiometric, 60 °C, estimate) with 1.05 times the acid demand as 2 mol/L
  HCl (estimates): 98 % of each RE2O3 (estimate), 5 % of the CeO2 (estimate: CeO2 is
  sparingly soluble in HCl, dissolving reductively with Cl2 release), all CaO and SrO
  (carbonate gangue; the Molycorp acid wash is merged into this leach, simplification);
  BaO stays (barite). The washed residue keeps 5 % of the liquor (estimate).
* SX: D2EHPA, model ``constant_d`` per section with estimated D values built from the
  Yin et al. (2015) separation factors Ce/La 3.24, Pr/Ce 2.04, Nd/Pr 1.58 (D2EHPA + lactic
  acid, chloride, DOMAIN.md §3), anchored at D(Pr) = 1 in the ``lapr`` extraction and
  scrub (estimate: the operating acidity is not modelled). Sm/Nd separation factor 5
  (estimate: no adjacent-lanthanide table was found, DOMAIN.md §8; chosen between the
  light-RE factors and the tens-to-hundreds of Dy/Nd, DOMAIN.md §3). ``ndsm`` extraction
  and scrub: D(Sm) = 2 (estimate). Strip sections: every D times 0.01 (estimate, strong
  acid). Ca+2 and Sr+2 are not extracted (they leave with the La raffinate).
* Circuit sizes (estimates, chosen by trying a few stage numbers for a product with
  little La, Ce and Sm): ``lapr`` 6 extraction + 6 scrub + 3 strip stages, organic 1 mol/L
  D2EHPA in kerosene with 10 % bleed, at O/A 2 to the leachate (at least three times the
  extractant the loaded metals bind); scrub acid 1 mol/L HCl at O/A 2; strip 3 mol/L
  HCl at O/A 4. ``ndsm`` 8 + 8 + 3 stages, organic flow O/A 1 to the ``lapr`` strip acid,
  same acids and O/A. Scrub liquors return to their extraction feed (recycle). The 10 %
  organic bleed copies the UKy pilot value (DOMAIN.md §9) and overstates the extractant
  make-up of a commercial plant (estimate, no Mountain Pass figure).
* Oxalate precipitation of the NdPr liquor at 60 °C: 96.7 % of each RE, the Klemettinen
  (2021) efficiency at +20 % oxalic acid (magnet leachates; applying it here is an
  estimate); 1 mol/L oxalic acid dosed at 1.2 x 1.5 mol per mol of the NdPr the design
  basis expects, times 1.2 as a margin for the La, Ce and Sm that follow (estimate);
  calcination at 950 °C in air (Ceram. Int. 2014), twice the O2 needed.
"""

from __future__ import annotations

from molmass import Formula

from process_library._route_tools import (
    air,
    calcination_o2,
    oxalate,
    oxalate_calcination,
    oxide,
    solution,
    with_species,
)
from process_library.mountain_pass_flotation import BANK_RECOVERY, FEED_T_PER_SHIFT, SHIFT
from yieldkit.chemistry.components import Components
from yieldkit.chemistry.species import Species
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.flowsheet.sx_circuit import add_sx_circuit
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator
from yieldkit.unitops.leach import Leach
from yieldkit.unitops.precipitator import Precipitator
from yieldkit.unitops.solid_liquid import SolidLiquidSeparator
from yieldkit.unitops.thermal import Calciner
from yieldkit.units import Q_

NAME = "bastnasite-mountain-pass"
SOURCES = (
    "PradipFuerstenau2013",
    "PrOMMiS",
    "Molycorp2012",
    "Yin2015",
    "Klemettinen2021",
    "CeramInt2014",
    "yieldkitEstimate",
)

RE = ("La", "Ce", "Pr", "Nd", "Sm")
REO_DISTRIBUTION = {"La": 0.33, "Ce": 0.49, "Pr": 0.04, "Nd": 0.13, "Sm": 0.01}  # estimate
GANGUE = ("CaO", "BaO", "SrO", "inert gangue")
ROAST_T = "650 degC"  # estimate
LEACH_T = "60 degC"  # estimate
HCL_MOLARITY = 2.0  # [mol/L] estimate
HCL_EXCESS = 1.05  # estimate
RE2O3_DISSOLVED = 0.98  # estimate
CEO2_DISSOLVED = 0.05  # estimate
CAKE_LIQUOR = 0.05  # estimate
# Yin2015 separation factors (D2EHPA, chloride), anchored at D(Pr) = 1 (estimate)
BETA = {"Ce/La": 3.24, "Pr/Ce": 2.04, "Nd/Pr": 1.58}
BETA_SM_ND = 5.0  # estimate (docstring)
D_PR_LAPR = 1.0  # estimate
D_SM_NDSM = 2.0  # estimate
STRIP_FACTOR = 0.01  # estimate
EXTRACTANT_MOLARITY = 1.0  # [mol/L] D2EHPA, estimate
SCRUB_MOLARITY, STRIP_MOLARITY = 1.0, 3.0  # [mol/L] HCl, estimates
OXALIC_EXCESS = 0.2  # Klemettinen2021
LAPR = dict(extraction=6, scrub=6, strip=3, oa=2.0, oa_scrub=2.0)  # estimates
NDSM = dict(extraction=8, scrub=8, strip=3, oa=1.0, oa_scrub=2.0)  # estimates
BLEED = 0.1  # estimate


SM_BASTNASITE = Species.create(
    "SmFCO3",
    phase="s",
    source="yieldkitEstimate",
    description="Sm fluorocarbonate, the heavier RE of bastnäsite (route-local species)",
)


def components() -> Components:
    """Species of the route."""
    names = [f"{e}FCO3" for e in RE if e != "Sm"] + [SM_BASTNASITE] + list(GANGUE)
    names += ["O2(g)", "N2(g)", "CO2(g)", "H2O(g)", "Cl2(g)"]
    names += [f"{e}F3" for e in RE] + [f"{e}2O3" for e in RE if e != "Ce"] + ["CeO2"]
    names += ["H2O", "H+", "OH-", "Cl-", "Ca+2", "Sr+2"] + [f"{e}+3" for e in RE]
    names += ["D2EHPA", "kerosene"] + [f"{e}-D2EHPA" for e in RE]
    names += ["H2C2O4", "HC2O4-", "C2O4-2"] + [oxalate(e) for e in RE]
    names += [oxide(e) for e in ("Pr",)]
    return Components(names)


def _distribution_d(anchor: str, d_anchor: float) -> dict[str, float]:
    """D of every RE ion from the separation factors, anchored at ``anchor`` [-]."""
    rel = {"La": 1.0}
    rel["Ce"] = rel["La"] * BETA["Ce/La"]
    rel["Pr"] = rel["Ce"] * BETA["Pr/Ce"]
    rel["Nd"] = rel["Pr"] * BETA["Nd/Pr"]
    rel["Sm"] = rel["Nd"] * BETA_SM_ND
    scale = d_anchor / rel[anchor]
    return {f"{e}+3": v * scale for e, v in rel.items()}


def _sx(n: int, d: dict[str, float]) -> dict:
    return dict(n_stages=n, model="constant_d", parameter_set=d)


def concentrate_flows() -> dict[str, float]:
    """Fresh ore of the flotation circuit as species flows [mol/s] (module docstring)."""
    hours = SHIFT.to("s").magnitude
    flows = {}
    reo = FEED_T_PER_SHIFT["REO"] * 1000.0 / hours  # [kg/s]
    for e, w in REO_DISTRIBUTION.items():
        ox = oxide(e) if e in ("Ce", "Pr") else f"{e}2O3"
        per = Formula(ox).composition()[e].count
        flows[f"{e}FCO3"] = reo * w / (Formula(ox).mass * 1e-3) * per
    return flows


def _roast_reactions():
    out = []
    for e in RE:
        if e == "Ce":
            out.append(("3 CeFCO3 + 1/2 O2(g) -> CeF3 + 2 CeO2 + 3 CO2(g)", "CeFCO3", 1.0))
        else:
            out.append((f"3 {e}FCO3 -> {e}F3 + {e}2O3 + 3 CO2(g)", f"{e}FCO3", 1.0))
    return with_species(out, SM_BASTNASITE)


def _leach_reactions():
    out = [
        (f"{e}2O3 + 6 H+ -> 2 {e}+3 + 3 H2O", f"{e}2O3", RE2O3_DISSOLVED) for e in RE if e != "Ce"
    ]
    out.append(("2 CeO2 + 8 H+ + 2 Cl- -> 2 Ce+3 + 4 H2O + Cl2(g)", "CeO2", CEO2_DISSOLVED))
    out.append(("CaO + 2 H+ -> Ca+2 + H2O", "CaO", 1.0))
    out.append(("SrO + 2 H+ -> Sr+2 + H2O", "SrO", 1.0))
    return out


def build(
    hcl_excess: float = HCL_EXCESS,
    beta_sm_nd: float = BETA_SM_ND,
    **overrides,
) -> Flowsheet:
    """Build the route.

    Parameters
    ----------
    hcl_excess : float
        Leach acid over the demand of the dissolving oxides (>= 1) [-].
    beta_sm_nd : float
        Separation factor D(Sm)/D(Nd) of the ``ndsm`` circuit (> 1, estimate) [-].
    **overrides
        ``{"unit.param": value}`` changes applied after building.

    Returns
    -------
    Flowsheet
    """
    from yieldkit.errors import SpecificationError
    from yieldkit.unitops.params import positive_number

    hcl_excess = positive_number(hcl_excess, "hcl_excess")
    beta_sm_nd = positive_number(beta_sm_nd, "beta_sm_nd")
    if hcl_excess < 1.0:
        raise SpecificationError(f"hcl_excess = {hcl_excess!r} must be >= 1.")
    if beta_sm_nd <= 1.0:
        raise SpecificationError(f"beta_sm_nd = {beta_sm_nd!r} must be > 1 (Sm extracted).")
    c = components()
    hours = SHIFT.to("s").magnitude
    ore = concentrate_flows()
    ore.update(
        {
            k: FEED_T_PER_SHIFT[k] * 1000.0 / hours / c.molar_masses[c.index(k)]
            for k in ("CaO", "BaO", "SrO")
        }
    )
    ore["inert gangue"] = (
        FEED_T_PER_SHIFT["inert gangue"]
        * 1000.0
        / hours
        / (c.molar_masses[c.index("inert gangue")])
    )
    # design basis: the flotation concentrate, from the circuit's overall REO recovery
    # computed once on the ore (a design estimate; the flowsheet then solves exactly)
    rec = _flotation_recovery()
    conc = {k: v * rec[_cls(k)] for k, v in ore.items()}
    ree = {e: conc[f"{e}FCO3"] for e in RE}
    trivalent = {e: 2 / 3 * ree[e] * RE2O3_DISSOLVED for e in RE if e != "Ce"}
    ce = 2 / 3 * ree["Ce"] * CEO2_DISSOLVED
    demand = 3 * (sum(trivalent.values()) + ce) + 2 * (conc["CaO"] + conc["SrO"]) + ce
    acid = solution(c, {"H+": hcl_excess * demand, "Cl-": hcl_excess * demand}, HCL_MOLARITY, "H+")
    roast_air = air(c, 2 * 0.5 / 3 * ree["Ce"])
    leachate_l_s = hcl_excess * demand / HCL_MOLARITY  # [L/s] of liquor, approximately
    # SX flows (L/s): organic from the feed volume and O/A
    loaded = trivalent["Pr"] + trivalent["Nd"] + trivalent["Sm"]  # [mol/s] to load in lapr
    org1 = LAPR["oa"] * leachate_l_s
    ha_needed = 6 * (loaded + ce + 0.3 * trivalent["La"])
    org1 = max(org1, 3 * ha_needed / EXTRACTANT_MOLARITY)
    org2 = max(NDSM["oa"] * org1 / 4, 3 * 6 * loaded / EXTRACTANT_MOLARITY)

    def organic(l_s: float) -> Stream:
        return Stream.from_concentrations(
            c,
            Q_(BLEED * l_s, "L/s"),
            {"D2EHPA": f"{EXTRACTANT_MOLARITY} mol/L"},
            phase="org",
            solvent="kerosene",
        )

    def hcl(l_s: float, molarity: float) -> Stream:
        return solution(c, {"H+": molarity * l_s, "Cl-": molarity * l_s}, molarity, "H+")

    d1 = _distribution_d("Pr", D_PR_LAPR)
    d2 = {k: v * BETA_SM_ND / beta_sm_nd for k, v in _distribution_d("Sm", D_SM_NDSM).items()}
    d2["Sm+3"] = D_SM_NDSM
    strip1 = {k: v * STRIP_FACTOR for k, v in d1.items()}
    strip2 = {k: v * STRIP_FACTOR for k, v in d2.items()}
    ndpr = trivalent["Pr"] + trivalent["Nd"]
    oxalic = solution(c, {"H2C2O4": (1 + OXALIC_EXCESS) * 1.5 * 1.2 * ndpr}, 1.0, "H2C2O4")
    calc_o2 = 2.0 * 1.2 * sum(calcination_o2(e) * trivalent[e] for e in ("Pr", "Nd"))

    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES,
        description="Mountain Pass bastnäsite: flotation, oxidative roast, HCl leach "
        "(Ce residue), La/NdPr and NdPr/heavies SX, oxalate, calcine.",
    )
    fs.add(
        Feed("ore", Stream(c, {k: Q_(v, "mol/s") for k, v in ore.items()})),
        Feed("roast_air", roast_air, kind="utility"),
        Feed("hydrochloric_acid", acid, kind="reagent"),
        Feed("lapr_scrub_acid", hcl(org1 / LAPR["oa_scrub"], SCRUB_MOLARITY), kind="reagent"),
        Feed("lapr_strip_acid", hcl(org1 / 4, STRIP_MOLARITY), kind="reagent"),
        Feed("ndsm_scrub_acid", hcl(org2 / NDSM["oa_scrub"], SCRUB_MOLARITY), kind="reagent"),
        Feed("ndsm_strip_acid", hcl(org2 / 4, STRIP_MOLARITY), kind="reagent"),
        Feed("oxalic_acid", oxalic, kind="reagent"),
        Feed("calciner_air", air(c, calc_o2), kind="utility"),
        Mixer("rougher_feed", inlets=("fresh", "regrind")),
        Mixer("cleaner1_feed", inlets=("rougher_conc", "cleaner2_tails")),
        Mixer("cleaner2_feed", inlets=("cleaner1_conc", "cleaner34_tails")),
        Mixer("final_tails", inlets=("rougher", "scavenger")),
        Mixer("regrind", inlets=("in",)),
        Calciner("roaster", ROAST_T, "stoichiometric", reactions=_roast_reactions()),
        Leach("hcl_leach", _leach_reactions(), T=LEACH_T, inlets=("solids", "acid")),
        Separator("leach_vent", {"g": 1.0}, outlets=("gas", "slurry"), default=0.0),
        SolidLiquidSeparator("leach_filter", liquid_recovery=1 - CAKE_LIQUOR),
        Mixer("lapr_feed", inlets=("leachate", "scrub")),
        Mixer("ndsm_feed", inlets=("strip", "scrub")),
        Precipitator(
            "precipitator",
            mode="efficiency",
            T="60 degC",
            inlets=("liquor", "oxalic"),
            excess=OXALIC_EXCESS,
        ),  # fmt: skip
        SolidLiquidSeparator("oxalate_filter", liquid_recovery=1.0),
        Calciner("calciner", "950 degC", "stoichiometric", reactions=oxalate_calcination(RE)),
        Product("ndpr_oxide", kind="product"),
        Product("cerium_residue", kind="by-product"),
        Product("la_raffinate", kind="by-product"),
        Product("heavies_strip", kind="by-product"),
        Product("tailings", kind="residue"),
        Product("barren_liquor", kind="effluent"),
        Product("lapr_org_bleed", kind="effluent"),
        Product("ndsm_org_bleed", kind="effluent"),
        Product("roaster_offgas", kind="emission"),
        Product("roaster_dust", kind="residue"),
        Product("leach_offgas", kind="emission"),
        Product("calciner_offgas", kind="emission"),
        Product("calciner_dust", kind="residue"),
    )
    for bank, r in BANK_RECOVERY.items():
        fs.add(Separator(bank, _bank_splits(r), outlets=("conc", "tails"), default=0.0))
    lapr = add_sx_circuit(
        fs, "lapr", extraction=_sx(LAPR["extraction"], d1), scrub=_sx(LAPR["scrub"], d1),
        strip=_sx(LAPR["strip"], strip1), make_up=organic(org1), bleed=BLEED,
    )  # fmt: skip
    ndsm = add_sx_circuit(
        fs, "ndsm", extraction=_sx(NDSM["extraction"], d2), scrub=_sx(NDSM["scrub"], d2),
        strip=_sx(NDSM["strip"], strip2), make_up=organic(org2), bleed=BLEED,
    )  # fmt: skip
    for a, b, name in [
        ("ore", "rougher_feed.fresh", "fresh feed"),
        ("rougher_feed", "rougher", "rougher feed"),
        ("rougher.conc", "cleaner1_feed.rougher_conc", "rougher conc"),
        ("rougher.tails", "final_tails.rougher", "rougher tails"),
        ("cleaner1_feed", "cleaner1", "cleaner 1 feed"),
        ("cleaner1.tails", "scavenger", "cleaner 1 tails"),
        ("scavenger.conc", "regrind", "scavenger conc"),
        ("regrind", "rougher_feed.regrind", "reground scavenger conc"),
        ("scavenger.tails", "final_tails.scavenger", "scavenger tails"),
        ("cleaner1.conc", "cleaner2_feed.cleaner1_conc", "cleaner 1 conc"),
        ("cleaner2.tails", "cleaner1_feed.cleaner2_tails", "cleaner 2 tails"),
        ("cleaner2_feed", "cleaner2", "cleaner 2 feed"),
        ("cleaner2.conc", "cleaner34", "cleaner 2 conc"),
        ("cleaner34.tails", "cleaner2_feed.cleaner34_tails", "cleaners 3&4 tails"),
        ("final_tails", "tailings", "final tails"),
        ("cleaner34.conc", "roaster.solids", "flotation concentrate"),
        ("roast_air", "roaster.gas", "roaster air"),
        ("roaster.offgas", "roaster_offgas", "roaster off-gas"),
        ("roaster.dust", "roaster_dust", "roaster dust"),
        ("roaster.product", "hcl_leach.solids", "roasted concentrate"),
        ("hydrochloric_acid", "hcl_leach.acid", "HCl"),
        ("hcl_leach", "leach_vent", "leach slurry"),
        ("leach_vent.gas", "leach_offgas", "leach off-gas"),
        ("leach_vent.slurry", "leach_filter", "degassed slurry"),
        ("leach_filter.cake", "cerium_residue", "cerium residue"),
        ("leach_filter.liquor", "lapr_feed.leachate", "RE chloride leachate"),
        ("lapr_feed", lapr["feed"], "lapr feed"),
        ("lapr_scrub_acid", lapr["scrub_liquor"], "lapr scrub acid"),
        (lapr["scrub_out"], "lapr_feed.scrub", "lapr scrub liquor"),
        (lapr["raffinate"], "la_raffinate", "La raffinate"),
        ("lapr_strip_acid", lapr["strip_liquor"], "lapr strip acid"),
        (lapr["bleed"], "lapr_org_bleed", "lapr organic bleed"),
        (lapr["strip_out"], "ndsm_feed.strip", "PrNd(Sm) strip liquor"),
        ("ndsm_feed", ndsm["feed"], "ndsm feed"),
        ("ndsm_scrub_acid", ndsm["scrub_liquor"], "ndsm scrub acid"),
        (ndsm["scrub_out"], "ndsm_feed.scrub", "ndsm scrub liquor"),
        ("ndsm_strip_acid", ndsm["strip_liquor"], "ndsm strip acid"),
        (ndsm["strip_out"], "heavies_strip", "heavies strip liquor"),
        (ndsm["bleed"], "ndsm_org_bleed", "ndsm organic bleed"),
        (ndsm["raffinate"], "precipitator.liquor", "NdPr raffinate"),
        ("oxalic_acid", "precipitator.oxalic", "oxalic acid"),
        ("precipitator", "oxalate_filter", "oxalate slurry"),
        ("oxalate_filter.liquor", "barren_liquor", "barren liquor"),
        ("oxalate_filter.cake", "calciner.solids", "oxalate cake"),
        ("calciner_air", "calciner.gas", "calciner air"),
        ("calciner.product", "ndpr_oxide", "NdPr oxide"),
        ("calciner.offgas", "calciner_offgas", "calciner off-gas"),
        ("calciner.dust", "calciner_dust", "calciner dust"),
    ]:
        fs.connect(a, b, name)
    for path, value in overrides.items():
        fs.set_parameter(path, value)
    return fs


def _cls(species: str) -> str:
    """Flotation class of a species: 'REO' for the fluorocarbonates."""
    return "REO" if species.endswith("FCO3") else species


def _bank_splits(recovery: dict[str, float]) -> dict[str, float]:
    splits = {k: v for k, v in recovery.items() if k != "REO"}
    splits.update({f"{e}FCO3": recovery["REO"] for e in RE})
    return splits


def _flotation_recovery() -> dict[str, float]:
    """Overall recovery of each flotation class to the final concentrate [-].

    Solved from the bank recoveries (linear in each class): with rougher R, scavenger S,
    cleaners C1, C2, C34 and the feed F, the flows satisfy the circuit's mixer balances.
    """
    import numpy as np

    out = {}
    for cls in BANK_RECOVERY["rougher"]:
        r, s, c1, c2, c34 = (BANK_RECOVERY[b][cls] for b in BANK_RECOVERY)
        # unknowns: rougher feed x1, cleaner1 feed x2, cleaner2 feed x3
        # x1 = 1 + s (1 - c1) x2; x2 = r x1 + (1 - c2) x3; x3 = c1 x2 + (1 - c34) c2 x3
        a = np.array(
            [
                [1.0, -s * (1 - c1), 0.0],
                [-r, 1.0, -(1 - c2)],
                [0.0, -c1, 1.0 - (1 - c34) * c2],
            ]
        )
        x = np.linalg.solve(a, np.array([1.0, 0.0, 0.0]))
        out[cls] = c34 * c2 * x[2]
    return out
