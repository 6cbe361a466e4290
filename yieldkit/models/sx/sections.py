"""Extraction -> scrub -> strip: cascades wired in series on the organic phase.

A scrub or strip section is a cascade with its own aqueous feed; the organic leaving
stage 1 of one section (its loaded organic) is the organic feed of the next section's
last stage. Recycles (stripped organic back to extraction, scrub liquor back to the feed)
are closed later by the flowsheet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from yieldkit.errors import (
    ConvergenceError,
    InfeasibleStateError,
    SpecificationError,
    unknown_name,
)
from yieldkit.models.sx.cascade import CascadeSolution, SideFeed, solve_cascade
from yieldkit.models.sx.distribution import DistributionModel


@dataclass(frozen=True)
class Section:
    """One counter-current section of an SX circuit.

    Attributes
    ----------
    name : str
        Section name, e.g. 'extraction', 'scrub', 'strip' [-].
    n_stages : int
        Number of stages [-].
    aq_feed : numpy.ndarray
        Aqueous feed [metals..., H+] [mol/m3].
    q_aq : float
        Aqueous feed flow [m3/s].
    side_feeds : tuple of SideFeed
        Extra feeds of this section [-].
    """

    name: str
    n_stages: int
    aq_feed: np.ndarray
    q_aq: float
    side_feeds: tuple[SideFeed, ...] = ()


def solve_sections(
    org_feed: np.ndarray,
    Q_org: float,  # noqa: N803
    model: DistributionModel,
    sections: list[Section],
    x0: dict[str, CascadeSolution] | None = None,
    tol: float = 1e-12,
    stage_efficiency: float = 1.0,
) -> dict[str, CascadeSolution]:
    """Solve sections in series on the organic (e.g. extraction, scrub, strip).

    Parameters
    ----------
    org_feed : numpy.ndarray
        Organic fed to the first section: [metals..., total extractant] [mol/m3].
    Q_org : float
        Organic flow through every section [m3/s].
    model : DistributionModel
        Distribution model, used in every section [-].
    sections : list of Section
        Sections in the order the organic meets them; names must be unique [-].
    x0 : dict of CascadeSolution, optional
        Warm starts by section name [-].
    tol : float
        Newton tolerance [-].
    stage_efficiency : float
        Murphree efficiency of the aqueous phase in every stage (see ``solve_cascade``) [-].

    Returns
    -------
    dict of CascadeSolution
        By section name, in order; the last section's ``loaded_organic`` is the organic
        leaving the circuit.
    """
    sections = list(sections)
    for i, sec in enumerate(sections):
        if not isinstance(sec, Section):
            raise SpecificationError(f"sections[{i}] = {sec!r} is not a Section.")
    names = [s.name for s in sections]
    if len(set(names)) != len(names) or not names:
        raise SpecificationError(f"sections: names {names} must be unique and non-empty.")
    for key in x0 or {}:
        if key not in names:  # a misspelt warm start would silently start cold
            raise SpecificationError(unknown_name("section", key, names, "x0 (warm starts)"))
    out: dict[str, CascadeSolution] = {}
    org = np.asarray(org_feed, dtype=float)
    for sec in sections:
        warm = (x0 or {}).get(sec.name)
        where = f"section {sec.name!r}"
        try:
            sol = solve_cascade(
                sec.aq_feed,
                org,
                sec.q_aq,
                Q_org,
                model,
                sec.n_stages,
                side_feeds=list(sec.side_feeds),
                x0=warm,
                tol=tol,
                stage_efficiency=stage_efficiency,
            )
        except ConvergenceError as exc:
            raise exc.reworded(f"{where}: {exc}") from exc
        except (SpecificationError, InfeasibleStateError) as exc:
            raise type(exc)(f"{where}: {exc}") from exc
        out[sec.name] = sol
        org = sol.loaded_organic
    return out
