"""Calcine a mixed Nd/Pr oxalate cake in air at 950 °C: Feed -> Calciner -> Products.

Nd2(C2O4)3·10H2O is well crystallised to hexagonal Nd2O3 after 950 °C / 2 h in air
(Ceram. Int. 40 (2014) 3003). The calciner is solved in Cantera equilibrium mode over the
flowsheet components with thermo data (oxalates, Nd2O2CO3, oxides, gases); the heat duty
is the enthalpy balance with the cake and the air entering at 25 °C. Air: 10 times the
O2 needed to burn the CO (1.5 mol O2 per mol oxalate), an illustrative choice.
"""

import yieldkit as yk
from yieldkit import citations
from yieldkit.chemistry.components import Components
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Product
from yieldkit.unitops.thermal import Calciner

COMPONENTS = Components(
    ["Nd2(C2O4)3.10H2O", "Pr2(C2O4)3.10H2O", "Nd2O2CO3", "Nd2O3", "Pr2O3",
     "O2(g)", "N2(g)", "CO2(g)", "CO(g)", "H2O(g)"]
)  # fmt: skip


def build(T="950 degC", dust_fraction=0.01) -> Flowsheet:
    """The three-unit flowsheet; 10 kg/h of cake (80 % Nd, 20 % Pr oxalate by mass)."""
    cake = Stream(COMPONENTS, {"Nd2(C2O4)3.10H2O": "8 kg/h", "Pr2(C2O4)3.10H2O": "2 kg/h"})
    o2 = 10 * 1.5 * sum(cake.flow(s) for s in ("Nd2(C2O4)3.10H2O", "Pr2(C2O4)3.10H2O"))
    air = Stream(COMPONENTS, {"O2(g)": f"{o2} mol/s", "N2(g)": f"{o2 * 79 / 21} mol/s"})
    citations.register("CeramInt2014")  # 950 C / 2 h in air gives well-crystallised Nd2O3
    fs = Flowsheet("calcine-oxalates", COMPONENTS)
    fs.add(
        Feed("cake", cake),
        Feed("air", air, kind="utility"),
        Calciner("calciner", T, "equilibrium", dust_fraction=dust_fraction),
        Product("oxide"),
        Product("dust", kind="residue"),
        Product("stack", kind="emission"),
    )
    fs.connect("cake", "calciner.solids", "cake")
    fs.connect("air", "calciner.gas", "air")
    fs.connect("calciner.product", "oxide", "oxide")
    fs.connect("calciner.dust", "dust", "dust")
    fs.connect("calciner.offgas", "stack", "offgas")
    return fs


if __name__ == "__main__":
    result = build().solve()
    oxide = result.streams["oxide"]
    duty = result.outcomes["calciner"].duty
    print("calcined product [kg/h]:")
    for name, kg_h in oxide.flows("kg/h").items():
        if kg_h > 0:
            print(f"  {name:18s} {kg_h:10.4f}")
    total = oxide.mass_flow("kg/h")
    print(f"product {total:.4f} kg/h; heat duty {duty / 1e3:.3f} kW "
          f"({duty / 3.6e6 / (total / 3600):.3f} kWh per kg product)")  # fmt: skip
    print(f"largest element imbalance: {result.max_balance_error():.2e}")
    yk.print_citations()
