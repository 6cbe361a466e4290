"""NdFeB (HDD) magnets to mixed rare-earth oxide: roast, selective HCl leach, oxalate, calcine.

Optionally (``dy_sx=True``) a D2EHPA solvent-extraction circuit takes the Dy out of the
liquor to its own oxide product ``dy_oxide``; ``mixed_reo`` is then an NdPr oxide.

The route of Vander Hoogerstraete et al. (2014): oxidative roasting turns the magnet into
oxides, a leach with little more acid than the rare earths need (3.5 mol HCl per mol RE)
dissolves the rare earths while most iron stays as hematite, oxalic acid precipitates the
rare earths, and calcination gives the oxides. Part of the barren liquor (which carries the
acid the precipitation releases) returns to the leach.

Defaults and their sources
--------------------------
* feed: HDD magnet analysis, Belfqueh et al. (2023); phases as in ``magnet_feeds``.
* crushing (``crusher``, Bond law): 20 mm to 1 mm at a work index of 15 kWh/t (estimates:
  no NdFeB work index in the sources). Demagnetisation is not a separate unit: the roast
  at 800 °C is far above the Curie temperature of Nd2Fe14B (about 310 °C).
* roast: complete oxidation in air at 800 °C (Jiang et al. 2020); NdFeO3/NdBO3 formation is
  not represented (the thermal ``Roaster`` in stoichiometric mode, with its enthalpy-balance
  duty where thermo data exists, NaN and named otherwise); no dust carry-over (dust
  fraction 0, estimate); 50 % excess air (estimate).
* leach: 3.5 mol fresh HCl per mol RE at 80 °C (Vander Hoogerstraete et al. 2014), fed as
  2 mol/L HCl (estimate), in 3 CSTRs of 4 h slurry residence time each (estimate). Kinetic
  leach, shrinking core under chemical control (HCl on roasted NdFeB; Ea > 41 kJ/mol, the
  lower bound used), rate = k exp(-Ea/RT) [H+] (1 - X)^(2/3) per kg of solid in the tank.
  The pre-exponentials are yieldkitEstimates fitted to Jiang et al. (2020), 96.27 % of the
  RE and 13.33 % of the Fe dissolved in 30 min at 110 °C: the model's own leach
  (``calibration_leach``: 40 CSTRs sharing the 30 min, 2 kg/m3 of roasted magnet in
  [H+] = 2 mol/L, assumed equal to the route's acid since the abstract does not give it)
  reproduces both figures to 1e-6 (``leach_rate_parameters``, stored in ``HDD_LEACH_K``).
  First order in [H+] is assumed (so dissolution stops when the acid is spent; the named
  set ``ndfeb_roasted_hcl`` assumes order 0). The three RE oxides share Jiang's REE figure;
  B2O3 dissolves as boric acid at the RE time scale without acid (estimate, no data);
  Co3O4 and NiO stay in the residue (estimate: no leach figure for them in the sources).
  Pr6O11 dissolves reductively, releasing chlorine. Hematite is reversible (``Leach``
  ``reversible``): its rate is multiplied by 1 - Omega with its llnl.dat solubility
  ([Fe3+]^2 / [H+]^6 = K, log K -3.51 at 80 °C; ideal, free Fe3+: chloro complexes would
  raise it in strong acid), so the Fe3+ the acid dissolves early re-precipitates as the
  acid is spent and frees that acid for the rare earths: the selective leach of Vander
  Hoogerstraete et al. With the defaults the leach dissolves 99.8 % of the RE and 0.24 %
  of the Fe (without the solubility term, ``leach.reversible=[]``, 11 % of the Fe dissolves,
  taking acid meant for the rare earths, and the RE recovery is 74 %).
* filters: 10 % of the leach liquor leaves with the residue (estimate, typical cake
  moisture); the oxalate cake is washed free of liquor (wash water not modelled).
* optional iron clean-up (``fe_removal_pH``, off by default): NaOH (5 mol/L, estimate) to the
  given pH precipitates Fe(OH)3 by its llnl.dat solubility product (RE hydroxides too, where
  llnl.dat has them: Nd, Dy; not Pr), filtered with 5 % of the liquor entrained (estimate).
  It removes the co-precipitated iron from the product at the cost of the free acid the
  barren recycle would return to the leach (about 82 % instead of 88 % RE recovery at pH
  3.5 with the other defaults).
* optional Dy solvent extraction (``dy_sx=True``, off by default; the SX species are then
  added to the route's species, otherwise the default route is unchanged): the clean liquor
  (after ``leach_filter``, or ``fe_filter`` with the Fe clean-up) goes to a D2EHPA
  extraction (4 stages), scrub (4) and strip (3) circuit (``add_sx_circuit``, prefix
  ``dy_sx``) with model ``constant_d``. The D values are estimates (yieldkitEstimate):
  sx_parameters.toml has no Dy/Nd separation factor for a chloride liquor (its
  ``uky_d2ehpa`` fit is for sulfate at 5 vol %, DOMAIN.md §3); D(Dy) = 4 in extraction and
  scrub (the acidity is not modelled), D(Nd) = D(Dy)/40, taking the low end of the "tens to
  hundreds" Dy/Nd separation of D2EHPA (DOMAIN.md §3, no number from a source), and D(Pr) =
  D(Nd)/1.58 (Yin et al. 2015, sourced). Strip: every D times 0.01 (estimate, strong acid).
  Fe3+, B and Na+ are not extracted (simplification: D2EHPA does extract Fe3+ in practice).
  Organic 1 mol/L D2EHPA in kerosene at O/A 1 to the design liquor volume (the fresh acid
  volume divided by 1 - recycle fraction), 10 % bleed and make-up; scrub 0.5 mol/L HCl
  (the concentration of the Nd-scrub figure in DOMAIN.md §3) and strip 3 mol/L HCl, each
  at O/A 4; the scrub liquor returns to the extraction feed (all estimates). The raffinate
  (Nd, Pr) goes on to the oxalate step and ``mixed_reo`` (then an NdPr oxide); the Dy strip
  liquor gets its own oxalate step (as the main one, oxalic acid for twice the Dy fed,
  estimate), filter and calciner (950 °C) to the product ``dy_oxide``. With the defaults:
  84.9 % of the Dy fed reports to ``dy_oxide`` (98 % Dy2O3) and 1.9 % to ``mixed_reo``;
  88.0 % of the Nd to ``mixed_reo`` and 0.09 % to ``dy_oxide``.
* precipitation: oxalic acid dosed at (1 + oxalic_excess) x 1.5 mol per mol RE fed (a 1 mol/L
  solution, estimate near its solubility), at 60 °C (estimate). The RE fraction precipitated
  follows the Klemettinen et al. efficiency curve at the design excess ``oxalic_excess``
  (96.7 % at +20 %); the oxalic acid left over stays in the barren liquor. 7 % of the Fe3+
  co-precipitates as Fe2(C2O4)3.4H2O (Klemettinen et al., measured at +40 % excess and
  applied at every excess: estimate) and calcines to Fe2O3 in the product.
* 50 % of the barren liquor recycled to the leach (estimate).
* calcination in air at 950 °C (Ceramics International 2014) to Nd2O3, Dy2O3 and Pr6O11
  (thermal ``Calciner``, stoichiometric mode, duty as for the roaster); 100 % excess air
  (estimate); no dust carry-over (estimate).
"""

