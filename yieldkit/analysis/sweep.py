"""Parameter sweeps of a process route, each point started from the last one's solution.

A sweep solves a route over a grid of values of one or more of its arguments or unit
parameters (``process_library.build`` overrides) and collects, per point, the solver's
outcome and the route's KPIs. Each point starts its recycle loops from the tear streams of
the last converged point (``Flowsheet.solve(initial=...)``): neighbouring points have
nearby steady states, so the loops converge in a few iterations instead of from zero flows
(bastnasite-mountain-pass, HCl excess 1.00-1.14 in 8 points: 562 tear iterations cold,
170 warm, the solves 0.38 -> 0.19 s, best of 3 in one process; measured 2026-12-06; the
first point starts cold either way). A point whose solve fails (no
convergence, a unit that cannot operate there) is recorded with its error and the sweep
goes on, so the sweep maps where the route operates; a value the route does not accept
(a bad sweep specification) stops it with that error.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from yieldkit.analysis.kpi import BASES, KPIs, route_kpis
from yieldkit.errors import (
    ConvergenceError,
    SpecificationError,
    ThermoError,
    YieldkitError,
    unknown_name,
)

#: Most points of one sweep (the product of the values of every varied parameter) [-]
MAX_POINTS = 10_000


@dataclass
class SweepPoint:
    """One point of a sweep.

    Attributes
    ----------
    values : dict
        The varied parameters' values at this point [as given].
    converged : bool
        Whether every recycle loop converged (False when the solve failed).
    iterations, evaluations : int
        Tear-solver iterations and loop evaluations summed over the loops [-].
    wall_seconds : float
        Time of the build and solve [s].
    warm : bool
        Whether the solve started from the tear streams of an earlier point.
    kpis : KPIs or None
        The route's KPIs (None when the solve failed or the route has no product).
    error : str or None
        Why the point has no solution or no KPIs.
    """

    values: dict
    converged: bool
    iterations: int
    evaluations: int
    wall_seconds: float
    warm: bool
    kpis: KPIs | None = None
    error: str | None = None

    def to_dict(self) -> dict:
        """Plain JSON types."""
        return {
            "values": self.values,
            "converged": self.converged,
            "iterations": self.iterations,
            "evaluations": self.evaluations,
            "wall_seconds": self.wall_seconds,
            "warm": self.warm,
            "error": self.error,
            "kpis": None if self.kpis is None else self.kpis.to_dict(),
        }


@dataclass
class Sweep:
    """The points of a sweep, in grid order (the last varied parameter fastest)."""

    route: str
    vary: dict
    points: list = field(default_factory=list)
    warm_start: bool = True
    wall_seconds: float = 0.0

    def to_dict(self) -> dict:
        """Plain JSON types: ``{"route", "vary", "warm_start", "wall_seconds", "points"}``."""
        return {
            "route": self.route,
            "vary": self.vary,
            "warm_start": self.warm_start,
            "wall_seconds": self.wall_seconds,
            "points": [p.to_dict() for p in self.points],
        }

    def labels(self) -> list[str]:
        """One label per point: ``name=value, ...``."""
        return [", ".join(f"{k}={_show(v)}" for k, v in p.values.items()) for p in self.points]


def _show(value) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def parse_values(name: str, spec: str) -> list:
    """The values of ``--vary NAME=SPEC``.

    ``SPEC`` is ``START:STOP:N`` (N evenly spaced values from START to STOP, both
    included, N >= 2; numbers, or quantities in one unit such as ``70 degC:90 degC:5``,
    given as ``"70 degC"``... strings), or a comma-separated list of values, each JSON
    (``0.3``, ``true``) or else a string (``70 degC``, read by the parameter as a
    quantity).

    Raises
    ------
    SpecificationError
        A range that is not two numbers (or two quantities in the same unit) and an
        integer N >= 2, or an empty value in a list.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise SpecificationError(
            f"--vary {name}={spec!r}: give START:STOP:N or a comma-separated list of values, "
            "e.g. recycle_fraction=0.1:0.9:5 or leach.T='70 degC,80 degC'."
        )
    if ":" in spec and "," not in spec:
        return _range(name, spec)
    values = []
    for raw in spec.split(","):
        if not raw.strip():
            raise SpecificationError(
                f"--vary {name}={spec!r}: an empty value in the list (values are separated by "
                "single commas)."
            )
        try:
            values.append(json.loads(raw))
        except json.JSONDecodeError:
            values.append(raw.strip())
    return values


_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def _range(name: str, spec: str) -> list:
    """START:STOP:N as N numbers, or N quantity strings in the unit of START and STOP."""
    parts = spec.split(":")
    bounds = [_NUMBER_UNIT.match(p) for p in parts[:2]]
    count = parts[2].strip() if len(parts) == 3 else ""
    ok = len(parts) == 3 and all(bounds) and count.isdigit() and int(count) >= 2
    if ok:
        (a, unit), (b, unit_b) = (m.groups() for m in bounds)
        start, stop = float(a), float(b)
        ok = unit == unit_b and math.isfinite(start) and math.isfinite(stop)
    if not ok:
        raise SpecificationError(
            f"--vary {name}={spec!r}: a range is START:STOP:N with finite numbers (or two "
            "quantities in the same unit) and N an integer >= 2 (e.g. 0.1:0.9:5 or "
            "'70 degC:90 degC:5')."
        )
    values = [float(f"{v:.12g}") for v in np.linspace(start, stop, int(count))]  # 0.3, not
    return values if not unit else [f"{v:.12g} {unit}" for v in values]  # 0.30000000000000004


