"""Reduction of rare-earth compounds to metal: oxide electrolysis and calciothermic reduction.

Molten-salt (fluoride) electrolysis of RE2O3 with consumable carbon anodes::

    cathode  RE(3+) + 3 e- -> RE
    anode    O(2-) + C -> CO + 2 e-   and   2 O(2-) + C -> CO2 + 4 e-

Calciothermic reduction of fluorides: ``2 REF3 + 3 Ca -> 2 RE + 3 CaF2``.

No industrial defaults are shipped for current efficiency, cell voltage or the CO/CO2 split
of the anode gas: no citable figures were found, so these are required arguments.
SI units: mol, kg, C, V, J.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from molmass import Formula

from yieldkit import citations
from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.models.hydrogen_decrepitation import default

#: Rare-earth elements accepted (symbol); each forms RE2O3 and REF3 with valence 3.
RARE_EARTHS: tuple[str, ...] = (
    "Sc", "Y", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd",
    "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
)  # fmt: skip

VALENCE = 3


def faraday_constant() -> float:
    """Faraday constant [C/mol] (CODATA 2018)."""
    return default("constants", "faraday")


def _element(element: str) -> str:
    if element not in RARE_EARTHS:
        raise SpecificationError(unknown_name("rare-earth element", element, RARE_EARTHS))
    return element


def molar_mass(formula: str) -> float:
    """Molar mass of a formula [kg/mol] (IUPAC standard atomic weights via molmass).

    Parameters
    ----------
    formula : str
        Chemical formula, e.g. ``"Nd2O3"``.

    Returns
    -------
    float
        Molar mass [kg/mol].
    """
    return Formula(formula).mass * 1e-3


def _fraction(name: str, value: float, *, open_low: bool = False) -> float:
    v = float(value)
    low_ok = v > 0.0 if open_low else v >= 0.0
    if not (np.isfinite(v) and low_ok and v <= 1.0):
        rng = "(0, 1]" if open_low else "[0, 1]"
        raise SpecificationError(f"{name} must be a fraction in {rng}; got {value!r}.")
    return v


def _positive(name: str, value: float) -> float:
    v = float(value)
    if not (np.isfinite(v) and v > 0.0):
        raise SpecificationError(f"{name} must be finite and > 0; got {value!r}.")
    return v


def faraday_charge(mass_metal: float, element: str, current_efficiency: float = 1.0) -> float:
    """Charge to deposit a mass of rare-earth metal: ``Q = 3 F m / (M CE)``.

    Parameters
    ----------
    mass_metal : float
        Metal deposited [kg]; must be >= 0.
    element : str
        Rare-earth symbol, e.g. ``"Nd"``.
    current_efficiency : float
        Cathodic current efficiency [-], in (0, 1].

    Returns
    -------
    float
        Charge passed [C].
    """
    m = float(mass_metal)
    if not (np.isfinite(m) and m >= 0.0):
        raise SpecificationError(f"mass_metal [kg] must be finite and >= 0; got {mass_metal!r}.")
    ce = _fraction("current_efficiency", current_efficiency, open_low=True)
    el = _element(element)
    citations.register("CODATA2018")
    return VALENCE * faraday_constant() * m / (molar_mass(el) * ce)


def electrolysis_specific_energy(
    element: str, cell_voltage: float, current_efficiency: float
) -> float:
    """Electrical energy per kg of metal: ``3 F U / (M CE)``.

    Parameters
    ----------
    element : str
        Rare-earth symbol.
    cell_voltage : float
        Cell voltage [V]; must be > 0.
    current_efficiency : float
        Cathodic current efficiency [-], in (0, 1].

    Returns
    -------
    float
        Specific energy [J/kg metal].
    """
    u = _positive("cell_voltage [V]", cell_voltage)
    return faraday_charge(1.0, element, current_efficiency) * u


class OxideElectrolysis(NamedTuple):
    """Result of :func:`oxide_electrolysis`, per mol of RE2O3 fed (extensive: mol, C, J)."""

    oxide_reduced: float
    """RE2O3 reduced [mol]."""
    oxide_unreduced: float
    """RE2O3 left in the bath [mol]."""
    metal: float
    """RE metal produced [mol]."""
    carbon_consumed: float
    """Anode carbon consumed [mol]."""
    co2: float
    """CO2 in the anode gas [mol]."""
    co: float
    """CO in the anode gas [mol]."""
    charge: float
    """Charge passed [C]."""
    energy: float
    """Electrical energy [J]."""
    specific_energy: float
    """Electrical energy per kg metal [J/kg]."""
    metal_mass: float
    """Metal produced [kg]."""


def oxide_electrolysis(
    oxide_fed: float,
    element: str,
    *,
    current_efficiency: float,
    cell_voltage: float,
    co_fraction: float,
    conversion: float = 1.0,
) -> OxideElectrolysis:
    """Stoichiometry and energy of RE2O3 electrolysis with carbon anodes.

    ``RE2O3 + (3 / (2 - phi)) C -> 2 RE + (3 phi / (2 - phi)) CO + (3 (1 - phi) / (2 - phi)) CO2``
    where ``phi`` is the CO mole fraction of the CO + CO2 anode gas. The current lost to
    inefficiency (metal re-oxidation, side reactions) changes no amounts here; it only
    raises the charge and energy. PFC (CF4, C2F6) emissions are not modelled.

    Parameters
    ----------
    oxide_fed : float
        RE2O3 fed [mol] (or [mol/s]; results then are rates); must be >= 0.
    element : str
        Rare-earth symbol, e.g. ``"Nd"``.
    current_efficiency : float
        Cathodic current efficiency [-], in (0, 1]; required (no citable default found).
    cell_voltage : float
        Cell voltage [V], > 0; required (no citable default found).
    co_fraction : float
        Mole fraction of CO in the CO + CO2 anode gas [-], in [0, 1]; required.
    conversion : float
        Fraction of the fed oxide reduced [-], in [0, 1].

    Returns
    -------
    OxideElectrolysis
        Amounts [mol], charge [C], energy [J], specific energy [J/kg], metal mass [kg].
    """
    n = float(oxide_fed)
    if not (np.isfinite(n) and n >= 0.0):
        raise SpecificationError(f"oxide_fed [mol] must be finite and >= 0; got {oxide_fed!r}.")
    el = _element(element)
    ce = _fraction("current_efficiency", current_efficiency, open_low=True)
    u = _positive("cell_voltage [V]", cell_voltage)
    phi = _fraction("co_fraction", co_fraction)
    x = _fraction("conversion", conversion)
    citations.register("CODATA2018")
    reduced = x * n
    metal = 2.0 * reduced
    oxygen = 3.0 * reduced
    carbon = oxygen / (2.0 - phi)
    co = phi * carbon
    co2 = carbon - co
    charge = VALENCE * faraday_constant() * metal / ce
    energy = charge * u
    metal_mass = metal * molar_mass(el)
    spec = energy / metal_mass if metal_mass > 0.0 else electrolysis_specific_energy(el, u, ce)
    return OxideElectrolysis(
        oxide_reduced=reduced,
        oxide_unreduced=n - reduced,
        metal=metal,
        carbon_consumed=carbon,
        co2=co2,
        co=co,
        charge=charge,
        energy=energy,
        specific_energy=spec,
        metal_mass=metal_mass,
    )


class CalciothermicReduction(NamedTuple):
    """Result of :func:`calciothermic_reduction` (extensive: mol, J)."""

    fluoride_reacted: float
    """REF3 reduced [mol]."""
    fluoride_unreacted: float
    """REF3 left [mol]."""
    calcium_fed: float
    """Ca fed, stoichiometric times (1 + excess) [mol]."""
    calcium_unreacted: float
    """Ca left [mol]."""
    metal: float
    """RE metal produced [mol]."""
    caf2: float
    """CaF2 slag formed [mol]."""
    reaction_enthalpy: float
    """Enthalpy of reaction at 298.15 K for the amount reacted [J]; negative = released."""


def calciothermic_reduction(
    fluoride_fed: float,
    element: str = "Nd",
    *,
    calcium_excess: float = 0.0,
    yield_fraction: float = 1.0,
    dhf_fluoride: float | None = None,
) -> CalciothermicReduction:
    """Stoichiometry and heat of ``2 REF3 + 3 Ca -> 2 RE + 3 CaF2``.

    Parameters
    ----------
    fluoride_fed : float
        REF3 fed [mol] (or [mol/s]); must be >= 0.
    element : str
        Rare-earth symbol; default ``"Nd"``.
    calcium_excess : float
        Ca fed above stoichiometry, as a fraction of the stoichiometric 1.5 mol Ca per mol
        REF3 [-]; must be >= 0.
    yield_fraction : float
        Fraction of the REF3 reduced [-], in [0, 1].
    dhf_fluoride : float, optional
        Standard enthalpy of formation of REF3(s) at 298.15 K [J/mol]. Default only for Nd
        (-1669 kJ/mol, mass-spectrometric, +-42 kJ/mol); required for other elements.

    Returns
    -------
    CalciothermicReduction
        Amounts [mol] and reaction enthalpy [J].

    References
    ----------
    .. [1] McBride, B. J.; Gordon, S.; Reno, M. A. (1993). NASA TM-4513 (CaF2(a), from
       JANAF), as shipped with Cantera.
    """
    n = float(fluoride_fed)
    if not (np.isfinite(n) and n >= 0.0):
        raise SpecificationError(
            f"fluoride_fed [mol] must be finite and >= 0; got {fluoride_fed!r}."
        )
    el = _element(element)
    ex = float(calcium_excess)
    if not (np.isfinite(ex) and ex >= 0.0):
        raise SpecificationError(f"calcium_excess must be finite and >= 0; got {calcium_excess!r}.")
    y = _fraction("yield_fraction", yield_fraction)
    if dhf_fluoride is None:
        if el != "Nd":
            raise SpecificationError(
                f"no default enthalpy of formation for {el}F3; pass dhf_fluoride [J/mol] "
                "(a default exists only for NdF3)."
            )
        dhf = default("calciothermic_reduction", "dHf_NdF3")
    else:
        dhf = float(dhf_fluoride)
        if not (np.isfinite(dhf) and dhf < 0.0):
            raise SpecificationError(
                f"dhf_fluoride [J/mol] must be finite and < 0; got {dhf_fluoride!r}."
            )
    dhf_caf2 = default("calciothermic_reduction", "dHf_CaF2")
    reacted = y * n
    ca_fed = 1.5 * n * (1.0 + ex)
    ca_used = 1.5 * reacted
    dh_per_mol_fluoride = 1.5 * dhf_caf2 - dhf
    return CalciothermicReduction(
        fluoride_reacted=reacted,
        fluoride_unreacted=n - reacted,
        calcium_fed=ca_fed,
        calcium_unreacted=ca_fed - ca_used,
        metal=reacted,
        caf2=ca_used,
        reaction_enthalpy=reacted * dh_per_mol_fluoride,
    )
