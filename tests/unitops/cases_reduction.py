"""Conservation cases for the reduction-to-metal units (collected by test_conservation.py)."""

from yieldkit.chemistry.components import Components
from yieldkit.stream import Stream
from yieldkit.unitops.reduction import CALCIUM, CARBON, CalciothermicReduction, OxideElectrolysis

C = Components(
    ["Nd2O3", "Pr2O3", "Fe2O3", "Nd", "Pr", "NdF3", "DyF3", "Dy", "CaF2", "CO(g)", "CO2(g)",
     "Ar(g)", CARBON, CALCIUM]
)  # fmt: skip

CASES = {
    "OxideElectrolysis": (
        OxideElectrolysis("cell", 0.8, "9 V", 0.3, conversion=0.97),
        {
            "oxide": Stream(C, {"Nd2O3": "1 mol/s", "Pr2O3": "0.3 mol/s", "Fe2O3": "0.01 mol/s"}),
            "carbon": Stream(C, {"C": "4 mol/s"}),
        },
    ),
    "OxideElectrolysis-all-CO2": (
        OxideElectrolysis("cell", 0.9, "6 V", 0.0),
        {"oxide": Stream(C, {"Nd2O3": "1 mol/s"}), "carbon": Stream(C, {"C": "1.5 mol/s"})},
    ),
    "CalciothermicReduction": (
        # DyF3 enthalpy: an illustrative input, not data (no sourced value in DOMAIN.md)
        CalciothermicReduction("ctr", 0.98, dhf_fluoride={"Dy": "-1700 kJ/mol"}),
        {
            "fluoride": Stream(C, {"NdF3": "2 mol/s", "DyF3": "0.2 mol/s"}),
            "calcium": Stream(C, {"Ca": "3.6 mol/s", "Ar(g)": "0.01 mol/s"}),
        },
    ),
}
