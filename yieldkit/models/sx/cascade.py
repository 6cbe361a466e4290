"""Counter-current solvent-extraction cascade, all stages solved together by Newton.

Conventions (SI inside): concentrations [mol/m3] (= mmol/L), flows [m3/s]. The aqueous
phase enters stage 1 and leaves stage N (the raffinate); the organic enters stage N and
leaves stage 1 (the loaded organic). Phase volumes do not change on contact. The
extractant stays in the organic; metals and protons move between the phases.

Per stage k the unknowns are the aqueous metal concentrations x_k [mol/m3], the aqueous
H+ h_k [mol/m3] and the free extractant f_k (monomer HA) [mol/m3], solved in logarithms
so they stay positive. The organic metal concentrations are y = D(h, f) x. Equations:

* metal i:    in - Qa_k x_ik - Qo_k y_ik = 0
* protons:    in - (Qa_k h_k - Qo_k sum_i z_i y_ik) = 0   (H conservation, extractant
  balance subtracted: each ion extracted releases z H+)
* extractant: E_k - f_k - sum_i 2 n_i y_ik = 0, with E_k the total extractant of the
  organic leaving stage k (known from the organic flows alone).

With a Murphree stage efficiency E < 1 (``stage_efficiency``) the organic leaving stage k
holds y_k = D_k x*_k, x*_k the aqueous in equilibrium with it, and the aqueous leaving is
x_k = x_in,k - E (x_in,k - x*_k) (x_in,k: the aqueous entering, with its side feeds); the
same balances, the exact metal solve taking x and x* per stage (``system._Cascade``; the
kernel's ``_murphree_metals`` and ``_murphree_rows``), from the same cascade's solution
at E = 1.

The Jacobian is block tridiagonal with a fixed sparsity pattern; it is assembled from
vectorised arrays and solved as a banded system (LAPACK gbsv), which measured faster
than SuperLU here (see benchmarks/README.md).

Two implementations of the Newton loop, chosen with ``solve_cascade(backend=...)``: the
NumPy code (:mod:`yieldkit.models.sx.system` for the equations,
:mod:`yieldkit.models.sx.newton` for Newton and the pseudo-transient; the reference) and a
numba kernel (:mod:`yieldkit.models.sx._kernel`) that repeats the same algorithm with
plain loops and a block-tridiagonal factorisation (the default where supported; which
runs: :mod:`yieldkit.models.sx.backend`). After a failed Newton
(:mod:`yieldkit.models.sx.fallbacks`), in this order: continuation in the number of
stages from a single stage (``fallbacks._grown``: 1, 2, 4, ... stages, each from the last
profile stretched); where more base than acid enters for the feed's H+ (a saponified
organic), Newton from the constant-D cascade at the H+ that closes its proton balance
(``system._balanced_guess``); the pseudo-transient continuation, in the compiled kernel (compiled
backend; it repeats the NumPy one step for step), then in NumPy when the compiled one
stopped early; continuation from half (or 1.5x) the stages; Gauss-Seidel sweeps (up to
12 stages); pseudo-arclength continuation from dilute feeds
(:mod:`yieldkit.models.sx.loading_path`). Each runs only if everything before it failed;
a failure of all of them raises ConvergenceError with the stage and residual. A D that
ignores the free extractant is first solved with ample extractant, what its complexes
bind deciding whether the organic would be loaded beyond its capacity
(InfeasibleStateError) or else giving the free extractant (exact); a D that ignores H+ is
first solved with ample acid and shifted back (exact). A solution whose H+
falls below pH 14 somewhere is reported as short of acid (InfeasibleStateError).
"""

from __future__ import annotations

import numpy as np

from yieldkit.errors import ConvergenceError, InfeasibleStateError, SpecificationError
from yieldkit.models.sx.backend import _NO_V, _NO_W, _choose_backend, _kernel
from yieldkit.models.sx.distribution import DistributionModel
from yieldkit.models.sx.fallbacks import _solve_general
from yieldkit.models.sx.newton import balance_limit, short_of_acid
from yieldkit.models.sx.problem import check_arguments, check_efficiency, kernel_feeds
from yieldkit.models.sx.solution import CascadeSolution, SideFeed
from yieldkit.models.sx.system import H_MIN


