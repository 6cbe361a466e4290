"""NdFeB (HDD) magnets to mixed REO by H2SO4 dissolution and Na–RE double-sulfate precipitation.

The route of Lyman & Palmer (USBM RI 9481): the magnet dissolves completely in 2 M H2SO4 at
room temperature (hydrogen evolves), sodium sulfate at 80 °C precipitates the rare earths
as NaRE(SO4)2·H2O while iron stays in solution, and the iron is removed from the filtrate
as Fe(OH)2 at pH 8 with NaOH. The double salt is converted to the hydroxide with NaOH,
and the conversion liquor (Na2SO4 with the excess NaOH) goes back to the double-salt
precipitation as its sodium source (the recycle). The hydroxide is calcined to the oxide.

Defaults and their sources
--------------------------
* Feed: HDD magnet analysis, Belfqueh et al. (2023), phases as in ``magnet_feeds``.
* Dissolution: complete, 2 M H2SO4, room temperature (Lyman & Palmer 1993, DOMAIN.md §2);
  H2SO4 counted as 2 H+ + SO4 2- (bisulfate not represented); acid at 1.1 times the
  demand (estimate). Boron to H3BO3, Co and Ni to their ions.
* Double-salt precipitation at 80 °C (Lyman & Palmer 1993); 98 % of each RE precipitated
  (estimate: no yield in the sources at hand); fresh Na2SO4 at half the Na demand
  (estimate), the rest from the recycled conversion liquor.
* Fe removal at pH 8 as Fe(OH)2 (Lyman & Palmer 1993): 99.9 % of Fe, Co and Ni as
  hydroxides (estimate); NaOH at 1.05 times the once-through demand (estimate).
* Conversion with NaOH at 1.1 times the demand, 99 % converted (estimates), 80 °C.
* Washed cakes keep 2 % of the liquor (estimate); the hydroxide cake is washed free of
  liquor before calcination (wash water not modelled).
* Calcination of the hydroxides at 950 °C in air (temperature as the oxalate calcination of
  Ceram. Int. 2014; an estimate for the hydroxide), twice the O2 Pr6O11 needs.
"""

from __future__ import annotations

from process_library._route_tools import air, solution
from process_library.magnet_feeds import HDD_MAGNET_SOURCE, magnet_phases
from yieldkit.chemistry.components import Components
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Product, Separator, StoichiometricReactor
from yieldkit.unitops.thermal import Calciner
from yieldkit.units import Q_

NAME = "ndfeb-sulfate-double-salt"
SOURCES = (HDD_MAGNET_SOURCE, "Lyman1993", "CeramInt2014", "yieldkitEstimate")

RE = ("Nd", "Pr", "Dy")
ACID_EXCESS, H2SO4_MOLARITY = 1.1, 2.0  # estimate; Lyman1993
DOUBLE_SALT_YIELD = 0.98  # estimate
NA2SO4_FRESH = 0.5  # estimate, of the Na demand
FE_REMOVED = 0.999  # estimate
NAOH_EXCESS_FE, NAOH_EXCESS_CONV, CONVERTED = 1.05, 1.1, 0.99  # estimates
CAKE_LIQUOR = 0.02  # estimate

SPECIES = [
    "Nd2Fe14B", "Pr2Fe14B", "Dy2Fe14B", "Nd", "Pr", "Dy", "Fe", "B", "Co", "Ni",
    "H2O", "H+", "SO4-2", "Na+", "OH-", "Nd+3", "Pr+3", "Dy+3", "Fe+2", "Co+2", "Ni+2",
    "H3BO3", "H2(g)", "O2(g)", "N2(g)", "H2O(g)",
    "NaNd(SO4)2.H2O", "NaPr(SO4)2.H2O", "NaDy(SO4)2.H2O",
    "Fe(OH)2", "Co(OH)2", "Ni(OH)2", "Nd(OH)3", "Pr(OH)3", "Dy(OH)3",
    "Nd2O3", "Pr6O11", "Dy2O3",
]  # fmt: skip