from __future__ import annotations

import functools
import math

from molmass import Formula

from process_library.magnet_feeds import HDD_MAGNET_SOURCE, HDD_MAGNET_WT, magnet_phases
from yieldkit.chemistry.components import Components
from yieldkit.errors import ConvergenceError
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.models.leach_kinetics import R_GAS
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator, Splitter
from yieldkit.unitops.leach import Leach
from yieldkit.unitops.physical import Shredder
from yieldkit.unitops.precipitator import Precipitator
from yieldkit.unitops.solid_liquid import SolidLiquidSeparator
from yieldkit.unitops.thermal import Calciner, Roaster
from yieldkit.units import Q_

NAME = "ndfeb-hcl-leach"
SOURCES = (
    HDD_MAGNET_SOURCE,
    "VanderHoogerstraete2014",
    "Jiang2020",
    "NdFeBHClChemControl",
    "Levenspiel1999",
    "Klemettinen2021",
    "CeramInt2014",
    "LLNLdat",
    "yieldkitEstimate",
)

SPECIES = [
    # magnet
    "Nd2Fe14B",
    "Pr2Fe14B",
    "Dy2Fe14B",
    "Nd",
    "Pr",
    "Dy",
    "Fe",
    "B",
    "Co",
    "Ni",
    # roast products
    "Nd2O3",
    "Pr6O11",
    "Dy2O3",
    "Fe2O3",
    "B2O3",
    "Co3O4",
    "NiO",
    # gases
    "O2(g)",
    "N2(g)",
    "CO2(g)",
    "H2O(g)",
    "Cl2(g)",
    # liquor
    "H2O",
    "H+",
    "OH-",
    "Cl-",
    "Nd+3",
    "Pr+3",
    "Dy+3",
    "Fe+3",
    "Na+",
    "H3BO3",
    "H2C2O4",
    "HC2O4-",
    "C2O4-2",
    # oxalates
    "Nd2(C2O4)3.10H2O",
    "Pr2(C2O4)3.10H2O",
    "Dy2(C2O4)3.10H2O",
    "Fe2(C2O4)3.4H2O",
    "Fe(OH)3",
    "Nd(OH)3",
    "Dy(OH)3",
]

