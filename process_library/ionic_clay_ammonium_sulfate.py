"""Ion-adsorption clay to mixed REO: (NH4)2SO4 leach, Al removal, oxalate, calcine.

Ammonium sulfate solution exchanges the rare earths held on the clay surface; aluminium
co-leaches heavily and protons released from the clay bring the leachate pH down. Ammonia
raises the pH so that Al(OH)3 precipitates (impurity removal, with a small co-precipitation
of rare earths), oxalic acid precipitates the rare earths, and the oxalate is calcined.
Most of the barren liquor is made up with fresh ammonium sulfate and returned to the leach
(the recycle); the rest is bled.

The exchangeable ions are represented by route-local pseudo-species on a clay site
(pseudo-element ``ClaySite``, carrying no mass): ``Clay3RE`` (one trivalent RE ion on three
sites), ``Clay3Al``, ``ClayH`` and ``ClayNH4``; the clay matrix is ``inert gangue``.

Defaults and their sources
--------------------------
* Exchange RE3+ : 3 NH4+, 99.98 % of the exchangeable RE leached, large Al co-leach,
  leachate pH 4.5 -> 4.0, site ratio RE:Al:NH4 ≈ 20:41:39 (IonicClayNH4, DOMAIN.md §5).
  The site ratio is read as the shares of the ammonium taken up that release RE, release
  Al, and stay on sites that release protons; it fixes the exchangeable Al and H per RE.
  Al is exchanged as Al3+ (3 NH4+ per Al); the measured NH4:Al ≈ 1.8 points to partly
  hydroxylated Al, not represented, so the NH4 use for Al is an upper bound.
* Ore (estimate, no grade in the sources): 10 t/h of clay with 0.1 wt% exchangeable REO
  (typical grades 0.05–0.3 %), RE moles La 30, Nd 25, Dy 5, Y 40 % (an illustrative
  pattern between light- and heavy-RE clays).
* Leach liquor 2 wt% (NH4)2SO4 (estimate, typical 1–4 %), NH4+ at twice the exchange demand
  (estimate); the washed tailings keep 10 % of the liquor (estimate).
* Al removal with NH3 at 1.05 times the demand of the once-through leachate (estimate):
  95 % of the Al to Al(OH)3, 3 % of each RE co-precipitated (estimates); 2 % of the liquor
  stays in the washed cakes (estimate).
* Oxalic acid at 1.5 mol per mol RE divided by the ~60 % oxalic-acid efficiency on clay
  leachates (ClayOxalateMMTB); 93 % of each RE precipitated (Klemettinen 2021 at the
  stoichiometric dose, taken as the effective dose here: an estimate). Oxalic acid left in
  the recycled liquor does not react in the leach (not represented).
* 80 % of the barren liquor recycled to the leach (estimate).
* Calcination at 950 °C in air (Ceram. Int. 2014), twice the O2 needed.
"""

from __future__ import annotations

from molmass import ELEMENTS

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
from yieldkit.unitops.basic import Feed, Product, Separator, Splitter, StoichiometricReactor
from yieldkit.unitops.thermal import Calciner
from yieldkit.units import Q_

NAME = "ionic-clay-ammonium-sulfate"
SOURCES = (
    "IonicClayNH4",
    "ClayOxalateMMTB",
    "Klemettinen2021",
    "CeramInt2014",
    "yieldkitEstimate",
)

RE = ("La", "Nd", "Dy", "Y")
RE_MOLE_SHARE = {"La": 0.30, "Nd": 0.25, "Dy": 0.05, "Y": 0.40}  # estimate
REO_GRADE = 0.001  # estimate
SITE_RATIO = {"RE": 20.0, "Al": 41.0, "H": 39.0}  # IonicClayNH4
RE_LEACHED = 0.9998  # IonicClayNH4
AMSUL_WT = 0.02  # estimate
NH4_EXCESS = 2.0  # estimate
TAILINGS_LIQUOR = 0.10  # estimate
CAKE_LIQUOR = 0.02  # estimate
NH3_EXCESS = 1.05  # estimate
AL_PRECIPITATED, RE_COPRECIPITATED = 0.95, 0.03  # estimates
OXALIC_EFFICIENCY = 0.60  # ClayOxalateMMTB
OXALATE_YIELD = 0.93  # Klemettinen2021 (stoichiometric dose)
RECYCLE = 0.80  # estimate


def _site(name: str, elements: dict[str, float], mass: float, what: str) -> Species:
    return Species.create(
        name,
        "",
        phase="s",
        elements=elements,
        molar_mass=mass,
        source="yieldkitEstimate",
        description=f"{what} on ion-adsorption clay exchange sites (massless sites)",
    )


