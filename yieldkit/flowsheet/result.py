"""Result of a flowsheet solve: streams, balances, recoveries, grades, stream table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.stream import element_molar_mass
from yieldkit.unitops.base import Balance
from yieldkit.unitops.basic import Feed, Product


class Result:
    """Solved streams and what they mean.

    Attributes
    ----------
    flowsheet : Flowsheet
    streams : dict of str to Stream
        Every stream by name.
    outcomes : dict of str to Outcome
        Each unit's last outcome (duty, power, info).
    stats : list of SolveStats
        One per recycle loop (method, iterations, evaluations, residual history ...).
    wall_time : float
        Seconds for the whole solve [s].
    unit_evaluations : int
        Unit runs in the whole solve [-].
    """

    def __init__(self, flowsheet, streams, outcomes, stats, wall_time, unit_evaluations):
        self.flowsheet = flowsheet
        self.streams = dict(streams)
        self.outcomes = dict(outcomes)
        self.stats = list(stats)
        self.wall_time = wall_time
        self.unit_evaluations = unit_evaluations

    def __repr__(self) -> str:
        return (
            f"Result({self.flowsheet.name!r}, converged={self.converged}, "
            f"{len(self.streams)} streams, max balance error {self.max_balance_error():.2e})"
        )

    @property
    def converged(self) -> bool:
        return all(s.converged for s in self.stats)

    @property
    def components(self):
        return self.flowsheet.components

    # ------------------------------------------------------------------ lookups
    def stream(self, name: str):
        """A stream by name; a Product or Feed unit name gives its stream."""
        if isinstance(name, str) and name in self.streams:
            return self.streams[name]
        for c in self.flowsheet.connections.values() if isinstance(name, str) else ():
            if (c.sink == name and isinstance(self.flowsheet.units[name], Product)) or (
                c.source == name and isinstance(self.flowsheet.units[name], Feed)
            ):
                return self.streams[c.name]
        choices = (
            list(self.streams) + list(self.flowsheet.products()) + list(self.flowsheet.feeds())
        )
        raise SpecificationError(
            unknown_name("stream or product", name, choices, f"result of {self.flowsheet.name!r}")
        )

    def _boundary(self, kind):
        units = self.flowsheet.feeds() if kind == "feed" else self.flowsheet.products()
        return {n: self.stream(n) for n in units}

    def feed_streams(self) -> dict:
        return self._boundary("feed")

    def product_streams(self) -> dict:
        return self._boundary("product")

    # ------------------------------------------------------------------ balances
    def unit_balance(self, unit_name: str) -> Balance:
        """Element balance of one unit from the solved streams."""
        u = self.flowsheet.unit(unit_name)
        ins = {
            c.sink_port: self.streams[c.name]
            for c in self.flowsheet.connections.values()
            if c.sink == unit_name
        }
        outs = {
            c.source_port: self.streams[c.name]
            for c in self.flowsheet.connections.values()
            if c.source == unit_name
        }
        return u.balance(ins, outs)

    def overall_balance(self) -> Balance:
        """Element balance of the whole flowsheet: feeds in, products out."""
        c = self.components
        n_in = sum((s.moles for s in self.feed_streams().values()), np.zeros(len(c)))
        n_out = sum((s.moles for s in self.product_streams().values()), np.zeros(len(c)))
        E, z = c.element_matrix, c.charges
        return Balance(c.elements, E @ n_in, E @ n_out, float(z @ n_in), float(z @ n_out))

    def balance_table(self) -> pd.DataFrame:
        """Largest relative element error per unit and overall [-]."""
        rows = []
        for name, u in self.flowsheet.units.items():
            if isinstance(u, Feed | Product):
                continue
            b = self.unit_balance(name)
            rows.append((name, b.max_relative_error, b.worst_element))
        b = self.overall_balance()
        rows.append(("OVERALL", b.max_relative_error, b.worst_element))
        return pd.DataFrame(
            rows, columns=["unit", "max relative error [-]", "worst element"]
        ).set_index("unit")

    def max_balance_error(self) -> float:
        """Largest relative element imbalance over every unit and overall [-]."""
        return float(self.balance_table()["max relative error [-]"].max())

    # ------------------------------------------------------------------ KPIs
    def recovery(self, element: str, product: str) -> float:
        """Fraction of the ``element`` fed (all feeds) that leaves in ``product`` [-]."""
        k = self.components.element_index(element)
        fed = sum(
            float(self.components.element_matrix[k] @ s.moles) for s in self.feed_streams().values()
        )
        if fed == 0:
            raise SpecificationError(
                f"no {element} enters flowsheet {self.flowsheet.name!r}; recovery undefined."
            )
        out = float(self.components.element_matrix[k] @ self.stream(product).moles)
        return out / fed

    def recoveries(self, product: str, elements=None) -> dict[str, float]:
        """Recovery of each element (default: every element fed) to ``product`` [-]."""
        if elements is not None and (
            isinstance(elements, str | Mapping) or not isinstance(elements, Iterable)
        ):
            raise SpecificationError(
                f"elements = {elements!r} must be a list of element symbols, e.g. ['Nd', 'Pr']."
            )
        fed = sum((s.element_flows() for s in self.feed_streams().values()), 0)
        elements = elements or [
            e for e, f in zip(self.components.elements, fed, strict=True) if f > 0
        ]
        return {e: self.recovery(e, product) for e in elements}

    def grade(self, product: str, what: str) -> float:
        """Mass fraction of a species, or of an element, in ``product`` [-]."""
        s = self.stream(product)
        total = s.mass_flow("kg/s")
        if what in self.components:
            return float(s.mass_fraction(what))
        if isinstance(what, str) and what in self.components.elements:
            # (an unknown name is an error even for an empty product)
            return (
                0.0
                if total == 0
                else s.element_flow(what, "mol/s") * element_molar_mass(what) / total
            )
        raise SpecificationError(
            unknown_name(
                "species or element",
                what,
                list(self.components.names) + list(self.components.elements),
            )
        )

    # ------------------------------------------------------------------ tables
    def stream_table(self, unit: str = "kg/h", nonzero: bool = True) -> pd.DataFrame:
        """Flows of every species (rows) in every stream (columns), in ``unit``.

        Rows with only zeros are dropped when ``nonzero``. Temperature [K] and the total
        are appended as the last rows. ``df.attrs["unit"]`` holds the flow unit.
        """
        if not isinstance(nonzero, bool):
            raise SpecificationError(f"nonzero = {nonzero!r} must be True or False.")
        data = {name: s.flows(unit) for name, s in self.streams.items()}
        df = pd.DataFrame(data, index=list(self.components.names))
        if nonzero:
            df = df.loc[(df.abs() > 0).any(axis=1)]
        df.loc[f"TOTAL [{unit}]"] = df.sum(axis=0)
        df.loc["T [K]"] = [s.T for s in self.streams.values()]
        df.index.name = f"species [{unit}]"
        df.attrs["unit"] = unit
        return df

    def solver_summary(self) -> list[dict]:
        """Per-loop solver statistics as plain dicts."""
        return [
            {
                "loop": s.loop,
                "tears": getattr(s, "tears", []),
                "method": s.method,
                "converged": bool(s.converged),
                "iterations": int(s.iterations),
                "evaluations": int(s.evaluations),
                "wall_seconds": float(s.wall_time),
                "final_residual": float(s.residual),
            }
            for s in self.stats
        ]
