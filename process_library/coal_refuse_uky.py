"""Coal refuse to rare-earth oxides: the UKy pilot flowsheet (H2SO4 leach, two D2EHPA SX circuits).

The University of Kentucky pilot plant on West Kentucky No. 13 coal refuse (Keim & Naumann
2019, OSTI 1569277) as modelled in PrOMMiS, unit for unit and recycle for recycle
(DOMAIN.md §9):

1. Leach: two CSTRs of 100 US gal, the PrOMMiS H2SO4 shrinking-core kinetics of the
   refuse (``coal_refuse_h2so4``), 22.68 kg/h of refuse; the liquor is the mix of 100 L/h
   of fresh acid, the rougher-raffinate recycle and the scrub-liquor recycle.
2. Filter 1: 30 % of the liquor leaves with the cake, 70 % goes to the rougher feed.
3. Rougher load: 3 counter-current stages, feed = filter-1 liquor + the whole cleaner
   raffinate; organic = make-up 12.89 L/h + 90 % of the stripped rougher organic.
4. Rougher raffinate: 90 % to the leach liquor, 10 % purged.
5. Rougher scrub: 1 stage against 0.1 L/h HCl; 90 % of the scrub liquor to the leach
   liquor, 10 % purged.
6. Rougher strip: 2 stages against 3.375 L/h HCl; 10 % of the stripped organic bled.
7. Cleaner load: 3 stages, feed = rougher strip liquor + 90 % of the precipitator's
   recovered liquor; organic = make-up 60.33 L/h + 90 % of the stripped cleaner organic;
   the whole cleaner raffinate returns to the rougher feed.
8. Cleaner strip: 3 stages against 3.517 L/h HCl; 10 % of the stripped organic bled.
9. Oxalate precipitator at 348.15 K on the cleaner strip liquor with the fixed splits at
   pH 1.28; filter 2 recovers 90 % of the liquor (90 % of it to step 7, 10 % purged); the
   precipitate with 10 % of the liquor goes to the roaster.
10. Roaster: oxalates to oxides in 0.00781 mol/s of flue gas at 1330 K (O2 0.1118, H2O
    0.1005, CO2 0.0431, N2 0.7446), outlet 873.15 K, 95 % of the oxide to the product and
    5 % to the dust.

Defaults and their sources
--------------------------
* Everything listed above: Keim & Naumann (2019) as modelled in PrOMMiS (DOMAIN.md §9);
  refuse composition DOMAIN.md §1; leach kinetics DOMAIN.md §2 (``leach_kinetics.toml``);
  SX distribution: the UKy D2EHPA plant correlation ``uky_d2ehpa`` of DOMAIN.md §3
  (``sx_parameters.toml``), 1 vol % = 9.758 g/L; oxalate splits at pH 1.28 (Wang,
  Ziemkiewicz & Noble 2022, via PrOMMiS). Room temperature 303 K; liquids 1 kg/L; solid
  density 2.4 kg/L (DOMAIN.md §2 reference leach case).
* Inerts of the refuse (69.52 wt%) are represented as SiO2 (simplification: they do not
  react in the kinetic set).
* Fresh leach liquor H+ 277, HSO4- 25025, SO4-2 915 mg/L (DOMAIN.md §9) is 0.7 % short of
  electroneutrality as listed; the route keeps HSO4- and SO4-2 and sets H+ by charge balance
  (279.1 mg/L; a correction of ours, so that every stream is neutral).
* Cleaner dosage (not given in DOMAIN.md §9): 5 vol % D2EHPA, the dosage of the PrOMMiS
  reference SX case of DOMAIN.md §3 (estimate that this is the cleaner's organic). Rougher:
  20 vol % (195.16 g/L), DOMAIN.md §9.
* Organic: D2EHPA in kerosene, kerosene filling the organic density model (820 kg/m3) —
  simplification: PrOMMiS lists kerosene at 820 g/L on top of the extractant. TBP (the
  modifier of the UKy organic) is not represented (no dose given).
* HSO4- is not an acid for the SX model (only H+ is, as in the reference SX case); the
  leach and precipitator re-speciate HSO4-/SO4-2 (Ka2 = 10^-1.99).
* Oxalic acid dose (not in DOMAIN.md §9: PrOMMiS's fixed-split precipitator adds no
  reagent): 1.0 mol/L oxalic acid at ``oxalic_acid_flow`` = 0.02 L/h (estimate, about
  twice the oxalate the default steady state binds). Al+3 stays in solution: the species
  database has no aluminium oxalate, so its 0.9 % split is dropped (simplification).
  Fe+3 precipitates as Fe2(C2O4)3.4H2O and Ca+2 as CaC2O4.H2O with their split fractions.
* Roaster (``Calciner`` in stoichiometric mode, at the 873.15 K gas-outlet temperature):
  RE oxalates to RE2O3, Ce to CeO2 and Pr to Pr6O11 (oxidising flue gas), Fe oxalate to
  Fe2O3, Ca oxalate to CaO (simplification: no CaCO3 intermediate); the 10 % liquor that
  follows the precipitate is evaporated in the roaster: water to H2O(g), while its
  dissolved salts (H+, SO4, Cl, unprecipitated metals) would not close as oxides, so the
  filter-2 cake liquor is instead routed to the precipitate purge ("cake liquor" outlet)
  and only the washed precipitate is roasted (simplification).
* Gas pressure: streams at 101325 Pa (DOMAIN.md §9 lists 101235 Pa, read as a typo).
"""