def solve_cascade(
    aq_feed: np.ndarray,
    org_feed: np.ndarray,
    Q_aq: float,  # noqa: N803 - the usual symbol
    Q_org: float,  # noqa: N803
    model: DistributionModel,
    n_stages: int,
    side_feeds: list[SideFeed] | None = None,
    x0: CascadeSolution | np.ndarray | None = None,
    tol: float = 1e-12,
    max_iter: int = 100,
    backend: str | None = None,
    stage_efficiency: float = 1.0,
) -> CascadeSolution:
    """Solve a counter-current extraction cascade, all stages at once.

    Parameters
    ----------
    aq_feed : numpy.ndarray
        Aqueous feed to stage 1: [metal_1..metal_M, H+] in the model's metal order; H+
        must be > 0 [mol/m3].
    org_feed : numpy.ndarray
        Organic feed to stage N: [metal_1..metal_M, total extractant as monomer HA]; the
        metals may load at most the whole extractant (2n HA per ion) [mol/m3].
    Q_aq : float
        Aqueous feed flow [m3/s].
    Q_org : float
        Organic feed flow [m3/s].
    model : DistributionModel
        Distribution model (see :mod:`yieldkit.models.sx.distribution`) [-].
    n_stages : int
        Number of equilibrium stages, >= 1 [-].
    side_feeds : list of SideFeed, optional
        Extra aqueous or organic feeds at any stage [-].
    x0 : CascadeSolution or numpy.ndarray, optional
        Warm start: a previous solution of a cascade with the same stages and metals, or
        its ``state`` [-].
    tol : float
        Convergence tolerance on the scaled residual (max norm) [-].
    max_iter : int
        Newton iteration limit [-].
    backend : {'compiled', 'numpy'}, optional
        Implementation of the Newton loop: 'compiled' (numba kernel, same algorithm, no
        NumPy call overhead) or 'numpy' (the reference). None (default) takes 'compiled'
        for the models it supports (kinds in ``COMPILED_KINDS``) and 'numpy' otherwise;
        the solution's ``backend`` records which ran. If Newton stalls, the continuation
        in the number of stages from one stage takes over; if that fails too, Newton
        from a balanced start (a saponified organic), the compiled pseudo-transient
        continuation, then the NumPy fallbacks
        (pseudo-transient, continuation from half the stages, Gauss-Seidel), and last the
        continuation from dilute feeds along the solution curve [-].
    stage_efficiency : float
        Murphree efficiency of the aqueous phase, 0 < E <= 1, the same in every stage:
        the aqueous leaving stage k is x_k = x_in - E (x_in - x*_k), x_in the aqueous
        entering it (with its aqueous side feeds) and x*_k = y_k / D_k the aqueous in
        equilibrium with the organic leaving it, D_k at the stage's H+ and free
        extractant. 1 (default): equilibrium stages. Below 1 the cascade starts from
        its solution at 1; both backends take it (after a failed compiled Newton the
        NumPy path's Newton and fallbacks run) [-].

    Returns
    -------
    CascadeSolution
        Per-stage concentrations, flows and solver statistics.

    Raises
    ------
    SpecificationError
        Bad input, or a model that ignores loading pushed beyond the extractant capacity,
        or backend='compiled' for a model the kernel does not support.
    InfeasibleStateError
        Not enough acid: no solution with H+ > 0 (a D that ignores H+), or H+ below pH 14
        in some stage (names the stage); or an organic fed more than 99.9999 % loaded whose
        cascade does not converge (its free extractant falls below what double precision
        resolves; the message names the loading).
    ConvergenceError
        Newton did not converge, or the balances did not close (names the stage).
    """
    if not isinstance(model, DistributionModel):
        raise SpecificationError(
            f"model = {model!r} is not a DistributionModel; build one with cation_exchange, "
            "empirical_ph or constant_d."
        )
    check_arguments(Q_aq, Q_org, n_stages, tol, max_iter)
    eff = check_efficiency(stage_efficiency)
    backend = _choose_backend(model, backend)
    if eff < 1.0 and x0 is None:
        x0 = _equilibrium_start(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds,
                                tol, max_iter, backend)  # fmt: skip
    kernel_out = None
    if backend == "compiled":
        sol = _solve_compiled(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds, x0,
                              tol, max_iter, eff)  # fmt: skip
        if isinstance(sol, CascadeSolution):
            sol.stage_efficiency = eff
            return sol
        kernel_out = sol
        if eff < 1.0:  # the fallbacks at E < 1 are the NumPy path's
            backend, kernel_out = "numpy", None
    sol = _solve_general(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds, x0, tol,
                         max_iter, backend, kernel_out, eff)  # fmt: skip
    sol.stage_efficiency = eff
    return _check_ph(sol, model)


