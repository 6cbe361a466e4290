"""Conservation cases for the hydromet units (collected by test_conservation.py)."""

from yieldkit.chemistry.components import Components
from yieldkit.stream import Stream
from yieldkit.unitops.leach import Leach
from yieldkit.unitops.precipitator import Precipitator
from yieldkit.unitops.solid_liquid import CCDWashTrain, SolidLiquidSeparator

C = Components(
    [
        "H2O", "H+", "OH-", "Cl-", "HSO4-", "SO4-2", "H2C2O4", "HC2O4-", "C2O4-2", "Na+",
        "NH4+", "NH3", "Nd+3", "Dy+3", "Fe+3", "Al+3", "Ca+2", "Nd2O3", "Dy2O3", "Fe2O3",
        "Al2O3", "CaO", "SiO2", "Nd2(C2O4)3.10H2O", "Dy2(C2O4)3.10H2O", "Fe2(C2O4)3.4H2O",
        "CaC2O4.H2O", "Fe(OH)3", "Al(OH)3", "Nd(OH)3", "Dy(OH)3", "NaNd(SO4)2.H2O",
        "NaDy(SO4)2.H2O", "Na2SO4",
    ]
)  # fmt: skip

OXIDES = {"Nd2O3": 0.05, "Dy2O3": 0.005, "Fe2O3": 0.4, "Al2O3": 0.3, "CaO": 0.01, "SiO2": 1.5}
LEACH_REACTIONS = [
    "Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O",
    "Dy2O3 + 6 H+ -> 2 Dy+3 + 3 H2O",
    "Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O",
    "Al2O3 + 6 H+ -> 2 Al+3 + 3 H2O",
    "CaO + 2 H+ -> Ca+2 + H2O",
]


def solids(scale=1.0):
    return Stream(C, {k: f"{v * scale} kg/h" for k, v in OXIDES.items()}, T="25 degC")


def sulfuric(molar=0.5, flow="10 L/h"):
    return Stream.from_concentrations(
        C, flow, {"HSO4-": f"{molar} mol/L", "H+": f"{molar} mol/L"}, T="25 degC"
    )


def hydrochloric(molar=1.0, flow="10 L/h"):
    return Stream.from_concentrations(C, flow, {"H+": f"{molar} mol/L", "Cl-": f"{molar} mol/L"})


def pregnant(fe=0.05, al=0.01):
    """Sulfate/chloride leach liquor with RE, Fe, Al, Ca."""
    return Stream.from_concentrations(
        C,
        "10 L/h",
        {
            "H+": "0.05 mol/L",
            "HSO4-": "0.02 mol/L",
            "SO4-2": "0.1 mol/L",
            "Cl-": f"{0.05 + 0.066 + 3 * fe + 3 * al + 0.014 - 0.22:.6g} mol/L",
            "Nd+3": "0.02 mol/L",
            "Dy+3": "0.002 mol/L",
            "Fe+3": f"{fe} mol/L",
            "Al+3": f"{al} mol/L",
            "Ca+2": "0.005 mol/L",
            "Na+": "0.004 mol/L",
        },
        T="60 degC",
    )


def oxalic(mol_h=0.5):
    return Stream.from_concentrations(C, f"{mol_h} L/h", {"H2C2O4": "1 mol/L"})


def naoh(molar=5.0, flow="1 L/h"):
    return Stream.from_concentrations(C, flow, {"Na+": f"{molar} mol/L", "OH-": f"{molar} mol/L"})


def ammonia(molar=5.0, flow="1 L/h"):
    return Stream.from_concentrations(C, flow, {"NH3": f"{molar} mol/L"})


def slurry():
    return Stream(C, {"SiO2": "2 kg/h", "Fe(OH)3": "0.1 kg/h"}) + pregnant()


def kinetic_leach(tanks=2, **kw):
    return Leach(
        "leach",
        LEACH_REACTIONS,
        mode="kinetic",
        T="40 degC",
        kinetics="coal_refuse_h2so4",
        inert=("SiO2",),
        tanks=tanks,
        **({"volume": "20 L"} | kw),
    )


def reversible_leach(k="50 mol/(kg*h)"):
    """Nd2O3 and hematite (reversible) in chloride, chemical control, 2 tanks of 1 h."""
    return Leach(
        "leach",
        ["Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O"],
        mode="kinetic",
        T="80 degC",
        rate_parameters={
            "Nd2O3": {"order": 1, "k": "5 mol/(kg*h)"},
            "Fe2O3": {"order": 1, "k": k},
        },
        inert=("Dy2O3", "Al2O3", "CaO", "SiO2"),
        reversible=("Fe2O3",),
        tanks=2,
        residence_time="1 h",
        inlets=("in",),
    )


