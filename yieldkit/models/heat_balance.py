"""Heat duty of a unit that heats or cools slurries: an enthalpy balance over its streams.

Q = Σ_out H(n_j, T_j) − Σ_in H(n_k, T_k) [W], evaluated along the Hess path "bring every
inlet to the reaction temperature T_r, react at T_r, bring every outlet to its own
temperature". Each species' enthalpy change comes from the best information there is:

- species with thermo data (:mod:`yieldkit.models.thermo`, Cantera NASA-7 polynomials) at
  their tabulated enthalpy, so their heat capacity and, when they react, their heat of
  reaction are those of the data;
- the aqueous phase (water, ions, dissolved neutrals: no standard states in the database)
  as the same mass of liquid water, with the enthalpy of H2O(L) from the NASA polynomial
  that Cantera ships (McBride et al. 1993; cp = 75.35 J/mol/K = 4.18 kJ/kg/K at 25 degC).
  This is the dilute-solution approximation: the heat capacity per kg of a salt, acid or
  base solution is lower than that of water, so it overestimates the sensible heat by an
  error that grows with the solute concentration (of the order of the solute mass fraction,
  our estimate; :attr:`HeatBalance.solute_mass_fraction` reports it). Evaporation and heats
  of dilution or mixing are not included;
- solids without thermo data by Kopp's rule, Cp = Σ atoms × atomic heat capacity
  (Felder & Rousseau Table B.10), constant with T: a marked estimate, named in
  :attr:`HeatBalance.estimated` (solids are usually a small part of a slurry's heat
  capacity; leaving them out would make every slurry duty unknown);
- anything else without data (organic or gas species, pseudo-species of no known
  elements, thermo data used outside their temperature range) makes the duty ``nan``, the
  species named in :attr:`HeatBalance.missing`: never guessed.

The heat of reaction is included only when every species whose amount changes has thermo
data (then Σ Δn_i h_i(T_r)); otherwise (any aqueous species reacts, or a solid without data
forms) the duty is the sensible heat only, and :attr:`HeatBalance.no_enthalpy_data` names
the reacting species that prevent it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import cantera as ct
import numpy as np
from molmass import ELEMENTS

from yieldkit import citations
from yieldkit.errors import SpecificationError
from yieldkit.models import thermo

#: Kopp's-rule atomic heat capacities of solids [J/mol/K] (Felder & Rousseau 2005, Table
#: B.10, after Himmelblau 1974); every other element :data:`KOPP_SOLID_OTHER`.
KOPP_SOLID: dict[str, float] = {
    "C": 7.5,
    "H": 9.6,
    "B": 11.3,
    "Si": 15.9,
    "O": 16.7,
    "F": 20.9,
    "P": 22.6,
    "S": 22.6,
}
#: Kopp's-rule atomic heat capacity of every element not in :data:`KOPP_SOLID` [J/mol/K].
KOPP_SOLID_OTHER = 26.0
#: Molar mass of water [kg/mol].
M_WATER = 0.01801528
#: A species' amount "changes" (reacts) when |out − in| exceeds this fraction of its flow [-].
CHANGE_RTOL = 1e-9


@cache
def _liquid_water() -> ct.Species:
    return next(s for s in ct.Species.list_from_file("nasa_condensed.yaml") if s.name == "H2O(L)")


def liquid_water_enthalpy(T: float) -> float:
    """Molar enthalpy of liquid water (formation basis) from Cantera's H2O(L) polynomial.

    Parameters
    ----------
    T : float
        Temperature [K], within the data range 273.15–600 K.

    Returns
    -------
    float
        h(T) [J/mol]; h(T2) − h(T1) is the sensible heat of 1 mol of water.

    Raises
    ------
    SpecificationError
        If T is outside 273.15–600 K (ice or no liquid water).

    References
    ----------
    McBride, B. J., Gordon, S., Reno, M. A. (1993), NASA TM-4513 (``McBride1993``), as
    shipped with Cantera 3.2 in ``nasa_condensed.yaml`` (``Cantera2025``).
    """
    th = _liquid_water().thermo
    if not (th.min_temp <= T <= th.max_temp):
        raise SpecificationError(
            f"aqueous phase at {T:g} K: liquid-water enthalpy data cover "
            f"{th.min_temp:g}-{th.max_temp:g} K only."
        )
    return float(th.h(T)) / 1e3


def kopp_heat_capacity(elements: Sequence[str], element_matrix: np.ndarray) -> np.ndarray:
    """Heat capacity of solids by Kopp's rule (sum of atomic contributions).

    Parameters
    ----------
    elements : sequence of str
        Element symbols, one per row of ``element_matrix`` (pseudo-elements allowed).
    element_matrix : numpy.ndarray
        Atoms of each element per formula unit, shape (n_elements, n_species) [-].

    Returns
    -------
    numpy.ndarray
        Cp of each species [J/mol/K]; ``nan`` for species containing a pseudo-element
        (no atoms to count).

    References
    ----------
    Felder, R. M., Rousseau, R. W. (2005), Elementary Principles of Chemical Processes, 3rd
    ed., Table B.10 (``Felder2005``).
    """
    A = np.asarray(element_matrix, dtype=float)
    if A.ndim != 2 or A.shape[0] != len(elements):
        raise SpecificationError(
            f"kopp_heat_capacity: {len(elements)} elements but an element matrix of shape "
            f"{A.shape}; give one row per element."
        )
    per_atom = np.array(
        [KOPP_SOLID.get(e, KOPP_SOLID_OTHER) if e in ELEMENTS else math.nan for e in elements]
    )
    cp = np.where(A > 0, per_atom[:, None] * A, 0.0).sum(axis=0)
    pseudo = ((A > 0) & np.isnan(per_atom)[:, None]).any(axis=0)
    return np.where(pseudo, math.nan, cp)


@dataclass(frozen=True)
class HeatBalance:
    """Result of :func:`enthalpy_balance`.

    Attributes
    ----------
    duty : float
        Heat to supply [W] (negative: heat removed); ``nan`` if ``missing`` is not empty.
    sensible : float
        Sensible-heat part [W] (``nan`` if ``missing``).
    reaction : float
        Heat of reaction at T_r [W]; 0 if nothing reacts, ``nan`` when not included.
    reaction_included : bool
        Whether ``duty`` contains the heat of reaction.
    no_enthalpy_data : tuple of str
        Reacting species without enthalpy data (why the heat of reaction is excluded).
    estimated : tuple of str
        Solids whose heat capacity is a Kopp's-rule estimate.
    missing : tuple of str
        Species with neither data nor an estimate (duty ``nan``), with the reason.
    solute_mass_fraction : float
        Largest mass fraction of non-water species in the aqueous phase of any stream [-]:
        the larger, the worse the water-cp approximation (``nan`` if no aqueous phase).
    surrogates : tuple of str
        Stand-ins used for species without data of their own ("inert gangue counted as
        SiO2 ..."), as in the thermal units.
    """

    duty: float
    sensible: float
    reaction: float
    reaction_included: bool
    no_enthalpy_data: tuple[str, ...] = ()
    estimated: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    solute_mass_fraction: float = math.nan
    surrogates: tuple[str, ...] = ()

    @property
    def basis(self) -> str:
        """What the duty includes, in words (for ``Outcome.info["duty_basis"]``)."""
        if self.missing:
            return "unknown: no enthalpy data for " + ", ".join(self.missing)
        if not self.reaction_included:
            text = (
                "sensible heat only: no enthalpy data for "
                + ", ".join(self.no_enthalpy_data)
                + " (heat of reaction not included)"
            )
        elif self.reaction != 0.0:
            text = "sensible heat and heat of reaction (thermo data)"
        else:
            text = "sensible heat (nothing reacts)"
        if not math.isnan(self.solute_mass_fraction):
            text += (
                "; aqueous phase taken as liquid water (water cp, dilute-solution "
                f"approximation; solutes up to {100 * self.solute_mass_fraction:.3g} wt%)"
            )
        if self.estimated:
            text += "; heat capacity estimated by Kopp's rule for " + ", ".join(self.estimated)
        if self.surrogates:
            text += "; " + "; ".join(self.surrogates)
        return text


def _streams(streams, n_species: int, where: str) -> list[tuple[np.ndarray, float]]:
    out = []
    for k, item in enumerate(streams):
        try:
            n, T = item
        except (TypeError, ValueError):
            raise SpecificationError(
                f"enthalpy_balance: each {where} is (moles [mol/s], T [K]); got {item!r}."
            ) from None
        n = np.asarray(n, dtype=float)
        if n.shape != (n_species,):
            raise SpecificationError(
                f"enthalpy_balance: {where} {k} has flows of shape {n.shape}; expected "
                f"({n_species},), one per species."
            )
        if not np.isfinite(n).all() or (n < 0).any():
            raise SpecificationError(
                f"enthalpy_balance: {where} {k} has a negative or non-finite flow; flows "
                "must be finite and >= 0 [mol/s]."
            )
        T = float(T)
        if not (math.isfinite(T) and T > 0):
            raise SpecificationError(
                f"enthalpy_balance: {where} {k} temperature {T!r} K; it must be finite and > 0."
            )
        out.append((n, T))
    return out


def enthalpy_balance(
    names: Sequence[str],
    phases: Sequence[str],
    molar_masses,
    elements: Sequence[str],
    element_matrix,
    inlets: Sequence[tuple],
    outlets: Sequence[tuple],
    T_reaction: float,
    *,
    extrapolate: bool = False,
) -> HeatBalance:
    """Heat duty of a unit from the enthalpies of its inlets and outlets (module docstring).

    Parameters
    ----------
    names : sequence of str
        Species names.
    phases : sequence of str
        Phase of each species (``"aq"``, ``"s"``, ``"g"``, ``"org"``, ``"l"``).
    molar_masses : array_like
        Molar mass of each species [kg/mol].
    elements : sequence of str
        Element symbols of the rows of ``element_matrix``.
    element_matrix : array_like
        Atoms per formula unit, shape (n_elements, n_species) [-].
    inlets, outlets : sequence of (array_like, float)
        Each stream's molar flows over ``names`` [mol/s] and its temperature [K].
    T_reaction : float
        Temperature at which the composition change takes place [K] (normally the
        reacting outlet's).
    extrapolate : bool
        Use thermo data outside their temperature range (otherwise such a species is
        reported in ``missing``).

    Returns
    -------
    HeatBalance
        ``duty`` = sensible heat + heat of reaction when it can be included [W].

    References
    ----------
    McBride et al. (1993) for H2O(L) (``McBride1993``); Felder & Rousseau (2005) Table B.10
    for Kopp's rule (``Felder2005``); the thermo data's own sources.
    """
    names = list(names)
    ns = len(names)
    phases = list(phases)
    M = np.asarray(molar_masses, dtype=float)
    if len(phases) != ns or M.shape != (ns,):
        raise SpecificationError(
            f"enthalpy_balance: {ns} species but {len(phases)} phases and {M.shape} molar "
            "masses; give one of each per species."
        )
    ins = _streams(inlets, ns, "inlet")
    outs = _streams(outlets, ns, "outlet")
    T_r = float(T_reaction)
    if not (math.isfinite(T_r) and T_r > 0):
        raise SpecificationError(f"enthalpy_balance: T_reaction = {T_reaction!r} K; must be > 0.")
    n_in = sum((n for n, _ in ins), np.zeros(ns))
    n_out = sum((n for n, _ in outs), np.zeros(ns))
    present = (n_in > 0) | (n_out > 0)
    aq = np.array([p == "aq" for p in phases])
    known = frozenset(thermo.available())
    # species without data of their own take their stand-in's enthalpy ("inert gangue" as
    # SiO2, thermo.ENTHALPY_SURROGATES), as in the thermal units' duties
    own_names = names
    names = thermo.enthalpy_stand_ins(own_names, known)
    data = ~aq & np.array([x in known for x in names]) & present
    surrogates = tuple(
        thermo.stand_in_clause(own_names[i], names[i])
        for i in np.flatnonzero(data)
        if names[i] != own_names[i]
    )
    kopp = kopp_heat_capacity(elements, element_matrix)
    est = ~aq & ~data & present & np.array([p == "s" for p in phases]) & np.isfinite(kopp)
    missing = [own_names[i] for i in np.flatnonzero(present & ~aq & ~data & ~est)]

    temps = {T_r} | {T for n, T in (*ins, *outs) if n.any()}
    for i in np.flatnonzero(data):
        lo, hi = thermo.lookup(names[i]).t_range
        bad = [T for T in temps if not lo - thermo.T_SLACK <= T <= hi + thermo.T_SLACK]
        if bad and not extrapolate:
            missing.append(f"{own_names[i]} ({max(bad, key=lambda t: abs(t - T_r)):g} K outside "
                           f"its data range {lo:g}-{hi:g} K)")  # fmt: skip

    solute = math.nan
    if aq.any():
        water = np.array([x == "H2O" for x in names]) & aq
        for n, _ in (*ins, *outs):
            m_aq = float(n[aq] @ M[aq])
            if m_aq > 0:
                frac = 1.0 - float(n[water] @ M[water]) / m_aq
                solute = frac if math.isnan(solute) else max(solute, frac)
    if missing:
        return HeatBalance(
            math.nan, math.nan, math.nan, False, missing=tuple(missing),
            solute_mass_fraction=solute,
        )  # fmt: skip

    d_idx = np.flatnonzero(data)
    d_names = [names[i] for i in d_idx]
    h_dr = thermo.molar_enthalpies(d_names, T_r, extrapolate=extrapolate)
    aq_present = (aq & present).any()
    hw_r = liquid_water_enthalpy(T_r) if aq_present else 0.0
    cache_dh: dict[tuple[float, bool], np.ndarray] = {}

    def dh(n: np.ndarray, T: float) -> np.ndarray:
        """h_i(T) − h_i(T_r) of every species [J/mol]; the aqueous entries only for a
        stream that holds an aqueous phase (a dry hot solid has no liquid water)."""
        wet = aq_present and bool((n[aq] > 0).any())
        if (T, wet) not in cache_dh:
            out = np.zeros(ns)
            if wet:
                out[aq] = M[aq] / M_WATER * (liquid_water_enthalpy(T) - hw_r)
            if d_names:
                out[d_idx] = thermo.molar_enthalpies(d_names, T, extrapolate=extrapolate) - h_dr
            out[est] = kopp[est] * (T - T_r)
            cache_dh[(T, wet)] = out
        return cache_dh[(T, wet)]

    sensible = sum(float(n @ dh(n, T)) for n, T in outs) - sum(float(n @ dh(n, T)) for n, T in ins)
    delta = n_out - n_in
    changed = np.abs(delta) > CHANGE_RTOL * np.maximum(n_in, n_out)
    no_data = [own_names[i] for i in np.flatnonzero(changed & ~data)]
    if no_data:
        reaction, included = math.nan, False
    else:
        reaction, included = float(delta[d_idx] @ h_dr) if changed.any() else 0.0, True

    keys = [k for i in d_idx for k in thermo.lookup(names[i]).sources]
    if d_names:
        keys.append("Cantera2025")
    if aq_present:
        keys += ["McBride1993", "Cantera2025"]
    if est.any():
        keys.append("Felder2005")
    if surrogates:
        keys.append("yieldkitEstimate")
    citations.register(*dict.fromkeys(keys))
    return HeatBalance(
        duty=sensible + (reaction if included else 0.0),
        sensible=sensible,
        reaction=reaction,
        reaction_included=included,
        no_enthalpy_data=tuple(no_data),
        estimated=tuple(own_names[i] for i in np.flatnonzero(est)),
        solute_mass_fraction=solute,
        surrogates=surrogates,
    )