ROAST = [
    ("4 Nd2Fe14B + 51 O2(g) -> 4 Nd2O3 + 28 Fe2O3 + 2 B2O3", "Nd2Fe14B", 1.0),
    ("12 Pr2Fe14B + 157 O2(g) -> 4 Pr6O11 + 84 Fe2O3 + 6 B2O3", "Pr2Fe14B", 1.0),
    ("4 Dy2Fe14B + 51 O2(g) -> 4 Dy2O3 + 28 Fe2O3 + 2 B2O3", "Dy2Fe14B", 1.0),
    ("4 Nd + 3 O2(g) -> 2 Nd2O3", "Nd", 1.0),
    ("6 Pr + 11/2 O2(g) -> Pr6O11", "Pr", 1.0),
    ("4 Dy + 3 O2(g) -> 2 Dy2O3", "Dy", 1.0),
    ("4 Fe + 3 O2(g) -> 2 Fe2O3", "Fe", 1.0),
    ("4 B + 3 O2(g) -> 2 B2O3", "B", 1.0),
    ("3 Co + 2 O2(g) -> Co3O4", "Co", 1.0),
    ("2 Ni + O2(g) -> 2 NiO", "Ni", 1.0),
]
# O2 per mol of each magnet phase for complete oxidation (from the reactions above)
O2_DEMAND = {
    "Nd2Fe14B": 51 / 4,
    "Pr2Fe14B": 157 / 12,
    "Dy2Fe14B": 51 / 4,
    "Nd": 0.75,
    "Pr": 11 / 12,
    "Dy": 0.75,
    "Fe": 0.75,
    "B": 0.75,
    "Co": 2 / 3,
    "Ni": 0.5,
}

REE_DISSOLVED = 0.9627  # Jiang2020, 30 min at 110 degC
FE_DISSOLVED = 0.1333  # Jiang2020
CALIBRATION_T = 383.15  # [K], Jiang2020
CALIBRATION_TIME = 0.5  # [h], Jiang2020
CALIBRATION_H = 2.0  # [mol/L] acid assumed for Jiang's leach (estimate, = HCL_MOLARITY)
CALIBRATION_TANKS = 40  # CSTRs in series standing in for Jiang's batch leach [-]
CALIBRATION_PULP = 2.0  # [kg/m3] roasted magnet in the fit (estimate: acid stays ~2 mol/L)
CALIBRATION_XTOL = 1e-6  # conversion tolerance of the fit [-]
CALIBRATION_MAX_ITER = 30
CALIBRATION_TARGETS = {
    "Nd2O3": REE_DISSOLVED,
    "Pr6O11": REE_DISSOLVED,
    "Dy2O3": REE_DISSOLVED,
    "Fe2O3": FE_DISSOLVED,
    "B2O3": REE_DISSOLVED,
}
ACID_ORDER = {"Nd2O3": 1.0, "Pr6O11": 1.0, "Dy2O3": 1.0, "Fe2O3": 1.0, "B2O3": 0.0}
#: pre-exponentials [mol/(kg h)] that _fitted_k returns for HDD_MAGNET_WT, stored so that a
#: build does not repeat the fit (about 4 s); a test re-runs the fit and compares
HDD_LEACH_K = {
    "Nd2O3": 653323.462,
    "Pr6O11": 32265.8585,
    "Dy2O3": 30522.0025,
    "Fe2O3": 317013.456,
    "B2O3": 684869.816,
}
EA_HCL = 41000.0  # [J/mol], lower bound, NdFeBHClChemControl
LEACH = [
    "Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O",
    "Pr6O11 + 22 H+ + 4 Cl- -> 6 Pr+3 + 11 H2O + 2 Cl2(g)",
    "Dy2O3 + 6 H+ -> 2 Dy+3 + 3 H2O",
    "Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O",
    "B2O3 + 3 H2O -> 2 H3BO3",
]
LEACH_INERT = ("Co3O4", "NiO")
LEACH_TANKS = 3
LEACH_RESIDENCE = "4 h"  # per tank, estimate
FE_COPRECIPITATED = 0.07  # Klemettinen2021, at +40 % excess
# oxide formed by the roast from each element, and atoms of the element per formula unit
ROAST_OXIDE = {"Nd": ("Nd2O3", 2), "Pr": ("Pr6O11", 6), "Dy": ("Dy2O3", 2), "Fe": ("Fe2O3", 2),
               "B": ("B2O3", 2), "Co": ("Co3O4", 3), "Ni": ("NiO", 1)}  # fmt: skip
