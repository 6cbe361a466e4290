"""An SX circuit in a flowsheet: extraction -> scrub -> strip with the organic recycled.

The stripped organic goes back to extraction through a bleed (Splitter) and a make-up
(Feed of kind 'reagent' mixed in), so the organic loop is a flowsheet recycle solved by
the flowsheet's tear solvers. At steady state the organic flow is make-up / bleed.
Optionally the organic is saponified on its way to extraction (NaOH converts part of the
acidic extractant HA to its sodium salt NaA, which exchanges Na+ instead of H+ for the
metals: how PC88A / P507 lines separate Nd from Pr), in a saponifier and a settler that
returns the spent aqueous. Each
:class:`~yieldkit.unitops.solvent_extraction.SolventExtraction` keeps its last solution,
so the cascades restart warm on every pass of the loop.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Separator, Splitter, StoichiometricReactor
from yieldkit.unitops.params import fraction, mapping, positive
from yieldkit.unitops.solvent_extraction import SolventExtraction
from yieldkit.units import Q_

#: NaOH dosed above the steady-state need of the saponification (a margin so that the
#: conversion of the extractant, not the NaOH, sets the degree; the rest leaves with the
#: settler's aqueous) [-]. A modelling choice, not a plant figure.
NAOH_EXCESS = 0.05


def _section(prefix: str, label: str, spec) -> SolventExtraction:
    if not isinstance(spec, Mapping):
        raise SpecificationError(
            f"add_sx_circuit {prefix!r}: {label} must be a dict of SolventExtraction "
            f"arguments (n_stages, model, parameter_set, ...), got {type(spec).__name__}."
        )
    if "name" in spec:
        raise SpecificationError(
            f"add_sx_circuit {prefix!r}: {label} must not set 'name' (it is '{prefix}_{label}')."
        )
    params = inspect.signature(SolventExtraction.__init__).parameters
    accepted = [k for k in params if k not in ("self", "name")]
    for key in spec:
        if key not in accepted:
            raise SpecificationError(
                unknown_name("SolventExtraction argument", key, accepted, f"{prefix!r} {label}")
            )
    missing = [
        k for k in accepted if params[k].default is inspect.Parameter.empty and k not in spec
    ]
    if missing:
        raise SpecificationError(
            f"add_sx_circuit {prefix!r}: {label} needs {missing} (SolventExtraction arguments)."
        )
    return SolventExtraction(f"{prefix}_{label}", **spec)


def add_sx_circuit(
    flowsheet,
    prefix: str,
    *,
    extraction: Mapping,
    scrub: Mapping | None = None,
    strip: Mapping,
    make_up: Stream,
    bleed: float,
    saponification: Mapping | None = None,
) -> dict[str, str]:
    """Add an extraction -> (scrub ->) strip circuit with organic recycle to a flowsheet.

    Parameters
    ----------
    flowsheet : Flowsheet
        The flowsheet to extend.
    prefix : str
        Prefix of the unit and stream names (``<prefix>_extraction`` ...) [-].
    extraction : mapping
        :class:`SolventExtraction` arguments of the extraction section, without
        ``name`` [-].
    scrub : mapping, optional
        :class:`SolventExtraction` arguments of a scrub section (none if omitted) [-].
    strip : mapping
        :class:`SolventExtraction` arguments of the strip section [-].
    make_up : Stream
        Fresh organic fed to the loop (extractant, diluent) [mol/s].
    bleed : float
        Fraction of the stripped organic bled from the loop, 0 < bleed <= 1 [-].
    saponification : mapping, optional
        Saponify the organic before extraction: ``{"fraction": 0.7, "naoh": "10 mol/L"}``,
        the fraction of the free extractant entering the saponifier converted to its sodium
        salt (0 < fraction < 1: ``<extractant> + Na+ + OH- -> Na-<extractant> + H2O``) and
        the NaOH solution's molarity; optional ``"naoh_excess"`` (default
        :data:`NAOH_EXCESS`). The NaOH feed is sized for the steady state: fraction x the
        make-up's extractant / bleed (what circulates) x (1 + naoh_excess). Every section
        is built with ``saponification=True``; the flowsheet's Components need ``Na+``,
        ``OH-``, ``H2O`` and ``Na-<extractant>`` [-].

    Returns
    -------
    dict of str to str
        Open ports for the caller to connect: ``feed``, ``strip_liquor``, ``raffinate``,
        ``strip_out``, ``bleed`` and, with a scrub section, ``scrub_liquor`` and
        ``scrub_out`` (plus ``<section>_feed_<k>`` for side feeds); with saponification
        also ``saponification_effluent`` (the settler's aqueous: the NaOH solution's water
        and the unused NaOH).
    """
    b = fraction(bleed, f"add_sx_circuit {prefix!r} bleed")
    if b == 0:
        raise SpecificationError(
            f"add_sx_circuit {prefix!r}: bleed = 0 leaves no steady state for the organic "
            "loop with a make-up; accepted 0 < bleed <= 1."
        )
    p = prefix
    sections = [("extraction", extraction)]
    if scrub is not None:
        sections.append(("scrub", scrub))
    sections.append(("strip", strip))
    if saponification is not None:
        sections = [(label, _saponified(p, label, spec)) for label, spec in sections]
    units = {label: _section(p, label, spec) for label, spec in sections}
    feed = Feed(f"{p}_make_up", make_up, kind="reagent")
    mixer = Mixer(f"{p}_org_mixer", inlets=("recycle", "make_up"))
    splitter = Splitter(f"{p}_bleed", {"recycle": 1.0 - b, "bleed": b})
    flowsheet.add(feed, mixer, *units.values(), splitter)
    flowsheet.connect(f"{p}_make_up.out", f"{p}_org_mixer.make_up", f"{p}_make_up_org")
    if saponification is None:
        flowsheet.connect(f"{p}_org_mixer.out", f"{p}_extraction.org_in", f"{p}_barren_org")
    else:
        ext = _extractant(p, units)
        _add_saponifier(flowsheet, p, saponification, ext, make_up, b)
        flowsheet.connect(f"{p}_org_mixer.out", f"{p}_saponifier.org", f"{p}_barren_org")
    labels = list(units)
    for up, down in zip(labels[:-1], labels[1:], strict=True):
        flowsheet.connect(f"{p}_{up}.loaded_org", f"{p}_{down}.org_in", f"{p}_{up}_org")
    flowsheet.connect(f"{p}_strip.loaded_org", f"{p}_bleed.in", f"{p}_stripped_org")
    flowsheet.connect(f"{p}_bleed.recycle", f"{p}_org_mixer.recycle", f"{p}_recycled_org")
    ports = {
        "feed": f"{p}_extraction.aq_in",
        "raffinate": f"{p}_extraction.raffinate",
        "strip_liquor": f"{p}_strip.aq_in",
        "strip_out": f"{p}_strip.raffinate",
        "bleed": f"{p}_bleed.bleed",
    }
    if scrub is not None:
        ports["scrub_liquor"] = f"{p}_scrub.aq_in"
        ports["scrub_out"] = f"{p}_scrub.raffinate"
    if saponification is not None:
        ports["saponification_effluent"] = f"{p}_saponifier_settler.aq"
    for label, unit in units.items():
        for k in unit.side_stages:
            ports[f"{label}_feed_{k}"] = f"{p}_{label}.feed_{k}"
    return ports


def _saponified(prefix: str, label: str, spec):
    """A section's arguments with ``saponification=True`` (an error if they say False)."""
    if not isinstance(spec, Mapping):
        return spec  # _section names it
    if spec.get("saponification", True) is not True:
        raise SpecificationError(
            f"add_sx_circuit {prefix!r}: {label} sets saponification = "
            f"{spec['saponification']!r}, but the circuit saponifies its organic; leave it out "
            "(the circuit sets it True)."
        )
    return {**spec, "saponification": True}


