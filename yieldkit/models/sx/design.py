"""Design tools: stages for a target recovery or purity, O/A ratio search, McCabe-Thiele.

All run the cascade solver; recoveries are into the organic leaving stage 1 (the loaded
organic), as a fraction of everything that enters the cascade.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from yieldkit.errors import InfeasibleStateError, SpecificationError, unknown_name
from yieldkit.models.sx.cascade import CascadeSolution, solve_cascade
from yieldkit.models.sx.distribution import DistributionModel
from yieldkit.models.sx.problem import _INTEGERS, _is_real


def _metal_index(sol: CascadeSolution, metal: int | str) -> int:
    """Position of a metal in a solution's order, from its name or its index."""
    if isinstance(metal, str):
        if metal not in sol.metals:
            raise SpecificationError(unknown_name("metal", metal, sol.metals, "cascade solution"))
        return sol.metals.index(metal)
    m = len(sol.metals)
    if not _is_real(metal, _INTEGERS) or not 0 <= metal < m:
        raise SpecificationError(
            f"metal = {metal!r}: give a name of {list(sol.metals)} or an index 0..{m - 1}."
        )
    return int(metal)


def recovery(
    sol: CascadeSolution, aq_feed: np.ndarray, org_feed: np.ndarray, metal: int | str
) -> float:
    """Fraction of a metal's input that leaves in the loaded organic (no side feeds) [-].

    Parameters
    ----------
    sol : CascadeSolution
        Solved cascade [-].
    aq_feed, org_feed : numpy.ndarray
        The feeds it was solved with [mol/m3].
    metal : str or int
        Metal name, or its index in the solution's metal order [-].
    """
    i = _metal_index(sol, metal)
    qa, qo = sol.q_aq[0], sol.q_org[-1]
    total = qa * aq_feed[i] + qo * org_feed[i]
    return float(sol.q_org[0] * sol.y[0, i] / total)


def purity(sol: CascadeSolution, metal: int | str) -> float:
    """Molar fraction of a metal among the metals of the loaded organic [-] (``metal``: its
    name, or its index in the solution's metal order)."""
    y = sol.y[0]
    return float(y[_metal_index(sol, metal)] / y.sum())


def _check_target(name: str, target: float) -> None:
    if not _is_real(target):
        raise SpecificationError(f"{name} target = {target!r} must be a number between 0 and 1.")
    if not 0.0 < target < 1.0:
        raise SpecificationError(f"{name} target = {target!r}, accepted strictly between 0 and 1.")


def _check_max_stages(max_stages) -> None:
    if not _is_real(max_stages, _INTEGERS) or max_stages < 1:
        raise SpecificationError(f"max_stages = {max_stages!r} must be an integer >= 1.")


def _stages_or_why(aq_feed, org_feed, q_aq, q_org, model, n, stage_efficiency):
    """The cascade with n stages, or the InfeasibleStateError of a count the stage
    searches take as their upper bound (raised for a single stage: then no count
    operates)."""
    try:
        return solve_cascade(aq_feed, org_feed, q_aq, q_org, model, n,
                             stage_efficiency=stage_efficiency)  # fmt: skip
    except InfeasibleStateError as exc:
        if n == 1:
            raise
        return exc