CALCINATION = [
    ("2 Fe2(C2O4)3.4H2O + 3 O2(g) -> 2 Fe2O3 + 12 CO2(g) + 8 H2O(g)", "Fe2(C2O4)3.4H2O", 1.0),
    ("2 Nd2(C2O4)3.10H2O + 3 O2(g) -> 2 Nd2O3 + 12 CO2(g) + 20 H2O(g)", "Nd2(C2O4)3.10H2O", 1.0),
    ("6 Pr2(C2O4)3.10H2O + 11 O2(g) -> 2 Pr6O11 + 36 CO2(g) + 60 H2O(g)", "Pr2(C2O4)3.10H2O", 1.0),
    ("2 Dy2(C2O4)3.10H2O + 3 O2(g) -> 2 Dy2O3 + 12 CO2(g) + 20 H2O(g)", "Dy2(C2O4)3.10H2O", 1.0),
]
AIR_O2 = 0.2095  # mole fraction of O2 in dry air
# crushing before the roast: Bond law, work index and sizes are estimates (no NdFeB Bond
# index in the sources; 15 kWh/t as in the hydrogen-decrepitation route), 20 mm pieces to
# 1 mm for a complete roast
CRUSH_WORK_INDEX, CRUSH_F80, CRUSH_P80 = "15 kWh/t", "20 mm", "1 mm"
HCL_MOLARITY = 2.0  # [mol/L] estimate
NAOH_MOLARITY = 5.0  # [mol/L] estimate (a common plant strength)
FE_CAKE_LIQUOR_RECOVERY = 0.95  # [-] liquor to the filtrate from the Fe(OH)3 cake (estimate)
NAOH_MARGIN = 1.1  # [-] over the worst-case base need of the Fe clean-up (estimate)
OXALIC_MOLARITY = 1.0  # [mol/L] estimate


# optional Dy/NdPr solvent extraction (``dy_sx``): species, D values, circuit (docstring)
SX_SOURCES = ("Yin2015",)
SX_SPECIES = ["D2EHPA", "kerosene", "Nd-D2EHPA", "Pr-D2EHPA", "Dy-D2EHPA"]
BETA_ND_PR = 1.58  # [-] D(Nd)/D(Pr), D2EHPA, chloride, Yin2015
BETA_DY_ND = 40.0  # [-] D(Dy)/D(Nd), yieldkitEstimate (low end of "tens to hundreds")
D_DY_EXTRACTION = 4.0  # [-] yieldkitEstimate (acidity not modelled)
SX_STRIP_FACTOR = 0.01  # [-] every D in the strip section, yieldkitEstimate
SX_STAGES = dict(extraction=4, scrub=4, strip=3)  # estimates
SX_OA = 1.0  # [-] organic / design pregnant-liquor volume, estimate
SX_SCRUB_OA, SX_STRIP_OA = 4.0, 4.0  # [-] organic / acid, estimates
SX_SCRUB_MOLARITY, SX_STRIP_MOLARITY = 0.5, 3.0  # [mol/L] HCl, estimates
SX_EXTRACTANT_MOLARITY = 1.0  # [mol/L] D2EHPA in kerosene, estimate
SX_BLEED = 0.1  # [-] organic bleed, estimate
DY_OXALIC_MARGIN = 2.0  # [-] oxalic for the Dy strip liquor over its Dy, estimate


def components(dy_sx: bool = False) -> Components:
    """Species of the route (the SX species only with ``dy_sx``)."""
    return Components(SPECIES + SX_SPECIES if dy_sx else SPECIES)


def sx_distribution() -> dict[str, dict[str, float]]:
    """Constant distribution ratios of the Dy SX sections (module docstring) [-]."""
    d_nd = D_DY_EXTRACTION / BETA_DY_ND
    ext = {"Dy+3": D_DY_EXTRACTION, "Nd+3": d_nd, "Pr+3": d_nd / BETA_ND_PR}
    strip = {k: v * SX_STRIP_FACTOR for k, v in ext.items()}
    return {"extraction": ext, "scrub": ext, "strip": strip}


def roasted_composition(wt_percent: dict[str, float] = HDD_MAGNET_WT) -> dict[str, float]:
    """Oxides of a completely roasted magnet [mol per kg of roasted solid].

    Parameters
    ----------
    wt_percent : dict
        Element mass percentages of the magnet [%].
    """
    mol = {e: 10.0 * w / Formula(e).mass for e, w in wt_percent.items()}  # [mol/kg magnet]
    oxides = {ROAST_OXIDE[e][0]: n / ROAST_OXIDE[e][1] for e, n in mol.items()}
    mass = sum(n * Formula(k).mass * 1e-3 for k, n in oxides.items())  # [kg/kg magnet]
    return {k: n / mass for k, n in oxides.items()}


def _k_chem(n0: float, conversion: float, order: float) -> float:
    """Batch-model pre-exponential from a conversion in Jiang's leach [mol/(kg h)].

    The start of :func:`leach_rate_parameters`' fit: the closed form of a batch shrinking
    core, rate per kg of the initial solid.
    """
    tau = CALIBRATION_TIME / (1.0 - (1.0 - conversion) ** (1.0 / 3.0))  # [h]
    k_cal = 3.0 * n0 / (tau * CALIBRATION_H**order)  # [mol/(kg h)] at CALIBRATION_T
    return k_cal * math.exp(EA_HCL / (R_GAS * CALIBRATION_T))


