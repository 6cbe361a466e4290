"""Conservation cases for the magnet pre-processing units (collected by test_conservation.py)."""

from yieldkit.chemistry.components import Components
from yieldkit.stream import Stream
from yieldkit.unitops.physical import (
    HydrogenDecrepitation,
    MagneticSeparator,
    Shredder,
    hydride_species,
)

MATRIX_H, ND_H = hydride_species()
C = Components(["Nd2Fe14B", "Nd", "Fe", "Fe2O3", "Al", "H2(g)", "Ar(g)", MATRIX_H, ND_H])


def scrap():
    return Stream(
        C,
        {"Nd2Fe14B": "95 kg/h", "Nd": "1 kg/h", "Fe": "3 kg/h", "Fe2O3": "1 kg/h", "Al": "5 kg/h"},
    )


def hydrogen(mol_s=0.1):
    return Stream(C, {"H2(g)": f"{mol_s} mol/s", "Ar(g)": "0.01 mol/s"})


CASES = {
    "Shredder": (Shredder("shred", "14 kWh/t", "20 mm", "2 mm"), {"in": scrap()}),
    "MagneticSeparator": (
        MagneticSeparator(
            "mag",
            {"Nd2Fe14B": "ferromagnetic", "Fe": "ferromagnetic", "Fe2O3": "paramagnetic"},
            {"ferromagnetic": 0.97, "paramagnetic": 0.3, "diamagnetic": 0.02},
            default_class="diamagnetic",
        ),
        {"in": scrap()},
    ),
    "HydrogenDecrepitation": (
        HydrogenDecrepitation("hd", heat_loss_rate="2 kW"),
        {"magnets": scrap(), "h2": hydrogen()},
    ),
    "HydrogenDecrepitation-no-magnet-phase": (
        HydrogenDecrepitation("hd"),
        {"magnets": Stream(C, {"Al": "1 kg/h"}), "h2": hydrogen()},
    ),
}
