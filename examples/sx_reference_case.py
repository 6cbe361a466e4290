"""Reference SX case (DOMAIN.md section 3): 3 counter-current stages, 5 vol % D2EHPA.

Inputs: UKy pilot / PrOMMiS reference case (Keim & Naumann, OSTI 1569277, via PrOMMiS):
both phases 62.01 L/h, 305.15 K, aqueous feed in mg/L, D from the UKy correlation.
Inside yieldkit everything is SI: concentrations mol/m3 (= mmol/L), flows m3/s. Only H+
counts as acid here (HSO4- is not dissociated by this model).

Run: python examples/sx_reference_case.py
"""

from __future__ import annotations

import re

import numpy as np
from molmass import Formula

from yieldkit.models.sx import solve_cascade
from yieldkit.models.sx.parameters import uky_d2ehpa

METALS = [
    "Sc+3",
    "Y+3",
    "La+3",
    "Ce+3",
    "Pr+3",
    "Nd+3",
    "Sm+3",
    "Gd+3",
    "Dy+3",
    "Al+3",
    "Ca+2",
    "Fe+3",
]
AQ_FEED_MG_L = {
    "H+": 10.75,
    "Al+3": 422.375,
    "Ca+2": 109.542,
    "Fe+3": 688.266,
    "Sc+3": 0.032,
    "Y+3": 0.124,
    "La+3": 0.986,
    "Ce+3": 2.277,
    "Pr+3": 0.303,
    "Nd+3": 0.946,
    "Sm+3": 0.097,
    "Gd+3": 0.2584,
    "Dy+3": 0.047,
}
ORG_FEED_MG_L = {"Sc+3": 1.734}  # other metals ~1e-5 mg/L
D2EHPA_G_L = 48.79  # 5 vol %
FLOW_L_H = 62.01


def molar_mass(species: str) -> float:
    """Molar mass of the element of an ion [g/mol]."""
    return Formula(re.sub(r"[+-]\d*$", "", species)).mass


def reference_case() -> dict:
    """Solve the reference case; return the model, feeds and the cascade solution."""
    model = uky_d2ehpa(dosage=5.0, metals=METALS)
    aq = np.array(
        [AQ_FEED_MG_L[m] / molar_mass(m) for m in METALS] + [AQ_FEED_MG_L["H+"] / molar_mass("H")]
    )  # mg/L = g/m3 -> mol/m3
    org = np.array(
        [ORG_FEED_MG_L.get(m, 1e-5) / molar_mass(m) for m in METALS]
        + [D2EHPA_G_L / Formula("C16H35O4P").mass * 1e3]
    )  # g/L -> mol/m3
    q = FLOW_L_H * 1e-3 / 3600.0  # m3/s
    sol = solve_cascade(aq, org, q, q, model, n_stages=3)
    return {"model": model, "aq_feed": aq, "org_feed": org, "flow": q, "solution": sol}


def main() -> None:
    case = reference_case()
    sol = case["solution"]
    print("Reference SX case: 3 stages, 5 vol % D2EHPA, O/A = 1, 62.01 L/h each phase")
    print(
        f"{'metal':>6} {'feed mg/L':>11} {'raffinate mg/L':>15} {'loaded org mg/L':>16}"
        f" {'extracted %':>11}"
    )
    for i, m in enumerate(sol.metals):
        mm = molar_mass(m)
        feed = case["aq_feed"][i] * mm
        raff = sol.x[-1, i] * mm
        load = sol.y[0, i] * mm
        total = case["aq_feed"][i] + case["org_feed"][i]
        print(f"{m:>6} {feed:11.4g} {raff:15.4g} {load:16.4g} {100 * sol.y[0, i] / total:11.3f}")
    print("pH per stage:", np.round(sol.ph, 3), f"(feed {3 - np.log10(case['aq_feed'][-1]):.3f})")
    print(
        f"Newton iterations {sol.iterations}, residual {sol.residual:.2e}, "
        f"balance error {sol.balance_error:.2e}"
    )


if __name__ == "__main__":
    main()