def calibration_leach(rates: dict[str, dict], reversible: bool = True) -> Leach:
    """Jiang's 30 min, 110 degC leach as this model sees it (a plug-flow approximation).

    ``CALIBRATION_TANKS`` equal CSTRs sharing the 30 min, fed (by :func:`calibration_feed`)
    with roasted magnet at ``CALIBRATION_PULP`` in 2 mol/L HCl, so the acid stays near
    2 mol/L.
    """
    return Leach(
        "jiang_leach",
        LEACH,
        mode="kinetic",
        T=f"{CALIBRATION_T} K",
        inlets=("in",),
        rate_parameters=rates,
        inert=LEACH_INERT,
        tanks=CALIBRATION_TANKS,
        residence_time=f"{CALIBRATION_TIME * 3600.0 / CALIBRATION_TANKS} s",
        reversible=("Fe2O3",) if reversible else (),
    )


def calibration_feed(
    wt_percent: dict[str, float] = HDD_MAGNET_WT, pulp: float | None = None
) -> Stream:
    """Roasted magnet at ``pulp`` [kg/m3] (default ``CALIBRATION_PULP``) in 2 mol/L HCl."""
    c = components()
    pulp = CALIBRATION_PULP if pulp is None else pulp
    n0 = roasted_composition(wt_percent)
    solids = Stream(c, {k: Q_(v * pulp, "mol/h") for k, v in n0.items()})  # per 1 m3/h
    acid = Stream.from_concentrations(
        c, "1000 L/h", {"H+": f"{CALIBRATION_H} mol/L", "Cl-": f"{CALIBRATION_H} mol/L"}
    )
    return solids + acid


def _rate_rows(k: dict[str, float]) -> dict[str, dict]:
    return {
        solid: {
            "mechanism": "chemical",
            "order": ACID_ORDER[solid],
            "k": f"{k[solid]:.9g} mol/(kg*h)",
            "Ea": f"{EA_HCL} J/mol",
        }
        for solid in CALIBRATION_TARGETS
    }