DISSOLUTION = [
    (f"2 {e}2Fe14B + 68 H+ + 6 H2O -> 4 {e}+3 + 28 Fe+2 + 2 H3BO3 + 37 H2(g)", f"{e}2Fe14B", 1.0)
    for e in RE
]
DISSOLUTION += [(f"2 {e} + 6 H+ -> 2 {e}+3 + 3 H2(g)", e, 1.0) for e in RE]
DISSOLUTION += [
    ("Fe + 2 H+ -> Fe+2 + H2(g)", "Fe", 1.0),
    ("2 B + 6 H2O -> 2 H3BO3 + 3 H2(g)", "B", 1.0),
    ("Co + 2 H+ -> Co+2 + H2(g)", "Co", 1.0),
    ("Ni + 2 H+ -> Ni+2 + H2(g)", "Ni", 1.0),
]
# H+ per mol of each magnet phase for complete dissolution
ACID_DEMAND = {"Nd2Fe14B": 34, "Pr2Fe14B": 34, "Dy2Fe14B": 34, "Nd": 3, "Pr": 3, "Dy": 3,
               "Fe": 2, "B": 0, "Co": 2, "Ni": 2}  # fmt: skip
DOUBLE_SALT = [
    (f"{e}+3 + Na+ + 2 SO4-2 + H2O -> Na{e}(SO4)2.H2O", f"{e}+3", DOUBLE_SALT_YIELD) for e in RE
] + [("H+ + OH- -> H2O", "OH-", 1.0)]
IRON_REMOVAL = [
    ("Fe+2 + 2 OH- -> Fe(OH)2", "Fe+2", FE_REMOVED),
    ("Co+2 + 2 OH- -> Co(OH)2", "Co+2", FE_REMOVED),
    ("Ni+2 + 2 OH- -> Ni(OH)2", "Ni+2", FE_REMOVED),
    ("H+ + OH- -> H2O", "H+", 1.0),
]
CONVERSION = [
    (f"Na{e}(SO4)2.H2O + 3 OH- -> {e}(OH)3 + Na+ + 2 SO4-2 + H2O", f"Na{e}(SO4)2.H2O", CONVERTED)
    for e in RE
]
CALCINATION = [
    ("2 Nd(OH)3 -> Nd2O3 + 3 H2O(g)", "Nd(OH)3", 1.0),
    ("6 Pr(OH)3 + O2(g) -> Pr6O11 + 9 H2O(g)", "Pr(OH)3", 1.0),
    ("2 Dy(OH)3 -> Dy2O3 + 3 H2O(g)", "Dy(OH)3", 1.0),
]


def components() -> Components:
    """Species of the route."""
    return Components(SPECIES)


def _naoh(c: Components, mol_s: float) -> Stream:
    return solution(c, {"Na+": mol_s, "OH-": mol_s}, 5.0, "OH-")  # 5 M NaOH (estimate)