def stages_for_recovery(
    aq_feed: np.ndarray,
    org_feed: np.ndarray,
    Q_aq: float,  # noqa: N803
    Q_org: float,  # noqa: N803
    model: DistributionModel,
    metal: str,
    target: float,
    max_stages: int = 500,
    stage_efficiency: float = 1.0,
) -> tuple[int, CascadeSolution]:
    """Fewest stages whose loaded organic carries ``target`` of a metal's input.

    Recovery grows with the number of stages, so the search doubles then bisects. With a
    D that ignores loading, more stages may load the organic beyond its capacity
    (InfeasibleStateError): such counts bound the search from above, and a target that
    needs them is an error naming why.

    Parameters
    ----------
    aq_feed, org_feed : numpy.ndarray
        Feeds as in ``solve_cascade`` [mol/m3].
    Q_aq, Q_org : float
        Feed flows [m3/s].
    model : DistributionModel
        Distribution model [-].
    metal : str
        Metal name [-].
    target : float
        Recovery into the loaded organic, 0..1 exclusive [-].
    max_stages : int
        Largest cascade tried [-].
    stage_efficiency : float
        Murphree efficiency of the aqueous phase in every stage (see ``solve_cascade``) [-].

    Returns
    -------
    n : int
        Number of stages [-].
    solution : CascadeSolution
        The cascade with n stages.
    """
    _check_target("recovery", target)
    _check_max_stages(max_stages)
    i = model.index(metal)

    def run(n):
        """(recovery, solution) with n stages, or (None, the InfeasibleStateError)."""
        sol = _stages_or_why(aq_feed, org_feed, Q_aq, Q_org, model, n, stage_efficiency)
        if isinstance(sol, InfeasibleStateError):
            return None, sol
        return recovery(sol, aq_feed, org_feed, i), sol

    lo, hi = 0, 1
    rec, sol = run(1)
    rec_lo = 0.0
    while rec is not None and rec < target:
        if hi >= max_stages:
            raise SpecificationError(
                f"recovery of {metal} reaches only {rec:.6g} with {hi} stages (max_stages = "
                f"{max_stages}); target {target} needs more stages or a higher O/A ratio."
            )
        lo, hi, rec_lo = hi, min(2 * hi, max_stages), rec
        rec, sol = run(hi)
    best, cut = (sol, None) if rec is not None else (None, sol)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        rec, sol = run(mid)
        if rec is None:  # more stages load the organic more: none from here operates
            hi, best, cut = mid, None, sol
        elif rec >= target:
            hi, best = mid, sol
        else:
            lo, rec_lo = mid, rec
    if best is None:
        raise SpecificationError(
            f"recovery of {metal} reaches only {rec_lo:.6g} with {lo} stages; with {hi} the "
            f"cascade cannot operate: {cut} Target {target} needs a higher O/A ratio or more "
            "extractant."
        )
    return hi, best


def stages_for_purity(
    aq_feed: np.ndarray,
    org_feed: np.ndarray,
    Q_aq: float,  # noqa: N803
    Q_org: float,  # noqa: N803
    model: DistributionModel,
    metal: str,
    target: float,
    max_stages: int = 100,
    stage_efficiency: float = 1.0,
) -> tuple[int, CascadeSolution]:
    """Fewest stages whose loaded organic holds the metal at ``target`` purity.

    Purity need not grow with stages, so every count from 1 up is tried, up to the first
    the cascade cannot operate at (InfeasibleStateError: more stages load the organic
    more), which ends the search with an error naming why.

    Parameters
    ----------
    aq_feed, org_feed : numpy.ndarray
        Feeds [mol/m3].
    Q_aq, Q_org : float
        Feed flows [m3/s].
    model : DistributionModel
        Distribution model [-].
    metal : str
        Metal name [-].
    target : float
        Molar fraction among metals in the loaded organic, 0..1 exclusive [-].
    max_stages : int
        Largest cascade tried [-].
    stage_efficiency : float
        Murphree efficiency of the aqueous phase in every stage (see ``solve_cascade``) [-].

    Returns
    -------
    n : int
        Number of stages [-].
    solution : CascadeSolution
        The cascade with n stages.
    """
    _check_target("purity", target)
    _check_max_stages(max_stages)
    i = model.index(metal)
    best = 0.0
    for n in range(1, max_stages + 1):
        sol = _stages_or_why(aq_feed, org_feed, Q_aq, Q_org, model, n, stage_efficiency)
        if isinstance(sol, InfeasibleStateError):
            raise SpecificationError(
                f"purity of {metal} in the loaded organic reaches at most {best:.6g} with "
                f"1..{n - 1} stages; with {n} the cascade cannot operate: {sol} Target "
                f"{target} is not reached below that."
            ) from sol
        p = purity(sol, i)
        best = max(best, p)
        if p >= target:
            return n, sol
    raise SpecificationError(
        f"purity of {metal} in the loaded organic reaches at most {best:.6g} with 1..{max_stages}"
        f" stages; target {target} is not reachable in one extraction section (add a scrub)."
    )


