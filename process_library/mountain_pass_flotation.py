"""Mountain Pass bastnäsite flotation circuit (1700 t/d plant).

Structure, fresh feed and bank recoveries from Pradip & Fuerstenau (2013), Table 2, as
collected in ../shared/DOMAIN.md §5; the inert-gangue recoveries were fitted by PrOMMiS to
the published circuit. Five banks, three recycle loops:

* fresh feed + regrind (scavenger concentrate) -> rougher; rougher tails -> final tails
* rougher concentrate + cleaner-2 tails -> cleaner 1; cleaner-1 tails -> scavenger
* scavenger concentrate -> regrind -> rougher; scavenger tails -> final tails
* cleaner-1 concentrate + cleaners-3&4 tails -> cleaner 2; cleaner-2 tails -> cleaner 1
* cleaner-2 concentrate -> cleaners 3&4, whose concentrate is the final concentrate.

Assumptions: each bank is a fixed-recovery split (recovery to concentrate per mineral
class); regrinding changes size, not composition, so the regrind is a pass-through. The
rare-earth oxides are reported as one lumped "REO" (the source gives REO only).
"""

from __future__ import annotations

from yieldkit.chemistry.components import Components
from yieldkit.chemistry.species import Species
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator
from yieldkit.units import Q_

NAME = "mountain-pass-flotation"
SOURCES = ("PradipFuerstenau2013", "PrOMMiS")

# Fresh feed, tonnes per 11-h shift (Pradip & Fuerstenau 2013, via DOMAIN.md §5)
FEED_T_PER_SHIFT = {
    "REO": 60.7915,
    "CaO": 174.4795,
    "BaO": 115.267,
    "SrO": 39.475,
    "inert gangue": 399.487,
}
SHIFT = Q_(11, "h")

# Recovery of each class to the bank's concentrate [-] (Table 2; inert gangue fitted by PrOMMiS)
BANK_RECOVERY = {
    "rougher": {"REO": 0.944, "CaO": 0.207, "BaO": 0.175, "SrO": 0.541, "inert gangue": 0.2701},
    "scavenger": {"REO": 0.937, "CaO": 0.44, "BaO": 0.414, "SrO": 0.734, "inert gangue": 0.54024},
    "cleaner1": {"REO": 0.747, "CaO": 0.464, "BaO": 0.428, "SrO": 0.572, "inert gangue": 0.54927},
    "cleaner2": {"REO": 0.435, "CaO": 0.622, "BaO": 0.735, "SrO": 0.604, "inert gangue": 0.01},
    "cleaner34": {"REO": 0.363, "CaO": 0.046, "BaO": 0.018, "SrO": 0.075, "inert gangue": 0.99},
}

# Lumped rare-earth oxide: the molar mass of Ce2O3 only converts mass to moles (estimate;
# every figure of this route is mass based and does not depend on it).
REO = Species.create(
    "REO",
    "",
    phase="s",
    elements={"REO": 1.0},
    molar_mass=328.23,
    source="yieldkitEstimate",
    description="lumped rare-earth oxides (molar mass of Ce2O3 as basis)",
)


def components() -> Components:
    """Species of the flotation circuit."""
    return Components([REO, "CaO", "BaO", "SrO", "inert gangue"])


def build(**overrides) -> Flowsheet:
    """Build the circuit; ``overrides`` are ``{"unit.param": value}`` changes.

    Returns
    -------
    Flowsheet
    """
    c = components()
    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES,
        description="Mountain Pass bastnäsite flotation, five banks, three recycles.",
    )
    feed = Stream(c, {k: Q_(v, "t") / SHIFT for k, v in FEED_T_PER_SHIFT.items()})
    fs.add(
        Feed("ore", feed),
        Mixer("rougher_feed", inlets=("fresh", "regrind")),
        Mixer("cleaner1_feed", inlets=("rougher_conc", "cleaner2_tails")),
        Mixer("cleaner2_feed", inlets=("cleaner1_conc", "cleaner34_tails")),
        Mixer("final_tails", inlets=("rougher", "scavenger")),
        Mixer("regrind", inlets=("in",)),
        Product("concentrate"),
        Product("tailings", kind="residue"),
    )
    for bank, rec in BANK_RECOVERY.items():
        fs.add(Separator(bank, rec, outlets=("conc", "tails")))
    fs.connect("ore.out", "rougher_feed.fresh", "fresh feed")
    fs.connect("rougher_feed.out", "rougher.in", "rougher feed")
    fs.connect("rougher.conc", "cleaner1_feed.rougher_conc", "rougher conc")
    fs.connect("rougher.tails", "final_tails.rougher", "rougher tails")
    fs.connect("cleaner1_feed.out", "cleaner1.in", "cleaner 1 feed")
    fs.connect("cleaner1.tails", "scavenger.in", "cleaner 1 tails")
    fs.connect("scavenger.conc", "regrind.in", "scavenger conc")
    fs.connect("regrind.out", "rougher_feed.regrind", "reground scavenger conc")
    fs.connect("scavenger.tails", "final_tails.scavenger", "scavenger tails")
    fs.connect("cleaner1.conc", "cleaner2_feed.cleaner1_conc", "cleaner 1 conc")
    fs.connect("cleaner2.tails", "cleaner1_feed.cleaner2_tails", "cleaner 2 tails")
    fs.connect("cleaner2_feed.out", "cleaner2.in", "cleaner 2 feed")
    fs.connect("cleaner2.conc", "cleaner34.in", "cleaner 2 conc")
    fs.connect("cleaner34.tails", "cleaner2_feed.cleaner34_tails", "cleaners 3&4 tails")
    fs.connect("cleaner34.conc", "concentrate.in", "final concentrate")
    fs.connect("final_tails.out", "tailings.in", "final tails")
    for path, value in overrides.items():
        fs.set_parameter(path, value)
    return fs
