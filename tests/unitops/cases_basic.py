"""Conservation cases for the basic units (collected by test_conservation.py)."""

from yieldkit.chemistry.components import Components
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator, Splitter, StoichiometricReactor

C = Components(
    [
        "H2O",
        "H+",
        "Cl-",
        "Nd+3",
        "Fe+3",
        "Nd2O3",
        "Fe2O3",
        "H2C2O4",
        "Nd2(C2O4)3.10H2O",
        "O2(g)",
        "CO2(g)",
        "H2O(g)",
        "N2(g)",
    ]
)


def liquor(scale=1.0):
    return Stream(
        C,
        {
            "H2O": f"{55 * scale} mol/s",
            "H+": f"{0.5 * scale} mol/s",
            "Cl-": f"{0.8 * scale} mol/s",
            "Nd+3": f"{0.1 * scale} mol/s",
        },
    )


def slurry():
    return Stream(
        C,
        {
            "H2O": "55 mol/s",
            "H+": "3 mol/s",
            "Cl-": "3 mol/s",
            "Nd2O3": "0.4 mol/s",
            "Fe2O3": "2 mol/s",
        },
        T="80 degC",
    )


CASES = {
    "Feed": (Feed("f", liquor()), {}),
    "Product": (Product("p"), {"in": liquor()}),
    "Mixer": (Mixer("m", inlets=("a", "b", "c")), {"a": liquor(), "b": slurry(), "c": liquor(0.3)}),
    "Splitter": (Splitter("s", {"x": 0.3, "y": 0.6, "z": 0.1}), {"in": slurry()}),
    "Splitter-zero-last": (Splitter("s", {"x": 0.3, "y": 0.7, "z": 0.0}), {"in": slurry()}),
    "Separator": (
        Separator("sep", {"s": 1.0, "aq": 0.1, "Nd+3": 0.05}, outlets=("cake", "liq")),
        {"in": slurry()},
    ),
    "StoichiometricReactor": (
        StoichiometricReactor(
            "leach",
            [
                ("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 0.95),
                ("Fe2O3 + 6 H+ -> 2 Fe+3 + 3 H2O", "Fe2O3", 0.5),
            ],
        ),
        {"in": slurry()},
    ),
    "StoichiometricReactor-heated-two-inlets": (
        StoichiometricReactor(
            "leach",
            [("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 0.95)],
            T="90 degC",
            inlets=("slurry", "acid"),
        ),
        {"slurry": slurry(), "acid": liquor()},
    ),
}
