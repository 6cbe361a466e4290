"""Magnet pre-processing units: shredding/crushing, magnetic separation, H2 decrepitation.

Thin classes over :mod:`yieldkit.models.comminution`, :mod:`~yieldkit.models.magnetic_separation`
and :mod:`~yieldkit.models.hydrogen_decrepitation` (defaults and sources in
``data/physical_processing.toml``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from yieldkit.chemistry.reactions import Reaction
from yieldkit.chemistry.species import Species
from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.models import hydrogen_decrepitation as hd
from yieldkit.models.comminution import bond_power
from yieldkit.models.magnetic_separation import (
    SUSCEPTIBILITY_CLASSES,
    magnetic_split_fractions,
    split_flows,
)
from yieldkit.models.stoichiometric import sequential_extents
from yieldkit.unitops.base import Outcome, UnitOperation
from yieldkit.unitops.params import choice, fraction, mapping, positive

H_MOLAR_MASS = 1.00794e-3  # [kg/mol] IUPAC standard atomic weight of H (as molmass)


class Shredder(UnitOperation):
    """Size reduction with Bond's law; composition and temperature unchanged.

    Power [W] = solids mass flow × 10 Wi (1/√P80 − 1/√F80) (sizes in µm, Wi in kWh/t),
    from :func:`yieldkit.models.comminution.bond_power`, reported in ``Outcome.power``.
    No default work index is shipped (none citable for NdFeB or HDD scrap).

    Parameters
    ----------
    name : str
        Unit name.
    work_index : quantity
        Bond work index, e.g. ``"14 kWh/t"`` [J/kg].
    f80 : quantity
        80 % passing size of the feed, e.g. ``"50 mm"`` [m].
    p80 : quantity
        80 % passing size of the product [m]; smaller than ``f80``.

    References
    ----------
    Bond, F. C. (1961), British Chemical Engineering 6 (``Bond1961``).
    """

    def __init__(self, name: str, work_index, f80, p80):
        super().__init__(name)
        where = f"{type(self).__name__} {name!r}"
        self.inlet_ports = ("in",)
        self.outlet_ports = ("out",)
        self.work_index = positive(work_index, "kWh/t", f"{where} work_index")
        self.f80 = positive(f80, "m", f"{where} f80")
        self.p80 = positive(p80, "m", f"{where} p80")
        if self.p80 >= self.f80:
            raise SpecificationError(
                f"{where}: p80 = {p80!r} must be smaller than f80 = {f80!r} (a size reduction)."
            )

    def _run(self, inlets):
        s = inlets["in"]
        m = s.mass_flow("kg/s", phase="s")
        power = float(bond_power(m, self.work_index, self.f80, self.p80))
        info = {"solids_mass_flow": m, "specific_energy": power / m if m > 0 else 0.0}
        return Outcome({"out": s}, power=power, info=info)


#: A crusher is a Shredder with crusher sizes (same Bond-law model).
Crusher = Shredder


class MagneticSeparator(UnitOperation):
    """Split per species by magnetic-susceptibility class.

    The fraction of a species to the ``magnetic`` outlet is the recovery of its class
    (:func:`yieldkit.models.magnetic_separation.magnetic_split_fractions`); the rest goes to
    ``nonmagnetic``. No default recoveries exist (no citable figure for magnet scrap), so
    they are required; give their source in your route.

    Parameters
    ----------
    name : str
        Unit name.
    classes : mapping of str to str
        Susceptibility class per species: ``ferromagnetic``, ``paramagnetic`` or
        ``diamagnetic``.
    recovery : mapping of str to float
        Recovery to the magnetic product per class [-], in [0, 1].
    default_class : str, optional
        Class of species not named in ``classes``; without it, a species present in the
        feed but not classified is an error naming it.
    """

    def __init__(
        self,
        name: str,
        classes: Mapping[str, str],
        recovery: Mapping[str, float],
        default_class: str | None = None,
    ):
        super().__init__(name)
        where = f"MagneticSeparator {name!r}"
        self.inlet_ports = ("in",)
        self.outlet_ports = ("magnetic", "nonmagnetic")
        mapping(classes, f"{where} classes", "{'Nd2Fe14B': 'ferromagnetic'}")
        mapping(recovery, f"{where} recovery", "{'ferromagnetic': 0.98, 'diamagnetic': 0.02}")
        if not classes and default_class is None:
            raise SpecificationError(f"{where}: give classes per species or a default_class.")
        self.classes = {
            sp: choice(cls, SUSCEPTIBILITY_CLASSES, f"{where} class of {sp!r}")
            for sp, cls in dict(classes).items()
        }
        self.default_class = (
            None
            if default_class is None
            else choice(default_class, SUSCEPTIBILITY_CLASSES, f"{where} default_class")
        )
        self.recovery = {
            k: fraction(v, f"{where} recovery[{k!r}]") for k, v in dict(recovery).items()
        }
        for k in self.recovery:
            choice(k, SUSCEPTIBILITY_CLASSES, f"{where} recovery")
        used = set(self.classes.values()) | {self.default_class} - {None}
        lacking = sorted(used - set(self.recovery))
        if lacking:
            raise SpecificationError(
                f"{where}: no recovery given for class(es) {lacking}; recovery has "
                f"{sorted(self.recovery)}."
            )

    def _run(self, inlets):
        s = inlets["in"]
        names = s.components.names
        for sp in self.classes:
            if sp not in s.components:
                raise SpecificationError(
                    unknown_name("species", sp, names, f"MagneticSeparator {self.name!r} classes")
                )
        unclassified = [
            names[i]
            for i in np.flatnonzero(s.moles > 0)
            if names[i] not in self.classes and self.default_class is None
        ]
        if unclassified:
            raise SpecificationError(
                f"MagneticSeparator {self.name!r}: no susceptibility class for {unclassified}; "
                "add them to classes or give default_class=."
            )
        cls = [self.classes.get(n, self.default_class or "diamagnetic") for n in names]
        rec = dict(self.recovery)
        for c in set(cls) - set(rec):  # only species absent from the feed can land here
            rec[c] = 0.0
        mag, non = split_flows(s.moles, magnetic_split_fractions(cls, rec))
        return {"magnetic": s.with_moles(mag), "nonmagnetic": s.with_moles(non)}


def hydride_species(
    h_per_nd2fe14b: float | None = None, h_per_nd: float | None = None
) -> tuple[Species, Species]:
    """The hydride species formed by hydrogen decrepitation, for the flowsheet Components.

    The species database has no hydrides, so they are made here: ``Nd2Fe14BH{x}`` (the
    matrix hydride, x H per formula unit, Ram et al. 1997) and ``NdH{y}`` (the Nd-rich
    phase as Nd2H5 = NdH2.5 by default, Hu et al. 2008), with composition given explicitly
    (fractional H counts) and molar mass from IUPAC atomic weights.

    Parameters
    ----------
    h_per_nd2fe14b : float, optional
        H atoms per Nd2Fe14B [mol/mol], default 5 (``physical_processing.toml``).
    h_per_nd : float, optional
        H atoms per Nd [mol/mol], default 2.5.

    Returns
    -------
    (Species, Species)
        The matrix hydride and the Nd hydride.
    """
    x = (
        hd.default("hydrogen_decrepitation", "h_per_Nd2Fe14B")
        if h_per_nd2fe14b is None
        else h_per_nd2fe14b
    )
    y = hd.default("hydrogen_decrepitation", "h_per_Nd") if h_per_nd is None else h_per_nd
    hd.hydrogen_uptake(0.0, 0.0, x, y)  # validates the ranges
    matrix = Species.create(
        f"Nd2Fe14BH{x:g}",
        "",
        phase="s",
        elements={"Nd": 2, "Fe": 14, "B": 1, "H": x},
        molar_mass=(hd.M_ND2FE14B + x * H_MOLAR_MASS) * 1e3,
        source="Ram1997",
        description=f"Nd2Fe14B hydride, {x:g} H per formula unit (hydrogen decrepitation)",
    )
    nd = Species.create(
        f"NdH{y:g}",
        "",
        phase="s",
        elements={"Nd": 1, "H": y},
        molar_mass=(hd.M_ND + y * H_MOLAR_MASS) * 1e3,
        source="Hu2008",
        description=f"neodymium hydride of the Nd-rich phase, {y:g} H per Nd",
    )
    return matrix, nd


class HydrogenDecrepitation(UnitOperation):
    """Hydrogen decrepitation of NdFeB magnets: H2 uptake as reactions, furnace energy.

    Reactions ``Nd2Fe14B + x/2 H2(g) -> Nd2Fe14BHx`` and ``Nd + y/2 H2(g) -> NdHy`` run to
    completion on the magnet phases of the ``magnets`` inlet; the hydride species come from
    :func:`hydride_species` and must be in the flowsheet Components (the unit names them
    otherwise). H2 enters through the ``h2`` inlet; what is not absorbed leaves in
    ``offgas`` (too little H2 is an error giving the flow needed). Other species pass to
    ``product`` unchanged.

    The furnace is one batch furnace whose charge is the magnet mass flow × cycle time;
    ``Outcome.duty`` is its energy averaged over the cycle [W]
    (:func:`yieldkit.models.hydrogen_decrepitation.decrepitation_batch`: sensible heat of
    Nd2Fe14B and Nd from inlet T to the operating T, furnace loss over ramp and hold, no
    credit for the hydriding heat by default; other species are counted without heat
    capacity). The product leaves at the inlet temperature (the cycle includes cooling).
    ``info`` holds the cycle time [s], batch mass [kg], specific energy [J/kg] and the
    H2 absorbed [mol/s].

    Parameters
    ----------
    name : str
        Unit name.
    T : quantity, optional
        Operating temperature [K]; default 443.15 K (170 °C, Habibzadeh 2023).
    h_per_nd2fe14b : float, optional
        H per Nd2Fe14B in the hydride [-], default 5 (Ram 1997).
    h_per_nd : float, optional
        H per Nd in the Nd hydride [-], default 2.5 (Hu 2008).
    heat_loss_rate : quantity
        Furnace heat loss at temperature [W]; default ``"0 W"``.
    hold_time : quantity, optional
        Hold at temperature [s]; default 3 h (Habibzadeh 2023).
    reaction_heat_credit : float
        Fraction of the hydriding heat credited against heating [-], in [0, 1].

    References
    ----------
    Habibzadeh, A. et al. (2023), ACS Omega 8, 17431; PrOMMiS HD furnace model; Ram, S. et
    al. (1997), Bull. Mater. Sci. 20, 1049; Hu, L. et al. (2008), J. Mater. Res.
    """

    sources = ("Habibzadeh2023", "PrOMMiS")

    def __init__(
        self,
        name: str,
        T=None,
        h_per_nd2fe14b: float | None = None,
        h_per_nd: float | None = None,
        heat_loss_rate="0 W",
        hold_time=None,
        reaction_heat_credit=0.0,
    ):
        super().__init__(name)
        where = f"HydrogenDecrepitation {name!r}"
        self.inlet_ports = ("magnets", "h2")
        self.outlet_ports = ("product", "offgas")
        self.T = (
            hd.default("hydrogen_decrepitation", "operating_temperature")
            if T is None
            else positive(T, "K", f"{where} T")
        )
        self.heat_loss_rate = positive(
            heat_loss_rate, "W", f"{where} heat_loss_rate", allow_zero=True
        )
        self.hold_time = (
            None
            if hold_time is None
            else positive(hold_time, "s", f"{where} hold_time", allow_zero=True)
        )
        self.reaction_heat_credit = fraction(reaction_heat_credit, f"{where} reaction_heat_credit")
        self.matrix_hydride, self.nd_hydride = hydride_species(h_per_nd2fe14b, h_per_nd)
        self.hydrides = (self.matrix_hydride, self.nd_hydride)
        self.h_per_nd2fe14b = self.matrix_hydride.elements["H"]
        self.h_per_nd = self.nd_hydride.elements["H"]
        if self.h_per_nd2fe14b <= 0 or self.h_per_nd <= 0:
            raise SpecificationError(
                f"{where}: h_per_nd2fe14b and h_per_nd must be > 0 for a decrepitation unit; "
                f"got {self.h_per_nd2fe14b:g} and {self.h_per_nd:g}."
            )
        extra = {s.name: s for s in (self.matrix_hydride, self.nd_hydride)}
        x, y = self.h_per_nd2fe14b, self.h_per_nd
        self.reactions = [
            Reaction.parse(f"Nd2Fe14B + {x / 2:g} H2(g) -> {self.matrix_hydride.name}", extra),
            Reaction.parse(f"Nd + {y / 2:g} H2(g) -> {self.nd_hydride.name}", extra),
        ]

    def _run(self, inlets):
        mag, h2 = inlets["magnets"], inlets["h2"]
        c = mag.components
        where = f"HydrogenDecrepitation {self.name!r}"
        if "H2(g)" not in c:
            raise SpecificationError(f"{where}: 'H2(g)' must be a component (the h2 inlet).")
        pairs = zip(self.reactions, ("Nd2Fe14B", "Nd"), self.hydrides, strict=True)
        active = [(r, key, sp) for r, key, sp in pairs if key in c and mag.flow(key) > 0]
        absent = [sp.name for _, _, sp in active if sp.name not in c]
        if absent:
            raise SpecificationError(
                f"{where}: the hydride species {absent} are not in the flowsheet components; "
                "add yieldkit.unitops.physical.hydride_species(...) to the Components."
            )
        for _, _, sp in active:
            got = dict(c[sp.name].elements)
            if got != dict(sp.elements):
                raise SpecificationError(
                    f"{where}: component {sp.name!r} has composition {got}, expected "
                    f"{dict(sp.elements)}."
                )
        n = mag.moles + h2.moles
        if active:
            nu = np.array([r.stoichiometry(c.names) for r, _, _ in active])
            key = np.array([c.index(k) for _, k, _ in active])
            needed = float(-(nu[:, c.index("H2(g)")] * mag.moles[key]).sum())
            have = h2.flow("H2(g)") + mag.flow("H2(g)")
            if have < needed * (1 - 1e-12):
                raise SpecificationError(
                    f"{where}: the hydrides need {needed:.6g} mol/s H2(g) but the inlets bring "
                    f"{have:.6g} mol/s; raise the h2 feed."
                )
            n, _, _ = sequential_extents(n, nu, key, np.ones(len(active)))
        gas = c.phase_mask("g")
        product = mag.with_moles(np.where(gas, 0.0, n))
        offgas = h2.with_moles(np.where(gas, n, 0.0))
        i1 = c.index("Nd2Fe14B") if "Nd2Fe14B" in c else None
        i2 = c.index("Nd") if "Nd" in c else None
        m_total = mag.mass_flow("kg/s")
        info: dict = {
            "h2_absorbed": float(h2.flow("H2(g)") + mag.flow("H2(g)") - offgas.flow("H2(g)"))
        }
        if m_total <= 0:
            return Outcome({"product": product, "offgas": offgas}, info=info)
        m1 = mag.moles[i1] * c.molar_masses[i1] if i1 is not None else 0.0
        m2 = mag.moles[i2] * c.molar_masses[i2] if i2 is not None else 0.0
        t_cycle = hd.cycle_time(hold_time=self.hold_time)
        batch = hd.decrepitation_batch(
            m_total * t_cycle,
            m1 / m_total,
            m2 / m_total,
            feed_temperature=mag.T,
            operating_temperature=self.T,
            heat_loss_rate=self.heat_loss_rate,
            h_per_nd2fe14b=self.h_per_nd2fe14b,
            h_per_nd=self.h_per_nd,
            reaction_heat_credit=self.reaction_heat_credit,
            hold_time=self.hold_time,
        )
        info |= {
            "cycle_time": batch.cycle_time,
            "batch_mass": m_total * t_cycle,
            "specific_energy": batch.specific_energy,
            "sensible_heat_per_batch": batch.sensible_heat,
            "reaction_heat_per_batch": batch.reaction_heat,
        }
        return Outcome({"product": product, "offgas": offgas}, duty=batch.mean_power, info=info)
