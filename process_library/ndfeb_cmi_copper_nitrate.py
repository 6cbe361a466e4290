"""NdFeB magnets to Nd2O3 by acid-free Cu(NO3)2 dissolution (Critical Materials Institute route).

Chowdhury et al. (2021) dissolve the magnet in aqueous copper(II) nitrate with air: the
rare earths go into solution, iron precipitates as Fe(OH)3, copper is reduced to Cu2O/Cu and
boron leaves as copper borate. The liquor is brought up with ammonium hydroxide, oxalic acid
(with more NH4OH) turns the rare earths into the oxalate and takes the iron hydroxide back
into solution as an oxalate complex, and the oxalate is calcined in air. The published
outcome is ~97 % of the REE recovered as mixed REO of > 99.5 % purity.

Defaults and their sources (DOMAIN.md §2 unless stated)
-------------------------------------------------------
* Reference feed, per unit of ``scale`` [mol/s]: Nd2Fe14B 1, Cu2+ 34, NO3- 68, O2 50,
  H2O 300; dissolution at 343.15 K (PrOMMiS CMI flowsheet, after Chowdhury 2021).
* Dissolution reactions (Chowdhury 2021):
  2 Nd2Fe14B + 34 Cu2+ + 10.5 O2 -> 4 Nd3+ + 28 Fe2+ + Cu3(BO3)2 + 15 Cu2O + Cu, then
  12 Fe2+ + 3 O2 + 6 H2O -> 8 Fe3+ + 4 Fe(OH)3; conversions of Nd2Fe14B and Fe2+ 0.999999
  (the published extents of the PrOMMiS model).
* Filters: 99.999 % of the solids to the cake, 1e-7 (dissolution) and 1e-6 (oxalate) of
  the liquor entrained with it (PrOMMiS CMI model split fractions); the gas is vented
  first (the PrOMMiS model sends it with the solids; the split changes no element route).
* pH adjustment at 333.15 K with 35 NH4+ + 35 OH- per unit scale: Fe3+ and Nd3+ to the
  hydroxides, conversion 0.999999 each (PrOMMiS).
* Precipitation at 333.15 K with 35 H2C2O4 + 35 NH4+ + 35 OH-: Fe(OH)3 back into solution
  and Nd(OH)3 to Nd2(C2O4)3·10H2O, conversion 0.999999 each (PrOMMiS). The PrOMMiS iron
  reaction is not charge balanced; here it is written
  Fe(OH)3 + 3 H2C2O4 + 3 OH- -> Fe3+ + 3 C2O4 2- + 6 H2O (the ferric oxalate complex is
  represented by its free ions). Oxalic acid left over is neutralised by the remaining OH-.
* Calcination at 873.15 K (600 °C, as in the CMI route) in 100 mol/s of gas (O2 0.2095,
  H2O 0.01, CO2 0.0004, N2 0.7801) per unit scale; residual Fe(OH)3 calcines to Fe2O3.
  The liquor entrained with the oxalate cake is washed off before calcination (leaves as
  ``cake_moisture``; wash water not modelled).

Assumptions: Cu2+ not consumed stays dissolved (as the ammine complex) and leaves with the
barren liquor; the PrOMMiS model has no recycle and neither has this route (the copper
residue and barren liquor are outlets). With the published near-complete extents the model
recovers 99.998 % of the Nd; the ~97 % of Chowdhury 2021 includes losses (washing,
handling) that the extents do not carry, so the model is an upper bound on recovery.
"""

from __future__ import annotations

from process_library._route_tools import oxalate
from yieldkit.chemistry.components import Components
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Product, Separator, StoichiometricReactor
from yieldkit.unitops.thermal import Calciner
from yieldkit.units import Q_

NAME = "ndfeb-cmi-copper-nitrate"
SOURCES = ("Chowdhury2021", "PrOMMiS")