from __future__ import annotations

import re

from molmass import Formula

from process_library._route_tools import oxalate, oxide
from yieldkit.chemistry.components import Components
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.flowsheet.sx_circuit import add_sx_circuit
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator, Splitter
from yieldkit.unitops.leach import Leach
from yieldkit.unitops.precipitator import Precipitator
from yieldkit.unitops.solid_liquid import SolidLiquidSeparator
from yieldkit.unitops.thermal import Calciner
from yieldkit.units import Q_

NAME = "coal-refuse-uky"
SOURCES = ("KeimNaumann2019", "PrOMMiS", "Wang2022Minerals", "yieldkitEstimate")

T_ROOM = "303 K"  # DOMAIN.md §9
SOLID_FEED = "22.68 kg/h"  # DOMAIN.md §1/§9
# mass fractions of the refuse (UKy pilot via PrOMMiS, DOMAIN.md §1); inerts as SiO2
REFUSE = {
    "SiO2": 0.6952, "Al2O3": 0.237, "Fe2O3": 0.0642, "CaO": 0.00331, "Sc2O3": 2.77966e-5,
    "Y2O3": 3.28653e-5, "La2O3": 6.77769e-5, "Ce2O3": 1.56161e-4, "Pr2O3": 1.71438e-5,
    "Nd2O3": 6.76618e-5, "Sm2O3": 1.47926e-5, "Gd2O3": 1.0405e-5, "Dy2O3": 7.54827e-6,
}  # fmt: skip
REE = ("Sc", "Y", "La", "Ce", "Pr", "Nd", "Sm", "Gd", "Dy")
METALS = REE + ("Al", "Fe", "Ca")
ION = {m: ("Ca+2" if m == "Ca" else f"{m}+3") for m in METALS}
SOLID = {m: ("CaO" if m == "Ca" else f"{m}2O3") for m in METALS}

LEACH_VOLUME = "100 gal"  # per tank, two tanks
FRESH_LIQUOR = "100 L/h"
FRESH_MG_L = {"HSO4-": 25025.0, "SO4-2": 915.0}  # H+ by charge balance (docstring)
ROUGHER_MAKE_UP = "12.89 L/h"
ROUGHER_DOSAGE = 20.0  # vol % D2EHPA
CLEANER_MAKE_UP = "60.33 L/h"
CLEANER_DOSAGE = 5.0  # vol %, estimate (DOMAIN.md §3 reference case)
G_L_PER_VOL_PERCENT = 9.758  # D2EHPA [g/L per vol %]
# HCl solutions: PrOMMiS lists H+ 981.44 and Cl- 34518.74 mg/L (scrub), 1008 and 35453 mg/L
# (strips), i.e. 0.97365 and 1.0 mol/L with the atomic masses 1.008 and 35.453 g/mol; given
# here in mol/L so the ion masses of yieldkit (H+ without its electron) keep them neutral
SCRUB_ACID = ("0.1 L/h", {"H+": "0.97365 mol/L", "Cl-": "0.97365 mol/L"})
ROUGHER_STRIP_ACID = ("3.375 L/h", {"H+": "1.0 mol/L", "Cl-": "1.0 mol/L"})
CLEANER_STRIP_ACID = ("3.517 L/h", {"H+": "1.0 mol/L", "Cl-": "1.0 mol/L"})
RECYCLE = 0.9  # every recycle split of §9
FILTER1_RECOVERY = 0.7
FILTER2_RECOVERY = 0.9
PRECIPITATOR_T = "348.15 K"
# fixed splits at pH 1.28 (Wang2022Minerals via PrOMMiS), Al dropped (docstring)
SPLITS = {"Sc": 0.3161, "Y": 0.7446, "La": 0.5151, "Ce": 0.6807, "Pr": 0.78, "Nd": 0.8155,
          "Sm": 0.8735, "Gd": 0.8801, "Dy": 0.8716, "Ca": 0.2050, "Fe": 0.0244}  # fmt: skip