def oa_ratio_for_recovery(
    aq_feed: np.ndarray,
    org_feed: np.ndarray,
    Q_aq: float,  # noqa: N803
    model: DistributionModel,
    n_stages: int,
    metal: str,
    target: float,
    bounds: tuple[float, float] = (1e-3, 1e3),
    stage_efficiency: float = 1.0,
) -> tuple[float, CascadeSolution]:
    """Organic/aqueous flow ratio giving ``target`` recovery into the loaded organic.

    Recovery rises monotonically with the O/A ratio; brentq works on ln(O/A). Where the
    cascade cannot operate at an end of ``bounds`` (InfeasibleStateError: a D that ignores
    loading overloads the organic at a low O/A, a saponified or loaded organic runs short
    of acid at a high one), the search range ends at the edge of the O/A it can operate
    at, found by bisection; a target beyond that edge is an error that names why.

    Parameters
    ----------
    aq_feed, org_feed : numpy.ndarray
        Feeds [mol/m3].
    Q_aq : float
        Aqueous flow [m3/s].
    model : DistributionModel
        Distribution model [-].
    n_stages : int
        Number of stages [-].
    metal : str
        Metal name [-].
    target : float
        Recovery, 0..1 exclusive [-].
    bounds : tuple of float
        Range of O/A searched [-].
    stage_efficiency : float
        Murphree efficiency of the aqueous phase in every stage (see ``solve_cascade``) [-].

    Returns
    -------
    ratio : float
        O/A [-].
    solution : CascadeSolution
        The cascade at that ratio.
    """
    _check_target("recovery", target)
    i = model.index(metal)
    try:
        lo_ratio, hi_ratio = (float(b) for b in bounds)
    except (TypeError, ValueError):
        lo_ratio, hi_ratio = math.nan, math.nan
    if not (0 < lo_ratio < hi_ratio < math.inf):
        raise SpecificationError(
            f"bounds = {bounds!r} must be two O/A ratios (lo, hi) with 0 < lo < hi, finite."
        )
    state: dict[str, CascadeSolution] = {}
    # g at each ratio evaluated: brentq evaluates the ends of its bracket again, and an
    # end at the edge of the operable range (_operable) may lie within rounding of
    # infeasible, where a second solve from another warm start could say so
    known: dict[float, float] = {}

    def g(log_ratio):
        if log_ratio not in known:
            sol = solve_cascade(aq_feed, org_feed, Q_aq, Q_aq * np.exp(log_ratio), model,
                                n_stages, x0=state.get("last"),
                                stage_efficiency=stage_efficiency)  # fmt: skip
            state["last"] = sol
            known[log_ratio] = recovery(sol, aq_feed, org_feed, i) - target
        return known[log_ratio]

    lo, hi = math.log(lo_ratio), math.log(hi_ratio)
    (lo, g_lo), (hi, g_hi), cut = _operable(g, lo, hi, bounds)
    if g_lo > 0 or g_hi < 0:
        span = f"recovery of {metal} spans {g_lo + target:.6g}..{g_hi + target:.6g} for "
        if cut is None:
            raise SpecificationError(
                f"{span}O/A in {bounds}; target {target} is outside (widen bounds or change "
                "stages)."
            )
        raise SpecificationError(
            f"{span}the O/A the cascade can operate at, {np.exp(lo):.6g}..{np.exp(hi):.6g} of "
            f"{bounds}; target {target} is outside, and beyond that range: {cut}"
        )
    root = brentq(g, lo, hi, xtol=1e-12, rtol=1e-12)
    sol = solve_cascade(aq_feed, org_feed, Q_aq, Q_aq * np.exp(root), model, n_stages,
                        x0=state["last"], stage_efficiency=stage_efficiency)  # fmt: skip
    return float(np.exp(root)), sol


#: Bisections of ln(O/A) that locate the edge of the O/A range a cascade can operate in
#: (:func:`_operable`): the edge to 2^-40 of the bracket's width in ln(O/A) [-]
EDGE_BISECTIONS = 40