SPECIES = [
    "Nd2Fe14B",
    "Cu+2",
    "NO3-",
    "H2O",
    "O2(g)",
    "N2(g)",
    "CO2(g)",
    "H2O(g)",
    "Nd+3",
    "Fe+2",
    "Fe+3",
    "Cu3(BO3)2",
    "Cu2O",
    "Cu",
    "Fe(OH)3",
    "Nd(OH)3",
    "NH4+",
    "OH-",
    "H2C2O4",
    "C2O4-2",
    "Nd2(C2O4)3.10H2O",
    "Nd2O3",
    "Fe2O3",
]

CONVERSION = 0.999999  # PrOMMiS CMI model, every key reactant
SOLIDS_TO_CAKE = 0.99999  # PrOMMiS S101/S102 solid split
DISSOLUTION_LIQUOR_TO_CAKE = 1e-7  # PrOMMiS S101: 0.9999999 of the liquor to the filtrate
OXALATE_LIQUOR_TO_CAKE = 1e-6  # PrOMMiS S102: 0.999999 of the liquor to the filtrate

# reference feed per unit scale [mol/s] (Chowdhury 2021 via PrOMMiS)
MAGNET = {"Nd2Fe14B": 1.0}
COPPER_NITRATE = {"Cu+2": 34.0, "NO3-": 68.0, "H2O": 300.0}
OXYGEN = {"O2(g)": 50.0}
ADJUSTMENT = {"NH4+": 35.0, "OH-": 35.0}
PRECIPITANT = {"H2C2O4": 35.0, "NH4+": 35.0, "OH-": 35.0}
CALCINATION_GAS = {"O2(g)": 0.2095, "H2O(g)": 0.01, "CO2(g)": 0.0004, "N2(g)": 0.7801}
CALCINATION_GAS_FLOW = 100.0  # [mol/s per unit scale]

DISSOLUTION = [
    (
        "2 Nd2Fe14B + 34 Cu+2 + 10.5 O2(g) -> 4 Nd+3 + 28 Fe+2 + Cu3(BO3)2 + 15 Cu2O + Cu",
        "Nd2Fe14B",
        CONVERSION,
    ),
    ("12 Fe+2 + 3 O2(g) + 6 H2O -> 8 Fe+3 + 4 Fe(OH)3", "Fe+2", CONVERSION),
]
PH_ADJUSTMENT = [
    ("Fe+3 + 3 OH- -> Fe(OH)3", "Fe+3", CONVERSION),
    ("Nd+3 + 3 OH- -> Nd(OH)3", "Nd+3", CONVERSION),
]
PRECIPITATION = [
    ("Fe(OH)3 + 3 H2C2O4 + 3 OH- -> Fe+3 + 3 C2O4-2 + 6 H2O", "Fe(OH)3", CONVERSION),
    ("2 Nd(OH)3 + 3 H2C2O4 + 4 H2O -> Nd2(C2O4)3.10H2O", "Nd(OH)3", CONVERSION),
    ("H2C2O4 + 2 OH- -> C2O4-2 + 2 H2O", "H2C2O4", 1.0),
]
CALCINATION = [
    (f"2 {oxalate('Nd')} + 3 O2(g) -> 2 Nd2O3 + 12 CO2(g) + 20 H2O(g)", oxalate("Nd"), 1.0),
    ("2 Fe(OH)3 -> Fe2O3 + 3 H2O(g)", "Fe(OH)3", 1.0),
]


def components() -> Components:
    """Species of the route."""
    return Components(SPECIES)


def _stream(c: Components, flows: dict[str, float], scale: float, T: str) -> Stream:
    return Stream(c, {k: Q_(v * scale, "mol/s") for k, v in flows.items()}, T=T)


