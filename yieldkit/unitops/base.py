"""The UnitOperation base class: named ports, validated parameters, checked balances.

A unit maps inlet streams to outlet streams by calling pure functions of
``yieldkit.models``; the class holds parameters and adds no algorithm. After every run the
base class checks the element and charge balance of the unit, so a unit that loses mass
fails loudly instead of returning a plausible number.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from yieldkit import citations
from yieldkit.errors import BalanceError, ConnectionError, SpecificationError, unknown_name
from yieldkit.stream import Stream, total_moles

BALANCE_RTOL = 1e-9


@dataclass
class Outcome:
    """What one run of a unit produced.

    Attributes
    ----------
    outlets : dict of str to Stream
        One stream per outlet port.
    duty : float
        Heat supplied to the unit [W] (negative: heat removed).
    power : float
        Electrical or mechanical power used [W].
    info : dict
        Unit-specific results (extents, limiting reagents, conversions ...).
    """

    outlets: dict
    duty: float = 0.0
    power: float = 0.0
    info: dict = field(default_factory=dict)


_BALANCE_FLOOR = 1e-14  # of the largest element flow of the unit, see Balance


@dataclass(frozen=True)
class Balance:
    """Element and charge balance of a unit (in minus out).

    Attributes
    ----------
    elements : tuple of str
        Element names.
    inflow, outflow : numpy.ndarray
        Element flows [mol/s].
    charge_in, charge_out : float
        Charge flows [mol/s of elementary charge].
    """

    elements: tuple
    inflow: np.ndarray
    outflow: np.ndarray
    charge_in: float = 0.0
    charge_out: float = 0.0

    @property
    def relative_errors(self) -> np.ndarray:
        """|in - out| / max(in, out, floor) per element [-] (0 where both are 0).

        The floor is ``1e-14`` times the largest element flow through the unit: an element
        present only as round-off of a converged recycle (say 1e-46 mol/s against 10 mol/s of
        the main elements) does not count as a 100 % imbalance, while a trace element well
        above round-off is still judged against its own flow.
        """
        scale = np.maximum(np.abs(self.inflow), np.abs(self.outflow))
        if scale.size:
            scale = np.maximum(scale, _BALANCE_FLOOR * float(scale.max()))
        r = np.zeros(scale.shape)
        np.divide(np.abs(self.inflow - self.outflow), scale, out=r, where=scale > 0)
        return r

    @property
    def max_relative_error(self) -> float:
        """Largest relative element imbalance [-]."""
        r = self.relative_errors
        return float(r.max()) if r.size else 0.0

    @property
    def worst_element(self) -> str:
        r = self.relative_errors
        return self.elements[int(np.argmax(r))] if r.size else ""


def _record_init(init):
    @functools.wraps(init)
    def wrapped(self, *args, **kwargs):
        if not hasattr(self, "_init_params"):
            bound = inspect.signature(init).bind(self, *args, **kwargs)
            params = dict(bound.arguments)
            params.pop("self")
            for pname, p in inspect.signature(init).parameters.items():
                if p.kind is inspect.Parameter.VAR_KEYWORD and pname in params:
                    params.update(params.pop(pname))
            self._init_params = params
        init(self, *args, **kwargs)

    return wrapped


class UnitOperation:
    """Base class of every unit operation.

    Subclasses set ``self.inlet_ports`` / ``self.outlet_ports`` in ``__init__`` (after
    calling ``super().__init__(name)``), validate every parameter there, and implement
    ``_run(inlets) -> dict | Outcome``.

    Parameters
    ----------
    name : str
        Unique name within a flowsheet (no '.').
    """

    inlet_ports: tuple[str, ...] = ("in",)
    outlet_ports: tuple[str, ...] = ("out",)
    sources: tuple[str, ...] = ()  # citation keys of the default parameters
    conserves_elements: bool = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _record_init(cls.__dict__["__init__"])

    def __init__(self, name: str):
        if not isinstance(name, str) or not name or "." in name or name != name.strip():
            raise SpecificationError(
                f"unit name must be a non-empty string without '.', got {name!r}."
            )
        self.name = name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    # ------------------------------------------------------------ parameters
    def parameters(self) -> dict:
        """The constructor arguments this unit was built with."""
        return dict(getattr(self, "_init_params", {"name": self.name}))

    def with_params(self, **changes) -> UnitOperation:
        """A new unit of the same type with some constructor arguments changed."""
        params = self.parameters()
        sig = inspect.signature(type(self).__init__)
        accepted = [p for p in sig.parameters if p != "self"]
        has_var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values())
        for key in changes:
            if key == "name" or (key not in accepted and not has_var_kw):
                raise SpecificationError(
                    unknown_name(
                        "parameter",
                        key,
                        [p for p in accepted if p != "name"],
                        f"unit {self.name!r} ({type(self).__name__})",
                    )
                )
        params.update(changes)
        return type(self)(**params)

    # ------------------------------------------------------------ running
    def run(self, inlets: Mapping[str, Stream]) -> Outcome:
        """Compute the outlets from the inlets and check the balance.

        Parameters
        ----------
        inlets : mapping of str to Stream
            One stream per inlet port.
        """
        if not isinstance(inlets, Mapping):
            raise SpecificationError(
                f"unit {self.name!r}: inlets = {inlets!r} must be a dict {{port: Stream}} "
                f"with ports {list(self.inlet_ports)}."
            )
        first = None
        for port, s in inlets.items():
            if not isinstance(s, Stream):
                raise SpecificationError(
                    f"unit {self.name!r}: inlet {port!r} is {s!r}, not a Stream."
                )
            if first is None:
                first = s.components
            elif s.components is not first and s.components != first:
                raise SpecificationError(
                    f"unit {self.name!r}: inlet {port!r} has another Components set than the "
                    "other inlets; every stream of a flowsheet shares one."
                )
        missing = [p for p in self.inlet_ports if p not in inlets]
        extra = [p for p in inlets if p not in self.inlet_ports]
        if missing or extra:
            raise ConnectionError(
                f"unit {self.name!r}: inlets {sorted(inlets)} do not match its ports "
                f"{list(self.inlet_ports)} (missing {missing}, unknown {extra})."
            )
        for s in self.sources:
            citations.register(s)
        out = self._run(dict(inlets))
        outcome = out if isinstance(out, Outcome) else Outcome(dict(out))
        if sorted(outcome.outlets) != sorted(self.outlet_ports):
            raise ConnectionError(
                f"unit {self.name!r} produced outlets {sorted(outcome.outlets)}, "
                f"expected {list(self.outlet_ports)}."
            )
        if self.conserves_elements and self.inlet_ports and self.outlet_ports:
            self.check_balance(inlets, outcome.outlets)
        return outcome

    def _run(self, inlets: dict[str, Stream]) -> dict[str, Stream] | Outcome:
        raise NotImplementedError

    # ------------------------------------------------------------ balances
    def balance(self, inlets: Mapping[str, Stream], outlets: Mapping[str, Stream]) -> Balance:
        """Element and charge flows in and out of this unit."""
        streams = list(inlets.values()) + list(outlets.values())
        c = streams[0].components
        m = c.balance_matrix  # elements, then the charge
        f_in = m @ total_moles(inlets.values(), len(c))
        f_out = m @ total_moles(outlets.values(), len(c))
        return Balance(c.elements, f_in[:-1], f_out[:-1], float(f_in[-1]), float(f_out[-1]))

    def check_balance(self, inlets, outlets, rtol: float = BALANCE_RTOL) -> Balance:
        """Raise BalanceError if an element or the charge does not close to ``rtol``."""
        b = self.balance(inlets, outlets)
        a_in = np.abs(b.inflow)
        top = float(a_in.max(initial=0.0))
        # enough for every element to close (b.max_relative_error <= rtol) with few array
        # operations, as this runs after every unit run; the exact test otherwise
        limit = rtol * np.maximum(a_in, _BALANCE_FLOOR * top)
        if not (np.abs(b.inflow - b.outflow) <= limit).all() and b.max_relative_error > rtol:
            el = b.worst_element
            k = b.elements.index(el)
            raise BalanceError(
                f"unit {self.name!r} ({type(self).__name__}) does not close the {el} balance: "
                f"in {b.inflow[k]:.12g} mol/s, out {b.outflow[k]:.12g} mol/s "
                f"(relative error {b.max_relative_error:.3g} > {rtol:g})."
            )
        if abs(b.charge_in - b.charge_out) > rtol * max(1e-300, top):
            raise BalanceError(
                f"unit {self.name!r} does not close the charge balance: in {b.charge_in:.12g}, "
                f"out {b.charge_out:.12g} mol/s of charge."
            )
        return b