def _operable(g, lo: float, hi: float, bounds):
    """The bracket [lo, hi] of ln(O/A) shrunk to where ``g`` (recovery minus target) can
    be evaluated, with g at both ends: ((lo, g_lo), (hi, g_hi), why), ``why`` the message
    of the InfeasibleStateError beyond the edge (None if both ends operate). A model whose
    D ignores loading cannot take a low O/A (the organic would be loaded beyond its
    capacity), a saponified organic may run short of acid at a high one: the edge is found
    by bisection (:data:`EDGE_BISECTIONS`), assuming one operable interval. SpecificationError
    if neither end nor the middle operates."""
    ends = []
    for x in (lo, hi):
        try:
            ends.append(g(x))
        except InfeasibleStateError as exc:
            ends.append(exc)
    bad = [isinstance(v, InfeasibleStateError) for v in ends]
    if not any(bad):
        return (lo, ends[0]), (hi, ends[1]), None
    if all(bad):
        mid = 0.5 * (lo + hi)
        try:
            g_mid = g(mid)
        except InfeasibleStateError:
            raise SpecificationError(
                f"the cascade cannot operate at O/A {bounds[0]}, {math.exp(mid):.6g} or "
                f"{bounds[1]}: at {bounds[0]}, {ends[0]} At {bounds[1]}, {ends[1]}"
            ) from None
        low = _edge(g, lo, mid, g_mid)
        high = _edge(g, hi, mid, g_mid)
        return low, high, f"at low O/A, {ends[0]} At high O/A, {ends[1]}"
    ok = hi if bad[0] else lo
    edge = _edge(g, lo if bad[0] else hi, ok, ends[1] if bad[0] else ends[0])
    pair = (edge, (hi, ends[1])) if bad[0] else ((lo, ends[0]), edge)
    return pair[0], pair[1], str(ends[0] if bad[0] else ends[1])


def _edge(g, bad: float, ok: float, g_ok: float) -> tuple[float, float]:
    """The operable point nearest to ``bad`` (where g raises InfeasibleStateError) from
    ``ok`` (where it gave ``g_ok``), by bisection: (x, g(x))."""
    for _ in range(EDGE_BISECTIONS):
        mid = 0.5 * (bad + ok)
        try:
            g_ok, ok = g(mid), mid
        except InfeasibleStateError:
            bad = mid
    return ok, g_ok


def mccabe_thiele_plot(sol: CascadeSolution, metal: str, path: str | Path) -> Path:
    """McCabe-Thiele diagram of one metal: stage equilibria, operating line and steps.

    Parameters
    ----------
    sol : CascadeSolution
        Solved cascade (its metal order) [-].
    metal : str
        Metal to plot [-].
    path : str or pathlib.Path
        PNG file to write [-].

    Returns
    -------
    pathlib.Path
        The file written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not isinstance(metal, str):
        raise SpecificationError(f"metal = {metal!r}: give a name of {list(sol.metals)}.")
    i = _metal_index(sol, metal)
    x, y = sol.x[:, i], sol.y[:, i]
    fig, ax = plt.subplots(figsize=(5, 4))
    eff = getattr(sol, "stage_efficiency", 1.0)
    if eff < 1.0:  # the outlets of a Murphree stage are not at equilibrium
        ax.plot(x, y, "o-", label=f"stage outlets (x_k, y_k), Murphree E = {eff:g}")
    else:
        ax.plot(x, y, "o-", label="stage equilibria (x_k, y_k)")
    # operating line: organic entering stage k (y_{k+1}) against aqueous leaving stage k
    y_in = np.append(y[1:], np.nan)
    ax.plot(x[:-1], y_in[:-1], "s--", label="operating line (x_k, y_k+1)")
    for k in range(sol.n_stages - 1):
        ax.plot([x[k], x[k]], [y[k], y[k + 1]], "k:", lw=0.8)
        ax.plot([x[k], x[k + 1]], [y[k + 1], y[k + 1]], "k:", lw=0.8)
    ax.set_xlabel(f"{metal} aqueous [mol/m3]")
    ax.set_ylabel(f"{metal} organic [mol/m3]")
    ax.set_title(f"McCabe-Thiele, {sol.n_stages} stages")
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