def build(scale: float = 1.0, **overrides) -> Flowsheet:
    """Build the route.

    Parameters
    ----------
    scale : float
        Multiple of the reference feed (1 mol/s Nd2Fe14B and the reagents with it) [-].
    **overrides
        ``{"unit.param": value}`` changes applied after building.

    Returns
    -------
    Flowsheet
    """
    from yieldkit.unitops.params import positive_number

    scale = positive_number(scale, "scale")
    c = components()
    gas = {k: v * CALCINATION_GAS_FLOW for k, v in CALCINATION_GAS.items()}
    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES,
        description="NdFeB: acid-free Cu(NO3)2 dissolution, NH4OH, oxalate, calcine (CMI).",
    )
    fs.add(
        Feed("magnet", _stream(c, MAGNET, scale, "25 degC")),
        Feed("copper_nitrate", _stream(c, COPPER_NITRATE, scale, "25 degC"), kind="reagent"),
        Feed("oxygen", _stream(c, OXYGEN, scale, "25 degC"), kind="utility"),
        Feed("ammonium_hydroxide", _stream(c, ADJUSTMENT, scale, "25 degC"), kind="reagent"),
        Feed("oxalic_acid", _stream(c, PRECIPITANT, scale, "25 degC"), kind="reagent"),
        Feed("calciner_gas", _stream(c, gas, scale, "873.15 K"), kind="utility"),
        StoichiometricReactor(
            "dissolution", DISSOLUTION, T="343.15 K", inlets=("magnet", "liquor", "oxygen")
        ),
        Separator("dissolution_vent", {"g": 1.0}, outlets=("gas", "slurry"), default=0.0),
        Separator(
            "s101",
            {"s": SOLIDS_TO_CAKE, "aq": DISSOLUTION_LIQUOR_TO_CAKE},
            outlets=("cake", "liquor"),
        ),
        StoichiometricReactor(
            "ph_adjustment", PH_ADJUSTMENT, T="333.15 K", inlets=("liquor", "reagent")
        ),
        StoichiometricReactor(
            "precipitation", PRECIPITATION, T="333.15 K", inlets=("slurry", "reagent")
        ),
        Separator(
            "s102", {"s": SOLIDS_TO_CAKE, "aq": OXALATE_LIQUOR_TO_CAKE}, outlets=("cake", "liquor")
        ),
        Separator("cake_water", {"aq": 1.0}, outlets=("water", "solids"), default=0.0),
        Calciner("calciner", "873.15 K", "stoichiometric", reactions=CALCINATION),
        Product("nd_oxide", kind="product"),
        Product("copper_residue", kind="residue"),
        Product("barren_liquor", kind="effluent"),
        Product("cake_moisture", kind="effluent"),
        Product("dissolution_offgas", kind="emission"),
        Product("calciner_offgas", kind="emission"),
        Product("calciner_dust", kind="residue"),
    )
    for a, b, name in [
        ("magnet", "dissolution.magnet", "magnet"),
        ("copper_nitrate", "dissolution.liquor", "copper nitrate"),
        ("oxygen", "dissolution.oxygen", "oxygen"),
        ("dissolution", "dissolution_vent", "dissolution slurry"),
        ("dissolution_vent.gas", "dissolution_offgas", "dissolution off-gas"),
        ("dissolution_vent.slurry", "s101", "degassed slurry"),
        ("s101.cake", "copper_residue", "copper residue"),
        ("s101.liquor", "ph_adjustment.liquor", "pregnant liquor"),
        ("ammonium_hydroxide", "ph_adjustment.reagent", "NH4OH"),
        ("ph_adjustment", "precipitation.slurry", "hydroxide slurry"),
        ("oxalic_acid", "precipitation.reagent", "oxalic acid + NH4OH"),
        ("precipitation", "s102", "oxalate slurry"),
        ("s102.liquor", "barren_liquor", "barren liquor"),
        ("s102.cake", "cake_water", "oxalate cake"),
        ("cake_water.water", "cake_moisture", "cake moisture"),
        ("cake_water.solids", "calciner.solids", "dry oxalate"),
        ("calciner_gas", "calciner.gas", "calciner gas"),
        ("calciner.product", "nd_oxide", "Nd2O3 product"),
        ("calciner.offgas", "calciner_offgas", "calciner off-gas"),
        ("calciner.dust", "calciner_dust", "calciner dust"),
    ]:
        fs.connect(a, b, name)
    for path, value in overrides.items():
        fs.set_parameter(path, value)
    return fs
