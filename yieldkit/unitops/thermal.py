"""Thermal units: calciner / roaster (Cantera equilibrium or stoichiometric) and heater.

Thin classes over :mod:`yieldkit.models.thermo` (Cantera equilibrium, formation-based
enthalpies) and :func:`yieldkit.models.stoichiometric.sequential_extents`.

Heat duties are enthalpy balances, Q = H_out(T) − Σ_k H_in,k(T_k) [W], every inlet at its
own temperature and every outlet at the unit temperature. A duty is never guessed: where a
species present in an inlet or outlet has no thermo data the duty is ``nan`` and
``Outcome.info["duty_missing_species"]`` names the species; the exceptions are stated
estimates named in ``Outcome.info["duty_basis"]`` (a stand-in species for "inert gangue",
Kopp's-rule heat capacity for a solid without data that passes unchanged).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from yieldkit import citations
from yieldkit.chemistry.reactions import Reaction
from yieldkit.errors import SpecificationError, ThermoError, YieldkitError, unknown_name
from yieldkit.models import thermo
from yieldkit.models.heat_balance import CHANGE_RTOL, kopp_heat_capacity
from yieldkit.models.stoichiometric import sequential_extents
from yieldkit.stream import Stream, mix
from yieldkit.unitops.base import Outcome, UnitOperation
from yieldkit.unitops.params import choice, flag, fraction, item_list, positive

MODES = ("equilibrium", "stoichiometric")

#: Oxidative roasting of NdFeB scrap to oxides (the :class:`Roaster` default reactions in
#: stoichiometric mode; each applies only if its key reactant, the first, is a component).
#: Balanced by hand; NdFeO3 formation is not included (no thermo data, no sourced extent).
ROASTING_REACTIONS: tuple[str, ...] = (
    "4 Nd2Fe14B + 51 O2(g) -> 4 Nd2O3 + 28 Fe2O3 + 2 B2O3",
    "4 Nd + 3 O2(g) -> 2 Nd2O3",
    "4 Fe + 3 O2(g) -> 2 Fe2O3",
)


def _reraise(err: YieldkitError, where: str) -> YieldkitError:
    """The same error type with the unit named in front of the message."""
    return type(err)(f"{where}: {err}")


def _thermo_names() -> frozenset[str]:
    return frozenset(thermo.available())


def enthalpy_duty(
    inlets: Sequence[Stream], outlet_moles: np.ndarray, T: float, extrapolate: bool
) -> tuple[float, list[str], str]:
    """Heat to turn the inlets (each at its own T) into ``outlet_moles`` at T.

    Species without thermo data of their own take the enthalpy of their stand-in in
    :data:`~yieldkit.models.thermo.ENTHALPY_SURROGATES` (e.g. "inert gangue" as SiO2). A
    solid without data that passes the unit unchanged (no reaction involves it) carries
    only sensible heat, with its heat capacity by Kopp's rule
    (:func:`~yieldkit.models.heat_balance.kopp_heat_capacity`, an estimate).

    Parameters
    ----------
    inlets : sequence of Stream
        Inlet streams [mol/s], each at its temperature [K].
    outlet_moles : numpy.ndarray
        Total outlet flows over the same Components [mol/s].
    T : float
        Outlet temperature [K].
    extrapolate : bool
        Allow temperatures outside the thermo data ranges.

    Returns
    -------
    duty : float
        Q = H_out(T) − Σ H_in,k(T_k) [W]; ``nan`` if a species present lacks thermo data
        (and is not an unchanged solid).
    missing : list of str
        Species present (in an inlet or the outlet) without thermo data, sorted.
    basis : str
        One clause per estimate used ("inert gangue counted as SiO2 ...", "heat capacity
        of X by Kopp's rule ..."), '' if none or if the duty is ``nan``.
    """
    known = _thermo_names()
    c = inlets[0].components
    own = c.names
    names = thermo.enthalpy_stand_ins(own, known)
    stood_in = np.array([nm != o for nm, o in zip(names, own, strict=True)])
    out_n = np.asarray(outlet_moles, dtype=float)
    n_in = sum((s.moles for s in inlets), np.zeros(len(own)))
    present = (out_n > 0) | (n_in > 0)
    used = [thermo.stand_in_clause(own[i], names[i]) for i in np.flatnonzero(present & stood_in)]
    no_data = present & np.array([nm not in known for nm in names])
    kopp = kopp_heat_capacity(c.elements, c.element_matrix)
    unchanged = np.abs(out_n - n_in) <= CHANGE_RTOL * np.maximum(out_n, n_in)
    solid = c.phase_mask("s")
    est = no_data & unchanged & solid & np.isfinite(kopp)
    missing = sorted(names[i] for i in np.flatnonzero(no_data & ~est))
    if missing:
        return math.nan, missing, ""
    if est.any():
        used.append(
            "heat capacity of "
            + ", ".join(own[i] for i in np.flatnonzero(est))
            + " by Kopp's rule (no thermo data; passes unchanged, sensible heat only; estimate)"
        )
        citations.register("Felder2005")
    if used:
        citations.register("yieldkitEstimate")
    if not present.any():
        return 0.0, [], ""
    # unchanged solids without data: sum_out n Cp T - sum_k n_k Cp T_k (n_out = n_in)
    q = float(kopp[est] @ (out_n[est] * T - sum(s.moles[est] * s.T for s in inlets)))
    idx = [int(i) for i in np.flatnonzero(present & ~est)]
    if idx:
        sub = [names[i] for i in idx]
        for s in inlets:  # Hess path: heat each inlet to T, then react isothermally at T
            n_k = s.moles[idx]
            if n_k.any():
                q += thermo.heat_duty(sub, n_k, s.T, sub, n_k, T, extrapolate=extrapolate)
        q += thermo.heat_duty(sub, n_in[idx], T, sub, out_n[idx], T, extrapolate=extrapolate)
    return float(q), [], "; ".join(used)


def _parse_reactions(reactions, where: str) -> list[tuple[Reaction, str, float]]:
    """Items: equation text or Reaction (key = first reactant, conversion 1), or a tuple
    (equation or Reaction, key reactant, conversion [-])."""
    if isinstance(reactions, (str, Reaction)):
        reactions = [reactions]
    reactions = item_list(
        reactions, f"{where} reactions", "['CaCO3 -> CaO + CO2(g)'] or one equation"
    )
    out = []
    for item in reactions:
        if isinstance(item, (str, Reaction)):
            eq, key, conv = item, None, 1.0
        else:
            try:
                eq, key, conv = item
            except (TypeError, ValueError):
                raise SpecificationError(
                    f"{where}: each reaction is an equation, or (equation, key reactant, "
                    f"conversion); got {item!r}."
                ) from None
        rxn = Reaction.parse(eq) if isinstance(eq, str) else eq
        if not isinstance(rxn, Reaction):
            raise SpecificationError(f"{where}: {eq!r} is neither an equation nor a Reaction.")
        key = next(iter(rxn.reactants)) if key is None else key
        if key not in rxn.reactants:
            raise SpecificationError(
                unknown_name("key reactant", key, rxn.reactants, f"{where}, {rxn.equation!r}")
            )
        x = fraction(conv, f"{where}: conversion of {key!r} in {rxn.equation!r}")
        out.append((rxn, key, x))
    return out


class Calciner(UnitOperation):
    """Calcination / roasting of solids in a gas at fixed T and P, with a dust split.

    Two modes, chosen explicitly:

    - ``"equilibrium"``: the solids and gas inlets are brought to multiphase equilibrium
      (ideal gas + pure condensed phases, Cantera via :func:`yieldkit.models.thermo.equilibrate`)
      over the candidate species: by default every component with thermo data whose
      elements all occur in the inlets. A species present in an inlet without thermo data
      is an error naming it (it is never dropped).
    - ``"stoichiometric"``: the given reactions are applied in order, each converting a
      fraction of its key reactant (:func:`~yieldkit.models.stoichiometric.sequential_extents`);
      a reaction limited by another reactant (e.g. too little O2) is reported in
      ``info["limited_by"]``.

    Outlets: ``product`` (condensed species × (1 − dust_fraction)), ``dust`` (condensed
    species × dust_fraction) and ``offgas`` (every gas species), all at T. The duty is the
    enthalpy balance (module docstring) [W].

    Parameters
    ----------
    name : str
        Unit name.
    T : quantity
        Calcination temperature, e.g. ``"950 degC"`` [K].
    mode : str
        ``"equilibrium"`` or ``"stoichiometric"`` (required, no default).
    reactions : sequence, optional
        Stoichiometric mode only (required there): equations as text, e.g.
        ``"2 Nd2(C2O4)3.10H2O + 3 O2(g) -> 2 Nd2O3 + 12 CO2(g) + 20 H2O(g)"`` (key reactant
        the first, full conversion), Reaction objects, or tuples
        ``(equation, key reactant, conversion [-])``.
    P : quantity, optional
        Pressure [Pa]; default the lowest inlet pressure.
    dust_fraction : float
        Fraction of the calcined solids carried to the dust outlet [-], in [0, 1].
    candidates : sequence of str, optional
        Equilibrium mode only: the candidate species (must include every species present
        in the inlets); default every component with thermo data (see above).
    extrapolate : bool
        Allow temperatures outside a species' thermo data range.

    References
    ----------
    Goodwin, D. G. et al., Cantera 3.2 (``Cantera2025``).
    """

    _default_reactions: tuple[str, ...] | None = None

    def __init__(
        self,
        name: str,
        T,
        mode: str,
        reactions=None,
        P=None,
        dust_fraction=0.0,
        candidates: Sequence[str] | None = None,
        extrapolate: bool = False,
    ):
        super().__init__(name)
        kind = type(self).__name__
        where = f"{kind} {name!r}"
        self.inlet_ports = ("solids", "gas")
        self.outlet_ports = ("product", "dust", "offgas")
        self.mode = choice(mode, MODES, f"{where} mode")
        self.T = positive(T, "K", f"{where} T")
        self.P = None if P is None else positive(P, "Pa", f"{where} P")
        self.dust_fraction = fraction(dust_fraction, f"{where} dust_fraction")
        self.extrapolate = flag(extrapolate, f"{where} extrapolate")
        self._skip_absent_keys = False
        if self.mode == "equilibrium":
            if reactions is not None:
                raise SpecificationError(
                    f"{where}: reactions are used only with mode='stoichiometric'; in "
                    "mode='equilibrium' the products follow from the thermo data (give "
                    "candidates= to restrict them)."
                )
            self.reactions = []
            known = _thermo_names()
            if candidates is not None:
                candidates = tuple(candidates)
                for sp in candidates:
                    if sp not in known:
                        raise ThermoError(
                            unknown_name("thermo species", sp, known, f"{where} candidates")
                        )
            self.candidates = candidates
        else:
            if candidates is not None:
                raise SpecificationError(
                    f"{where}: candidates are used only with mode='equilibrium'."
                )
            self.candidates = None
            if reactions is None and self._default_reactions is not None:
                reactions, self._skip_absent_keys = self._default_reactions, True
            if not isinstance(reactions, str | Reaction | None):
                reactions = item_list(reactions, f"{where} reactions", "['CaCO3 -> CaO + CO2(g)']")
            if reactions is None or (not isinstance(reactions, str | Reaction) and not reactions):
                raise SpecificationError(
                    f"{where}: mode='stoichiometric' needs reactions, e.g. "
                    "['2 Nd2(C2O4)3.10H2O + 3 O2(g) -> 2 Nd2O3 + 12 CO2(g) + 20 H2O(g)']."
                )
            self.reactions = _parse_reactions(reactions, where)
        self._cache: tuple | None = None

    @property
    def _where(self) -> str:
        return f"{type(self).__name__} {self.name!r}"

    # ------------------------------------------------------------ equilibrium
    def _candidate_indices(self, s: Stream) -> list[int]:
        c = s.components
        names = c.names
        known = _thermo_names()
        present = np.flatnonzero(s.moles > 0)
        missing = [names[i] for i in present if names[i] not in known]
        if missing:
            raise ThermoError(
                f"{self._where} (mode='equilibrium'): no thermo data for {missing}, present "
                f"in the inlets. Species with thermo data: {', '.join(sorted(known))}. "
                "Remove them upstream or use mode='stoichiometric' (duty then nan)."
            )
        if self.candidates is not None:
            for sp in self.candidates:
                if sp not in c:
                    raise SpecificationError(
                        unknown_name(
                            "species",
                            sp,
                            names,
                            f"{self._where} candidates (not in the flowsheet components)",
                        )
                    )
            idx = [c.index(sp) for sp in self.candidates]
            lacking = [names[i] for i in present if i not in idx]
            if lacking:
                raise SpecificationError(
                    f"{self._where}: candidates must include every species in the inlets; "
                    f"missing {lacking}."
                )
            return idx
        E = c.element_matrix
        inlet_elements = (E[:, present] > 0).any(axis=1)
        return [
            i
            for i, n in enumerate(names)
            if n in known and not (E[:, i] > 0)[~inlet_elements].any()
        ]

    def _equilibrium(self, s: Stream, P: float) -> tuple[np.ndarray, dict]:
        idx = self._candidate_indices(s)
        names = [s.components.names[i] for i in idx]
        try:
            res, info = thermo.equilibrate(
                names, s.moles[idx], self.T, P, extrapolate=self.extrapolate
            )
        except YieldkitError as err:
            raise _reraise(err, self._where) from err
        n = np.zeros(len(s.components))
        n[idx] = res
        keep = ("solver", "kkt_residual", "element_error", "attempts")
        return n, {"candidates": names} | {k: info[k] for k in keep}

    # ------------------------------------------------------------ stoichiometric
    def _arrays(self, components):
        if self._cache and self._cache[0] is components:
            return self._cache[1:]
        used = []
        for rxn, key, x in self.reactions:
            if self._skip_absent_keys and key not in components:
                continue  # nothing to react: the key reactant cannot be in any stream
            absent = [sp for sp in rxn.species if sp not in components]
            if absent:
                raise SpecificationError(
                    f"{self._where}: reaction {rxn.equation!r} uses {absent}, which are not "
                    "in the flowsheet's components; add them to the Components."
                )
            used.append((rxn, key, x))
        nu = np.array([rxn.stoichiometry(components.names) for rxn, _, _ in used])
        key = np.array([components.index(k) for _, k, _ in used], dtype=int)
        x = np.array([c for _, _, c in used])
        self._cache = (components, used, nu, key, x)
        return used, nu, key, x

    def _stoichiometric(self, s: Stream) -> tuple[np.ndarray, dict]:
        used, nu, key, x = self._arrays(s.components)
        if not used:
            return s.moles.copy(), {"extents": {}, "limited_by": {}}
        n, extents, limiting = sequential_extents(s.moles, nu, key, x)
        names = s.components.names
        return n, {
            "extents": {r.equation: float(e) for (r, _, _), e in zip(used, extents, strict=True)},
            "limited_by": {
                r.equation: names[lim]
                for (r, _, _), lim in zip(used, limiting, strict=True)
                if lim is not None
            },
        }

    # ------------------------------------------------------------ run
    def _run(self, inlets):
        streams = [inlets["solids"], inlets["gas"]]
        s = mix(streams)
        P = self.P if self.P is not None else s.P
        if self.mode == "equilibrium" and not s.moles.any():
            n, info = s.moles.copy(), {}  # nothing fed (e.g. a recycle's first pass)
        elif self.mode == "equilibrium":
            n, info = self._equilibrium(s, P)
        else:
            n, info = self._stoichiometric(s)
        try:
            duty, missing, basis = enthalpy_duty(streams, n, self.T, self.extrapolate)
        except YieldkitError as err:
            raise _reraise(err, self._where) from err
        info["duty_missing_species"] = missing
        if basis:
            info["duty_basis"] = basis
        gas = s.components.phase_mask("g")
        condensed = np.where(gas, 0.0, n)
        dust = condensed * self.dust_fraction
        out = {
            "product": s.with_moles(condensed - dust, T=self.T, P=P),
            "dust": s.with_moles(dust, T=self.T, P=P),
            "offgas": s.with_moles(np.where(gas, n, 0.0), T=self.T, P=P),
        }
        return Outcome(out, duty=duty, info=info)


class Roaster(Calciner):
    """Oxidative roasting: a :class:`Calciner` whose stoichiometric-mode default reactions
    are the oxidation of NdFeB scrap to oxides (:data:`ROASTING_REACTIONS`).

    Without ``reactions``, each default reaction applies when its key reactant (Nd2Fe14B,
    Nd, Fe) is a component; its other species must then be components too. In equilibrium
    mode NdFeO3 cannot form (no thermo data). Parameters as :class:`Calciner`.

    Parameters
    ----------
    name : str
        Unit name.
    T : quantity
        Roasting temperature [K].
    mode : str
        ``"equilibrium"`` or ``"stoichiometric"``.
    reactions : sequence, optional
        As :class:`Calciner`; default :data:`ROASTING_REACTIONS` in stoichiometric mode.
    P : quantity, optional
        Pressure [Pa].
    dust_fraction : float
        Fraction of the roasted solids to the dust outlet [-].
    candidates : sequence of str, optional
        Equilibrium-mode candidate species.
    extrapolate : bool
        Allow temperatures outside the thermo data ranges.
    """

    _default_reactions = ROASTING_REACTIONS

    def __init__(
        self,
        name: str,
        T,
        mode: str,
        reactions=None,
        P=None,
        dust_fraction=0.0,
        candidates: Sequence[str] | None = None,
        extrapolate: bool = False,
    ):
        super().__init__(name, T, mode, reactions, P, dust_fraction, candidates, extrapolate)


class Heater(UnitOperation):
    """Brings a stream to a target temperature (heater or cooler; composition unchanged).

    The duty [W] is ``H(T) − H(T_in)`` from the thermo data (negative when cooling); if a
    species present has no thermo data (e.g. aqueous species) it is ``nan`` and
    ``info["duty_missing_species"]`` names them.

    Parameters
    ----------
    name : str
        Unit name.
    T : quantity
        Outlet temperature [K].
    extrapolate : bool
        Allow temperatures outside the thermo data ranges.
    """

    def __init__(self, name: str, T, extrapolate: bool = False):
        super().__init__(name)
        self.inlet_ports = ("in",)
        self.outlet_ports = ("out",)
        self.T = positive(T, "K", f"Heater {name!r} T")
        self.extrapolate = flag(extrapolate, f"Heater {name!r} extrapolate")

    def _run(self, inlets):
        s = inlets["in"]
        try:
            duty, missing, basis = enthalpy_duty([s], s.moles, self.T, self.extrapolate)
        except YieldkitError as err:
            raise _reraise(err, f"Heater {self.name!r}") from err
        info = {"duty_missing_species": missing}
        if basis:
            info["duty_basis"] = basis
        return Outcome({"out": s.with_moles(s.moles, T=self.T)}, duty=duty, info=info)


#: A cooler is a Heater with a lower target temperature (negative duty).
Cooler = Heater
