"""Conservation cases for the thermal units (collected by test_conservation.py)."""

from yieldkit.chemistry.components import Components
from yieldkit.stream import Stream
from yieldkit.unitops.thermal import Calciner, Heater, Roaster

C = Components(
    [
        "Nd2(C2O4)3.10H2O",
        "Nd2O2CO3",
        "Nd2O3",
        "Ce2(C2O4)3.10H2O",
        "Ce2O3",
        "Nd2Fe14B",
        "Nd",
        "Fe",
        "Fe2O3",
        "B2O3",
        "O2(g)",
        "N2(g)",
        "CO2(g)",
        "H2O(g)",
        "CO(g)",
        "H2O",
        "Nd+3",
        "Cl-",
    ]
)
OXALATE = "2 Nd2(C2O4)3.10H2O + 3 O2(g) -> 2 Nd2O3 + 12 CO2(g) + 20 H2O(g)"


def oxalates():
    return Stream(C, {"Nd2(C2O4)3.10H2O": "0.9 mol/s", "Ce2(C2O4)3.10H2O": "0.1 mol/s"})


def air(scale=1.0):
    return Stream(C, {"O2(g)": f"{21 * scale} mol/s", "N2(g)": f"{79 * scale} mol/s"})


def magnets():
    return Stream(C, {"Nd2Fe14B": "0.1 mol/s", "Nd": "0.05 mol/s", "Fe": "0.2 mol/s"})


CASES = {
    "Calciner-equilibrium": (
        Calciner("calc", "950 degC", "equilibrium", dust_fraction=0.02),
        {"solids": oxalates(), "gas": air()},
    ),
    "Calciner-equilibrium-oxycarbonate": (
        Calciner("calc", "450 degC", "equilibrium"),
        {"solids": oxalates(), "gas": air()},
    ),
    "Calciner-stoichiometric": (
        Calciner(
            "calc",
            "950 degC",
            "stoichiometric",
            reactions=[OXALATE, "2 Ce2(C2O4)3.10H2O + 3 O2(g) -> 2 Ce2O3 + 12 CO2(g) + 20 H2O(g)"],
            dust_fraction=0.05,
        ),
        {"solids": oxalates(), "gas": air()},
    ),
    "Calciner-stoichiometric-O2-limited": (
        Calciner("calc", "950 degC", "stoichiometric", reactions=[OXALATE]),
        {"solids": oxalates(), "gas": air(0.05)},
    ),
    "Calciner-stoichiometric-missing-thermo": (
        Calciner("calc", "950 degC", "stoichiometric", reactions=[OXALATE]),
        {"solids": oxalates() + Stream(C, {"H2O": "3 mol/s"}), "gas": air()},
    ),
    "Roaster-stoichiometric": (
        Roaster("roast", "800 degC", "stoichiometric", dust_fraction=0.01),
        {"solids": magnets(), "gas": air()},
    ),
    "Roaster-equilibrium": (
        Roaster("roast", "800 degC", "equilibrium"),
        {"solids": Stream(C, {"Nd2Fe14B": "0.1 mol/s", "Fe": "0.2 mol/s"}), "gas": air()},
    ),
    "Heater": (Heater("heat", "600 K"), {"in": air()}),
    "Heater-aqueous-no-thermo": (
        Heater("heat", "60 degC"),
        {"in": Stream(C, {"H2O": "55 mol/s", "Nd+3": "0.1 mol/s", "Cl-": "0.3 mol/s"})},
    ),
}