def _grid(vary) -> list[dict]:
    """Every combination of the varied values, the last parameter fastest."""
    if not isinstance(vary, Mapping) or not vary:
        raise SpecificationError(
            f"vary = {vary!r} must be a dict {{parameter: [values]}} with at least one entry."
        )
    lists = {}
    for name, values in vary.items():
        if isinstance(values, str | bytes | Mapping) or not hasattr(values, "__iter__"):
            raise SpecificationError(f"vary[{name!r}] = {values!r} must be a list of values.")
        lists[name] = list(values)
        if not lists[name]:
            raise SpecificationError(f"vary[{name!r}] is empty; give at least one value.")
    count = math.prod(len(v) for v in lists.values())
    if count > MAX_POINTS:
        raise SpecificationError(
            f"the sweep has {count} points ({' x '.join(str(len(v)) for v in lists.values())}), "
            f"more than {MAX_POINTS}; sweep fewer values."
        )
    return [dict(zip(lists, combo, strict=True)) for combo in itertools.product(*lists.values())]


def sweep_route(
    route: str,
    vary: dict,
    fixed: dict | None = None,
    solver: str | None = None,
    tol: float = 1e-12,
    basis: str = "product",
    warm_start: bool = True,
) -> Sweep:
    """Solve ``route`` at every combination of the ``vary`` values.

    Parameters
    ----------
    route : str
        Route name of ``process_library.ROUTES``.
    vary : dict
        ``{parameter: [values]}``: route arguments or ``unit.param`` overrides, as
        ``process_library.build`` takes them.
    fixed : dict, optional
        Overrides applied at every point.
    solver : str, optional
        Tear solver (the route's default otherwise).
    tol : float
        Tear convergence tolerance [-].
    basis : str
        Per-kg basis of the KPIs (see :func:`yieldkit.analysis.kpi.route_kpis`).
    warm_start : bool
        Start each point from the tear streams of the last converged point (default);
        False solves every point from zero flows.

    Returns
    -------
    Sweep

    Raises
    ------
    SpecificationError
        An unknown route, parameter, solver or KPI basis, a value the route rejects, a
        parameter both varied and fixed, or more than :data:`MAX_POINTS` points.
    """
    import process_library
    from yieldkit.flowsheet.solvers import get_solver

    process_library.module(route)  # did-you-mean before any solve
    if not isinstance(fixed, Mapping | None):
        raise SpecificationError(f"fixed = {fixed!r} must be a dict of overrides.")
    fixed = dict(fixed or {})
    if not isinstance(basis, str) or basis not in BASES:
        raise SpecificationError(unknown_name("KPI basis", basis, BASES))
    grid = _grid(vary)
    both = sorted(set(vary) & set(fixed))
    if both:
        raise SpecificationError(f"{both} are both varied and fixed; give each once.")
    sweep = Sweep(route, {k: list(v) for k, v in vary.items()}, warm_start=warm_start)
    t0 = time.perf_counter()
    # every value built once before any solve: a value the route rejects, a bad solver
    # name or tolerance stop the sweep before it has spent time on other points
    for name, values in sweep.vary.items():
        for value in values[1:]:
            process_library.build(route, **fixed, **(grid[0] | {name: value}))
    tear_solver = get_solver(solver or process_library.build(route, **fixed, **grid[0])
                             .default_solver, tol=tol)  # fmt: skip
    last = None  # the last converged result
    for values in grid:
        t = time.perf_counter()
        fs = process_library.build(route, **fixed, **values)
        initial = _initial(last, fs) if warm_start else None
        point = SweepPoint(values, False, 0, 0, 0.0, initial is not None)
        try:
            result = fs.solve(tear_solver, initial=initial)
        except (ConvergenceError, SpecificationError, ThermoError) as exc:
            point.error = f"{type(exc).__name__}: {exc}"
        else:
            point.converged = result.converged
            point.iterations = sum(s.iterations for s in result.stats)
            point.evaluations = sum(s.evaluations for s in result.stats)
            last = result
            try:
                point.kpis = route_kpis(result, basis=basis)
            except YieldkitError as exc:  # e.g. no outlet of kind "product"
                point.error = f"KPIs not computed: {exc}"
        point.wall_seconds = time.perf_counter() - t
        sweep.points.append(point)
    sweep.wall_seconds = time.perf_counter() - t0
    return sweep


def _initial(last, fs) -> dict | None:
    """The tear starts of ``fs`` from a converged result: its streams named as the tear
    streams of ``fs``, with the same components (a varied parameter may change the
    flowsheet's units or species); None if none fits."""
    if last is None:
        return None
    tears = {t for _, ts in fs.plan() for t in ts}
    keep = {
        name: s
        for name, s in last.streams.items()
        if name in tears and s.components == fs.components
    }
    return keep or None