def _extractant(prefix: str, units: Mapping[str, SolventExtraction]) -> str:
    """The extractant every section of a saponified circuit shares."""
    names = {label: u.extractant for label, u in units.items()}
    if len(set(names.values())) != 1:
        raise SpecificationError(
            f"add_sx_circuit {prefix!r}: the sections use different extractants {names}; one "
            "organic circulates through all of them."
        )
    return next(iter(names.values()))


_SAPONIFICATION_KEYS = ("fraction", "naoh", "naoh_excess")


def _add_saponifier(flowsheet, p: str, spec, ext: str, make_up: Stream, bleed: float) -> None:
    """The saponifier (NaOH feed, StoichiometricReactor, settler) before extraction."""
    where = f"add_sx_circuit {p!r} saponification"
    mapping(spec, where, "{'fraction': 0.7, 'naoh': '10 mol/L'}")
    for key in spec:
        if key not in _SAPONIFICATION_KEYS:
            raise SpecificationError(
                unknown_name("saponification key", key, _SAPONIFICATION_KEYS, where)
            )
    for key in ("fraction", "naoh"):
        if key not in spec:
            raise SpecificationError(
                f"{where} needs {key!r}, e.g. {{'fraction': 0.7, 'naoh': '10 mol/L'}}."
            )
    frac = fraction(spec["fraction"], f"{where} fraction")
    if not 0.0 < frac < 1.0:
        raise SpecificationError(
            f"{where} fraction = {frac!r}, accepted 0 < fraction < 1 (a fully saponified "
            "organic has no free extractant left to extract with)."
        )
    molarity = positive(spec["naoh"], "mol/m^3", f"{where} naoh")
    excess = fraction(spec.get("naoh_excess", NAOH_EXCESS), f"{where} naoh_excess")
    c = flowsheet.components
    salt = f"Na-{ext}"
    missing = [n for n in ("Na+", "OH-", "H2O", salt) if n not in c]
    if missing:
        raise SpecificationError(
            f"{where}: the flowsheet's Components lack {missing}; a saponified {ext} circuit "
            f"needs Na+, OH-, H2O and {salt} (the sodium salt NaA, in the species database)."
        )
    circulating = float(make_up.moles[c.index(ext)]) / bleed  # free HA at steady state [mol/s]
    if not circulating > 0:
        raise SpecificationError(
            f"{where}: the make-up organic carries no free {ext}, so there is nothing to "
            "saponify (the NaOH dose is sized on the extractant the make-up brings)."
        )
    naoh_flow = frac * circulating * (1.0 + excess) / molarity  # [m3/s]
    naoh = Stream.from_concentrations(
        c, Q_(naoh_flow, "m^3/s"), {"Na+": Q_(molarity, "mol/m^3"), "OH-": Q_(molarity, "mol/m^3")},
        phase="aq", T=Q_(make_up.T, "K"),
    )  # fmt: skip
    reaction = (f"{ext} + Na+ + OH- -> {salt} + H2O", ext, frac)
    flowsheet.add(
        Feed(f"{p}_naoh", naoh, kind="reagent"),
        StoichiometricReactor(f"{p}_saponifier", [reaction], inlets=("org", "naoh")),
        Separator(f"{p}_saponifier_settler", {"org": 1.0, "aq": 0.0}, outlets=("org", "aq")),
    )
    flowsheet.connect(f"{p}_naoh.out", f"{p}_saponifier.naoh", f"{p}_naoh")
    flowsheet.connect(f"{p}_saponifier.out", f"{p}_saponifier_settler.in", f"{p}_saponified")
    flowsheet.connect(f"{p}_saponifier_settler.org", f"{p}_extraction.org_in",
                      f"{p}_saponified_org")  # fmt: skip
