"""Reference coal-refuse leach case (DOMAIN.md section 2): 1 and 2 CSTRs of 100 US gal.

Liquid 224.3 L/h with H+ 100 mg/L and SO4-2 4800 mg/L (as element totals, speciated with
HSO4- = H+ + SO4-2, Ka2 = 10^-1.99); solids 22.68 kg/h of West Kentucky No. 13 coal refuse
(composition of DOMAIN.md section 1); liquid 1 kg/L, solid 2.4 kg/L; PrOMMiS H2SO4
kinetics. Prints the recovery of every oxide for one and two tanks, solved with the model
function (``run``) and with the ``Leach`` unit on Streams (``run_unit``); the two agree.
"""

import numpy as np
from molmass import Formula

from yieldkit.models.leach_kinetics import load_kinetics
from yieldkit.models.leaching import leach_cstr_train
from yieldkit.models.speciation import SULFATE, strong_charge_from_proton_total

US_GAL = 3.785411784e-3  # [m3]
FEED_KG_H = 22.68
MASS_FRACTIONS = {
    "Al2O3": 0.237, "Fe2O3": 0.0642, "CaO": 0.00331, "Sc2O3": 2.77966e-5,
    "Y2O3": 3.28653e-5, "La2O3": 6.77769e-5, "Ce2O3": 1.56161e-4, "Pr2O3": 1.71438e-5,
    "Nd2O3": 6.76618e-5, "Sm2O3": 1.47926e-5, "Gd2O3": 1.0405e-5, "Dy2O3": 7.54827e-6,
}  # fmt: skip
INERTS = 0.6952


def run(n_tanks: int, acid_factor: float = 1.0):
    """Solve the train with ``n_tanks`` tanks of 100 US gal; acid_factor scales the acid."""
    names = list(MASS_FRACTIONS)
    mw = np.array([Formula(n).mass for n in names]) * 1e-3  # [kg/mol]
    solid = FEED_KG_H / 3600.0  # [kg/s]
    feed = np.array([MASS_FRACTIONS[n] for n in names]) * solid / mw  # [mol/s]
    sulfate = acid_factor * 4800e-3 / Formula("SO4").mass  # [mol/L]
    proton_total = acid_factor * 100e-3 / Formula("H").mass  # [mol/L]
    q = strong_charge_from_proton_total(proton_total, [sulfate], [SULFATE])
    return names, leach_cstr_train(
        feed, mw, INERTS * solid, 224.3e-3 / 3600.0, [sulfate], float(q),
        load_kinetics("coal_refuse_h2so4", names), volumes=[100 * US_GAL] * n_tanks,
        solid_density=2400.0, systems=[SULFATE],
    )  # fmt: skip


def run_unit(n_tanks: int):
    """The same case with the kinetic Leach unit; returns its Outcome."""
    from yieldkit.chemistry.components import Components
    from yieldkit.stream import Stream
    from yieldkit.unitops.leach import Leach

    cation = {
        n: ("Ca+2" if n == "CaO" else n[: 2 if n[1].islower() else 1] + "+3")
        for n in MASS_FRACTIONS
    }
    c = Components(["H2O", "H+", "OH-", "HSO4-", "SO4-2", "SiO2", *MASS_FRACTIONS,
                    *sorted(set(cation.values()))])  # fmt: skip
    reactions = [
        "CaO + 2 H+ -> Ca+2 + H2O" if n == "CaO" else f"{n} + 6 H+ -> 2 {cation[n]} + 3 H2O"
        for n in MASS_FRACTIONS
    ]
    solids = Stream(c, {n: f"{w * FEED_KG_H} kg/h" for n, w in MASS_FRACTIONS.items()}
                    | {"SiO2": f"{INERTS * FEED_KG_H} kg/h"})  # fmt: skip
    liquor = Stream.from_concentrations(c, "224.3 L/h", {"H+": "100 mg/L", "SO4-2": "4800 mg/L"})
    unit = Leach("leach", reactions, mode="kinetic", T="25 degC", kinetics="coal_refuse_h2so4",
                 inert=("SiO2",), tanks=n_tanks, volume="100 gal")  # fmt: skip
    return unit.run({"solids": solids, "acid": liquor})


if __name__ == "__main__":
    names, one = run(1)
    _, two = run(2)
    print(f"{'oxide':8s} {'1 tank %':>9s} {'2 tanks %':>10s}")
    for i, name in enumerate(names):
        print(f"{name:8s} {100 * one.recovery[i]:9.2f} {100 * two.recovery[i]:10.2f}")
    print(f"outlet pH: 1 tank {one.liquor.pH[-1]:.3f}, 2 tanks {two.liquor.pH[-1]:.3f}")
    u1, u2 = run_unit(1), run_unit(2)
    print("\nLeach unit on Streams:")
    for name in names:
        x1, x2 = u1.info["conversion"][name], u2.info["conversion"][name]
        print(f"{name:8s} {100 * x1:9.2f} {100 * x2:10.2f}")
    print(f"outlet pH: 1 tank {u1.info['pH_out']:.3f}, 2 tanks {u2.info['pH_out']:.3f}")
