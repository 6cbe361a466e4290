"""Flowsheet: units, named connections, validation, and the sequential-modular solve."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np

from yieldkit import citations
from yieldkit.chemistry.components import Components
from yieldkit.errors import ConnectionError, SpecificationError, unknown_name
from yieldkit.flowsheet import tearing
from yieldkit.flowsheet.solvers.base import default_floor
from yieldkit.stream import T_REF, Stream
from yieldkit.unitops.base import UnitOperation
from yieldkit.unitops.basic import Feed, Product

DEFAULT_SOLVER = "anderson"


@dataclass(frozen=True)
class Connection:
    """A stream from one unit's outlet port to another unit's inlet port."""

    name: str
    source: str
    source_port: str
    sink: str
    sink_port: str


class Flowsheet:
    """Units and the streams that connect them.

    Parameters
    ----------
    name : str
        Flowsheet name (a route name for library routes).
    components : Components
        The species every stream of this flowsheet carries.
    default_solver : str
        Tear solver used by :meth:`solve` when none is given.
    description : str
        What the flowsheet represents, assumptions included.
    sources : sequence of str
        Citation keys the flowsheet's structure and defaults rest on.
    """

    def __init__(
        self,
        name: str,
        components: Components,
        *,
        default_solver: str = DEFAULT_SOLVER,
        description: str = "",
        sources=(),
    ):
        from yieldkit.flowsheet.solvers import SOLVERS

        if not isinstance(name, str) or not name:
            raise SpecificationError(f"Flowsheet name = {name!r} must be a non-empty string.")
        if not isinstance(components, Components):
            raise SpecificationError(f"Flowsheet {name!r}: components must be a Components set.")
        if not isinstance(default_solver, str) or default_solver not in SOLVERS:
            raise SpecificationError(
                unknown_name("tear solver", default_solver, SOLVERS, f"Flowsheet {name!r}")
            )
        self.name = name
        self.components = components
        self.default_solver = default_solver
        self.description = description
        self.sources = tuple(citations.check(k) for k in sources)
        self.units: dict[str, UnitOperation] = {}
        self.connections: dict[str, Connection] = {}
        self.product_streams: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Flowsheet({self.name!r}: {len(self.units)} units, {len(self.connections)} streams)"

    # ------------------------------------------------------------------ building
    def add(self, *units: UnitOperation) -> UnitOperation:
        """Add units; returns the last one. Names must be unique."""
        for u in units:
            if not isinstance(u, UnitOperation):
                raise SpecificationError(f"Flowsheet.add takes unit operations, got {u!r}.")
            if u.name in self.units:
                raise ConnectionError(
                    f"Flowsheet {self.name!r}: a unit named {u.name!r} exists already."
                )
            if isinstance(u, Feed) and u.stream.components != self.components:
                raise SpecificationError(
                    f"Feed {u.name!r}: its stream uses other components than flowsheet {self.name!r}."
                )
            self.units[u.name] = u
        return units[-1]

    def unit(self, name: str) -> UnitOperation:
        """The unit called ``name`` (did-you-mean otherwise)."""
        try:
            return self.units[name]
        except (KeyError, TypeError):  # TypeError: an unhashable value (a list)
            raise ConnectionError(
                unknown_name("unit", name, self.units, f"flowsheet {self.name!r}")
            ) from None

    def _port(self, ref: str, outlet: bool) -> tuple[str, str]:
        if not isinstance(ref, str):
            raise ConnectionError(
                f"port reference {ref!r} must be a string 'unit.port' (or 'unit' for a unit "
                "with one port)."
            )
        unit_name, dot, port = ref.partition(".")
        if not dot:
            u = self.unit(unit_name)
            ports = u.outlet_ports if outlet else u.inlet_ports
            if len(ports) != 1:
                raise ConnectionError(
                    f"{ref!r}: unit {unit_name!r} has {'outlets' if outlet else 'inlets'} "
                    f"{list(ports)}; write '{unit_name}.<port>'."
                )
            return unit_name, ports[0]
        u = self.unit(unit_name)
        ports = u.outlet_ports if outlet else u.inlet_ports
        if port not in ports:
            kind = "outlet" if outlet else "inlet"
            raise ConnectionError(unknown_name(f"{kind} port", port, ports, f"unit {unit_name!r}"))
        return unit_name, port

    def connect(self, source: str, sink: str, name: str | None = None) -> str:
        """Connect ``"unit.outlet"`` to ``"unit.inlet"``; returns the stream name.

        A unit with a single port may be named without the port.
        """
        su, sp = self._port(source, outlet=True)
        du, dp = self._port(sink, outlet=False)
        for c in self.connections.values():
            if (c.source, c.source_port) == (su, sp):
                raise ConnectionError(f"outlet {su}.{sp} is connected already (stream {c.name!r}).")
            if (c.sink, c.sink_port) == (du, dp):
                raise ConnectionError(f"inlet {du}.{dp} is connected already (stream {c.name!r}).")
        name = name or f"{su}.{sp}->{du}.{dp}"
        if name in self.connections:
            raise ConnectionError(f"a stream named {name!r} exists already.")
        self.connections[name] = Connection(name, su, sp, du, dp)
        return name

    def set_parameter(self, path: str, value) -> None:
        """Change one unit parameter: ``set_parameter("leach.T", "80 degC")``."""
        if not isinstance(path, str):
            raise SpecificationError(f"parameter path {path!r} must be a string 'unit.parameter'.")
        unit_name, dot, param = path.partition(".")
        if not dot or not param:
            raise SpecificationError(f"parameter path {path!r} must be 'unit.parameter'.")
        u = self.unit(unit_name)
        new = u.with_params(**{param: value})
        if (new.inlet_ports, new.outlet_ports) != (u.inlet_ports, u.outlet_ports):
            raise SpecificationError(
                f"setting {path!r} would change the ports of unit {unit_name!r}."
            )
        self.units[unit_name] = new

    # ------------------------------------------------------------------ structure
    def validate(self) -> None:
        """Raise ConnectionError listing every unconnected port."""
        used_out = {(c.source, c.source_port) for c in self.connections.values()}
        used_in = {(c.sink, c.sink_port) for c in self.connections.values()}
        problems = []
        for u in self.units.values():
            problems += [
                f"outlet {u.name}.{p} is not connected"
                for p in u.outlet_ports
                if (u.name, p) not in used_out
            ]
            problems += [
                f"inlet {u.name}.{p} is not connected"
                for p in u.inlet_ports
                if (u.name, p) not in used_in
            ]
        if not self.units:
            problems.append("it has no units")
        if problems:
            raise ConnectionError(f"flowsheet {self.name!r}: " + "; ".join(problems) + ".")

    def graph(self) -> nx.MultiDiGraph:
        """Units as nodes, streams as edges keyed by stream name."""
        g = nx.MultiDiGraph()
        g.add_nodes_from(self.units)
        for c in self.connections.values():
            g.add_edge(c.source, c.sink, key=c.name)
        return g

    def plan(self, tears=None) -> list[tuple[list[str], list[str]]]:
        """The solve sequence: (units in run order, tear streams) per block; no tears = no loop."""
        if tears is not None and (
            isinstance(tears, str | Mapping) or not isinstance(tears, Iterable)
        ):
            raise SpecificationError(f"tears = {tears!r} must be a list of stream names.")
        self.validate()
        g = self.graph()
        loop_sets = {frozenset(m) for m in tearing.loops(g)}
        cond = nx.condensation(g)
        plan = []
        for c in nx.lexicographical_topological_sort(
            cond, key=lambda c: min(cond.nodes[c]["members"])
        ):
            members = cond.nodes[c]["members"]
            if frozenset(members) not in loop_sets:
                plan.append((sorted(members), []))
                continue
            sub = g.subgraph(members).copy()
            chosen = (
                tearing.check_user_tears(sub, list(tears), self.connections)
                if tears
                else tearing.choose_tears(sub)
            )
            if not chosen:
                chosen = tearing.choose_tears(sub)
            plan.append((tearing.run_order(sub, chosen), chosen))
        return plan

    def feeds(self) -> dict[str, Feed]:
        return {n: u for n, u in self.units.items() if isinstance(u, Feed)}

    def products(self) -> dict[str, Product]:
        return {n: u for n, u in self.units.items() if isinstance(u, Product)}

    # ------------------------------------------------------------------ solving
    def solve(
        self,
        solver=None,
        *,
        tears=None,
        tol: float = 1e-12,
        max_iter: int | None = None,
        on_failure: str = "raise",
        initial: dict | None = None,
        **solver_options,
    ):
        """Solve the flowsheet sequential-modularly, converging every recycle loop.

        Parameters
        ----------
        solver : str or TearSolver, optional
            Tear solver name (``yieldkit.flowsheet.solvers.SOLVERS``) or object; default
            ``self.default_solver``.
        tears : sequence of str, optional
            Stream names to tear instead of the automatic choice.
        tol : float
            Scaled residual at which a loop is converged [-].
        max_iter : int, optional
            Iteration limit per loop (solver default otherwise).
        on_failure : str
            ``"raise"`` (ConvergenceError) or ``"return"`` (Result with converged=False).
        initial : dict of str to Stream, optional
            Initial values of tear streams (cold start from zero flows otherwise).

        Returns
        -------
        Result
        """
        from yieldkit.flowsheet.result import Result
        from yieldkit.flowsheet.solvers import TearSolver, get_solver

        citations.register(*self.sources)
        if isinstance(solver, TearSolver):
            tear_solver = solver
        else:
            opts = dict(solver_options, tol=tol, on_failure=on_failure)
            if max_iter is not None:
                opts["max_iter"] = max_iter
            tear_solver = get_solver(solver or self.default_solver, **opts)
        plan = self.plan(tears)
        initial = self._checked_initial(initial, [t for _, ts in plan for t in ts])
        t0 = time.perf_counter()
        run = _Run(self)
        stats = []
        for order, block_tears in plan:
            if not block_tears:
                run.run_units(order)
                continue
            stats.append(run.converge(order, block_tears, tear_solver, initial))
        return Result(
            self, run.store, run.outcomes, stats, time.perf_counter() - t0, run.evaluations
        )

    def _checked_initial(self, initial, tears: list[str]) -> dict:
        """``solve``'s initial tear streams: a dict of Streams of this flowsheet's
        Components that names at least one tear stream when there are loops (a dict that
        names none would be ignored, a silent cold start)."""
        if initial is None:
            return {}
        if not isinstance(initial, Mapping):
            raise SpecificationError(
                f"initial = {initial!r} must be a dict of streams by name (e.g. a previous "
                "result's .streams)."
            )
        for name, s in initial.items():
            if not isinstance(s, Stream):
                raise SpecificationError(f"initial[{name!r}] = {s!r} is not a Stream.")
            if s.components != self.components:
                raise SpecificationError(
                    f"initial[{name!r}] has another Components set than flowsheet {self.name!r}."
                )
        if initial and tears and not any(t in initial for t in tears):
            raise SpecificationError(
                f"initial names none of the tear streams {tears} of flowsheet {self.name!r} "
                f"(it has {sorted(initial)[:5]}{', ...' if len(initial) > 5 else ''}); pass "
                "a result of this flowsheet's .streams, or tears=[...] to choose them."
            )
        return dict(initial)


#: Species whose flow is set by the charge balance of their stream [-]
CHARGE_SET = ("H+", "OH-")


def _tear_floor(c, n_tears: int):
    """Floor of the tear convergence scale: the solvers' default (``default_floor``) taken
    over the flows of every tear for the flows and over the temperatures for the
    temperatures, and for H+ and OH- the charge throughput of their tear stream, sum
    |z_i| n_i [mol/s].

    Over the whole tear vector the default was set by the ~300 K of the temperatures
    wherever the flows are below ~300 mol/s: a bench-scale loop then converged its flows
    only to ~3e-19 mol/s absolute (the metal complexes left on a stripped organic, ~1e-19
    mol/s, differed by 100 % between the stored tear and the stream the next unit ran on:
    3e-6 in a saponifier's balance, 2026-12-06), and the tear solvers behaved differently
    at bench and plant scale (see ``scipy_root.VARIABLE_FLOOR``).

    A stream's H+ and OH- follow from its charge balance, whose terms are the flows of all
    its ions: near neutrality (pH 6.5 after an iron removal) H+ is ~1e-7 of them, so
    rounding in the balance (1e-16 of the ions) moves H+ by ~1e-10 of itself, and a tear
    test relative to H+ alone could not pass 1e-12 (found 2026-12-06: ndfeb-hcl-leach with
    fe_removal_pH=6.5 stalled at 2e-11 with every solver). Relative to the charge
    throughput, H+ is converged when the ions that set it are."""
    idx = [c.index(s) for s in CHARGE_SET if s in c.names]
    n = len(c)
    z = np.abs(c.charges)
    cols = (np.arange(n_tears)[:, None] * (n + 1) + np.array(idx, dtype=int)[None, :]).ravel()

    def floor(x: np.ndarray) -> np.ndarray:
        xs = x.reshape(n_tears, n + 1)
        f = np.empty((n_tears, n + 1))
        f[:, :n] = default_floor(xs[:, :n])
        f[:, n] = default_floor(xs[:, n])
        f = f.ravel()
        if idx:
            throughput = xs[:, :n] @ z
            f[cols] = np.maximum(f[cols], np.repeat(throughput, len(idx)))
        return f

    return floor


class _Run:
    """State of one solve: the stream store and the unit outcomes."""

    def __init__(self, fs: Flowsheet):
        self.fs = fs
        self.store: dict[str, Stream] = {}
        self.outcomes: dict = {}
        self.evaluations = 0
        self.inlets_of = {u: {} for u in fs.units}
        self.outlets_of = {u: {} for u in fs.units}
        for c in fs.connections.values():
            self.inlets_of[c.sink][c.sink_port] = c.name
            self.outlets_of[c.source][c.source_port] = c.name

    def run_units(self, order) -> None:
        for name in order:
            unit = self.fs.units[name]
            inlets = {p: self.store[s] for p, s in self.inlets_of[name].items()}
            outcome = unit.run(inlets)
            self.evaluations += 1
            self.outcomes[name] = outcome
            for port, stream_name in self.outlets_of[name].items():
                s = outcome.outlets[port]
                s.name = stream_name
                self.store[stream_name] = s

    def converge(self, order, tears, solver, initial):
        c = self.fs.components
        n = len(c)
        template = {}
        x0 = np.zeros(len(tears) * (n + 1))
        for k, t in enumerate(tears):
            s0 = initial.get(t)
            if s0 is None:
                s0 = Stream.from_moles(c, np.zeros(n), T_REF, name=t)
            template[t] = s0
            x0[k * (n + 1) : (k + 1) * (n + 1)] = np.append(s0.moles, s0.T)

        def g(x):
            for k, t in enumerate(tears):
                block = x[k * (n + 1) : (k + 1) * (n + 1)]
                self.store[t] = template[t].with_moles(block[:n], T=max(block[n], 1e-6), name=t)
            self.run_units(order)
            return np.concatenate([np.append(self.store[t].moles, self.store[t].T) for t in tears])

        loop = f"loop {{{', '.join(order)}}} torn at {tears}"
        stats = solver.solve(g, x0, loop=loop, scale=_tear_floor(c, len(tears)))
        # the solver's last call of g was at stats.x, so the store holds the converged point
        stats.tears = list(tears)
        stats.units = list(order)
        return stats