CLAY_RE = {
    e: _site(f"Clay3{e}", {e: 1, "ClaySite": 3}, ELEMENTS[e].mass, f"exchangeable {e}3+")
    for e in RE
}
CLAY_AL = _site("Clay3Al", {"Al": 1, "ClaySite": 3}, ELEMENTS["Al"].mass, "exchangeable Al3+")
CLAY_H = _site("ClayH", {"H": 1, "ClaySite": 1}, ELEMENTS["H"].mass, "exchangeable H+")
CLAY_NH4 = _site(
    "ClayNH4",
    {"N": 1, "H": 4, "ClaySite": 1},
    ELEMENTS["N"].mass + 4 * ELEMENTS["H"].mass,
    "adsorbed NH4+",
)
SITES = (*CLAY_RE.values(), CLAY_AL, CLAY_H, CLAY_NH4)


def components() -> Components:
    """Species of the route."""
    names = ["inert gangue", *SITES, "H2O", "NH4+", "SO4-2", "H+", "Al+3", "NH3", "Al(OH)3"]
    names += [f"{e}+3" for e in RE] + [f"{e}(OH)3" for e in RE]
    names += ["H2C2O4"] + [oxalate(e) for e in RE] + [oxide(e) for e in RE]
    names += ["O2(g)", "N2(g)", "CO2(g)", "H2O(g)"]
    return Components(names)


def ore_moles(kg_s: float) -> dict[str, float]:
    """Flows of the (estimated) clay ore [mol/s] for ``kg_s`` [kg/s]."""
    reo_per_mol = sum(
        s * (ELEMENTS[e].mass + 1.5 * ELEMENTS["O"].mass) / 1000 for e, s in RE_MOLE_SHARE.items()
    )  # [kg RE2O3 per mol RE]
    n_re = kg_s * REO_GRADE / reo_per_mol
    part = 3 * n_re / SITE_RATIO["RE"]  # mol NH4 per share point
    flows = {CLAY_RE[e].name: s * n_re for e, s in RE_MOLE_SHARE.items()}
    flows[CLAY_AL.name] = SITE_RATIO["Al"] * part / 3
    flows[CLAY_H.name] = SITE_RATIO["H"] * part
    c = components()
    mass = sum(n * c[k].molar_mass for k, n in flows.items())
    flows["inert gangue"] = (kg_s - mass) / c["inert gangue"].molar_mass
    return flows


def _reactions():
    leach = [(f"Clay3{e} + 3 NH4+ -> 3 ClayNH4 + {e}+3", f"Clay3{e}", RE_LEACHED) for e in RE]
    leach += [
        ("Clay3Al + 3 NH4+ -> 3 ClayNH4 + Al+3", "Clay3Al", 1.0),
        ("ClayH + NH4+ -> ClayNH4 + H+", "ClayH", 1.0),
    ]
    purification = [("Al+3 + 3 NH3 + 3 H2O -> Al(OH)3 + 3 NH4+", "Al+3", AL_PRECIPITATED)]
    purification += [
        (f"{e}+3 + 3 NH3 + 3 H2O -> {e}(OH)3 + 3 NH4+", f"{e}+3", RE_COPRECIPITATED) for e in RE
    ]
    purification.append(("H+ + NH3 -> NH4+", "H+", 1.0))
    precipitation = oxalate_precipitation(RE, OXALATE_YIELD) + [("NH3 + H+ -> NH4+", "NH3", 1.0)]
    return with_species(leach, *SITES), purification, precipitation


