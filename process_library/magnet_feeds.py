"""Magnet feeds built from published element analyses.

The HDD magnet analysis (Belfqueh et al. 2023) gives element mass fractions; yieldkit
assigns them to phases: the RE2Fe14B matrix (RE = Nd, Pr, Dy in their analysed ratio),
limited here by iron; the rest of the rare earths as the RE-rich grain-boundary phase
(modelled as the metals); the rest of the boron as B; Co and Ni (coating) as metals. The
7.1 wt% the analysis does not report (oxygen, carbon, other coating metals) is not
represented: flows are the analysed 92.9 kg per 100 kg of magnet.
"""

from __future__ import annotations

from molmass import ELEMENTS

from yieldkit.errors import SpecificationError

HDD_MAGNET_WT = {"Nd": 22.8, "Pr": 3.3, "Dy": 1.2, "Fe": 62.6, "B": 0.9, "Co": 1.5, "Ni": 0.6}
HDD_MAGNET_SOURCE = "Belfqueh2023"
RE_IN_MATRIX = ("Nd", "Pr", "Dy")


def magnet_phases(wt_percent: dict[str, float] = HDD_MAGNET_WT) -> dict[str, float]:
    """Moles of each phase per kg of magnet [mol/kg] from element mass percentages.

    Parameters
    ----------
    wt_percent : dict
        Element mass percentages [%] (Nd, Pr, Dy, Fe, B, Co, Ni).

    Returns
    -------
    dict
        ``{"Nd2Fe14B": ..., "Pr2Fe14B": ..., "Dy2Fe14B": ..., "Nd": ..., "B": ..., "Co": ...,
        "Ni": ..., "Fe": ...}`` [mol/kg magnet].
    """
    allowed = set(HDD_MAGNET_WT)
    unknown = set(wt_percent) - allowed
    if unknown:
        raise SpecificationError(
            f"magnet analysis: elements {sorted(unknown)} not handled; accepted {sorted(allowed)}."
        )
    total = sum(wt_percent.values())
    if any(v < 0 for v in wt_percent.values()) or total > 100.0 + 1e-9:
        raise SpecificationError(
            f"magnet analysis must be >= 0 wt% each and sum to <= 100, got {wt_percent}."
        )
    mol = {e: 10.0 * wt_percent.get(e, 0.0) / ELEMENTS[e].mass for e in allowed}  # mol per kg
    re_total = sum(mol[e] for e in RE_IN_MATRIX)
    matrix = min(re_total / 2.0, mol["Fe"] / 14.0, mol["B"])  # mol RE2Fe14B per kg
    phases = {}
    for e in RE_IN_MATRIX:
        share = mol[e] / re_total if re_total else 0.0
        phases[f"{e}2Fe14B"] = matrix * share
    phases["Nd"] = mol["Nd"] - 2 * phases["Nd2Fe14B"]
    # the rare earths beyond the matrix form the grain-boundary phase, modelled as metals
    for e in ("Pr", "Dy"):
        excess = mol[e] - 2 * phases[f"{e}2Fe14B"]
        if excess > 1e-12:
            phases[f"{e}"] = excess
    phases["Fe"] = mol["Fe"] - 14 * matrix
    phases["B"] = mol["B"] - matrix
    phases["Co"] = mol["Co"]
    phases["Ni"] = mol["Ni"]
    return {k: v for k, v in phases.items() if v > 1e-15}