OXALIC_MOLARITY = 1.0  # [mol/L] estimate
OXALIC_FLOW = "0.02 L/h"  # estimate (docstring)
ROASTER_GAS = 0.00781  # [mol/s]
ROASTER_GAS_X = {"O2(g)": 0.1118, "H2O(g)": 0.1005, "CO2(g)": 0.0431, "N2(g)": 0.7446}
ROASTER_GAS_T = "1330 K"
ROASTER_T = "873.15 K"
ROASTER_DUST = 0.05


def components() -> Components:
    """Species of the route."""
    names = list(REFUSE)
    names += ["H2O", "H+", "OH-", "HSO4-", "SO4-2", "Cl-", "H2C2O4", "HC2O4-", "C2O4-2"]
    names += [ION[m] for m in METALS]
    names += ["D2EHPA", "kerosene"] + [f"{m}-D2EHPA" for m in METALS]
    names += [oxalate(e) for e in REE] + ["Fe2(C2O4)3.4H2O", "CaC2O4.H2O"]
    names += [oxide(e) for e in ("Ce", "Pr")]
    names += ["O2(g)", "N2(g)", "H2O(g)", "CO2(g)"]
    return Components(names)


def _roast_reactions() -> list[tuple[str, str, float]]:
    out = []
    for e in REE:
        ox = oxalate(e)
        if e == "Ce":
            eq = f"{ox} + 2 O2(g) -> 2 CeO2 + 6 CO2(g) + 10 H2O(g)"
        elif e == "Pr":
            eq = f"6 {ox} + 11 O2(g) -> 2 Pr6O11 + 36 CO2(g) + 60 H2O(g)"
        else:
            eq = f"2 {ox} + 3 O2(g) -> 2 {e}2O3 + 12 CO2(g) + 20 H2O(g)"
        out.append((eq, ox, 1.0))
    out.append(
        ("2 Fe2(C2O4)3.4H2O + 3 O2(g) -> 2 Fe2O3 + 12 CO2(g) + 8 H2O(g)", "Fe2(C2O4)3.4H2O", 1.0)
    )
    out.append(("2 CaC2O4.H2O + O2(g) -> 2 CaO + 4 CO2(g) + 2 H2O(g)", "CaC2O4.H2O", 1.0))
    return out


def _fresh_liquor(c: Components) -> Stream:
    # ion formula without its charge suffix ("SO4-2" -> "SO4"; str.rstrip would also eat
    # the formula's own trailing digits)
    mmol = {k: v / Formula(re.sub(r"[+-]\d*$", "", k)).mass for k, v in FRESH_MG_L.items()}
    h = mmol["HSO4-"] + 2 * mmol["SO4-2"]  # [mmol/L], charge balance
    conc = {k: f"{v} mmol/L" for k, v in mmol.items()} | {"H+": f"{h} mmol/L"}
    return Stream.from_concentrations(c, FRESH_LIQUOR, conc, T=T_ROOM)


def _organic(c: Components, flow: str, dosage: float) -> Stream:
    return Stream.from_concentrations(
        c,
        flow,
        {"D2EHPA": f"{dosage * G_L_PER_VOL_PERCENT} g/L"},
        phase="org",
        solvent="kerosene",
        T=T_ROOM,
    )


def _acid(c: Components, spec) -> Stream:
    flow, conc = spec
    return Stream.from_concentrations(c, flow, conc, T=T_ROOM)


def _sx(n: int, dosage: float) -> dict:
    return dict(n_stages=n, model="empirical_ph", parameter_set="uky_d2ehpa", dosage=dosage)


