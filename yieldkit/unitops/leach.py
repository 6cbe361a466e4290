"""Acid leaching unit: stoichiometric conversions or a kinetic train of CSTRs.

Thin class over :func:`yieldkit.models.stoichiometric.sequential_extents` and
:func:`yieldkit.models.leaching.leach_cstr_train`. The inlets (solids, acid, recycled
liquor...) are mixed; the one outlet ``slurry`` carries the residue, the pregnant liquor
and any gas formed (follow it with a vent and a :class:`SolidLiquidSeparator`).

Acid bookkeeping: the liquor is put in its proton-total form (``HSO4-`` and the other
acid-base species deprotonated, their protons in ``H+``), the reactions take acid from
``H+``, and the outlet liquor is re-speciated (see :mod:`yieldkit.unitops._liquor`), so
``info["pH_out"]`` and the free acid follow the HSO4-/SO4-2, oxalate and ammonium
equilibria of :mod:`yieldkit.models.speciation`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from yieldkit.chemistry.reactions import Reaction
from yieldkit.chemistry.species import get_species
from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.models.leach_kinetics import MECHANISMS, LeachKinetics, load_kinetics
from yieldkit.models.leaching import leach_cstr_train
from yieldkit.models.solubility import oxide_solubility
from yieldkit.models.stoichiometric import sequential_extents
from yieldkit.stream import Stream, mix
from yieldkit.unitops import _liquor
from yieldkit.unitops.base import Outcome, UnitOperation
from yieldkit.unitops.params import (
    SOLVER_TRACE,
    choice,
    fraction,
    item_list,
    known_keys,
    mapping,
    name_list,
    port_names,
    positive,
)

MODES = ("stoichiometric", "kinetic")
#: Most tanks of a kinetic leach train (plants run 1-8 agitated tanks in series; beyond a
#: few dozen the train is a plug-flow reactor, and each tank costs a solve) [-]
MAX_TANKS = 100
RATE_KEYS = ("mechanism", "order", "k", "Ea", "k_diff", "Ea_diff")
#: solids without rate parameters pass unreacted (listed in info) below this fraction of
#: the solids mass, e.g. a tear solver's finite-difference probe; above it they are an error
TRACE_SOLIDS = SOLVER_TRACE


def _rate_row(solid: str, row: Mapping, where: str) -> tuple:
    """(mechanism, order, k_chem, ea_chem, k_diff, ea_diff) from explicit parameters."""
    if not isinstance(row, Mapping):
        raise SpecificationError(
            f"{where}: rate parameters of {solid!r} must be a mapping with keys {RATE_KEYS}; "
            f"got {row!r}."
        )
    known_keys(row, RATE_KEYS, f"{where} rate parameters of {solid!r}")
    mech = choice(row.get("mechanism", "chemical"), MECHANISMS, f"{where} {solid!r} mechanism")
    if "order" not in row:
        raise SpecificationError(f"{where}: rate parameters of {solid!r} need 'order' [-].")
    order = float(row["order"])
    if not (np.isfinite(order) and order >= 0.0):
        raise SpecificationError(f"{where}: order of {solid!r} = {order!r} must be >= 0.")

    def k(key: str) -> float:
        if key not in row:
            raise SpecificationError(
                f"{where}: missing rate parameter {key!r} for solid {solid!r} ({mech} control)."
            )
        # [mol/(kg h)] with [H+] in mol/L, given as a quantity
        return positive(row[key], "mol/(kg*h)", f"{where} {key} of {solid!r}")

    def ea(key: str) -> float:
        return positive(
            row.get(key, "0 J/mol"), "J/mol", f"{where} {key} of {solid!r}", allow_zero=True
        )

    kc, ec, kd, ed = np.nan, 0.0, np.nan, 0.0
    if mech in ("chemical", "mixed"):
        kc, ec = k("k"), ea("Ea")
    if mech in ("diffusion", "mixed"):
        kd, ed = k("k_diff"), ea("Ea_diff")
    return mech, order, kc, ec, kd, ed


class Leach(UnitOperation):
    """Acid leach of solids, stoichiometric or as a kinetic train of CSTRs.

    Parameters
    ----------
    name : str
        Unit name.
    reactions : sequence
        ``mode="stoichiometric"``: ``(equation, key reactant, conversion [-])`` tuples
        applied in order (a reactant that runs out limits the extent, recorded in
        ``info["limited_by"]``). ``mode="kinetic"``: dissolution equations, each with one
        solid reactant whose rate law is looked up, acid taken as ``H+``, e.g.
        ``"Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O"``.
    mode : str
        ``"stoichiometric"`` or ``"kinetic"``.
    T : quantity, optional
        Tank temperature [K]; required in kinetic mode; default the mixed inlet T.
    inlets : sequence of str
        Inlet ports, mixed on entry.
    kinetics : str, optional
        Named rate-parameter set of ``data/leach_kinetics.toml`` (kinetic mode).
    rate_parameters : mapping, optional
        Per-solid parameters overriding or completing ``kinetics``:
        ``{solid: {"mechanism": "chemical", "order": a, "k": "1.2e6 mol/(kg*h)",
        "Ea": "41 kJ/mol", "k_diff": ..., "Ea_diff": ...}}`` (rate per kg of solid in the
        tank, [H+] in mol/L).
    inert : sequence of str
        Solids that do not react in kinetic mode (they add to the pulp mass) [-]. Any other
        solid without rate parameters is an error, unless it is a trace below
        ``TRACE_SOLIDS`` of the solids mass (a solver's probe), which passes unreacted and
        is listed in ``info["unreacted_trace_solids"]``.
    tanks : int
        Number of CSTRs in series (kinetic mode) [-].
    volume : quantity, optional
        Working volume of each tank [m3] (kinetic mode; or ``residence_time``).
    residence_time : quantity, optional
        Slurry residence time of each tank [s].
    solid_density : quantity
        Density of the solids, for the slurry volume [kg/m3].
    reversible : sequence of str
        Leached solids whose dissolution is limited by their solubility (kinetic mode):
        the rate is multiplied by 1 - Omega (:mod:`yieldkit.models.solubility`), so their
        ion re-precipitates when supersaturated, e.g. ``("Fe2O3",)`` for hematite (data in
        ``data/precipitation.toml`` ``oxide_solubility``). Each must be under chemical
        control, its reaction must be the tabulated equilibrium, and its ion must come
        from no other leach reaction. ``info["saturation_index"]`` gives log10 Omega per
        tank; a negative conversion means net re-precipitation [-].
    """

    sources = ("Levenspiel1999",)  # shrinking-core rate forms (kinetic mode)

    def __init__(
        self,
        name: str,
        reactions,
        mode: str = "stoichiometric",
        T=None,
        inlets=("solids", "acid"),
        kinetics: str | None = None,
        rate_parameters: Mapping | None = None,
        inert: Sequence[str] = (),
        tanks: int = 1,
        volume=None,
        residence_time=None,
        solid_density="2400 kg/m^3",
        reversible: Sequence[str] = (),
    ):
        super().__init__(name)
        self._last_h = None  # H+ leaving each tank at the last kinetic run [mol/L]
        self._out_h = None  # free H+ of the last outlet liquor [mol/L]
        where = f"Leach {name!r}"
        self.mode = choice(mode, MODES, f"{where} mode")
        self.inlet_ports = port_names(inlets, f"{where} inlets")
        self.outlet_ports = ("slurry",)
        self.T = None if T is None else positive(T, "K", f"{where} T")
        reactions = item_list(reactions, f"{where} reactions", "['Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O']")
        if not reactions:
            raise SpecificationError(f"{where}: give at least one reaction.")
        self.reactions: list = []
        self.kinetics: LeachKinetics | None = None
        self.inert = name_list(inert, f"{where} inert", "['SiO2']")
        for sp in self.inert:
            get_species(sp)  # an unknown name (a typo) is an error with suggestions
        self.reversible = name_list(reversible, f"{where} reversible", "['Fe2O3']")
        self.solubility: tuple = ()
        if self.mode == "stoichiometric":
            for opt, value in (
                ("kinetics", kinetics),
                ("rate_parameters", rate_parameters),
                ("volume", volume),
                ("residence_time", residence_time),
            ):
                if value is not None:
                    raise SpecificationError(f"{where}: {opt} applies to mode='kinetic' only.")
            if self.inert or tanks != 1 or self.reversible:
                raise SpecificationError(
                    f"{where}: inert, tanks and reversible apply to mode='kinetic' only."
                )
            self._init_stoichiometric(reactions, where)
            self.sources = ()
        else:
            if self.T is None:
                raise SpecificationError(f"{where}: kinetic mode needs the tank temperature T.")
            if (
                not isinstance(tanks, int | float)
                or isinstance(tanks, bool)
                or not math.isfinite(tanks)
                or int(tanks) != tanks
                or not 1 <= tanks <= MAX_TANKS
            ):
                raise SpecificationError(
                    f"{where} tanks = {tanks!r} must be an integer in 1..{MAX_TANKS}."
                )
            self.tanks = int(tanks)
            if (volume is None) == (residence_time is None):
                raise SpecificationError(
                    f"{where}: give exactly one of volume (per tank) or residence_time."
                )
            self.volume = None if volume is None else positive(volume, "m^3", f"{where} volume")
            self.residence_time = (
                None
                if residence_time is None
                else positive(residence_time, "s", f"{where} residence_time")
            )
            self.solid_density = positive(solid_density, "kg/m^3", f"{where} solid_density")
            self._init_kinetic(reactions, kinetics, rate_parameters, where)
        self._cache: tuple | None = None

    # ------------------------------------------------------------ construction
    def _init_stoichiometric(self, reactions, where: str) -> None:
        for item in reactions:
            try:
                equation, key, conversion = item
            except (TypeError, ValueError):
                raise SpecificationError(
                    f"{where}: each reaction is (equation, key reactant, conversion); got {item!r}."
                ) from None
            rxn = Reaction.parse(equation) if isinstance(equation, str) else equation
            if key not in rxn.reactants:
                raise SpecificationError(
                    unknown_name("key reactant", key, rxn.reactants, f"reaction {rxn.equation!r}")
                )
            x = fraction(conversion, f"{where} conversion of {key!r} in {rxn.equation!r}")
            self.reactions.append((rxn, key, x))

    def _init_kinetic(self, reactions, kinetics, rate_parameters, where: str) -> None:
        from yieldkit.chemistry.species import get_species

        solids = []
        for eq in reactions:
            if not isinstance(eq, str | Reaction):
                raise SpecificationError(
                    f"{where}: in kinetic mode each reaction is an equation; got {eq!r}."
                )
            rxn = Reaction.parse(eq) if isinstance(eq, str) else eq
            solid = [s for s in rxn.reactants if get_species(s).phase == "s"]
            if len(solid) != 1:
                raise SpecificationError(
                    f"{where}: reaction {rxn.equation!r} needs exactly one solid reactant "
                    f"(the leached solid); it has {solid}."
                )
            if solid[0] in solids:
                raise SpecificationError(f"{where}: two reactions leach {solid[0]!r}.")
            bad = [s for s in rxn.species if s in ("OH-",) or _in_system(s)]
            if bad:
                raise SpecificationError(
                    f"{where}: reaction {rxn.equation!r} uses {bad}; leach reactions take acid "
                    "as 'H+' (the liquor's acid-base equilibria are handled by the unit)."
                )
            solids.append(solid[0])
            self.reactions.append((rxn, solid[0]))
        both = set(self.inert) & set(solids)
        if both:
            raise SpecificationError(f"{where}: {sorted(both)} are both leached and inert.")
        table = None
        if kinetics is not None:
            if not isinstance(kinetics, str):
                raise SpecificationError(
                    f"{where} kinetics = {kinetics!r} must be the name of a rate-parameter set "
                    "(data/leach_kinetics.toml); per-solid values go in rate_parameters."
                )
            table = load_kinetics(kinetics)
        explicit = dict(
            mapping(
                rate_parameters or {},
                f"{where} rate_parameters",
                "{'Nd2O3': {'mechanism': 'chemical', 'order': 1.0, 'k': 1e-3, 'Ea': 40000}}",
            )
        )
        for key in explicit:
            if key not in solids:
                raise SpecificationError(
                    unknown_name("solid", key, solids, f"{where} rate_parameters (leached solids)")
                )
        rows = []
        for _rxn, solid in self.reactions:
            if solid in explicit:
                rows.append(_rate_row(solid, explicit[solid], where))
            elif table is not None and solid in table.solids:
                j = table.solids.index(solid)
                rows.append(
                    (
                        table.mechanism[j],
                        table.order[j],
                        table.k_chem[j],
                        table.ea_chem[j],
                        table.k_diff[j],
                        table.ea_diff[j],
                    )
                )
            else:
                have = f"set {kinetics!r} has {list(table.solids)}" if table else "no set given"
                raise SpecificationError(
                    f"{where}: missing rate parameters for solid {solid!r} ({have}); give "
                    f"rate_parameters={{{solid!r}: {{...}}}} or a kinetics set that has it."
                )
        nu_h = [
            rxn.reactants.get("H+", 0.0) - rxn.products.get("H+", 0.0) for rxn, _ in self.reactions
        ]
        cols = list(zip(*rows, strict=True))
        self.kinetics = LeachKinetics(
            tuple(solids),
            tuple(cols[0]),
            np.array(cols[1], dtype=float),
            np.array(cols[2], dtype=float),
            np.array(cols[3], dtype=float),
            np.array(cols[4], dtype=float),
            np.array(cols[5], dtype=float),
            np.array(nu_h, dtype=float),
            table.sources if table is not None else (),
        )
        self.sources = ("Levenspiel1999", *self.kinetics.sources)
        self._init_reversible(where)

    def _init_reversible(self, where: str) -> None:
        solids = self.kinetics.solids
        by_solid = {}
        for solid in self.reversible:
            if solid not in solids:
                raise SpecificationError(
                    unknown_name("reversible solid", solid, solids, f"{where} (leached solids)")
                )
            j = solids.index(solid)
            if self.kinetics.mechanism[j] != "chemical":
                raise SpecificationError(
                    f"{where}: {solid!r} is reversible but under {self.kinetics.mechanism[j]!r} "
                    "control; re-precipitation is modelled on the reacting surface, so a "
                    "reversible solid needs mechanism 'chemical'."
                )
            sol = oxide_solubility(solid)
            rxn = next(r for r, k in self.reactions if k == solid)
            per = rxn.reactants[solid]
            ion_coef = rxn.products.get(sol.ion, 0.0) / per
            h_coef = (rxn.reactants.get("H+", 0.0) - rxn.products.get("H+", 0.0)) / per
            if ion_coef != sol.ion_coef or h_coef != sol.h_coef:
                raise SpecificationError(
                    f"{where}: reaction {rxn.equation!r} is not the solubility equilibrium of "
                    f"{solid!r} ({solid} + {sol.h_coef:g} H+ = {sol.ion_coef:g} {sol.ion} + "
                    f"water, {sol.source}); write it that way to make {solid!r} reversible."
                )
            others = [r.equation for r, k in self.reactions if k != solid and sol.ion in r.species]
            if others:
                raise SpecificationError(
                    f"{where}: {sol.ion} also comes from {others}; a reversible solid's ion "
                    f"must come from its own reaction only ({solid!r})."
                )
            by_solid[solid] = sol
        self.solubility = tuple(by_solid.get(s) for s in solids)
        if by_solid:
            self.sources = (*self.sources, *{s.source for s in by_solid.values()})

    # ------------------------------------------------------------ running
    def _arrays(self, c):
        if self._cache and self._cache[0] is c:
            return self._cache[1:]
        where = f"Leach {self.name!r}"
        for rxn, *_ in self.reactions:
            missing = [sp for sp in rxn.species if sp not in c]
            if missing:
                raise SpecificationError(
                    f"{where}: reaction {rxn.equation!r} uses {missing}, which are not in the "
                    "flowsheet's components."
                )
        for sp in self.inert:
            if sp not in c:
                raise SpecificationError(unknown_name("inert solid", sp, c.names, where))
        nu = np.array([r[0].stoichiometry(c.names) for r in self.reactions])
        key = np.array([c.index(r[1]) for r in self.reactions])
        lay = _liquor.layout(c, where)
        self._cache = (c, nu, key, lay)
        return nu, key, lay

    def _run(self, inlets):
        s = mix([inlets[p] for p in self.inlet_ports])
        c = s.components
        nu, key, lay = self._arrays(c)
        n = _liquor.pool_form(s.moles, lay)
        rho = s.densities["aq"]
        acid_in = float(n[lay.h])
        if self.mode == "stoichiometric":
            n_out, info = self._stoichiometric(n, nu, key, lay, c)
        else:
            n_out, info = self._kinetic(n, nu, key, lay, c, rho)
        where = f"Leach {self.name!r}"
        n_out, spec = _liquor.equilibrate(n_out, lay, _liquor.liquor_volume(n_out, c, rho), where,
                                          self._out_h)  # fmt: skip
        self._out_h = None if spec is None else float(spec.h)
        info["acid_consumed"] = acid_in - float(_liquor.pool_form(n_out, lay)[lay.h])  # [mol/s]
        if spec is not None:
            info["pH_out"] = float(spec.pH)
            info["free_acid_out"] = float(spec.h)  # [mol/L]
        out = Stream.from_moles(c, n_out, s.T if self.T is None else self.T, s.P, s.densities)
        return Outcome({"slurry": out}, info=info)

    def _stoichiometric(self, n, nu, key, lay, c):
        avail = n.copy()
        avail[lay.h] = max(avail[lay.h], 0.0)  # a basic liquor offers no acid
        x = np.array([r[2] for r in self.reactions])
        after, extents, limiting = sequential_extents(avail, nu, key, x)
        n_out = after + (n - avail)
        names = c.names
        conv = {}
        for (rxn, k, _), e in zip(self.reactions, extents, strict=True):
            n0 = float(n[c.index(k)])
            conv[k] = conv.get(k, 0.0) + (float(e) * rxn.reactants[k] / n0 if n0 > 0 else 0.0)
        info = {
            "extents": {
                r[0].equation: float(e) for r, e in zip(self.reactions, extents, strict=True)
            },
            "limited_by": {
                r[0].equation: names[lim]
                for r, lim in zip(self.reactions, limiting, strict=True)
                if lim is not None
            },
            "conversion": conv,
        }
        return n_out, info

    def _kinetic(self, n, nu, key, lay, c, rho):
        where = f"Leach {self.name!r}"
        solid_mask = c.phase_mask("s")
        present = [c.names[i] for i in np.flatnonzero(solid_mask & (n > 0.0))]
        leached = set(self.kinetics.solids)
        unknown = [sp for sp in present if sp not in leached and sp not in self.inert]
        mass = c.molar_masses * n
        trace = TRACE_SOLIDS * float(mass[solid_mask].sum())
        if unknown and sum(mass[c.index(sp)] for sp in unknown) > trace:
            raise SpecificationError(
                f"{where}: solids {unknown} are in the feed but have no rate parameters; give "
                "rate_parameters for them or list them in inert=."
            )
        f0 = n[key].copy()
        mw = c.molar_masses[key]
        inert_mass = float((n * solid_mask) @ c.molar_masses) - float(mw @ f0)
        volume = _liquor.liquor_volume(n, c, rho)
        info = {"conversion": dict.fromkeys(self.kinetics.solids, 0.0)}
        if unknown:
            info["unreacted_trace_solids"] = unknown
        if volume <= 0.0 or not np.any(f0 > 0.0):
            info["tank_conversion"] = {k: [0.0] * self.tanks for k in self.kinetics.solids}
            return n.copy(), info
        systems, totals, _, q = _liquor.state(n, lay, volume)
        sat = {}
        if any(self.solubility):
            ions = [c.index(s.ion) if s else None for s in self.solubility]
            conc = [n[i] / (volume * 1000.0) if i is not None else 0.0 for i in ions]  # [mol/L]
            sat = {"solubility": self.solubility, "ion_conc": conc}
        kw = {
            "volumes" if self.volume is not None else "residence_times": [
                self.volume if self.volume is not None else self.residence_time
            ]
            * self.tanks
        }
        res = leach_cstr_train(
            f0,
            mw,
            max(inert_mass, 0.0),
            volume,
            totals,
            q,
            self.kinetics,
            temperature=self.T,
            solid_density=self.solid_density,
            systems=systems,
            # inside a recycle loop: each tank's root bracketed near its last one
            h_guess=self._last_h if np.size(self._last_h) == self.tanks else None,
            **sat,
            **kw,
        )
        self._last_h = np.atleast_1d(res.liquor.h).copy()
        dissolved = res.dissolved.sum(axis=0)  # the tanks' increments (precise when small)
        stoich_solid = np.array([rxn.reactants[k] for rxn, k in self.reactions])
        extents = dissolved / stoich_solid
        n_out = n + extents @ nu
        n_out[key] = res.solids_out[-1]
        neg = np.flatnonzero(n_out < -1e-12 * np.maximum(np.abs(n), 1e-300))
        neg = [c.names[i] for i in neg if i != lay.h]
        if neg:
            raise SpecificationError(
                f"{where}: the leach consumes more {neg} than the inlets bring; feed more."
            )
        n_out = np.where((n_out < 0.0) & (np.arange(len(n_out)) != lay.h), 0.0, n_out)
        names = self.kinetics.solids
        info["conversion"] = {k: float(x) for k, x in zip(names, res.recovery, strict=True)}
        info["tank_conversion"] = {
            k: [float(v) for v in res.conversion[:, j]] for j, k in enumerate(names)
        }
        info["tank_pH"] = [float(v) for v in np.atleast_1d(res.liquor.pH)]
        info["pulp_density"] = [float(v) for v in res.pulp_density]  # [kg/L]
        info["tank_volume"] = [float(v) for v in res.volume]  # [m3]
        if sat:
            info["saturation_index"] = {
                k: [float(v) for v in res.saturation_index[:, j]]
                for j, k in enumerate(names)
                if self.solubility[j] is not None
            }
        return n_out, info


def _in_system(name: str) -> bool:
    from yieldkit.models.speciation import DEFAULT_SYSTEMS

    return any(name in s.species for s in DEFAULT_SYSTEMS)
