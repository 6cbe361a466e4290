"""Reduction to metal: molten-salt oxide electrolysis and calciothermic reduction.

Thin classes over :mod:`yieldkit.models.electrolysis`. Graphite (``C``) and calcium metal
(``Ca``) are not in the species database; :data:`CARBON` and :data:`CALCIUM` are made here
(elements in their reference state, Wagman 1982) — put them in the flowsheet Components.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from yieldkit.chemistry.species import Species
from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.models.electrolysis import (
    RARE_EARTHS,
    calciothermic_reduction,
    oxide_electrolysis,
)
from yieldkit.unitops.base import Outcome, UnitOperation
from yieldkit.unitops.params import fraction, mapping, positive, positive_number
from yieldkit.units import to_si

#: Graphite anode carbon (reference state of C; ΔfH = 0, Wagman 1982).
CARBON = Species.create(
    "C", phase="s", source="Wagman1982", description="graphite (consumable anode carbon)"
)
#: Calcium metal reductant (reference state of Ca; ΔfH = 0, Wagman 1982).
CALCIUM = Species.create("Ca", phase="s", source="Wagman1982", description="calcium metal")


def _need(components, names, where: str) -> None:
    absent = [n for n in names if n not in components]
    if absent:
        hint = ""
        if "C" in absent or "Ca" in absent:
            hint = " (yieldkit.unitops.reduction.CARBON and CALCIUM are Species to add)"
        raise SpecificationError(
            f"{where}: species {absent} are needed but not in the flowsheet components{hint}."
        )


def _elements_with(components, template: str) -> list[str]:
    """Rare earths RE whose species ``template.format(RE)`` is a component."""
    return [re for re in RARE_EARTHS if template.format(re) in components]


class OxideElectrolysis(UnitOperation):
    """Molten-salt electrolysis of RE2O3 to RE metal with consumable carbon anodes.

    Every RE2O3 in the ``oxide`` inlet is reduced by ``conversion``
    (:func:`yieldkit.models.electrolysis.oxide_electrolysis`, per element, same cell
    parameters): ``RE2O3 + 3/(2 − φ) C -> 2 RE + CO/CO2``. Outlets: ``metal`` (RE metal),
    ``anode_gas`` (CO, CO2 and any gas in the inlets), ``unreacted`` (oxide not reduced,
    carbon not consumed and every other species of the inlets, e.g. impurities left in
    the bath). ``Outcome.power`` = charge rate × cell voltage [W]. PFC emissions and the
    fluoride bath are not modelled. Current efficiency, cell voltage and the CO fraction
    have no citable default (see the model), so they are required.

    Parameters
    ----------
    name : str
        Unit name.
    current_efficiency : float
        Cathodic current efficiency [-], in (0, 1].
    cell_voltage : quantity
        Cell voltage, e.g. ``"10 V"`` [V].
    co_fraction : float
        CO mole fraction of the CO + CO2 anode gas [-], in [0, 1].
    conversion : float
        Fraction of the oxide fed that is reduced [-], in [0, 1].
    """

    sources = ("CODATA2018",)

    def __init__(self, name: str, current_efficiency, cell_voltage, co_fraction, conversion=1.0):
        super().__init__(name)
        where = f"OxideElectrolysis {name!r}"
        self.inlet_ports = ("oxide", "carbon")
        self.outlet_ports = ("metal", "anode_gas", "unreacted")
        self.current_efficiency = positive_number(current_efficiency, f"{where} current_efficiency")
        if self.current_efficiency > 1:
            raise SpecificationError(
                f"{where} current_efficiency = {self.current_efficiency!r} is outside the "
                "accepted range (0, 1]."
            )
        self.cell_voltage = positive(cell_voltage, "V", f"{where} cell_voltage")
        self.co_fraction = fraction(co_fraction, f"{where} co_fraction")
        self.conversion = fraction(conversion, f"{where} conversion")

    def _run(self, inlets):
        ox, carbon = inlets["oxide"], inlets["carbon"]
        c = ox.components
        where = f"OxideElectrolysis {self.name!r}"
        n = ox.moles + carbon.moles
        fed = [re for re in _elements_with(c, "{}2O3") if n[c.index(f"{re}2O3")] > 0]
        gas_species = [g for g in ("CO(g)", "CO2(g)") if g != "CO(g)" or self.co_fraction > 0]
        if fed:
            _need(c, ["C", *fed, *gas_species], where)
        metal, gas, rest = np.zeros(len(c)), np.where(c.phase_mask("g"), n, 0.0), n.copy()
        rest = np.where(c.phase_mask("g"), 0.0, rest)
        power, per_element = 0.0, {}
        for re in fed:
            r = oxide_electrolysis(
                n[c.index(f"{re}2O3")],
                re,
                current_efficiency=self.current_efficiency,
                cell_voltage=self.cell_voltage,
                co_fraction=self.co_fraction,
                conversion=self.conversion,
            )
            rest[c.index(f"{re}2O3")] = r.oxide_unreduced
            metal[c.index(re)] += r.metal
            rest[c.index("C")] -= r.carbon_consumed
            if r.co:
                gas[c.index("CO(g)")] += r.co
            gas[c.index("CO2(g)")] += r.co2
            power += r.energy  # charge rate [C/s] x voltage = [W]
            per_element[re] = {"metal_kg_s": r.metal_mass, "specific_energy": r.specific_energy}
        if fed and rest[c.index("C")] < -1e-12 * max(n[c.index("C")], 1e-300):
            consumed = n[c.index("C")] - rest[c.index("C")]
            raise SpecificationError(
                f"{where}: the anodes consume {consumed:.6g} mol/s C but the inlets bring "
                f"{n[c.index('C')]:.6g} mol/s; raise the carbon feed."
            )
        if fed:
            rest[c.index("C")] = max(rest[c.index("C")], 0.0)
        out = {
            "metal": ox.with_moles(metal),
            "anode_gas": ox.with_moles(gas),
            "unreacted": ox.with_moles(rest),
        }
        return Outcome(out, power=power, info={"elements": per_element})


class CalciothermicReduction(UnitOperation):
    """Calciothermic reduction of fluorides: ``2 REF3 + 3 Ca -> 2 RE + 3 CaF2``.

    Every REF3 in the ``fluoride`` inlet reacts by ``yield_fraction``
    (:func:`yieldkit.models.electrolysis.calciothermic_reduction`); Ca comes through the
    ``calcium`` inlet (too little is an error giving the flow needed). Outlets: ``metal``
    (RE metal and the unreacted Ca, which dissolves in the metal) and ``slag`` (CaF2,
    unreacted REF3 and every other species).

    ``Outcome.duty`` [W] is the reaction enthalpy at 298.15 K for the amount reacted
    (negative: heat released; the basis is in ``info["duty_basis"]``): formation enthalpies
    of NdF3 (default) or ``dhf_fluoride`` and of CaF2 (NASA/JANAF); sensible heats to the
    reaction temperature are not included.

    Parameters
    ----------
    name : str
        Unit name.
    yield_fraction : float
        Fraction of each REF3 reduced [-], in [0, 1].
    dhf_fluoride : mapping of str to quantity, optional
        ΔfH°298 of REF3 by element, e.g. ``{"Dy": "-1692 kJ/mol"}`` [J/mol]; required for
        every rare earth other than Nd that is fed (a default exists for NdF3 only).
    """

    def __init__(self, name: str, yield_fraction=1.0, dhf_fluoride: Mapping | None = None):
        super().__init__(name)
        where = f"CalciothermicReduction {name!r}"
        self.inlet_ports = ("fluoride", "calcium")
        self.outlet_ports = ("metal", "slag")
        self.yield_fraction = fraction(yield_fraction, f"{where} yield_fraction")
        self.dhf_fluoride = {}
        given = {} if dhf_fluoride is None else dhf_fluoride
        mapping(given, f"{where} dhf_fluoride", "{'Dy': '-1700 kJ/mol'}")
        for el, v in given.items():
            if el not in RARE_EARTHS:
                raise SpecificationError(
                    unknown_name("rare-earth element", el, RARE_EARTHS, f"{where} dhf_fluoride")
                )
            h = to_si(v, "J/mol", f"{where} dhf_fluoride[{el!r}]")
            if not (np.isfinite(h) and h < 0):
                raise SpecificationError(
                    f"{where} dhf_fluoride[{el!r}] = {v!r} must be finite and < 0 J/mol."
                )
            self.dhf_fluoride[el] = h

    def _run(self, inlets):
        fl, ca = inlets["fluoride"], inlets["calcium"]
        c = fl.components
        where = f"CalciothermicReduction {self.name!r}"
        n = fl.moles + ca.moles
        fed = [re for re in _elements_with(c, "{}F3") if n[c.index(f"{re}F3")] > 0]
        if fed:
            _need(c, ["Ca", "CaF2", *fed], where)
        metal = np.zeros(len(c))
        slag = n.copy()
        heat, extents = 0.0, {}
        for re in fed:
            r = calciothermic_reduction(
                n[c.index(f"{re}F3")],
                re,
                yield_fraction=self.yield_fraction,
                dhf_fluoride=self.dhf_fluoride.get(re),
            )
            slag[c.index(f"{re}F3")] = r.fluoride_unreacted
            metal[c.index(re)] += r.metal
            slag[c.index("Ca")] -= 1.5 * r.fluoride_reacted
            slag[c.index("CaF2")] += r.caf2
            heat += r.reaction_enthalpy
            extents[re] = r.fluoride_reacted
        if fed:
            i = c.index("Ca")
            if slag[i] < -1e-12 * n[i]:
                raise SpecificationError(
                    f"{where}: the reduction needs {n[i] - slag[i]:.6g} mol/s Ca but the inlets "
                    f"bring {n[i]:.6g} mol/s; raise the calcium feed."
                )
            metal[i], slag[i] = max(slag[i], 0.0), 0.0
        info = {
            "fluoride_reacted": extents,
            "reaction_enthalpy": heat,
            "duty_basis": "reaction enthalpy at 298.15 K, no sensible heat",
        }
        out = {"metal": fl.with_moles(metal), "slag": fl.with_moles(slag)}
        return Outcome(out, duty=heat, info=info)