def build(
    solid_feed=SOLID_FEED,
    oxalic_acid_flow=OXALIC_FLOW,
    recycle_fraction: float = RECYCLE,
    **overrides,
) -> Flowsheet:
    """Build the route.

    Parameters
    ----------
    solid_feed : quantity
        Coal refuse fed to the leach [kg/h].
    oxalic_acid_flow : quantity
        Flow of the 1 mol/L oxalic acid fed to the precipitator [L/h].
    recycle_fraction : float
        Fraction returned by every recycle splitter of DOMAIN.md §9 (raffinate, scrub
        liquor, stripped organics, precipitator liquor) [-].
    **overrides
        ``{"unit.param": value}`` changes applied after building.

    Returns
    -------
    Flowsheet
    """
    from yieldkit.unitops.params import fraction, positive

    kg_s = positive(solid_feed, "kg/s", "solid_feed")
    positive(oxalic_acid_flow, "m^3/s", "oxalic_acid_flow")
    r = fraction(recycle_fraction, "recycle_fraction")
    if r >= 1.0:
        from yieldkit.errors import SpecificationError

        raise SpecificationError(
            f"recycle_fraction = {recycle_fraction!r} leaves no purge; accepted 0 <= r < 1."
        )
    c = components()
    refuse = Stream(c, {k: Q_(w * kg_s, "kg/s") for k, w in REFUSE.items()}, T=T_ROOM)
    oxalic = Stream.from_concentrations(
        c, oxalic_acid_flow, {"H2C2O4": f"{OXALIC_MOLARITY} mol/L"}, T=T_ROOM
    )
    gas = Stream(
        c, {k: Q_(x * ROASTER_GAS, "mol/s") for k, x in ROASTER_GAS_X.items()}, T=ROASTER_GAS_T
    )
    leach_reactions = [
        "CaO + 2 H+ -> Ca+2 + H2O" if m == "Ca" else f"{m}2O3 + 6 H+ -> 2 {m}+3 + 3 H2O"
        for m in METALS
    ]

    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES,
        description="UKy coal-refuse pilot: H2SO4 leach, rougher and cleaner D2EHPA SX, "
        "oxalate, roast.",
    )
    fs.add(
        Feed("coal_refuse", refuse),
        Feed("fresh_liquor", _fresh_liquor(c), kind="reagent"),
        Feed("scrub_acid", _acid(c, SCRUB_ACID), kind="reagent"),
        Feed("rougher_strip_acid", _acid(c, ROUGHER_STRIP_ACID), kind="reagent"),
        Feed("cleaner_strip_acid", _acid(c, CLEANER_STRIP_ACID), kind="reagent"),
        Feed("oxalic_acid", oxalic, kind="reagent"),
        Feed("roaster_gas", gas, kind="utility"),
        Mixer("leach_liquor_mixer", inlets=("fresh", "raffinate", "scrub")),
        Leach(
            "leach",
            leach_reactions,
            mode="kinetic",
            T=T_ROOM,
            inlets=("solids", "liquor"),
            kinetics="coal_refuse_h2so4",
            inert=("SiO2",),
            tanks=2,
            volume=LEACH_VOLUME,
        ),
        SolidLiquidSeparator("filter1", liquid_recovery=FILTER1_RECOVERY),
        Mixer("rougher_feed_mixer", inlets=("leach_liquor", "cleaner_raffinate")),
        Splitter("raffinate_split", {"recycle": r, "purge": 1 - r}),
        Splitter("scrub_split", {"recycle": r, "purge": 1 - r}),
        Mixer("cleaner_feed_mixer", inlets=("strip_liquor", "precipitator_liquor")),
        Precipitator(
            "precipitator",
            mode="splits",
            T=PRECIPITATOR_T,
            inlets=("liquor", "oxalic"),
            splits=SPLITS,
        ),  # fmt: skip
        SolidLiquidSeparator("filter2", liquid_recovery=FILTER2_RECOVERY),
        Splitter("precipitator_liquor_split", {"recycle": r, "purge": 1 - r}),
        Separator("cake_liquor", {"s": 1.0}, outlets=("solids", "liquor"), default=0.0),
        Calciner(
            "roaster",
            ROASTER_T,
            "stoichiometric",
            reactions=_roast_reactions(),
            dust_fraction=ROASTER_DUST,
        ),  # fmt: skip
        Product("reo_product", kind="product"),
        Product("roaster_dust", kind="residue"),
        Product("roaster_offgas", kind="emission"),
        Product("leach_residue", kind="residue"),
        Product("raffinate_purge", kind="effluent"),
        Product("scrub_purge", kind="effluent"),
        Product("precipitator_purge", kind="effluent"),
        Product("cake_liquor_purge", kind="effluent"),
        Product("rougher_org_bleed", kind="effluent"),
        Product("cleaner_org_bleed", kind="effluent"),
    )
    rougher = add_sx_circuit(
        fs,
        "rougher",
        extraction=_sx(3, ROUGHER_DOSAGE),
        scrub=_sx(1, ROUGHER_DOSAGE),
        strip=_sx(2, ROUGHER_DOSAGE),
        make_up=_organic(c, ROUGHER_MAKE_UP, ROUGHER_DOSAGE),
        bleed=1 - r,
    )
    cleaner = add_sx_circuit(
        fs,
        "cleaner",
        extraction=_sx(3, CLEANER_DOSAGE),
        strip=_sx(3, CLEANER_DOSAGE),
        make_up=_organic(c, CLEANER_MAKE_UP, CLEANER_DOSAGE),
        bleed=1 - r,
    )
    for a, b, name in [
        ("coal_refuse", "leach.solids", "coal refuse"),
        ("fresh_liquor", "leach_liquor_mixer.fresh", "fresh leach liquor"),
        ("leach_liquor_mixer", "leach.liquor", "leach liquor"),
        ("leach", "filter1", "leach slurry"),
        ("filter1.cake", "leach_residue", "leach residue"),
        ("filter1.liquor", "rougher_feed_mixer.leach_liquor", "pregnant liquor"),
        ("rougher_feed_mixer", rougher["feed"], "rougher feed"),
        (rougher["raffinate"], "raffinate_split", "rougher raffinate"),
        ("raffinate_split.recycle", "leach_liquor_mixer.raffinate", "raffinate recycle"),
        ("raffinate_split.purge", "raffinate_purge", "raffinate purge"),
        ("scrub_acid", rougher["scrub_liquor"], "scrub acid"),
        (rougher["scrub_out"], "scrub_split", "rougher scrub liquor"),
        ("scrub_split.recycle", "leach_liquor_mixer.scrub", "scrub recycle"),
        ("scrub_split.purge", "scrub_purge", "scrub purge"),
        ("rougher_strip_acid", rougher["strip_liquor"], "rougher strip acid"),
        (rougher["strip_out"], "cleaner_feed_mixer.strip_liquor", "rougher strip liquor"),
        (rougher["bleed"], "rougher_org_bleed", "rougher organic bleed"),
        ("cleaner_feed_mixer", cleaner["feed"], "cleaner feed"),
        (cleaner["raffinate"], "rougher_feed_mixer.cleaner_raffinate", "cleaner raffinate"),
        ("cleaner_strip_acid", cleaner["strip_liquor"], "cleaner strip acid"),
        (cleaner["bleed"], "cleaner_org_bleed", "cleaner organic bleed"),
        (cleaner["strip_out"], "precipitator.liquor", "cleaner strip liquor"),
        ("oxalic_acid", "precipitator.oxalic", "oxalic acid"),
        ("precipitator", "filter2", "oxalate slurry"),
        ("filter2.liquor", "precipitator_liquor_split", "precipitator liquor"),
        (
            "precipitator_liquor_split.recycle",
            "cleaner_feed_mixer.precipitator_liquor",
            "precipitator liquor recycle",
        ),
        ("precipitator_liquor_split.purge", "precipitator_purge", "precipitator purge"),
        ("filter2.cake", "cake_liquor", "oxalate cake"),
        ("cake_liquor.liquor", "cake_liquor_purge", "cake liquor"),
        ("cake_liquor.solids", "roaster.solids", "washed oxalate"),
        ("roaster_gas", "roaster.gas", "roaster flue gas"),
        ("roaster.product", "reo_product", "REO product"),
        ("roaster.dust", "roaster_dust", "roaster dust"),
        ("roaster.offgas", "roaster_offgas", "roaster off-gas"),
    ]:
        fs.connect(a, b, name)
    for path, value in overrides.items():
        fs.set_parameter(path, value)
    return fs
