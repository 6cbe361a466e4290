"""Stream: molar flows of every species of one Components set, with T and P.

A Stream is a value: operations return new streams. Inside, flows are mol/s, T is K, P is
Pa; the public API takes and returns quantities or explicit unit strings.

Density model (documented, overridable per stream): liquid-phase volumes are mass flow
divided by a constant phase density, by default 1000 kg/m3 for the aqueous phase (DOMAIN.md
§9: liquids 1 kg/L, UKy pilot as modelled in PrOMMiS) and 820 kg/m3 for the organic phase
(kerosene diluent, DOMAIN.md §3). Solids and gases have no default (ask for them and you
get an error that says how to give one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pint
from molmass import ELEMENTS

from yieldkit.chemistry.components import Components
from yieldkit.errors import (
    SpecificationError,
    UnitsError,
    expect_dict,
    float_array,
    unknown_name,
)
from yieldkit.units import Q_, check_unit, parse_quantity, to_si, ureg

DEFAULT_DENSITY = {"aq": 1000.0, "org": 820.0}  # [kg/m3]
T_REF = 298.15  # [K]
P_REF = 101325.0  # [Pa]

_MASS_RATE = ureg.Quantity(1, "kg/s").dimensionality
_MOLE_RATE = ureg.Quantity(1, "mol/s").dimensionality
_MOLAR_CONC = ureg.Quantity(1, "mol/m^3").dimensionality
_MASS_CONC = ureg.Quantity(1, "kg/m^3").dimensionality


def element_molar_mass(element: str) -> float:
    """Atomic mass of an element [kg/mol] (molmass; pseudo-elements have none)."""
    try:
        return ELEMENTS[element].mass / 1000.0
    except (KeyError, ValueError):
        raise SpecificationError(
            f"{element!r} is a pseudo-element (no atomic mass); ask for its flow in mol/s."
        ) from None


class Stream:
    """Molar flows of every species of a :class:`Components` set, with T and P.

    Parameters
    ----------
    components : Components
        The species set shared by the flowsheet.
    flows : mapping of str to quantity, optional
        Flow of each species given, as mass or molar flow quantities (``"12 kg/h"``,
        ``Q_(3, "mol/s")``); species not named are zero.
    T : quantity, optional
        Temperature [K]; default 298.15 K.
    P : quantity, optional
        Pressure [Pa]; default 101325 Pa.
    densities : mapping of str to quantity, optional
        Phase densities overriding the defaults (``{"aq": "1.1 kg/L"}``).
    name : str
        Label used in tables.

    Examples
    --------
    >>> from yieldkit.chemistry.components import Components
    >>> c = Components(["H2O", "H+", "Cl-"])
    >>> s = Stream(c, {"H2O": "1000 kg/h", "H+": "1 mol/h", "Cl-": "1 mol/h"})
    >>> round(s.flow("H2O", "kg/h"), 6)
    1000.0
    """

    __slots__ = ("_c", "_n", "_T", "_P", "_rho", "name")

    def __init__(
        self,
        components: Components,
        flows: Mapping | None = None,
        T=None,
        P=None,
        densities: Mapping | None = None,
        name: str = "",
    ):
        if not isinstance(components, Components):
            raise SpecificationError(
                f"Stream needs a Components set, got {type(components).__name__}."
            )
        if not isinstance(name, str):
            raise SpecificationError(f"Stream name = {name!r} must be a string.")
        flows = {} if flows is None else expect_dict(flows, "Stream flows", "{'H2O': '1000 kg/h'}")
        n = np.zeros(len(components))
        for sp, value in flows.items():
            i = components.index(sp)
            n[i] += _flow_to_mol_s(value, components.molar_masses[i], f"flow of {sp!r}")
        T_K = T_REF if T is None else to_si(T, "K", "stream temperature")
        P_Pa = P_REF if P is None else to_si(P, "Pa", "stream pressure")
        rho = dict(DEFAULT_DENSITY)
        densities = {} if densities is None else densities
        for phase, value in expect_dict(densities, "densities", "{'aq': '1.1 kg/L'}").items():
            if phase not in ("aq", "org", "l"):
                raise SpecificationError(
                    unknown_name("liquid phase", phase, ("aq", "org", "l"), "densities")
                )
            rho[phase] = to_si(value, "kg/m^3", f"density of phase {phase!r}")
        self._init(components, n, T_K, P_Pa, rho, name)

    def _init(self, c, n, T, P, rho, name):
        _check_state(c, n, T, P, rho)
        n = np.array(n, dtype=float)
        n.setflags(write=False)
        self._c, self._n, self._T, self._P, self._rho, self.name = (
            c,
            n,
            float(T),
            float(P),
            rho,
            name,
        )

    @classmethod
    def from_moles(
        cls,
        components: Components,
        moles,
        T: float = T_REF,
        P: float = P_REF,
        densities: Mapping[str, float] | None = None,
        name: str = "",
    ) -> Stream:
        """Internal constructor from SI arrays: ``moles`` [mol/s], ``T`` [K], ``P`` [Pa]."""
        s = cls.__new__(cls)
        rho = dict(DEFAULT_DENSITY) if densities is None else dict(densities)
        s._init(components, moles, T, P, rho, name)
        return s

    @classmethod
    def from_concentrations(
        cls,
        components: Components,
        volume_flow,
        concentrations: Mapping,
        *,
        phase: str = "aq",
        solvent: str = "H2O",
        T=None,
        P=None,
        densities: Mapping | None = None,
        name: str = "",
    ) -> Stream:
        """A liquid stream from its volumetric flow and solute concentrations.

        The solvent fills the rest of the phase mass given by the phase density.

        Parameters
        ----------
        components : Components
            Species set.
        volume_flow : quantity
            Liquid flow [m3/s], e.g. ``"224.3 L/h"``.
        concentrations : mapping of str to quantity
            Solute concentrations, molar (``"0.1 mol/L"``) or mass (``"100 mg/L"``).
        phase : str
            ``"aq"`` or ``"org"``.
        solvent : str
            Species that makes up the balance of the phase mass.
        """
        base = cls(components, {}, T, P, densities, name)
        V = to_si(volume_flow, "m^3/s", "volume flow")
        if V < 0:
            raise SpecificationError(f"volume flow must be >= 0, got {volume_flow!r}.")
        n = np.zeros(len(components))
        expect_dict(concentrations, "concentrations", "{'Nd+3': '0.1 mol/L'}")
        for sp, value in concentrations.items():
            i = components.index(sp)
            if components.species[i].phase != phase:
                raise SpecificationError(
                    f"concentration given for {sp!r}, which is in phase "
                    f"{components.species[i].phase!r}, not {phase!r}."
                )
            n[i] += V * _conc_to_mol_m3(
                value, components.molar_masses[i], f"concentration of {sp!r}"
            )
        j = components.index(solvent)
        rho = base._rho.get(phase)
        if rho is None:
            raise SpecificationError(f"no density for phase {phase!r}; give densities={{...}}.")
        m_solvent = rho * V - float(n @ components.molar_masses)
        if m_solvent < 0:
            raise SpecificationError(
                f"solutes weigh {float(n @ components.molar_masses) / V:.4g} kg/m3, more than the "
                f"phase density {rho} kg/m3: check the concentrations."
            )
        n[j] += m_solvent / components.molar_masses[j]
        return cls.from_moles(components, n, base.T, base.P, base._rho, name)

    # ---------------------------------------------------------------- identity
    @property
    def components(self) -> Components:
        return self._c

    @property
    def moles(self) -> np.ndarray:
        """Molar flows [mol/s] (read-only array)."""
        return self._n

    @property
    def T(self) -> float:
        """Temperature [K]."""
        return self._T

    @property
    def P(self) -> float:
        """Pressure [Pa]."""
        return self._P

    @property
    def densities(self) -> dict[str, float]:
        """Liquid phase densities [kg/m3]."""
        return dict(self._rho)

    def temperature(self, unit: str = "K") -> float:
        """Temperature in ``unit`` (e.g. ``"degC"``)."""
        check_unit(_unit_text(unit, "temperature unit"), "K", "temperature unit")
        return Q_(self._T, "K").to(unit).magnitude

    def __repr__(self) -> str:
        nz = [
            (n, self.flow(n, "kg/h")) for n, x in zip(self._c.names, self._n, strict=True) if x > 0
        ]
        top = ", ".join(f"{n}: {v:.4g}" for n, v in sorted(nz, key=lambda t: -t[1])[:5])
        return f"Stream({self.name or 'unnamed'}: {self.mass_flow('kg/h'):.6g} kg/h; {top} kg/h; T={self._T:.2f} K)"

    # ---------------------------------------------------------------- new streams
    def with_moles(
        self, moles, T: float | None = None, P: float | None = None, name: str | None = None
    ) -> Stream:
        """A new stream with other molar flows [mol/s] (and optionally T [K], P [Pa])."""
        return Stream.from_moles(
            self._c,
            moles,
            self._T if T is None else T,
            self._P if P is None else P,
            self._rho,
            self.name if name is None else name,
        )

    def scaled(self, factor: float) -> Stream:
        """A new stream with every flow multiplied by ``factor`` [-] (>= 0)."""
        if isinstance(factor, bool) or not isinstance(factor, int | float | np.number):
            raise SpecificationError(f"scale factor = {factor!r} must be a number >= 0.")
        if not factor >= 0:
            raise SpecificationError(f"scale factor must be >= 0, got {factor!r}.")
        return self.with_moles(self._n * factor)

    def phase(self, phase: str) -> Stream:
        """A new stream holding only the species of ``phase``."""
        return self.with_moles(np.where(self._c.phase_mask(phase), self._n, 0.0))

    def __add__(self, other: Stream) -> Stream:
        if not isinstance(other, Stream):
            raise SpecificationError(
                f"a Stream can be added to a Stream only, not to {type(other).__name__} {other!r}."
            )
        return mix([self, other])

    # ---------------------------------------------------------------- flows
    def flow(self, species: str, unit: str = "mol/s") -> float:
        """Flow of one species in ``unit`` (molar or mass per time)."""
        i = self._c.index(species)
        return _mol_s_to(self._n[i], self._c.molar_masses[i], unit, f"flow of {species!r}")

    def flows(self, unit: str = "mol/s") -> dict[str, float]:
        """Flows of every species {name: value in ``unit``}."""
        return {n: self.flow(n, unit) for n in self._c.names}

    def element_flows(self) -> np.ndarray:
        """Flow of every element of ``components.elements`` [mol/s]."""
        return self._c.element_matrix @ self._n

    def element_flow(self, element: str, unit: str = "mol/s") -> float:
        """Flow of one element in ``unit`` (molar or mass per time)."""
        k = self._c.element_index(element)
        value = float(self._c.element_matrix[k] @ self._n)
        return _mol_s_to(value, element_molar_mass(element), unit, "flow unit")

    def mass_flow(self, unit: str = "kg/s", phase: str | None = None) -> float:
        """Total mass flow, or of one phase, in ``unit``."""
        mw = self._c.molar_masses if phase is None else self._c.phase_molar_masses(phase)
        f = 1.0 if unit == "kg/s" else _factor("kg/s", unit, "mass flow unit")
        return float(self._n @ mw) * f

    def mole_flow(self, unit: str = "mol/s", phase: str | None = None) -> float:
        """Total molar flow, or of one phase, in ``unit``."""
        n = self._n if phase is None else self._n * self._c.phase_mask(phase)
        return float(n.sum()) * _factor("mol/s", unit, "molar flow unit")

    def mass_fraction(self, species: str, phase: str | None = None) -> float:
        """Mass fraction of a species in the stream or in one phase [-]."""
        total = self.mass_flow("kg/s", phase)
        i = self._c.index(species)
        return 0.0 if total == 0 else float(self._n[i] * self._c.molar_masses[i] / total)

    def mole_fraction(self, species: str, phase: str | None = None) -> float:
        """Mole fraction of a species in the stream or in one phase [-]."""
        total = self.mole_flow("mol/s", phase)
        return 0.0 if total == 0 else float(self._n[self._c.index(species)] / total)

    # ---------------------------------------------------------------- liquids
    def volume_flow(self, phase: str = "aq", unit: str = "m^3/s") -> float:
        """Volumetric flow of a liquid phase from its density model, in ``unit``."""
        f = 1.0 if unit == "m^3/s" else _factor("m^3/s", unit, "volume flow unit")
        rho = self._rho.get(phase) if isinstance(phase, str) else None
        if rho is None:
            raise SpecificationError(
                f"no density for phase {phase!r}: liquid densities are known for "
                f"{sorted(self._rho)}; give densities={{'{phase}': '... kg/m^3'}}."
            )
        return self.mass_flow("kg/s", phase) / rho * f

    def conc(self, species: str, unit: str = "mol/L") -> float:
        """Concentration of a species in its liquid phase, molar or mass per volume."""
        i = self._c.index(species)
        phase = self._c.species[i].phase
        if phase not in ("aq", "org", "l"):
            raise SpecificationError(
                f"{species!r} is in phase {phase!r}; concentrations are for liquid phases."
            )
        V = self.volume_flow(phase)
        c = 0.0 if V == 0 else self._n[i] / V
        kind, f = _kind_factor(unit, "mol/m^3", "kg/m^3", "concentration unit")
        if kind == 0:
            return float(c) * f
        if kind == 1:
            return float(c) * self._c.molar_masses[i] * f
        raise UnitsError(
            f"concentration unit {unit!r} must be molar (mol/L) or mass (mg/L) per volume."
        )


def mix(streams: list[Stream], T: float | None = None, name: str = "") -> Stream:
    """Sum streams of the same Components.

    Without ``T`` the outlet temperature is the mass-weighted mean of the inlets (equal
    specific heats assumed; use a Heater with Cantera duties for an enthalpy balance).
    Pressure is the lowest inlet pressure.
    """
    if isinstance(streams, Stream | str | Mapping) or not isinstance(streams, Iterable):
        raise SpecificationError(f"mix() takes a list of Streams, got {streams!r}.")
    streams = list(streams)
    if not streams:
        raise SpecificationError("mix() needs at least one stream.")
    for s in streams:
        if not isinstance(s, Stream):
            raise SpecificationError(f"mix(): {s!r} is not a Stream.")
    if T is not None and (isinstance(T, bool) or not isinstance(T, int | float | np.number)):
        raise SpecificationError(f"mix(): T = {T!r} must be a temperature in K (a number) or None.")
    c = streams[0].components
    for s in streams[1:]:
        if s.components != c:
            raise SpecificationError("mix(): streams have different Components sets.")
    n = total_moles(streams, len(c))
    masses = np.array([float(s.moles @ c.molar_masses) for s in streams])
    if T is None:
        T = (
            float(masses @ [s.T for s in streams] / masses.sum())
            if masses.sum() > 0
            else streams[0].T
        )
    P = min(s.P for s in streams)
    return Stream.from_moles(c, n, T, P, streams[0].densities, name)


def total_moles(streams: Iterable[Stream], size: int) -> np.ndarray:
    """Summed molar flows of ``streams`` of one Components set of ``size`` species, zeros
    for none [mol/s]."""
    total = np.zeros(size)
    for s in streams:
        total += s.moles
    return total


# ------------------------------------------------------------------- helpers
_FACTORS: dict[tuple[str, str], float] = {}


def _unit_text(unit, name: str) -> str:
    """A unit given as a string (pint's own error for a number or a list is a TypeError)."""
    if not isinstance(unit, str):
        raise UnitsError(f"{name}: unit {unit!r} must be a string such as 'kg/h' or 'mol/L'.")
    return unit


def _factor(si_unit: str, unit: str, name: str) -> float:
    """Multiplicative factor from ``si_unit`` to ``unit`` (cached: pint stays out of loops)."""
    key = (si_unit, _unit_text(unit, name))
    f = _FACTORS.get(key)
    if f is None:
        check_unit(unit, si_unit, name)
        f = _FACTORS[key] = float(Q_(1.0, si_unit).to(unit).magnitude)
    return f


def _dim(unit: str, name: str):
    try:
        return ureg.Quantity(1, unit).dimensionality
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitsError(f"{name}: unknown unit {unit!r} ({exc}).") from exc


_KINDS: dict[tuple[str, str, str], tuple[int, float]] = {}


def _kind_factor(unit: str, molar_si: str, mass_si: str, name: str) -> tuple[int, float]:
    """(0, factor from ``molar_si`` to ``unit``) for a molar unit, (1, factor from
    ``mass_si``) for a mass one, (-1, nan) for any other dimension; cached per unit, so a
    stream table does not parse the same unit string with pint for every entry (which
    was ~40 % of a route run: 2026-12-06, coal-refuse-uky 2.9 s, 2925 flow conversions)."""
    key = (_unit_text(unit, name), molar_si, mass_si)
    out = _KINDS.get(key)
    if out is None:
        dim = _dim(unit, name)
        if dim == _dim(molar_si, name):
            out = (0, _factor(molar_si, unit, name))
        elif dim == _dim(mass_si, name):
            out = (1, _factor(mass_si, unit, name))
        else:
            out = (-1, math.nan)
        _KINDS[key] = out
    return out


def _flow_to_mol_s(value, molar_mass: float, name: str) -> float:
    q = parse_quantity(value, name)
    if q.dimensionality == _MOLE_RATE:
        v = q.to("mol/s").magnitude
    elif q.dimensionality == _MASS_RATE:
        v = q.to("kg/s").magnitude / molar_mass
    else:
        raise UnitsError(f"{name}: {q:~P} is not a mass or molar flow (e.g. 'kg/h', 'mol/s').")
    if not np.isfinite(v) or v < 0:
        raise SpecificationError(f"{name}: flows must be finite and >= 0, got {q:~P}.")
    return float(v)


def _conc_to_mol_m3(value, molar_mass: float, name: str) -> float:
    q = parse_quantity(value, name)
    if q.dimensionality == _MOLAR_CONC:
        v = q.to("mol/m^3").magnitude
    elif q.dimensionality == _MASS_CONC:
        v = q.to("kg/m^3").magnitude / molar_mass
    else:
        raise UnitsError(
            f"{name}: {q:~P} is not a molar or mass concentration (e.g. 'mol/L', 'mg/L')."
        )
    if not np.isfinite(v) or v < 0:
        raise SpecificationError(f"{name}: concentrations must be finite and >= 0, got {q:~P}.")
    return float(v)


def _mol_s_to(value: float, molar_mass: float, unit: str, name: str) -> float:
    kind, f = _kind_factor(unit, "mol/s", "kg/s", name)
    if kind == 0:
        return float(value) * f
    if kind == 1:
        return float(value) * molar_mass * f
    raise UnitsError(
        f"{name}: unit {unit!r} is not a mass or molar flow unit (e.g. 'kg/h', 'mol/s')."
    )


def _check_state(c: Components, n, T: float, P: float, rho) -> None:
    n = float_array(n, "molar flows {!r} must be an array of numbers [mol/s], one per species.")
    if n.shape != (len(c),):
        raise SpecificationError(f"molar flow array has shape {n.shape}, expected ({len(c)},).")
    if n.size and n.min() >= 0 and n.max() < math.inf:
        bad = ()  # all finite and >= 0 (a nan fails both comparisons)
    else:
        bad = np.flatnonzero(~np.isfinite(n) | (n < 0))
    if len(bad):
        i = bad[0]
        raise SpecificationError(
            f"flow of {c.names[i]!r} is {float(n[i])!r} mol/s; flows must be finite and >= 0"
            + (f" ({len(bad)} species affected)." if len(bad) > 1 else ".")
        )
    if not (math.isfinite(T) and T > 0):
        raise SpecificationError(f"temperature must be > 0 K, got {T!r} K.")
    if not (math.isfinite(P) and P > 0):
        raise SpecificationError(f"pressure must be > 0 Pa, got {P!r} Pa.")
    for phase, value in rho.items():
        if not (math.isfinite(value) and value > 0):
            raise SpecificationError(
                f"density of phase {phase!r} must be > 0 kg/m3, got {value!r}."
            )
