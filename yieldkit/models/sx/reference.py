"""Reference solvers for the SX cascade, slow but independent of the Newton solver.

* :func:`single_stage` -- one equilibrium stage by nested bisection (brentq) on the free
  extractant and the H+ concentration; both inner functions are monotone, so it always
  converges when a solution exists.
* :func:`gauss_seidel_cascade` -- stage-by-stage sweeps (forward then backward) of
  :func:`single_stage` until the stage states stop changing; for checking the
  simultaneous solver on small cascades.
* :func:`residual_vector` -- the cascade residual in the log-variables the benchmark's naive
  baseline (``scipy.optimize.root``, finite-difference Jacobian) works on.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from yieldkit.errors import ConvergenceError
from yieldkit.models.sx.distribution import DistributionModel
from yieldkit.models.sx.problem import _setup
from yieldkit.models.sx.solution import CascadeSolution, SideFeed
from yieldkit.models.sx.system import _Cascade, _initial_guess


def single_stage(
    model: DistributionModel,
    metal_in: np.ndarray,
    acidity_in: float,
    q_aq: float,
    q_org: float,
    extractant: float,
    rtol: float = 1e-14,
) -> tuple[np.ndarray, float, float]:
    """Equilibrate one stage given what enters it.

    Parameters
    ----------
    model : DistributionModel
        Distribution model [-].
    metal_in : numpy.ndarray
        Total inflow of each metal, both phases [mol/s].
    acidity_in : float
        Inflow of free acidity, aqueous H+ minus z times the organic metals [mol/s].
    q_aq, q_org : float
        Aqueous and organic flows leaving the stage [m3/s].
    extractant : float
        Total extractant of the organic leaving, monomer HA [mol/m3].
    rtol : float
        Relative tolerance of the bisections [-].

    Returns
    -------
    x : numpy.ndarray
        Aqueous metal concentrations [mol/m3].
    h : float
        Aqueous H+ [mol/m3].
    f : float
        Free extractant [mol/m3].
    """
    n2 = model.ha_bound

    def metals(lh, lf):
        ld = model.c + model.a * lh + model.b * lf
        with np.errstate(over="ignore", under="ignore"):
            x = metal_in / (q_aq + q_org * np.exp(ld))
            y = metal_in / (q_aq * np.exp(-ld) + q_org)
        return x, y

    def free(lh):
        le = np.log(extractant)
        if np.all(model.b == 0):  # D does not depend on f: f follows directly
            return np.log(extractant - float(metals(lh, le)[1] @ n2))

        def g(lf):
            return extractant - np.exp(lf) - float(metals(lh, lf)[1] @ n2)

        return brentq(g, le - 1400.0, le, xtol=1e-15, rtol=rtol)

    def acid(lh):
        y = metals(lh, free(lh))[1]
        return acidity_in - (q_aq * np.exp(lh) - q_org * float(y @ model.z))

    top = max(acidity_in, 0.0) / q_aq + float(metal_in @ model.z) / q_aq
    lh = brentq(acid, -700.0, np.log(top) + 1.0, xtol=1e-15, rtol=rtol)
    lf = free(lh)
    return metals(lh, lf)[0], float(np.exp(lh)), float(np.exp(lf))


def gauss_seidel_cascade(
    aq_feed: np.ndarray,
    org_feed: np.ndarray,
    Q_aq: float,  # noqa: N803
    Q_org: float,  # noqa: N803
    model: DistributionModel,
    n_stages: int,
    side_feeds: list[SideFeed] | None = None,
    tol: float = 1e-13,
    max_sweeps: int = 20000,
) -> CascadeSolution:
    """Solve a cascade by stage-by-stage Gauss-Seidel sweeps (reference method).

    Parameters
    ----------
    aq_feed, org_feed, Q_aq, Q_org, model, n_stages, side_feeds
        As :func:`yieldkit.models.sx.cascade.solve_cascade` ([mol/m3], [m3/s]).
    tol : float
        Largest relative change of any stage concentration between sweeps [-].
    max_sweeps : int
        Sweep limit (one sweep = forward and backward pass) [-].

    Returns
    -------
    CascadeSolution
        With ``iterations`` the number of sweeps.
    """
    st = _setup(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds, 1.0)
    n, m = st.s_m.shape
    x = np.zeros((n, m))
    y = np.zeros((n, m))
    h = np.full(n, st.h_in)
    f = st.e.copy()
    z = model.z
    order = list(range(n)) + list(range(n - 2, 0, -1))
    for sweep in range(1, max_sweeps + 1):
        old = np.concatenate([x.ravel(), y.ravel(), h])
        for k in order:
            t = st.s_m[k].copy()
            a = st.s_h[k]
            if k > 0:
                t += st.qa[k - 1] * x[k - 1]
                a += st.qa[k - 1] * h[k - 1]
            if k < n - 1:
                t += st.qo[k + 1] * y[k + 1]
                a -= st.qo[k + 1] * float(y[k + 1] @ z)
            x[k], h[k], f[k] = single_stage(model, t, a, st.qa[k], st.qo[k], st.e[k])
            y[k] = x[k] * np.exp(model.c + model.a * np.log(h[k]) + model.b * np.log(f[k]))
        new = np.concatenate([x.ravel(), y.ravel(), h])
        change = np.abs(new - old) / np.maximum(np.abs(new), 1e-300)
        if float(change.max()) < tol:
            return CascadeSolution(
                model.metals, x, y, h, f, st.e.copy(), st.qa.copy(), st.qo.copy(), sweep, 0.0
            )
    raise ConvergenceError(
        f"Gauss-Seidel reference did not converge in {max_sweeps} sweeps "
        f"(last relative change {float(change.max()):.3g}).",
        loop="sx_gauss_seidel",
    )


def residual_vector(
    aq_feed: np.ndarray,
    org_feed: np.ndarray,
    Q_aq: float,  # noqa: N803
    Q_org: float,  # noqa: N803
    model: DistributionModel,
    n_stages: int,
    side_feeds: list[SideFeed] | None = None,
):
    """The scaled cascade residual as a function of all unknowns, and its initial guess.

    For naive baselines: variables per stage are [x/x_ref, ln h, ln f], the residual is
    the one the Newton solver drives to zero, without the exact metal elimination.

    Returns
    -------
    fun : callable
        v -> scaled residual, both shape (n_stages*(n_metals+2),) [-].
    v0 : numpy.ndarray
        The solver's cheap initial guess [-].
    unpack : callable
        v -> (x, h, f, y, D) [mol/m3].
    """
    st = _setup(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds, 1.0)
    cas = _Cascade(model, st)
    return cas.residual, _initial_guess(model, st, cas), cas.unpack
