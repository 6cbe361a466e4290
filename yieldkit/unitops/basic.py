"""Feeds, products, mixers, splitters and component separators."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from yieldkit.chemistry.species import PHASES
from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.stream import Stream, mix
from yieldkit.unitops.base import Outcome, UnitOperation
from yieldkit.unitops.params import (
    choice,
    fraction,
    fractions_summing_to_one,
    item_list,
    mapping,
    port_names,
)

FEED_KINDS = ("feed", "reagent", "utility")
#: Inlets within this of a unit's set temperature do not count as heated or cooled [K].
T_SAME = 1e-6
PRODUCT_KINDS = ("product", "by-product", "residue", "effluent", "emission", "purge")


def changes_temperature(inlets, T: float | None) -> bool:
    """Whether a unit with outlet temperature ``T`` [K] heats or cools a flowing inlet.

    ``T`` None (outlet at the mixed inlet temperature) counts as no change.
    """
    return T is not None and any(s.moles.any() and abs(s.T - T) > T_SAME for s in inlets)


def slurry_duty(inlets, outlets, T_reaction: float) -> tuple[float, dict]:
    """Heat duty [W] of a unit that heats or cools its streams, and the info it reports.

    Thin adapter over :func:`yieldkit.models.heat_balance.enthalpy_balance` (thermo data,
    aqueous phase as liquid water, Kopp's rule for solids without data).

    Parameters
    ----------
    inlets, outlets : sequence of Stream
        The unit's streams [mol/s], each at its own temperature [K].
    T_reaction : float
        Temperature at which the composition changes [K].

    Returns
    -------
    duty : float
        Heat to supply [W]; ``nan`` if a species has neither data nor an estimate.
    info : dict
        ``duty_basis`` (what the duty includes, in words), ``duty_missing_species``,
        ``duty_estimated_species``, ``duty_sensible_W``, ``duty_reaction_W``.
    """
    from yieldkit.models.heat_balance import enthalpy_balance

    c = inlets[0].components
    bal = enthalpy_balance(
        c.names,
        [sp.phase for sp in c.species],
        c.molar_masses,
        c.elements,
        c.element_matrix,
        [(s.moles, s.T) for s in inlets],
        [(s.moles, s.T) for s in outlets],
        T_reaction,
    )
    return bal.duty, {
        "duty_basis": bal.basis,
        "duty_missing_species": list(bal.missing),
        "duty_estimated_species": list(bal.estimated),
        "duty_sensible_W": bal.sensible,
        "duty_reaction_W": bal.reaction,
    }


class Feed(UnitOperation):
    """A stream entering the flowsheet.

    Parameters
    ----------
    name : str
        Unit name.
    stream : Stream
        The stream fed [mol/s].
    kind : str
        ``feed`` (the material processed), ``reagent`` (counted in reagent use) or
        ``utility`` (air, water, gases).
    """

    def __init__(self, name: str, stream: Stream, kind: str = "feed"):
        super().__init__(name)
        if not isinstance(stream, Stream):
            raise SpecificationError(
                f"Feed {name!r}: stream must be a Stream, got {type(stream).__name__}."
            )
        self.stream = stream
        self.kind = choice(kind, FEED_KINDS, f"Feed {name!r} kind")
        self.inlet_ports = ()
        self.outlet_ports = ("out",)

    def _run(self, inlets):
        return {"out": self.stream}


class Product(UnitOperation):
    """A stream leaving the flowsheet.

    Parameters
    ----------
    name : str
        Unit name.
    kind : str
        ``product``, ``by-product``, ``residue``, ``effluent``, ``emission`` or ``purge``.
    """

    def __init__(self, name: str, kind: str = "product"):
        super().__init__(name)
        self.kind = choice(kind, PRODUCT_KINDS, f"Product {name!r} kind")
        self.inlet_ports = ("in",)
        self.outlet_ports = ()

    def _run(self, inlets):
        return {}


class Mixer(UnitOperation):
    """Sums its inlets (outlet T mass-weighted, equal specific heats assumed).

    Parameters
    ----------
    name : str
        Unit name.
    inlets : sequence of str
        Inlet port names.
    """

    def __init__(self, name: str, inlets=("in1", "in2")):
        super().__init__(name)
        self.inlet_ports = port_names(inlets, f"Mixer {name!r} inlets")
        self.outlet_ports = ("out",)

    def _run(self, inlets):
        return {"out": mix([inlets[p] for p in self.inlet_ports])}


class Splitter(UnitOperation):
    """Divides one stream among outlets in fixed fractions (same composition in each).

    Parameters
    ----------
    name : str
        Unit name.
    fractions : mapping of str to float
        Fraction of the inlet to each outlet port [-]; in [0, 1], summing to 1.
    """

    def __init__(self, name: str, fractions: Mapping[str, float]):
        super().__init__(name)
        self.fractions = fractions_summing_to_one(fractions, f"Splitter {name!r} fractions")
        self.inlet_ports = ("in",)
        self.outlet_ports = port_names(tuple(self.fractions), f"Splitter {name!r} outlets")

    def _run(self, inlets):
        s = inlets["in"]
        ports = list(self.outlet_ports)
        out = {p: s.with_moles(s.moles * self.fractions[p]) for p in ports[:-1]}
        # the last outlet takes the remainder, so the split conserves to rounding
        rest = s.moles - sum((o.moles for o in out.values()), np.zeros_like(s.moles))
        out[ports[-1]] = s.with_moles(np.maximum(rest, 0.0))
        return out


class Separator(UnitOperation):
    """Sends a fixed fraction of each species to the first outlet, the rest to the second.

    Used for beneficiation banks (recovery of each mineral to the concentrate), filters
    (solids to the cake, part of the liquor with them) and any split-based unit.

    Parameters
    ----------
    name : str
        Unit name.
    splits : mapping of str to float
        Fraction to ``outlets[0]`` [-], keyed by species name or by phase (``s``, ``aq``,
        ``org``, ``g``, ``l``); a species key overrides its phase key.
    outlets : pair of str
        Names of the two outlet ports.
    default : float, optional
        Fraction to ``outlets[0]`` of species matched by no key [-]; without it every
        species present must be matched, else the run fails naming it.
    """

    def __init__(
        self,
        name: str,
        splits: Mapping[str, float],
        outlets=("top", "bottom"),
        default: float | None = None,
    ):
        super().__init__(name)
        self.outlet_ports = port_names(outlets, f"Separator {name!r} outlets")
        if len(self.outlet_ports) != 2:
            raise SpecificationError(
                f"Separator {name!r}: exactly two outlets, got {self.outlet_ports!r}."
            )
        mapping(splits, f"Separator {name!r} splits", "{'s': 0.98, 'aq': 0.05}")
        if not splits:
            raise SpecificationError(
                f"Separator {name!r}: splits must name at least one species or phase."
            )
        self.splits = {
            k: fraction(v, f"Separator {name!r} split of {k!r}") for k, v in splits.items()
        }
        self.default = None if default is None else fraction(default, f"Separator {name!r} default")
        self.inlet_ports = ("in",)
        self._vector_cache: tuple | None = None

    def split_vector(self, components) -> np.ndarray:
        """Fraction of every species to the first outlet [-] for a Components set."""
        if self._vector_cache and self._vector_cache[0] is components:
            return self._vector_cache[1]
        for key in self.splits:
            if key not in PHASES and key not in components:
                raise SpecificationError(
                    unknown_name(
                        "species or phase",
                        key,
                        list(components.names) + list(PHASES),
                        f"Separator {self.name!r} splits",
                    )
                )
        f = np.full(len(components), np.nan if self.default is None else self.default)
        for i, sp in enumerate(components.species):
            if sp.name in self.splits:
                f[i] = self.splits[sp.name]
            elif sp.phase in self.splits:
                f[i] = self.splits[sp.phase]
        self._vector_cache = (components, f)
        return f

    def _run(self, inlets):
        s = inlets["in"]
        f = self.split_vector(s.components)
        present = s.moles > 0
        unmatched = np.flatnonzero(np.isnan(f) & present)
        if unmatched.size:
            names = [s.components.names[i] for i in unmatched]
            raise SpecificationError(
                f"Separator {self.name!r}: no split given for {names}; add them to splits "
                "(by species or phase) or give default=."
            )
        f = np.nan_to_num(f)
        top = s.moles * f
        first, second = self.outlet_ports
        return {first: s.with_moles(top), second: s.with_moles(s.moles - top)}


class StoichiometricReactor(UnitOperation):
    """Reactions with a given conversion of a key reactant, applied in order.

    If another reactant runs out first the extent is limited, the outcome's
    ``info["limited_by"]`` records it, and no flow goes negative.

    Heat duty [W]: 0 when ``T`` is not given or no inlet is at another temperature (the heat
    of reaction is then not modelled and ``info`` has no ``duty_basis``). When the unit
    heats or cools an inlet, the duty is the enthalpy balance of
    :func:`yieldkit.models.heat_balance.enthalpy_balance` with the reactions at ``T``:
    thermo data where they exist, the aqueous phase as liquid water, solids without data by
    Kopp's rule (named in ``info["duty_estimated_species"]``), ``nan`` with
    ``info["duty_missing_species"]`` for anything else; the heat of reaction only when every
    reacting species has thermo data, otherwise the sensible heat only.
    ``info["duty_basis"]`` says which.

    Parameters
    ----------
    name : str
        Unit name.
    reactions : sequence of (str, str, float)
        ``(equation, key reactant, conversion [-])``, e.g.
        ``("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 0.96)``.
    T : quantity, optional
        Outlet temperature [K]; default the (mixed) inlet temperature.
    inlets : sequence of str
        Inlet port names (several inlets are mixed first).
    """

    def __init__(self, name: str, reactions, T=None, inlets=("in",)):
        from yieldkit.chemistry.reactions import Reaction
        from yieldkit.units import to_si

        super().__init__(name)
        self.inlet_ports = port_names(inlets, f"StoichiometricReactor {name!r} inlets")
        self.outlet_ports = ("out",)
        reactions = item_list(
            reactions,
            f"StoichiometricReactor {name!r} reactions",
            "[('Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O', 'Nd2O3', 0.95)]",
        )
        if not reactions:
            raise SpecificationError(f"StoichiometricReactor {name!r}: give at least one reaction.")
        self.reactions = []
        for item in reactions:
            try:
                equation, key, conversion = item
            except (TypeError, ValueError):
                raise SpecificationError(
                    f"StoichiometricReactor {name!r}: each reaction is (equation, key reactant, "
                    f"conversion); got {item!r}."
                ) from None
            rxn = Reaction.parse(equation) if isinstance(equation, str) else equation
            if key not in rxn.reactants:
                raise SpecificationError(
                    unknown_name("key reactant", key, rxn.reactants, f"reaction {rxn.equation!r}")
                )
            x = fraction(conversion, f"conversion of {key!r} in {rxn.equation!r}")
            self.reactions.append((rxn, key, x))
        self.T = None if T is None else to_si(T, "K", f"StoichiometricReactor {name!r} T")
        self._cache: tuple | None = None

    def _arrays(self, components):
        if self._cache and self._cache[0] is components:
            return self._cache[1:]
        for rxn, _, _ in self.reactions:
            for sp in rxn.species:
                if sp not in components:
                    raise SpecificationError(
                        f"StoichiometricReactor {self.name!r}: reaction {rxn.equation!r} uses "
                        f"{sp!r}, which is not in the flowsheet's components."
                        + unknown_name("species", sp, components.names).split(".", 1)[1]
                    )
        nu = np.array([rxn.stoichiometry(components.names) for rxn, _, _ in self.reactions])
        key = np.array([components.index(k) for _, k, _ in self.reactions])
        x = np.array([c for _, _, c in self.reactions])
        self._cache = (components, nu, key, x)
        return nu, key, x

    def _run(self, inlets):
        from yieldkit.models.stoichiometric import sequential_extents

        s = mix([inlets[p] for p in self.inlet_ports])
        nu, key, x = self._arrays(s.components)
        n, extents, limiting = sequential_extents(s.moles, nu, key, x)
        names = s.components.names
        info = {
            "extents": {
                rxn.equation: float(e)
                for (rxn, _, _), e in zip(self.reactions, extents, strict=True)
            },
            "limited_by": {
                rxn.equation: names[lim]
                for (rxn, _, _), lim in zip(self.reactions, limiting, strict=True)
                if lim is not None
            },
        }
        out = s.with_moles(n, T=self.T)
        duty = 0.0
        streams = [inlets[p] for p in self.inlet_ports]
        if changes_temperature(streams, self.T):
            duty, more = slurry_duty(streams, [out], self.T)
            info.update(more)
        return Outcome({"out": out}, duty=duty, info=info)