def build(magnet_feed="100 kg/h", **overrides) -> Flowsheet:
    """Build the route.

    Parameters
    ----------
    magnet_feed : quantity
        Magnet feed rate [kg/h of magnet].
    **overrides
        ``{"unit.param": value}`` changes applied after building.

    Returns
    -------
    Flowsheet
    """
    from yieldkit.unitops.params import positive

    kg_s = positive(magnet_feed, "kg/s", "magnet_feed")
    c = components()
    phases = {k: v * kg_s for k, v in magnet_phases().items()}  # [mol/s]
    magnet = Stream(c, {k: Q_(v, "mol/s") for k, v in phases.items()})
    h = ACID_EXCESS * sum(ACID_DEMAND[k] * v for k, v in phases.items())
    acid = solution(c, {"H+": h, "SO4-2": h / 2}, 2 * H2SO4_MOLARITY, "H+", T="25 degC")
    ree = {e: magnet.element_flow(e) for e in RE}
    sodium = Stream(
        c,
        {
            "Na+": Q_(NA2SO4_FRESH * sum(ree.values()), "mol/s"),
            "SO4-2": Q_(NA2SO4_FRESH * sum(ree.values()) / 2, "mol/s"),
        },
    )
    salt = {e: DOUBLE_SALT_YIELD * (1 - CAKE_LIQUOR) * n for e, n in ree.items()}
    conv_oh = NAOH_EXCESS_CONV * 3 * sum(salt.values())
    metals = magnet.element_flow("Fe") + magnet.element_flow("Co") + magnet.element_flow("Ni")
    fe_oh = NAOH_EXCESS_FE * (2 * FE_REMOVED * metals + (h - h / ACID_EXCESS))
    o2 = 2.0 * CONVERTED * salt["Pr"] / 6

    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES,
        description="HDD NdFeB: H2SO4 dissolution, Na-RE double sulfate with Na2SO4 liquor "
        "recycle, NaOH conversion, calcine; Fe as Fe(OH)2.",
    )
    fs.add(
        Feed("magnet", magnet),
        Feed("sulfuric_acid", acid, kind="reagent"),
        Feed("sodium_sulfate", sodium, kind="reagent"),
        Feed("naoh_iron", _naoh(c, fe_oh), kind="reagent"),
        Feed("naoh_conversion", _naoh(c, conv_oh), kind="reagent"),
        Feed("calciner_air", air(c, max(o2, 1e-9)), kind="utility"),
        StoichiometricReactor("dissolution", DISSOLUTION, T="25 degC", inlets=("magnet", "acid")),
        Separator("dissolution_vent", {"g": 1.0}, outlets=("gas", "liquor"), default=0.0),
        StoichiometricReactor(
            "double_salt",
            DOUBLE_SALT,
            T="80 degC",
            inlets=("liquor", "na2so4", "recycle"),
        ),
        Separator(
            "salt_filter", {"s": 1.0, "aq": CAKE_LIQUOR, "g": 0.0}, outlets=("cake", "liquor")
        ),
        StoichiometricReactor("iron_removal", IRON_REMOVAL, T="25 degC", inlets=("liquor", "naoh")),
        Separator("iron_filter", {"s": 1.0, "aq": CAKE_LIQUOR}, outlets=("cake", "liquor")),
        StoichiometricReactor("conversion", CONVERSION, T="80 degC", inlets=("salt", "naoh")),
        Separator("hydroxide_filter", {"s": 1.0, "aq": 0.0, "g": 0.0}, outlets=("cake", "liquor")),
        Calciner("calciner", "950 degC", "stoichiometric", reactions=CALCINATION),
        Product("mixed_reo", kind="product"),
        Product("iron_cake", kind="residue"),
        Product("effluent", kind="effluent"),
        Product("hydrogen_vent", kind="emission"),
        Product("calciner_offgas", kind="emission"),
        Product("calciner_dust", kind="residue"),
    )
    for a, b, name in [
        ("magnet", "dissolution.magnet", "magnet"),
        ("sulfuric_acid", "dissolution.acid", "2 M H2SO4"),
        ("dissolution", "dissolution_vent", "dissolution slurry"),
        ("dissolution_vent.gas", "hydrogen_vent", "hydrogen"),
        ("dissolution_vent.liquor", "double_salt.liquor", "pregnant liquor"),
        ("sodium_sulfate", "double_salt.na2so4", "fresh Na2SO4"),
        ("double_salt", "salt_filter", "double-salt slurry"),
        ("salt_filter.liquor", "iron_removal.liquor", "Fe liquor"),
        ("naoh_iron", "iron_removal.naoh", "NaOH to Fe removal"),
        ("iron_removal", "iron_filter", "Fe(OH)2 slurry"),
        ("iron_filter.cake", "iron_cake", "Fe(OH)2 cake"),
        ("iron_filter.liquor", "effluent", "Na2SO4 effluent"),
        ("salt_filter.cake", "conversion.salt", "double-salt cake"),
        ("naoh_conversion", "conversion.naoh", "NaOH to conversion"),
        ("conversion", "hydroxide_filter", "hydroxide slurry"),
        ("hydroxide_filter.liquor", "double_salt.recycle", "Na2SO4 recycle"),
        ("hydroxide_filter.cake", "calciner.solids", "hydroxide cake"),
        ("calciner_air", "calciner.gas", "calciner air"),
        ("calciner.product", "mixed_reo", "mixed REO"),
        ("calciner.offgas", "calciner_offgas", "calciner off-gas"),
        ("calciner.dust", "calciner_dust", "calciner dust"),
    ]:
        fs.connect(a, b, name)
    for path, value in overrides.items():
        fs.set_parameter(path, value)
    return fs
