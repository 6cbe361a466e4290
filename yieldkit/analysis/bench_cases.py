"""Synthetic flowsheets for solver benchmarks and tests (not process routes)."""

from __future__ import annotations

from yieldkit.chemistry.components import Components
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Splitter, StoichiometricReactor

PURGE_COMPONENTS = ("H2O", "Nd2O3", "H+", "Cl-", "Nd+3")


def slow_purge_loop(purge: float = 0.01, conversion: float = 0.3) -> Flowsheet:
    """A leach reactor whose whole outlet is recycled but for a small purge: a slow loop.

    With a 1 % purge the loop map contracts by only (1 - purge) per pass for the
    unreactive species, so direct substitution needs thousands of passes; accelerated
    solvers need tens. Acid is fed in excess so the reactor is never acid-limited and the
    loop is linear.

    Parameters
    ----------
    purge : float
        Fraction of the reactor outlet purged [-].
    conversion : float
        Fraction of the Nd2O3 fed to the reactor that dissolves per pass [-].
    """
    c = Components(PURGE_COMPONENTS)
    fs = Flowsheet("slow purge loop", c, description=f"reactor recycle with a {purge:.0%} purge")
    feed = Stream(c, {"Nd2O3": "1 mol/s", "H+": "20 mol/s", "Cl-": "20 mol/s", "H2O": "10 mol/s"})
    fs.add(
        Feed("feed", feed),
        Mixer("mix", inlets=("fresh", "recycle")),
        StoichiometricReactor("reactor", [("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", conversion)]),
        Splitter("split", {"product": 0.0, "recycle": 1 - purge, "purge": purge}),
        Product("product"),
        Product("purge", kind="purge"),
    )
    fs.connect("feed", "mix.fresh", "feed")
    fs.connect("mix", "reactor", "reactor feed")
    fs.connect("reactor", "split", "reactor out")
    fs.connect("split.recycle", "mix.recycle", "recycle")
    fs.connect("split.purge", "purge", "purge")
    fs.connect("split.product", "product", "product")
    return fs