@functools.cache
def _fitted_k(wt_items: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    wt = dict(wt_items)
    n0 = roasted_composition(wt)
    k = {s: _k_chem(n0[s], x, ACID_ORDER[s]) for s, x in CALIBRATION_TARGETS.items()}
    feed = calibration_feed(wt)
    worst = math.inf
    for _ in range(CALIBRATION_MAX_ITER):
        x = calibration_leach(_rate_rows(k)).run({"in": feed}).info["conversion"]
        worst = max(abs(x[s] - t) for s, t in CALIBRATION_TARGETS.items())
        if worst <= CALIBRATION_XTOL:
            return tuple(k.items())
        for s, t in CALIBRATION_TARGETS.items():  # batch core: k ~ 1 - (1 - X)^(1/3)
            k[s] *= (1.0 - (1.0 - t) ** (1 / 3)) / (1.0 - (1.0 - x[s]) ** (1 / 3))
    raise ConvergenceError(
        f"ndfeb-hcl-leach: the leach-rate fit to Jiang et al. (2020) did not converge in "
        f"{CALIBRATION_MAX_ITER} runs (worst conversion error {worst:.2e})."
    )


def leach_rate_parameters(wt_percent: dict[str, float] = HDD_MAGNET_WT) -> dict[str, dict]:
    """Shrinking-core parameters of the roasted-magnet HCl leach (yieldkitEstimate).

    Pre-exponentials fitted so that :func:`calibration_leach` on :func:`calibration_feed`
    dissolves Jiang et al.'s (2020) 96.27 % of the RE (and of the B2O3) and 13.33 % of the
    Fe2O3 in 30 min at 110 degC (conversions to ``CALIBRATION_XTOL``; hematite's
    solubility has no effect at that pulp density). The fit starts from the batch closed
    form (:func:`_k_chem`) and rescales each k by the batch relation until the
    conversions match (a few runs, cached per composition; stored in ``HDD_LEACH_K`` for
    the default composition).

    Parameters
    ----------
    wt_percent : dict
        Element mass percentages of the magnet [%].

    Returns
    -------
    dict
        ``{solid: {"mechanism", "order", "k", "Ea"}}`` for :class:`Leach`.
    """
    if wt_percent == HDD_MAGNET_WT:
        return _rate_rows(HDD_LEACH_K)
    return _rate_rows(dict(_fitted_k(tuple(sorted(wt_percent.items())))))


def _air(c: Components, o2_mol_s: float) -> Stream:
    return Stream(
        c, {"O2(g)": Q_(o2_mol_s, "mol/s"), "N2(g)": Q_(o2_mol_s * (1 - AIR_O2) / AIR_O2, "mol/s")}
    )


def _solution(c: Components, solutes: dict[str, float], molarity: float, key: str) -> Stream:
    """Aqueous solution [mol/s solutes] whose ``key`` solute is at ``molarity`` [mol/L]."""
    volume = solutes[key] / (molarity * 1000.0)  # [m3/s]
    return Stream.from_concentrations(
        c, Q_(volume, "m^3/s"), {k: Q_(v / volume, "mol/m^3") for k, v in solutes.items()}
    )


def build(
    magnet_feed="100 kg/h",
    acid_ratio: float = 3.5,
    oxalic_excess: float = 0.2,
    recycle_fraction: float = 0.5,
    fe_removal_pH: float | None = None,
    dy_sx: bool = False,
    **overrides,
) -> Flowsheet:
    """Build the route.

    Parameters
    ----------
    magnet_feed : quantity
        Magnet feed rate [kg/h of magnet].
    acid_ratio : float
        Fresh HCl per mol of rare earths fed [mol/mol].
    oxalic_excess : float
        Oxalic acid above 1.5 mol per mol RE dissolved from the fresh feed [-].
    recycle_fraction : float
        Fraction of the barren liquor returned to the leach [-].
    fe_removal_pH : float or None
        pH to which NaOH raises the pregnant liquor to precipitate Fe(OH)3 before the
        oxalate step, e.g. 3.5 [-]; None (default) leaves the iron clean-up out. The NaOH
        offered is sized for the worst case and the unused part leaves by ``unused_naoh``;
        the reagent KPI counts the NaOH offered (an overestimate of the use).
    dy_sx : bool
        Add the D2EHPA extraction-scrub-strip circuit that takes Dy out of the clean liquor
        before the oxalate step; the Dy strip liquor is precipitated and calcined to
        ``dy_oxide``, the raffinate (Nd, Pr) goes on to ``mixed_reo``. Off by default [-].
    **overrides
        ``{"unit.param": value}`` changes applied after building.
    """
    from yieldkit.errors import SpecificationError
    from yieldkit.unitops.params import fraction, positive, positive_number

    if not isinstance(dy_sx, bool):
        raise SpecificationError(f"dy_sx = {dy_sx!r} must be True or False.")
    c = components(dy_sx)
    kg_s = positive(magnet_feed, "kg/s", "magnet_feed")
    acid_ratio = positive_number(acid_ratio, "acid_ratio")
    oxalic_excess = positive_number(oxalic_excess, "oxalic_excess", allow_zero=True)
    recycle_fraction = fraction(recycle_fraction, "recycle_fraction")

    phases = {k: v * kg_s for k, v in magnet_phases().items()}  # [mol/s]
    magnet = Stream(c, {k: Q_(v, "mol/s") for k, v in phases.items()})
    ree = sum(magnet.element_flow(e) for e in ("Nd", "Pr", "Dy"))  # [mol/s]
    o2 = 1.5 * sum(O2_DEMAND[k] * v for k, v in phases.items())
    acid = _solution(c, {"H+": acid_ratio * ree, "Cl-": acid_ratio * ree}, HCL_MOLARITY, "H+")
    oxalic = _solution(c, {"H2C2O4": (1 + oxalic_excess) * 1.5 * ree}, OXALIC_MOLARITY, "H2C2O4")
    fe = magnet.element_flow("Fe")
    # worst case: all fresh acid and the acid the oxalate step releases, concentrated by
    # the recycle, plus every Fe3+ in solution (estimate of an upper bound)
    base_max = (acid_ratio + 3.0) * ree / max(1.0 - recycle_fraction, 0.05) + 3.0 * fe
    base_max *= NAOH_MARGIN
    naoh = _solution(c, {"Na+": base_max, "OH-": base_max}, NAOH_MOLARITY, "OH-")
    calc_o2 = 2.0 * 0.75 * (ree + FE_COPRECIPITATED * fe)  # 100 % excess over the worst case

    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES + (SX_SOURCES if dy_sx else ()),
        description="HDD NdFeB magnets: roast, selective HCl leach, oxalate, calcine."
        + (" Dy/NdPr D2EHPA SX to a Dy oxide." if dy_sx else ""),
    )
    fs.add(
        Feed("magnet", magnet),
        Feed("roast_air", _air(c, o2), kind="utility"),
        Feed("hcl", acid, kind="reagent"),
        Feed("oxalic_acid", oxalic, kind="reagent"),
        Feed("calciner_air", _air(c, calc_o2), kind="utility"),
        Shredder("crusher", CRUSH_WORK_INDEX, CRUSH_F80, CRUSH_P80),
        Roaster("roaster", T="800 degC", mode="stoichiometric", reactions=ROAST),
        Leach(
            "leach",
            LEACH,
            mode="kinetic",
            T="80 degC",
            inlets=("solids", "acid", "recycle"),
            rate_parameters=leach_rate_parameters(),
            inert=LEACH_INERT,
            tanks=LEACH_TANKS,
            residence_time=LEACH_RESIDENCE,
            reversible=("Fe2O3",),
        ),
        Separator("leach_vent", {"g": 1.0}, outlets=("gas", "slurry"), default=0.0),
        SolidLiquidSeparator("leach_filter", liquid_recovery=0.90),
        Precipitator(
            "precipitator",
            mode="efficiency",
            T="60 degC",
            inlets=("liquor", "oxalic"),
            excess=oxalic_excess,
            coprecipitation={"Fe+3": FE_COPRECIPITATED},
        ),
        SolidLiquidSeparator("oxalate_filter", liquid_recovery=1.0),
        Splitter("barren_split", {"recycle": recycle_fraction, "purge": 1 - recycle_fraction}),
        Calciner("calciner", T="950 degC", mode="stoichiometric", reactions=CALCINATION),
        Product("mixed_reo", kind="product"),
        Product("leach_residue", kind="residue"),
        Product("barren_purge", kind="effluent"),
        Product("roaster_offgas", kind="emission"),
        Product("leach_offgas", kind="emission"),
        Product("calciner_offgas", kind="emission"),
        Product("roaster_dust", kind="residue"),
        Product("calciner_dust", kind="residue"),
    )
    if dy_sx:
        # design liquor volume: the fresh acid concentrated by the barren recycle (estimate)
        liquor_l_s = acid_ratio * ree / HCL_MOLARITY / max(1.0 - recycle_fraction, 0.05)
        _add_dy_sx(fs, c, liquor_l_s, magnet.element_flow("Dy"), oxalic_excess)
    if fe_removal_pH is not None:
        _add_fe_removal(fs, naoh, fe_removal_pH, dy_sx)
    for a, b, name in [
        ("magnet", "crusher", "magnet"),
        ("crusher", "roaster.solids", "crushed magnet"),
        ("roast_air", "roaster.gas", "roaster air"),
        ("roaster.offgas", "roaster_offgas", "roaster off-gas"),
        ("roaster.dust", "roaster_dust", "roaster dust"),
        ("roaster.product", "leach.solids", "roasted magnet"),
        ("hcl", "leach.acid", "fresh HCl"),
        ("leach", "leach_vent", "leach slurry"),
        ("leach_vent.gas", "leach_offgas", "leach off-gas"),
        ("leach_vent.slurry", "leach_filter", "degassed slurry"),
        ("leach_filter.cake", "leach_residue", "leach residue"),
        ("leach_filter.liquor", "fe_removal.liquor", "pregnant liquor")
        if fe_removal_pH is not None
        else (
            "leach_filter.liquor",
            "dy_sx_feed.liquor" if dy_sx else "precipitator.liquor",
            "pregnant liquor",
        ),
        ("oxalic_acid", "precipitator.oxalic", "oxalic acid"),
        ("precipitator", "oxalate_filter", "oxalate slurry"),
        ("oxalate_filter.cake", "calciner.solids", "oxalate cake"),
        ("oxalate_filter.liquor", "barren_split", "barren liquor"),
        ("barren_split.recycle", "leach.recycle", "barren recycle"),
        ("barren_split.purge", "barren_purge", "barren purge"),
        ("calciner_air", "calciner.gas", "calciner air"),
        ("calciner.offgas", "calciner_offgas", "calciner off-gas"),
        ("calciner.dust", "calciner_dust", "calciner dust"),
        ("calciner.product", "mixed_reo", "mixed REO"),
    ]:
        fs.connect(a, b, name)
    for path, value in overrides.items():
        fs.set_parameter(path, value)
    return fs