def build(ore="10 t/h", recycle_fraction: float = RECYCLE, **overrides) -> Flowsheet:
    """Build the route.

    Parameters
    ----------
    ore : quantity
        Clay ore leached [kg/h or t/h].
    recycle_fraction : float
        Fraction of the barren liquor returned to the leach [-].
    **overrides
        ``{"unit.param": value}`` changes applied after building.

    Returns
    -------
    Flowsheet
    """
    from yieldkit.unitops.params import fraction, positive

    kg_s = positive(ore, "kg/s", "ore")
    recycle_fraction = fraction(recycle_fraction, "recycle_fraction")
    c = components()
    feed = ore_moles(kg_s)
    exchange = 3 * sum(feed[s.name] for s in CLAY_RE.values()) + 3 * feed["Clay3Al"]
    exchange += feed["ClayH"]
    nh4 = NH4_EXCESS * exchange
    amsul_kg = nh4 / 2 * 0.13214  # (NH4)2SO4 132.14 g/mol
    water = amsul_kg * (1 - AMSUL_WT) / AMSUL_WT / 0.018015
    lixiviant = Stream(
        c,
        {"NH4+": Q_(nh4, "mol/s"), "SO4-2": Q_(nh4 / 2, "mol/s"), "H2O": Q_(water, "mol/s")},
    )
    ore_s = Stream(c, {k: Q_(v, "mol/s") for k, v in feed.items()})
    leach, purification, precipitation = _reactions()
    leacher = StoichiometricReactor("leach", leach, inlets=("ore", "lixiviant", "recycle"))
    # NH3 dose from the once-through leachate (the recycle's extra acid is left partly free)
    liquor = leacher.run(
        {"ore": ore_s, "lixiviant": lixiviant, "recycle": lixiviant.with_moles(0 * lixiviant.moles)}
    ).outlets["out"]
    keep = 1 - TAILINGS_LIQUOR
    nh3 = (
        NH3_EXCESS
        * keep
        * (
            3 * AL_PRECIPITATED * liquor.flow("Al+3")
            + sum(3 * RE_COPRECIPITATED * liquor.flow(f"{e}+3") for e in RE)
            + liquor.flow("H+")
        )
    )
    ammonia = Stream(c, {"NH3": Q_(nh3, "mol/s")})
    dissolved = {e: keep * (1 - RE_COPRECIPITATED) * liquor.flow(f"{e}+3") for e in RE}
    oxalic_mol = 1.5 * sum(dissolved.values()) / OXALIC_EFFICIENCY
    oxalic = solution(c, {"H2C2O4": oxalic_mol}, 1.0, "H2C2O4")  # 1 mol/L (estimate)
    calc_o2 = 2.0 * sum(calcination_o2(e) * OXALATE_YIELD * n for e, n in dissolved.items())

    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES,
        description="Ion-adsorption clay: (NH4)2SO4 leach with liquor recycle, Al(OH)3 "
        "removal, oxalate, calcine.",
    )
    fs.add(
        Feed("clay_ore", ore_s),
        Feed("ammonium_sulfate", lixiviant, kind="reagent"),
        Feed("ammonia", ammonia, kind="reagent"),
        Feed("oxalic_acid", oxalic, kind="reagent"),
        Feed("calciner_air", air(c, calc_o2), kind="utility"),
        leacher,
        Separator(
            "tailings_wash",
            {"s": 1.0, "aq": TAILINGS_LIQUOR, "g": 0.0},
            outlets=("tailings", "leachate"),
        ),
        StoichiometricReactor(
            "al_removal", purification, T="25 degC", inlets=("leachate", "ammonia")
        ),
        Separator("al_filter", {"s": 1.0, "aq": CAKE_LIQUOR, "g": 0.0}, outlets=("cake", "liquor")),
        StoichiometricReactor(
            "precipitator", precipitation, T="25 degC", inlets=("liquor", "oxalic")
        ),
        Separator("oxalate_filter", {"s": 1.0, "aq": 0.0, "g": 0.0}, outlets=("cake", "liquor")),
        Splitter("barren_split", {"recycle": recycle_fraction, "bleed": 1 - recycle_fraction}),
        Calciner("calciner", "950 degC", "stoichiometric", reactions=oxalate_calcination(RE)),
        Product("mixed_reo", kind="product"),
        Product("leached_clay", kind="residue"),
        Product("aluminium_cake", kind="residue"),
        Product("barren_bleed", kind="effluent"),
        Product("calciner_offgas", kind="emission"),
        Product("calciner_dust", kind="residue"),
    )
    for a, b, name in [
        ("clay_ore", "leach.ore", "clay ore"),
        ("ammonium_sulfate", "leach.lixiviant", "fresh (NH4)2SO4"),
        ("leach", "tailings_wash", "leach pulp"),
        ("tailings_wash.tailings", "leached_clay", "leached clay"),
        ("tailings_wash.leachate", "al_removal.leachate", "leachate"),
        ("ammonia", "al_removal.ammonia", "NH3"),
        ("al_removal", "al_filter", "purified slurry"),
        ("al_filter.cake", "aluminium_cake", "Al(OH)3 cake"),
        ("al_filter.liquor", "precipitator.liquor", "purified liquor"),
        ("oxalic_acid", "precipitator.oxalic", "oxalic acid"),
        ("precipitator", "oxalate_filter", "oxalate slurry"),
        ("oxalate_filter.cake", "calciner.solids", "oxalate cake"),
        ("oxalate_filter.liquor", "barren_split", "barren liquor"),
        ("barren_split.recycle", "leach.recycle", "barren recycle"),
        ("barren_split.bleed", "barren_bleed", "barren bleed"),
        ("calciner_air", "calciner.gas", "calciner air"),
        ("calciner.product", "mixed_reo", "mixed REO"),
        ("calciner.offgas", "calciner_offgas", "calciner off-gas"),
        ("calciner.dust", "calciner_dust", "calciner dust"),
    ]:
        fs.connect(a, b, name)
    for path, value in overrides.items():
        fs.set_parameter(path, value)
    return fs