def _equilibrium_start(model, aq_feed, org_feed, q_aq, q_org, n_stages, side_feeds, tol,
                       max_iter, backend):  # fmt: skip
    """The state of the same cascade with equilibrium stages, the start of a cascade with a
    stage efficiency below 1 (its H+ and free extractant; the metals are re-solved for the
    efficiency), or None when that cascade has no solution or none was found (the cold
    start then runs). From the constant-D guess, Newton on random cation-exchange cascades
    with E < 1 started ~100x farther off than at E = 1 (found 2026-12-06)."""
    try:
        sol = solve_cascade(aq_feed, org_feed, q_aq, q_org, model, n_stages, side_feeds,
                            tol=tol, max_iter=max_iter, backend=backend)  # fmt: skip
    except (ConvergenceError, SpecificationError):
        return None
    return sol.state


#: What :func:`_kernel_solve` returns for a cascade with a metal absent from every feed
_ABSENT = object()


def _solve_compiled(model, aq_feed, org_feed, q_aq, q_org, n_stages, side_feeds, x0, tol,
                    max_iter, eff):  # fmt: skip
    """The common case in one kernel call: the cascade's setup (end feeds and side feeds)
    and a compiled Newton that converges. Metals absent from every feed are left out of a
    second kernel call and reported as zeros (:func:`_absent_left_out`, as the general
    path's ``newton._run``). Otherwise None (invalid input, a warm start that does not
    fit: the general path names it) or, when the Newton ran and did not pass (not
    converged, or a check failed), its result (v, x, h, f, y, hist, it, nfac, w, have,
    err) for the metals present, which the general path takes as its first Newton instead
    of repeating it; the general path then checks, recovers (compiled pseudo-transient
    first) or reports."""
    feeds = kernel_feeds(model, aq_feed, org_feed, side_feeds)  # (scalars: check_arguments)
    if feeds is None:
        return None
    aq, org, sides = feeds
    m = len(model.metals)
    arrays = (model.z, model.ha_bound, model.c, model.a, model.b)
    sol = _kernel_solve(model, aq, org, q_aq, q_org, n_stages, sides, x0, tol, max_iter,
                        arrays, (True,) * m, eff)  # fmt: skip
    if sol is _ABSENT:  # a metal absent from every feed (found by the kernel's setup)
        return _absent_left_out(model, aq, org, q_aq, q_org, n_stages, sides, x0, tol,
                                max_iter, eff)  # fmt: skip
    return sol


