"""An SX circuit in a flowsheet: extraction -> scrub -> strip with the organic recycled.

The stripped organic goes back to extraction through a bleed (Splitter) and a make-up
(Feed of kind 'reagent' mixed in), so the organic loop is a flowsheet recycle solved by
the flowsheet's tear solvers. At steady state the organic flow is make-up / bleed.
Each :class:`~yieldkit.unitops.solvent_extraction.SolventExtraction` keeps its last
solution, so the cascades restart warm on every pass of the loop.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Splitter
from yieldkit.unitops.params import fraction
from yieldkit.unitops.solvent_extraction import SolventExtraction


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

    Returns
    -------
    dict of str to str
        Open ports for the caller to connect: ``feed``, ``strip_liquor``, ``raffinate``,
        ``strip_out``, ``bleed`` and, with a scrub section, ``scrub_liquor`` and
        ``scrub_out`` (plus ``<section>_feed_<k>`` for side feeds).
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
    units = {label: _section(p, label, spec) for label, spec in sections}
    feed = Feed(f"{p}_make_up", make_up, kind="reagent")
    mixer = Mixer(f"{p}_org_mixer", inlets=("recycle", "make_up"))
    splitter = Splitter(f"{p}_bleed", {"recycle": 1.0 - b, "bleed": b})
    flowsheet.add(feed, mixer, *units.values(), splitter)
    flowsheet.connect(f"{p}_make_up.out", f"{p}_org_mixer.make_up", f"{p}_make_up_org")
    flowsheet.connect(f"{p}_org_mixer.out", f"{p}_extraction.org_in", f"{p}_barren_org")
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
    for label, unit in units.items():
        for k in unit.side_stages:
            ports[f"{label}_feed_{k}"] = f"{p}_{label}.feed_{k}"
    return ports