CASES = {
    "Leach-stoichiometric": (
        Leach(
            "leach",
            [
                ("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 0.95),
                ("Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O", "Fe2O3", 0.5),
            ],
            T="80 degC",
        ),
        {"solids": solids(), "acid": sulfuric()},
    ),
    "Leach-stoichiometric-acid-limited": (
        Leach("leach", [("Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O", "Fe2O3", 1.0)]),
        {"solids": solids(), "acid": hydrochloric(0.1)},
    ),
    "Leach-kinetic-volume": (kinetic_leach(), {"solids": solids(), "acid": sulfuric()}),
    "Leach-kinetic-residence": (
        kinetic_leach(3, volume=None, residence_time="1 h"),
        {"solids": solids(), "acid": sulfuric()},
    ),
    "Leach-kinetic-hcl-mixed-law": (
        Leach(
            "leach",
            ["Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O"],
            mode="kinetic",
            T="80 degC",
            rate_parameters={
                "Nd2O3": {
                    "mechanism": "mixed",
                    "order": 1,
                    "k": "5 mol/(kg*h)",
                    "Ea": "41 kJ/mol",
                    "k_diff": "0.1 mol/(kg*h)",
                    "Ea_diff": "3 kJ/mol",
                }
            },  # fmt: skip
            inert=("Dy2O3", "Fe2O3", "Al2O3", "CaO", "SiO2"),
            tanks=2,
            residence_time="30 min",
            inlets=("in",),
        ),
        {"in": solids() + hydrochloric(2.0)},
    ),
    # hematite under its solubility (llnl.dat): dissolves in 1 M HCl at 80 degC, and takes
    # back Fe3+ from a supersaturated, weakly acid liquor (net re-precipitation)
    "Leach-kinetic-reversible-dissolving": (
        reversible_leach(),
        {"in": solids() + hydrochloric(1.0)},
    ),
    "Leach-kinetic-reversible-reprecipitating": (
        reversible_leach(),
        {"in": Stream(C, {"Fe2O3": "0.2 kg/h", "SiO2": "1 kg/h"}) + pregnant(fe=0.2)},
    ),
    "SolidLiquidSeparator-recovery": (
        SolidLiquidSeparator("filter", liquid_recovery=0.9),
        {"in": slurry()},
    ),
    "SolidLiquidSeparator-moisture-wash-loss": (
        SolidLiquidSeparator(
            "filter", cake_moisture=0.3, wash=True, displacement_efficiency=0.8, solids_loss=0.01
        ),
        {"in": slurry(), "wash": Stream(C, {"H2O": "1 kg/h"})},
    ),
    "CCDWashTrain": (
        CCDWashTrain("ccd", stages=4, underflow_solids=0.4),
        {"slurry": slurry(), "wash": Stream(C, {"H2O": "8 kg/h"})},
    ),
    "Precipitator-efficiency": (
        Precipitator("ppt", excess=0.2, coprecipitation={"Fe+3": 0.07, "Ca+2": 0.2}),
        {"liquor": pregnant(), "reagent": oxalic()},
    ),
    "Precipitator-efficiency-actual-excess": (
        Precipitator("ppt"),
        {"liquor": pregnant(), "reagent": oxalic(0.4)},
    ),
    "Precipitator-splits": (
        Precipitator("ppt", mode="splits"),
        {"liquor": pregnant(al=0.0), "reagent": oxalic()},
    ),
    "Precipitator-hydroxide-NaOH": (
        Precipitator("ppt", mode="hydroxide", target_pH=3.5),
        {"liquor": pregnant(), "reagent": naoh()},
    ),
    "Precipitator-hydroxide-NH4OH": (
        Precipitator("ppt", mode="hydroxide", target_pH=3.0, base="NH4OH"),
        {"liquor": pregnant(), "reagent": ammonia()},
    ),
    "Precipitator-double-sulfate": (
        Precipitator("ppt", mode="double-sulfate", conversion=0.9, T="80 degC"),
        {"liquor": pregnant(), "reagent": Stream(C, {"Na2SO4": "0.15 mol/h"})},
    ),
}
