"""Bayan Obo mixed concentrate to mixed REO: Na2CO3 roast, HCl leach, Th removal, oxalate.

The mixed bastnäsite–monazite concentrate is roasted with sodium carbonate at 750 °C: the
fluorocarbonate and the phosphate become rare-earth oxides (CeO2, Pr6O11 in air), the
fluorine is fixed as NaF and the phosphorus as Na3PO4. Hot 9 M HCl leaches the roasted
pellets; the published extents carry REE, Th, F and P into the leachate. Thorium must then
be separated downstream: here by neutralising the leachate with ammonia so that Th(OH)4
precipitates (thorium cake). Oxalic acid precipitates the rare earths and the oxalate is
calcined to the mixed oxide.

Defaults and their sources
--------------------------
* Roast 750 °C, 1.5 h; leach 9 M HCl, 90 °C, 60 min, S/L 1:5; to the leachate REE 85.14 %,
  Th 95.53 %, F 47.61 %, P 89.25 % (J. Rare Earths 2024 abstract, DOMAIN.md §5). The
  roast is taken as complete, so the leach fractions carry all losses; the S/L basis is
  taken as 5 L of acid per kg of concentrate fed (estimate: the roasted mass is not given).
  The F fraction applies to NaF and to the fluorite alike; the P fraction to Na3PO4.
  Ce(IV) and Pr(IV) dissolve reductively in the HCl, releasing Cl2.
* Concentrate (estimate, no analysis in the source): 1 t/h with 50 wt% REO (typical
  commercial grade), 70 % of the RE as bastnäsite and 30 % as monazite, RE distribution
  by oxide mass La2O3 25, CeO2 50, Pr6O11 5, Nd2O3 20 (rounded typical Bayan Obo light-RE
  pattern), ThO2 0.2 wt%, CaF2 10 wt%, the rest SiO2.
* Na2CO3 at 1.2 times the roast demand (estimate); air at twice the O2 the Ce/Pr
  oxidation needs (estimate).
* Washed filter cakes keep 2 % of the liquor (estimate).
* Th removal: NH3 at 1.05 times the demand of the computed leachate (free acid, HF, the
  first proton of H3PO4 and the Th); 99 % of the Th and 1 % of each RE precipitate as
  hydroxides (estimates). Re-precipitation of RE phosphate on neutralisation is not
  represented.
* Oxalate precipitation with 20 % excess oxalic acid, 96.7 % of each RE (Klemettinen 2021,
  magnet leachates; applying it here is an estimate), 60 °C; Ca oxalate not represented.
* Calcination at 950 °C in air (Ceram. Int. 2014), twice the O2 needed.

No recycle: the source describes a once-through route.
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
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator, StoichiometricReactor
from yieldkit.unitops.thermal import Calciner
from yieldkit.units import Q_

NAME = "bayan-obo-soda-roast"
SOURCES = ("BayanObo2024", "Klemettinen2021", "CeramInt2014", "yieldkitEstimate")

RE = ("La", "Ce", "Pr", "Nd")
REO_GRADE = 0.50  # estimate
BASTNASITE_SHARE = 0.70  # estimate, of the RE moles
REO_DISTRIBUTION = {"La": 0.25, "Ce": 0.50, "Pr": 0.05, "Nd": 0.20}  # estimate
THO2_GRADE, CAF2_GRADE = 0.002, 0.10  # estimates
NA2CO3_EXCESS = 1.2  # estimate
ACID_L_PER_KG = 5.0  # S/L 1:5 (BayanObo2024), per kg concentrate (estimate of the basis)
HCL_MOLARITY = 9.0  # BayanObo2024
REE_LEACHED, TH_LEACHED, F_LEACHED, P_LEACHED = 0.8514, 0.9553, 0.4761, 0.8925  # BayanObo2024
CAKE_LIQUOR = 0.02  # estimate
NH3_EXCESS = 1.05  # estimate
TH_PRECIPITATED, RE_COPRECIPITATED = 0.99, 0.01  # estimates
OXALATE_YIELD, OXALIC_EXCESS = 0.967, 0.2  # Klemettinen2021

NAF = Species.create(
    "NaF", phase="s", source="Haynes2016", description="sodium fluoride (route-local species)"
)

_ROAST_BASTNASITE = {
    "La": "2 LaFCO3 + Na2CO3 -> La2O3 + 2 NaF + 3 CO2(g)",
    "Ce": "4 CeFCO3 + 2 Na2CO3 + O2(g) -> 4 CeO2 + 4 NaF + 6 CO2(g)",
    "Pr": "6 PrFCO3 + 3 Na2CO3 + O2(g) -> Pr6O11 + 6 NaF + 9 CO2(g)",
    "Nd": "2 NdFCO3 + Na2CO3 -> Nd2O3 + 2 NaF + 3 CO2(g)",
}
_ROAST_MONAZITE = {
    "La": "2 LaPO4 + 3 Na2CO3 -> La2O3 + 2 Na3PO4 + 3 CO2(g)",
    "Ce": "4 CePO4 + 6 Na2CO3 + O2(g) -> 4 CeO2 + 4 Na3PO4 + 6 CO2(g)",
    "Pr": "6 PrPO4 + 9 Na2CO3 + O2(g) -> Pr6O11 + 6 Na3PO4 + 9 CO2(g)",
    "Nd": "2 NdPO4 + 3 Na2CO3 -> Nd2O3 + 2 Na3PO4 + 3 CO2(g)",
}
# Na2CO3 and O2 per mol of RE mineral in the roast [mol/mol]
_NA2CO3 = {"FCO3": 0.5, "PO4": 1.5}
_O2 = {"Ce": 0.25, "Pr": 1 / 6}
_LEACH_OXIDE = {
    "La": "La2O3 + 6 H+ -> 2 La+3 + 3 H2O",
    "Ce": "2 CeO2 + 8 H+ + 2 Cl- -> 2 Ce+3 + Cl2(g) + 4 H2O",
    "Pr": "Pr6O11 + 22 H+ + 4 Cl- -> 6 Pr+3 + 11 H2O + 2 Cl2(g)",
    "Nd": "Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O",
}


def components() -> Components:
    """Species of the route."""
    names = [f"{e}FCO3" for e in RE] + [f"{e}PO4" for e in RE]
    names += ["ThO2", "CaF2", "SiO2", "Na2CO3", NAF, "Na3PO4"]
    names += [oxide(e) for e in RE] + ["O2(g)", "N2(g)", "CO2(g)", "Cl2(g)", "H2O(g)"]
    names += ["H2O", "H+", "Cl-", "Na+", "Ca+2", "Th+4", "HF", "F-", "H3PO4", "H2PO4-"]
    names += [f"{e}+3" for e in RE] + ["NH3", "NH4+", "Th(OH)4"] + [f"{e}(OH)3" for e in RE]
    names += ["H2C2O4"] + [oxalate(e) for e in RE]
    return Components(names)


def _mm(formula: str) -> float:
    return Formula(formula).mass / 1000.0  # [kg/mol]


def concentrate_moles(kg_s: float) -> dict[str, float]:
    """Mineral flows of the (estimated) concentrate [mol/s] for ``kg_s`` [kg/s]."""
    flows = {}
    for e, w in REO_DISTRIBUTION.items():
        ox = oxide(e)
        n_re = kg_s * REO_GRADE * w / _mm(ox) * Formula(ox).composition()[e].count
        flows[f"{e}FCO3"] = BASTNASITE_SHARE * n_re
        flows[f"{e}PO4"] = (1 - BASTNASITE_SHARE) * n_re
    flows["ThO2"] = kg_s * THO2_GRADE / _mm("ThO2")
    flows["CaF2"] = kg_s * CAF2_GRADE / _mm("CaF2")
    mass = sum(n * _mm(k) for k, n in flows.items())
    flows["SiO2"] = (kg_s - mass) / _mm("SiO2")
    return flows


def _reactions():
    roast = [(_ROAST_BASTNASITE[e], f"{e}FCO3", 1.0) for e in RE]
    roast += [(_ROAST_MONAZITE[e], f"{e}PO4", 1.0) for e in RE]
    leach = [(_LEACH_OXIDE[e], oxide(e), REE_LEACHED) for e in RE]
    leach += [
        ("ThO2 + 4 H+ -> Th+4 + 2 H2O", "ThO2", TH_LEACHED),
        ("NaF + H+ -> Na+ + HF", "NaF", F_LEACHED),
        ("CaF2 + 2 H+ -> Ca+2 + 2 HF", "CaF2", F_LEACHED),
        ("Na3PO4 + 3 H+ -> 3 Na+ + H3PO4", "Na3PO4", P_LEACHED),
        ("Na2CO3 + 2 H+ -> 2 Na+ + CO2(g) + H2O", "Na2CO3", 1.0),
    ]
    thorium = [("Th+4 + 4 NH3 + 4 H2O -> Th(OH)4 + 4 NH4+", "Th+4", TH_PRECIPITATED)]
    thorium += [
        (f"{e}+3 + 3 NH3 + 3 H2O -> {e}(OH)3 + 3 NH4+", f"{e}+3", RE_COPRECIPITATED) for e in RE
    ]
    thorium += [
        ("H+ + NH3 -> NH4+", "H+", 1.0),
        ("HF + NH3 -> NH4+ + F-", "HF", 1.0),
        ("H3PO4 + NH3 -> NH4+ + H2PO4-", "H3PO4", 1.0),
    ]
    precipitation = oxalate_precipitation(RE, OXALATE_YIELD) + [("NH3 + H+ -> NH4+", "NH3", 1.0)]
    return with_species(roast, NAF), with_species(leach, NAF), thorium, precipitation


def build(concentrate="1 t/h", **overrides) -> Flowsheet:
    """Build the route.

    Parameters
    ----------
    concentrate : quantity
        Mixed concentrate fed [kg/h or t/h].
    **overrides
        ``{"unit.param": value}`` changes applied after building.

    Returns
    -------
    Flowsheet
    """
    from yieldkit.unitops.params import positive

    kg_s = positive(concentrate, "kg/s", "concentrate")
    c = components()
    conc = concentrate_moles(kg_s)
    soda = NA2CO3_EXCESS * sum(_NA2CO3[m] * conc[f"{e}{m}"] for e in RE for m in ("FCO3", "PO4"))
    o2 = 2.0 * sum(_O2.get(e, 0.0) * (conc[f"{e}FCO3"] + conc[f"{e}PO4"]) for e in RE)
    hcl = HCL_MOLARITY * ACID_L_PER_KG * kg_s  # [mol/s]
    acid = solution(c, {"H+": hcl, "Cl-": hcl}, HCL_MOLARITY, "H+", T="90 degC")
    roast, leach, thorium, precipitation = _reactions()

    # the NH3 dose follows from the leachate the roast and leach give (once-through route)
    roaster = Calciner("roaster", "750 degC", "stoichiometric", reactions=roast)
    leacher = StoichiometricReactor("hcl_leach", leach, T="90 degC", inlets=("solids", "acid"))
    feed = Stream(c, {k: Q_(v, "mol/s") for k, v in conc.items()})
    soda_s = Stream(c, {"Na2CO3": Q_(soda, "mol/s")})
    roasted = roaster.run({"solids": feed.with_moles(feed.moles + soda_s.moles), "gas": air(c, o2)})
    liquor = leacher.run({"solids": roasted.outlets["product"], "acid": acid}).outlets["out"]
    nh3_demand = (
        4 * TH_PRECIPITATED * liquor.flow("Th+4")
        + sum(3 * RE_COPRECIPITATED * liquor.flow(f"{e}+3") for e in RE)
        + liquor.flow("H+")
        + liquor.flow("HF")
        + liquor.flow("H3PO4")
    )
    nh3 = NH3_EXCESS * nh3_demand * (1 - CAKE_LIQUOR)
    ammonia = Stream(c, {"NH3": Q_(nh3, "mol/s")})
    dissolved = {e: REE_LEACHED * (conc[f"{e}FCO3"] + conc[f"{e}PO4"]) for e in RE}
    oxalic = solution(
        c, {"H2C2O4": (1 + OXALIC_EXCESS) * 1.5 * sum(dissolved.values())}, 1.0, "H2C2O4"
    )
    calc_o2 = 2.0 * sum(calcination_o2(e) * OXALATE_YIELD * n for e, n in dissolved.items())

    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES,
        description="Bayan Obo mixed concentrate: Na2CO3 roast, 9 M HCl leach, Th(OH)4 "
        "removal, oxalate, calcine.",
    )
    fs.add(
        Feed("concentrate", feed),
        Feed("soda_ash", soda_s, kind="reagent"),
        Feed("roaster_air", air(c, o2), kind="utility"),
        Feed("hydrochloric_acid", acid, kind="reagent"),
        Feed("ammonia", ammonia, kind="reagent"),
        Feed("oxalic_acid", oxalic, kind="reagent"),
        Feed("calciner_air", air(c, calc_o2), kind="utility"),
        Mixer("pelletiser", inlets=("concentrate", "soda")),
        roaster,
        leacher,
        Separator("leach_vent", {"g": 1.0}, outlets=("gas", "slurry"), default=0.0),
        Separator("leach_filter", {"s": 1.0, "aq": CAKE_LIQUOR}, outlets=("cake", "liquor")),
        StoichiometricReactor(
            "thorium_removal", thorium, T="60 degC", inlets=("liquor", "ammonia")
        ),
        Separator("thorium_filter", {"s": 1.0, "aq": CAKE_LIQUOR}, outlets=("cake", "liquor")),
        StoichiometricReactor(
            "precipitator", precipitation, T="60 degC", inlets=("liquor", "oxalic")
        ),
        Separator("oxalate_filter", {"s": 1.0, "aq": 0.0}, outlets=("cake", "liquor")),
        Calciner("calciner", "950 degC", "stoichiometric", reactions=oxalate_calcination(RE)),
        Product("mixed_reo", kind="product"),
        Product("leach_residue", kind="residue"),
        Product("thorium_cake", kind="residue"),
        Product("barren_liquor", kind="effluent"),
        Product("roaster_offgas", kind="emission"),
        Product("roaster_dust", kind="residue"),
        Product("leach_offgas", kind="emission"),
        Product("calciner_offgas", kind="emission"),
        Product("calciner_dust", kind="residue"),
    )
    for a, b, name in [
        ("concentrate", "pelletiser.concentrate", "concentrate"),
        ("soda_ash", "pelletiser.soda", "Na2CO3"),
        ("pelletiser", "roaster.solids", "pellets"),
        ("roaster_air", "roaster.gas", "roaster air"),
        ("roaster.offgas", "roaster_offgas", "roaster off-gas"),
        ("roaster.dust", "roaster_dust", "roaster dust"),
        ("roaster.product", "hcl_leach.solids", "roasted pellets"),
        ("hydrochloric_acid", "hcl_leach.acid", "9 M HCl"),
        ("hcl_leach", "leach_vent", "leach slurry"),
        ("leach_vent.gas", "leach_offgas", "leach off-gas"),
        ("leach_vent.slurry", "leach_filter", "degassed slurry"),
        ("leach_filter.cake", "leach_residue", "leach residue"),
        ("leach_filter.liquor", "thorium_removal.liquor", "leachate"),
        ("ammonia", "thorium_removal.ammonia", "NH3"),
        ("thorium_removal", "thorium_filter", "neutralised slurry"),
        ("thorium_filter.cake", "thorium_cake", "thorium cake"),
        ("thorium_filter.liquor", "precipitator.liquor", "Th-free liquor"),
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