def _add_fe_removal(fs: Flowsheet, naoh: Stream, target_pH: float, dy_sx: bool) -> None:
    """NaOH to ``target_pH``: Fe(OH)3 (with the RE hydroxide co-loss) filtered off."""
    fs.add(
        Feed("naoh", naoh, kind="reagent"),
        Precipitator("fe_removal", mode="hydroxide", target_pH=target_pH, base="NaOH"),
        SolidLiquidSeparator("fe_filter", liquid_recovery=FE_CAKE_LIQUOR_RECOVERY),
        Product("fe_cake", kind="residue"),
        Product("unused_naoh", kind="by-product"),
    )
    for a, b, name in [
        ("naoh", "fe_removal.reagent", "NaOH"),
        ("fe_removal.unused_reagent", "unused_naoh", "unused NaOH"),
        ("fe_removal.slurry", "fe_filter", "Fe(OH)3 slurry"),
        ("fe_filter.cake", "fe_cake", "iron cake"),
        (
            "fe_filter.liquor",
            "dy_sx_feed.liquor" if dy_sx else "precipitator.liquor",
            "clean liquor",
        ),
    ]:
        fs.connect(a, b, name)


def _add_dy_sx(
    fs: Flowsheet, c: Components, liquor_l_s: float, dy: float, oxalic_excess: float
) -> None:
    """Dy/NdPr D2EHPA circuit on the clean liquor; Dy strip liquor to ``dy_oxide``.

    ``liquor_l_s`` is the design liquor volume [L/s] and ``dy`` the Dy fed [mol/s].
    """
    from yieldkit.flowsheet.sx_circuit import add_sx_circuit

    d = sx_distribution()
    # organic: O/A on the design liquor, and at least three times the HA (6 per ion) that
    # twice the Dy fed would bind (margin for the co-loaded Nd, Pr; estimate)
    org = max(SX_OA * liquor_l_s, 3 * 6 * 2 * dy / SX_EXTRACTANT_MOLARITY)

    def hcl(l_s: float, molarity: float) -> Stream:
        return _solution(c, {"H+": molarity * l_s, "Cl-": molarity * l_s}, molarity, "H+")

    make_up = Stream.from_concentrations(
        c,
        Q_(SX_BLEED * org, "L/s"),
        {"D2EHPA": f"{SX_EXTRACTANT_MOLARITY} mol/L"},
        phase="org",
        solvent="kerosene",
    )
    ports = add_sx_circuit(
        fs,
        "dy_sx",
        extraction=dict(n_stages=SX_STAGES["extraction"], model="constant_d",
                        parameter_set=d["extraction"]),
        scrub=dict(n_stages=SX_STAGES["scrub"], model="constant_d", parameter_set=d["scrub"]),
        strip=dict(n_stages=SX_STAGES["strip"], model="constant_d", parameter_set=d["strip"]),
        make_up=make_up,
        bleed=SX_BLEED,
    )  # fmt: skip
    oxalic = _solution(
        c, {"H2C2O4": (1 + oxalic_excess) * 1.5 * DY_OXALIC_MARGIN * dy}, OXALIC_MOLARITY, "H2C2O4"
    )
    fs.add(
        Mixer("dy_sx_feed", inlets=("liquor", "scrub")),
        Feed("dy_scrub_acid", hcl(org / SX_SCRUB_OA, SX_SCRUB_MOLARITY), kind="reagent"),
        Feed("dy_strip_acid", hcl(org / SX_STRIP_OA, SX_STRIP_MOLARITY), kind="reagent"),
        Feed("dy_oxalic_acid", oxalic, kind="reagent"),
        Feed("dy_calciner_air", _air(c, 2.0 * 0.75 * DY_OXALIC_MARGIN * dy), kind="utility"),
        Precipitator(
            "dy_precipitator",
            mode="efficiency",
            T="60 degC",
            inlets=("liquor", "oxalic"),
            excess=oxalic_excess,
        ),
        SolidLiquidSeparator("dy_oxalate_filter", liquid_recovery=1.0),
        Calciner("dy_calciner", T="950 degC", mode="stoichiometric", reactions=CALCINATION),
        Product("dy_oxide", kind="product"),
        Product("dy_barren", kind="effluent"),
        Product("dy_sx_org_bleed", kind="effluent"),
        Product("dy_calciner_offgas", kind="emission"),
        Product("dy_calciner_dust", kind="residue"),
    )
    for a, b, name in [
        ("dy_sx_feed", ports["feed"], "Dy SX feed"),
        ("dy_scrub_acid", ports["scrub_liquor"], "Dy SX scrub acid"),
        (ports["scrub_out"], "dy_sx_feed.scrub", "Dy SX scrub liquor"),
        ("dy_strip_acid", ports["strip_liquor"], "Dy SX strip acid"),
        (ports["bleed"], "dy_sx_org_bleed", "Dy SX organic bleed"),
        (ports["raffinate"], "precipitator.liquor", "NdPr raffinate"),
        (ports["strip_out"], "dy_precipitator.liquor", "Dy strip liquor"),
        ("dy_oxalic_acid", "dy_precipitator.oxalic", "Dy oxalic acid"),
        ("dy_precipitator", "dy_oxalate_filter", "Dy oxalate slurry"),
        ("dy_oxalate_filter.cake", "dy_calciner.solids", "Dy oxalate cake"),
        ("dy_oxalate_filter.liquor", "dy_barren", "Dy barren liquor"),
        ("dy_calciner_air", "dy_calciner.gas", "Dy calciner air"),
        ("dy_calciner.offgas", "dy_calciner_offgas", "Dy calciner off-gas"),
        ("dy_calciner.dust", "dy_calciner_dust", "Dy calciner dust"),
        ("dy_calciner.product", "dy_oxide", "Dy oxide"),
    ]:
        fs.connect(a, b, name)