def _kernel_solve(model, aq, org, q_aq, q_org, n_stages, sides, x0, tol, max_iter, arrays,
                  present, eff):  # fmt: skip
    """One call of the kernel's entry with the model's ``arrays`` of the metals ``present``
    (a tuple of bools over the model's metals, as ``CascadeSolution.factors`` keeps it)
    and the feeds (end feeds, ``sides`` as :func:`_side_arrays` gives them) of those
    metals: a CascadeSolution of those metals, the failed Newton's result (status 3),
    :data:`_ABSENT` (a metal absent from every feed) or None."""
    ms = arrays[0].shape[0]
    w_prev, chord, v0 = _NO_W, False, _NO_V
    if x0 is not None:
        if isinstance(x0, CascadeSolution):
            v0 = x0.state
            fac = x0.factors
            if (fac is not None and x0.backend == "compiled" and isinstance(fac[1], tuple)
                    and x0.stage_efficiency == eff):  # fmt: skip
                w = fac[1][1]
                if w.shape[:2] == (n_stages, ms + 2) and fac[0] == present:
                    w_prev, chord = w, True
        else:
            v0 = x0
        if v0 is None:
            return None
        try:
            v0 = np.ascontiguousarray(v0, dtype=float)
        except (TypeError, ValueError):
            return None  # the general path names it
        if v0.ndim != 1:
            return None
        if ms < len(present):  # the state of the metals present
            if v0.shape[0] != n_stages * (len(present) + 2):
                return None
            keep = np.append(present, [True, True])
            v0 = np.ascontiguousarray(v0.reshape(n_stages, -1)[:, keep].ravel())
    out = _kernel().solve_ends(aq, org, float(q_aq), float(q_org), int(n_stages), *arrays, v0,
                               x0 is not None, w_prev, chord, float(tol),
                               min(int(max_iter), 25), balance_limit(tol), *sides,
                               None if eff == 1.0 else np.array([float(eff)]))  # fmt: skip
    status, v, x, h, f, y, hist, it, nfac, w, have, err, qa, qo, e = out
    if status == 3:
        return v, x, h, f, y, hist, it, nfac, w, have, err
    if status != 0:
        return _ABSENT if status == 2 else None
    hist = hist.tolist()
    return CascadeSolution(model.metals, x, y, h, f, e, qa, qo, it, hist[-1], hist, err, v,
                           (present, ("compiled", w) if have else None), nfac,
                           "compiled")  # fmt: skip


def _absent_left_out(model, aq, org, q_aq, q_org, n_stages, sides, x0, tol, max_iter, eff):
    """:func:`_kernel_solve` of the metals present in some feed; the absent ones come back
    as zeros in the solution (the same numbers as the general path)."""
    m = len(model.metals)
    stage, is_aq, flow, conc = sides
    if aq.shape != (m + 1,) or org.shape != (m + 1,) or conc.shape[1:] not in ((m + 1,), (1,)):
        return None
    mask = (aq[:m] != 0) | (org[:m] != 0)  # nan or < 0: the kernel rejects it
    if stage.shape[0]:
        mask |= np.any(conc[:, :m] != 0, axis=0)
    if mask.all() or not mask.any():
        return None  # (a flow so small that q * c underflows: the general path)
    sub = np.flatnonzero(mask)
    arrays = tuple(a[sub] for a in (model.z, model.ha_bound, model.c, model.a, model.b))
    for a in arrays:  # read-only as the model's own: the kernel is compiled for that type
        a.setflags(write=False)
    if stage.shape[0]:
        sides = (stage, is_aq, flow, np.ascontiguousarray(conc[:, np.append(sub, m)]))
    sol = _kernel_solve(model, np.append(aq[sub], aq[m]), np.append(org[sub], org[m]), q_aq,
                        q_org, n_stages, sides, x0, tol, max_iter, arrays,
                        tuple(mask.tolist()), eff)  # fmt: skip
    if not isinstance(sol, CascadeSolution):
        return sol if isinstance(sol, tuple) else None
    x = np.zeros((n_stages, m))
    y = np.zeros((n_stages, m))
    x[:, sub] = sol.x
    y[:, sub] = sol.y
    state = np.zeros((n_stages, m + 2))
    state[:, np.append(mask, [True, True])] = sol.state.reshape(n_stages, -1)
    sol.x, sol.y, sol.state = x, y, state.ravel()
    return sol


def _check_ph(sol: CascadeSolution, model: DistributionModel) -> CascadeSolution:
    """The solution, unless its H+ is below :data:`H_MIN` somewhere (InfeasibleStateError:
    an answer at pH > 14 is outside every distribution model here)."""
    k = int(np.argmin(sol.h))
    if not sol.h[k] >= H_MIN:
        raise InfeasibleStateError(short_of_acid(model, k + 1, sol.n_stages))
    return sol
