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

The Jacobian is block tridiagonal with a fixed sparsity pattern; it is assembled from
vectorised arrays and solved as a banded system (LAPACK gbsv), which measured faster
than SuperLU here (see benchmarks/README.md).

Two implementations of the Newton loop, chosen with ``solve_cascade(backend=...)``: the
NumPy code in this module (the reference) and a numba kernel
(:mod:`yieldkit.models.sx._kernel`) that repeats the same algorithm with plain loops and a
block-tridiagonal factorisation (the default where supported). After a failed Newton, in
this order: continuation in the number of stages from a single stage (:func:`_grown`: 1,
2, 4, ... stages, each from the last profile stretched); the pseudo-transient
continuation, in the compiled kernel (compiled backend; it repeats the NumPy one step for
step), then in NumPy; continuation from half (or 1.5x) the stages; Gauss-Seidel sweeps
(up to 12 stages); pseudo-arclength continuation from dilute feeds
(:mod:`yieldkit.models.sx.loading_path`). Each runs only if everything before it failed;
a failure of all of them raises ConvergenceError with the stage and residual. A D that
ignores H+ is first solved with ample acid and shifted back (exact). A solution whose H+
falls below pH 14 somewhere is reported as short of acid (InfeasibleStateError).
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from scipy.linalg.lapack import dgbtrf, dgbtrs, dgtsv

from yieldkit.errors import (
    ConvergenceError,
    InfeasibleStateError,
    SpecificationError,
    did_you_mean,
)
from yieldkit.models.sx.distribution import DistributionModel

H_FLOOR = 1e-3  # lowest H+ of the initial guess, relative to the feed's [-]
#: Lowest H+ of a solution: pH 14, beyond which no aqueous model here applies [mol/m3]
H_MIN = 1e-11
#: metal concentrations below this are zero: further down a long cascade they would turn
#: subnormal (about 100x slower arithmetic), far below any tolerance (as _kernel.X_FLUSH)
#: [mol/m3]
X_FLUSH = 1e-300
#: Scaled residual below which, after a Newton step that cut it 100x (quadratic regime),
#: the following steps reuse the last factors (chord steps, checked as a warm start's).
#: 1e-7 (factors from next to the solution, so a warm re-solve after a 1 % feed change
#: takes 3 chord steps instead of 4) was measured twice and not kept: 2026-12-06, with
#: the Gauss-Jordan block factorisation, 100 stages x 6 metals: cold 327 -> 392 us, warm
#: 66 -> 57 us, but a loop of one cold and 12 warm solves with shrinking feed changes
#: 1106 -> 1143 us (20 stages 362 -> 368, 500 stages 5307 -> 5550). Also measured and
#: not kept (2026-12-06, third session): entering the chord steps after a 10x cut
#: instead of 100x, plus one new factorisation once the residual is below 1e-6 if the
#: chord steps from factors made above 1e-5 are slow (>= 2 more steps predicted). On the
#: benchmark cascade it keeps every cold solve's factorisations and steps and makes
#: the warm re-solve 3 chord steps from 100 stages (48 -> 39 us, kernel A/B); on 2904
#: random end-fed cascades (20-300 stages, 2-8 metals) cold solves take 9 % more
#: factorisations and 14 % more time (1682 -> 1916 ms) for 5 % faster warm re-solves
#: (256 -> 242 ms); either half alone is slower cold too (10x entry: 7 %, fewer
#: factorisations but more steps; the refresh: 13 %). Broyden updates of stale factors
#: and Anderson mixing of the chord steps: the same step count [-]
CHORD_BELOW = 1e-4
#: Largest change of ln h or ln f in one Newton or pseudo-transient step [-]
MAX_LOG_STEP = 3.0
GS_MAX_STAGES = 12  # longest cascade given the Gauss-Seidel fallback [-]
#: True inside the stage continuation's solve of a longer cascade (no further growth)
_LONGER: ContextVar[bool] = ContextVar("_LONGER", default=False)
#: True inside the acid-shift fallback's solve with ample acid (no second shift)
_SHIFTED: ContextVar[bool] = ContextVar("_SHIFTED", default=False)
BACKENDS = ("compiled", "numpy")
COMPILED_KINDS = ("cation_exchange", "empirical_ph", "constant_d")  # and their combinations
_NO_W = np.zeros((0, 1, 1))  # placeholders for the kernel's optional arrays
_NO_V = np.zeros(0)
_KERNEL = []  # the imported kernel module (numba is imported on first compiled solve)


def _kernel():
    """The compiled kernel module, or None when numba cannot be imported."""
    if not _KERNEL:
        try:
            from yieldkit.models.sx import _kernel as k
        except ImportError:  # numba missing or broken: only the NumPy path is available
            k = None
        _KERNEL.append(k)
    return _KERNEL[0]


@lru_cache(maxsize=64)
def _compiled_kind(kind: str) -> bool:
    """Whether the kernel supports a model kind (combinations joined by '+')."""
    return all(k in COMPILED_KINDS for k in kind.split("+"))


def _choose_backend(model: DistributionModel, backend: str | None) -> str:
    """The backend that will run: explicit choice checked, None = compiled if supported."""
    supported = _compiled_kind(model.kind)
    if backend is None:
        supported = supported and _kernel() is not None
        return "compiled" if supported else "numpy"
    if backend not in BACKENDS:
        raise SpecificationError(
            f"backend = {backend!r}, accepted 'compiled' or 'numpy' (None: compiled where "
            f"the model supports it).{did_you_mean(backend, BACKENDS)}"
        )
    if backend == "compiled" and not supported:
        raise SpecificationError(
            f"backend='compiled' does not support the {model.kind!r} distribution model "
            f"(compiled: {', '.join(COMPILED_KINDS)} and their combinations); use "
            "backend='numpy'."
        )
    if backend == "compiled" and _kernel() is None:
        raise SpecificationError(
            "backend='compiled' needs numba (pip install 'numba>=0.60'); use backend='numpy'."
        )
    return backend


def _fast_setup(model, aq_feed, org_feed, q_aq, q_org, n_stages) -> _Setup | None:
    """:func:`_setup` for a cascade fed at its ends only, checked and built in the kernel
    (None when the input is invalid: the caller runs :func:`_setup` for the message)."""
    if not isinstance(n_stages, int | np.integer) or n_stages < 1:
        return None
    aq = np.asarray(aq_feed, dtype=float)
    org = np.asarray(org_feed, dtype=float)
    if aq.ndim != 1 or org.ndim != 1:
        return None
    try:
        q_aq, q_org = float(q_aq), float(q_org)
    except (TypeError, ValueError):
        return None
    out = _kernel().fast_setup(aq, org, q_aq, q_org, int(n_stages), model.z, model.ha_bound)
    if out[0] != 0:
        return None
    qa, qo, s_m, s_h, s_hm, e, scale_m, scale_h, h_in, f_in = out[1:]
    return _Setup(qa, qo, s_m, s_h, e, scale_m, scale_h, h_in, f_in, s_hm, model.z)


@dataclass(frozen=True)
class SideFeed:
    """A feed entering one stage of a cascade.

    Attributes
    ----------
    stage : int
        Stage number, 1..n_stages (stage 1 receives the main aqueous feed) [-].
    phase : str
        'aq' or 'org' [-].
    flow : float
        Volumetric flow [m3/s].
    conc : numpy.ndarray
        For 'aq': [metal_1..metal_M, H+]; for 'org': [metal_1..metal_M, total
        extractant as HA] [mol/m3].
    """

    stage: int
    phase: str
    flow: float
    conc: np.ndarray


@dataclass
class CascadeSolution:
    """Solved cascade: per-stage concentrations of both phases, leaving each stage.

    Attributes
    ----------
    metals : tuple of str
        Metal order of the arrays [-].
    x : numpy.ndarray
        Aqueous metal concentrations, shape (n_stages, M) [mol/m3].
    y : numpy.ndarray
        Organic metal concentrations, shape (n_stages, M) [mol/m3].
    h : numpy.ndarray
        Aqueous H+ per stage, shape (n_stages,) [mol/m3].
    free_extractant : numpy.ndarray
        Free extractant (monomer HA) per stage [mol/m3].
    total_extractant : numpy.ndarray
        Total extractant (monomer HA) per stage [mol/m3].
    q_aq, q_org : numpy.ndarray
        Aqueous and organic flows leaving each stage [m3/s].
    iterations : int
        Newton iterations [-].
    residual : float
        Final scaled residual (max norm) [-].
    residual_history : list of float
        Scaled residual at each iteration [-].
    balance_error : float
        Largest relative imbalance of any metal, proton or extractant balance [-].
    state : numpy.ndarray
        Log-variables, for warm starts (pass the solution as ``x0``) [-].
    factors : tuple
        Factors of the last Jacobian (LAPACK banded LU for the NumPy backend; block
        inverses and G blocks for the compiled one), reused by a warm start's chord
        steps [-].
    jacobians : int
        Jacobians evaluated and factorized; ``iterations`` also counts the chord steps
        of a warm start, which reuse the previous solution's factors [-].
    backend : str
        Which implementation produced the solution: 'compiled' (the numba kernel of
        :mod:`yieldkit.models.sx._kernel`) or 'numpy' (the reference path, also the
        fallbacks after a failed compiled Newton) [-].
    """

    metals: tuple[str, ...]
    x: np.ndarray
    y: np.ndarray
    h: np.ndarray
    free_extractant: np.ndarray
    total_extractant: np.ndarray
    q_aq: np.ndarray
    q_org: np.ndarray
    iterations: int
    residual: float
    residual_history: list[float] = field(default_factory=list)
    balance_error: float = 0.0
    state: np.ndarray | None = None
    factors: tuple | None = field(default=None, repr=False)
    jacobians: int = 0
    backend: str = "numpy"

    @property
    def n_stages(self) -> int:
        """Number of stages [-]."""
        return self.x.shape[0]

    @property
    def raffinate(self) -> np.ndarray:
        """Aqueous outlet (stage N) as [metals..., H+] [mol/m3]."""
        return np.append(self.x[-1], self.h[-1])

    @property
    def loaded_organic(self) -> np.ndarray:
        """Organic outlet (stage 1) as [metals..., total extractant] [mol/m3]."""
        return np.append(self.y[0], self.total_extractant[0])

    @property
    def ph(self) -> np.ndarray:
        """pH per stage, -log10([H+] in mol/L) [-]."""
        return 3.0 - np.log10(self.h)

    @property
    def loading(self) -> np.ndarray:
        """Fraction of the extractant bound in complexes per stage [-]."""
        return 1.0 - self.free_extractant / self.total_extractant


@dataclass(frozen=True)
class _Setup:
    """Everything fixed for one solve: flows, sources and scales."""

    qa: np.ndarray  # (N,) aqueous flow leaving stage k
    qo: np.ndarray  # (N,) organic flow leaving stage k
    s_m: np.ndarray  # (N, M) metal sources [mol/s]
    s_h: np.ndarray  # (N,) free-acidity sources [mol/s]
    e: np.ndarray  # (N,) total extractant [mol/m3]
    scale_m: np.ndarray  # (M,)
    scale_h: float
    h_in: float  # reference H+ for the initial guess
    f_in: float  # reference free extractant for the initial guess
    s_hm: np.ndarray | None = None  # (N,) part of s_h carried by organic metals [mol/s]
    _z: np.ndarray | None = None  # charges, for the continuation's scales


def _check_array(name: str, arr, shape) -> np.ndarray:
    a = np.asarray(arr, dtype=float)
    if a.shape != shape:
        raise SpecificationError(f"{name} has shape {a.shape}, expected {shape}.")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise SpecificationError(f"{name} = {a} must be finite and >= 0 [mol/m3].")
    return a


def _check_flow(name: str, q) -> float:
    q = float(q)
    if not (np.isfinite(q) and q > 0):
        raise SpecificationError(f"{name} = {q!r} m3/s must be finite and > 0.")
    return q


def _setup(model, aq_feed, org_feed, q_aq, q_org, n_stages, side_feeds) -> _Setup:
    m = model.n_metals
    if not isinstance(n_stages, int | np.integer) or n_stages < 1:
        raise SpecificationError(f"n_stages = {n_stages!r} must be an integer >= 1.")
    n = int(n_stages)
    aq = _check_array("aq_feed", aq_feed, (m + 1,))
    org = _check_array("org_feed", org_feed, (m + 1,))
    q_aq = _check_flow("Q_aq", q_aq)
    q_org = _check_flow("Q_org", q_org)
    if not aq[m] > 0:
        raise SpecificationError(
            f"aq_feed H+ = {float(aq[m])!r} mol/m3 must be > 0 (give the feed's acidity; pH 7 is 1e-4)."
        )
    if not org[m] > 0:
        raise SpecificationError(f"org_feed extractant = {float(org[m])!r} mol/m3 must be > 0.")

    aq_side = np.zeros(n)
    org_side = np.zeros(n)
    s_m = np.zeros((n, m))
    s_h = np.zeros(n)
    s_hm = np.zeros(n)
    e_in = np.zeros(n)  # extractant entering stage k from outside [mol/s]
    feeds = [SideFeed(1, "aq", q_aq, aq), SideFeed(n, "org", q_org, org)]
    for i, sf in enumerate(side_feeds or ()):
        if not isinstance(sf, SideFeed):
            raise SpecificationError(f"side_feeds[{i}] = {sf!r} is not a SideFeed.")
        if not (isinstance(sf.stage, int | np.integer) and 1 <= sf.stage <= n):
            raise SpecificationError(f"side_feeds[{i}].stage = {sf.stage!r}, accepted 1..{n}.")
        if sf.phase not in ("aq", "org"):
            raise SpecificationError(
                f"side_feeds[{i}].phase = {sf.phase!r}, accepted 'aq' or 'org'."
                f"{did_you_mean(sf.phase, ('aq', 'org'))}"
            )
        conc = _check_array(f"side_feeds[{i}].conc", sf.conc, (m + 1,))
        flow = _check_flow(f"side_feeds[{i}].flow", sf.flow)
        feeds.append(SideFeed(int(sf.stage), sf.phase, flow, conc))
    for sf in feeds:
        k = sf.stage - 1
        s_m[k] += sf.flow * sf.conc[:m]
        if sf.phase == "aq":
            aq_side[k] += sf.flow
            s_h[k] += sf.flow * sf.conc[m]
        else:
            org_side[k] += sf.flow
            s_h[k] -= sf.flow * float(sf.conc[:m] @ model.z)
            s_hm[k] -= sf.flow * float(sf.conc[:m] @ model.z)
            e_in[k] += sf.flow * sf.conc[m]
            bound = float(sf.conc[:m] @ model.ha_bound)
            if bound > sf.conc[m] * (1 + 1e-12):
                raise SpecificationError(
                    f"organic feed at stage {sf.stage} is loaded beyond its capacity: metals "
                    f"bind {bound:.6g} mol/m3 of extractant (2n per ion) but it holds "
                    f"{sf.conc[m]:.6g} mol/m3."
                )
    qa = np.cumsum(aq_side)
    qo = np.cumsum(org_side[::-1])[::-1]
    e = np.cumsum(e_in[::-1])[::-1] / qo
    total_m = s_m.sum(axis=0)
    scale_h = float(
        sum(sf.flow * sf.conc[m] for sf in feeds if sf.phase == "aq") + total_m @ model.z
    )
    free_org = org[m] - float(org[:m] @ model.ha_bound)
    return _Setup(
        qa,
        qo,
        s_m,
        s_h,
        e,
        total_m,
        scale_h,
        float(aq[m]),
        max(free_org, 0.05 * org[m]),
        s_hm,
        model.z,
    )


@lru_cache(maxsize=64)
def _pattern(n: int, m: int):
    """Row/column indices of the Jacobian entries, in the order _jac_data fills them."""
    b = m + 2
    k = np.arange(n)[:, None] * b
    ku = np.arange(n - 1)[:, None] * b
    i = np.arange(m)[None, :]
    j = np.arange(b)[None, :]
    hh, ff = m, m + 1
    rows = [
        k + i,
        k + i,
        k + i,
        (k + hh) + 0 * j,
        (k + ff) + 0 * j,  # diagonal block
        ku + i,
        ku + i,
        ku + i,
        (ku + hh) + 0 * j,  # upper block (k, k+1)
        ku + b + i,
        ku + b + hh,  # lower block (k+1, k)
    ]
    cols = [
        k + i,
        k + hh + 0 * i,
        k + ff + 0 * i,
        k + j,
        k + j,
        ku + b + i,
        ku + b + hh + 0 * i,
        ku + b + ff + 0 * i,
        ku + b + j,
        ku + i,
        ku + hh,
    ]
    rows = np.concatenate([r.ravel() for r in rows])
    cols = np.concatenate([c.ravel() for c in cols])
    lower = int(max((rows - cols).max(), 0))
    upper = int(max((cols - rows).max(), 0))
    band_row = upper + rows - cols
    return rows, cols, band_row, lower, upper


class _Cascade:
    """Residual and Jacobian of one cascade, variables per stage [x/x_ref, ln h, ln f].

    Metals are linear variables (scaled by a feed concentration x_ref) and are always
    re-solved exactly from the linear metal balances for the current h and f, so they
    stay non-negative and Newton acts on the proton and extractant balances.
    """

    def __init__(self, model: DistributionModel, st: _Setup):
        self.model = model
        self.st = st
        self.n, self.m = st.s_m.shape
        self.b = self.m + 2
        self.zz = model.z
        self.nn2 = model.ha_bound
        self.xref = np.where(st.scale_m > 0, st.scale_m, 1.0) / st.qa[0]
        # row scales (every residual divided by one fixed positive number)
        sm = np.where(st.scale_m > 0, st.scale_m, 1.0)
        self.row_scale = np.empty((self.n, self.b))
        self.row_scale[:, : self.m] = sm
        self.row_scale[:, self.m] = st.scale_h if st.scale_h > 0 else 1.0
        self.row_scale[:, self.m + 1] = st.e
        self.inv_scale = 1.0 / self.row_scale
        # metal-major tridiagonal systems (one per metal, stacked): x_{k-1} coefficients
        low = np.zeros((self.m, self.n))
        low[:, :-1] = st.qa[:-1]
        self._dl = low.ravel()[:-1]
        self._neg_sm = -st.s_m.T.ravel()
        self._qa_col = st.qa[:, None]
        self._qo_col = st.qo[:, None]
        _, self._cols, band_row, self._lo, self._up = _pattern(self.n, self.m)
        self._brow = band_row + self._lo  # LAPACK band storage keeps lo extra rows for LU
        logs = np.zeros((self.n, self.b), dtype=bool)
        logs[:, self.m :] = True
        self.logs = logs.ravel()
        self.n_factor = 0  # Jacobian factorizations so far

    def factor(self, data: np.ndarray):
        """LU factors of the banded Jacobian with entries ``data`` (None if singular)."""
        lo, up = self._lo, self._up
        self.n_factor += 1
        ab = np.zeros((2 * lo + up + 1, self.n * self.b))
        ab[self._brow, self._cols] = data
        lu, piv, info = dgbtrf(ab, lo, up, overwrite_ab=1)
        return None if info != 0 else (lu, piv)

    def lu_solve(self, fac, rhs: np.ndarray):
        """Solve J dv = rhs with factors from :meth:`factor` (None on failure)."""
        dv, info = dgbtrs(fac[0], self._lo, self._up, rhs, fac[1])
        return dv if info == 0 and np.all(np.isfinite(dv)) else None

    def log_d(self, v: np.ndarray) -> np.ndarray:
        u = v.reshape(self.n, self.b)
        mod = self.model
        return mod.c + mod.a * u[:, self.m, None] + mod.b * u[:, self.m + 1, None]

    def solve_metals(self, d: np.ndarray) -> np.ndarray:
        """Exact aqueous metal concentrations for distribution ratios d (N, M) [mol/m3]."""
        od = self._qo_col * d  # (N, M)
        diag = -(self._qa_col + od).T.ravel()
        if diag.size == 1:
            return (self._neg_sm / diag).reshape(1, 1)
        sup = np.zeros((self.m, self.n))
        sup[:, :-1] = od[1:].T
        x = dgtsv(self._dl, diag, sup.ravel()[:-1], self._neg_sm)[3]
        if np.any(x < 0):
            # near-ties of |diagonal| and |sub-diagonal| (D << Qa/Qo) made LAPACK pivot and
            # lose the sign of trace values; elimination without pivoting is exact in sign
            # for this M-matrix (every operation adds non-negative terms)
            x = _thomas(self._qa_col[:, 0], od, self.st.s_m)
        else:
            x = x.reshape(self.m, self.n).T
        x[x < X_FLUSH] = 0.0  # no subnormal concentrations (as the compiled kernel)
        return x

    def resolve(self, v: np.ndarray) -> np.ndarray:
        """Return v with the metals replaced by the exact solution for its h and f."""
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            d = np.exp(self.log_d(v))
        if not np.all(np.isfinite(d)):
            return v
        u = v.reshape(self.n, self.b).copy()
        u[:, : self.m] = self.solve_metals(d) / self.xref
        return u.ravel()

    def resolve_parts(self, v: np.ndarray):
        """:meth:`resolve` and :meth:`unpack` in one pass (D computed once)."""
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            u = v.reshape(self.n, self.b)
            d = np.exp(self.log_d(v))
            if not np.all(np.isfinite(d)):
                return v, self.unpack(v)
            x = self.solve_metals(d)
            u = u.copy()
            u[:, : self.m] = x / self.xref
            h = np.exp(u[:, self.m])
            f = np.exp(u[:, self.m + 1])
            return u.ravel(), (x, h, f, d * x, d)

    def unpack(self, v: np.ndarray):
        u = v.reshape(self.n, self.b)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            x = u[:, : self.m] * self.xref
            h = np.exp(u[:, self.m])
            f = np.exp(u[:, self.m + 1])
            d = np.exp(self.log_d(v))
            y = d * x
        return x, h, f, y, d

    def residual(self, v: np.ndarray, parts=None) -> np.ndarray:
        """Scaled residual; non-finite (no warning) on a trial point whose organic
        overflows, which the callers reject by its norm."""
        st = self.st
        x, h, f, y, _ = parts if parts is not None else self.unpack(v)
        qa, qo = st.qa, st.qo
        r = np.empty((self.n, self.b))
        with np.errstate(over="ignore", invalid="ignore"):
            ax = qa[:, None] * x  # aqueous metal flows leaving each stage
            oy = qo[:, None] * y
            g = qo * (y @ self.zz)  # protons' worth of metal in the organic leaving
            rm = st.s_m - ax - oy
            rm[1:] += ax[:-1]
            rm[:-1] += oy[1:]
            rh = st.s_h - qa * h + g
            rh[1:] += qa[:-1] * h[:-1]
            rh[:-1] -= g[1:]
            r[:, : self.m] = rm
            r[:, self.m] = rh
            r[:, self.m + 1] = st.e - f - y @ self.nn2
            r *= self.inv_scale
        return r.ravel()

    def jacobian_data(self, parts) -> np.ndarray:
        """Entries of the scaled Jacobian in the order of :func:`_pattern`."""
        mod, st = self.model, self.st
        x, h, f, y, d = parts
        qa, qo = st.qa, st.qo
        a, bb, z, n2 = mod.a, mod.b, self.zz, self.nn2
        oy = qo[:, None] * y  # (N, M)
        oya = oy * a
        oyb = oy * bb
        odx = qo[:, None] * d * self.xref  # d(organic metal flow)/d(scaled x)
        zoy = oy * z
        s_za = zoy @ a  # (N,)
        s_zb = zoy @ bb
        ny = y * n2
        d4 = np.empty((self.n, self.b))
        d4[:, : self.m] = odx * z
        d4[:, self.m] = -qa * h + s_za
        d4[:, self.m + 1] = s_zb
        d5 = np.empty((self.n, self.b))
        d5[:, : self.m] = -(d * self.xref) * n2
        d5[:, self.m] = -(ny @ a)
        d5[:, self.m + 1] = -f - ny @ bb
        sc_m = self.inv_scale[0, : self.m]
        sc_h = self.inv_scale[0, self.m]
        sc_f = self.inv_scale[:, self.m + 1][:, None]
        up_h = -d4[1:] * sc_h
        # the upper-block proton row is minus the organic part of the next stage's row
        up_h[:, self.m] = -s_za[1:] * sc_h
        parts_out = [
            (-(qa[:, None] * self.xref) - odx) * sc_m,
            -oya * sc_m,
            -oyb * sc_m,
            d4 * sc_h,
            d5 * sc_f,
            odx[1:] * sc_m,
            oya[1:] * sc_m,
            oyb[1:] * sc_m,
            up_h,
            (qa[:-1, None] * self.xref) * sc_m,
            (qa[:-1] * h[:-1]) * sc_h,
        ]
        return np.concatenate([p.ravel() for p in parts_out])


def _thomas(qa: np.ndarray, od: np.ndarray, s_m: np.ndarray) -> np.ndarray:
    """Metal balances (qa_k + od_k) x_k - qa_(k-1) x_(k-1) - od_(k+1) x_(k+1) = s_k solved
    by elimination without pivoting and without subtraction, all metals at once (a loop
    over stages) [mol/m3].

    The matrix is an M-matrix whose interior columns sum to zero (what leaves a stage
    enters its neighbours), so the eliminated pivot of row k is qa_k + e_k with
    e_0 = od_0 and e_k = od_k e_(k-1) / (qa_(k-1) + e_(k-1)): every operation adds or
    multiplies non-negative numbers, which gives every x_k to a few rounding errors
    relative to itself (the subtraction b_k - qa_(k-1) od_k / pivot_(k-1) of the plain
    recurrence cancels where D jumps by orders of magnitude between stages)."""
    n = od.shape[0]
    cp = np.zeros_like(od)  # eliminated upper coefficients
    dp = np.zeros_like(od)
    e = od[0].copy()
    den = qa[0] + e
    dp[0] = s_m[0] / den
    for k in range(1, n):
        cp[k - 1] = od[k] / den  # coefficient of x_k in the reduced row k-1
        e = cp[k - 1] * e
        den = qa[k] + e
        dp[k] = (s_m[k] + qa[k - 1] * dp[k - 1]) / den
    x = np.empty_like(od)
    x[-1] = dp[-1]
    for k in range(n - 2, -1, -1):
        x[k] = dp[k] + cp[k] * x[k + 1]
    return x


def _initial_guess(model: DistributionModel, st: _Setup, cas: _Cascade) -> np.ndarray:
    """Constant-D cascade at the feed's H+ and free extractant, then H+ and f from it."""
    n, m = st.s_m.shape
    d = np.broadcast_to(model.distribution(np.array(st.h_in), np.array(st.f_in)), (n, m))
    x = cas.solve_metals(d)
    lf = _free_extractant(model, st.e, np.full(n, np.log(st.h_in)), x)
    y = x * np.exp(model.c + model.a * np.log(st.h_in) + model.b * lf[:, None])
    g = st.qo * (y @ model.z)
    qah = np.cumsum(st.s_h) + g[0] - np.append(g[1:], 0.0)
    h = np.maximum(qah / st.qa, H_FLOOR * st.h_in)
    u = np.empty((n, m + 2))
    u[:, :m] = x / cas.xref
    u[:, m] = np.log(h)
    u[:, m + 1] = lf  # not log(exp(lf)): f underflows to 0 for a fully loaded stage
    return u.ravel()


def _free_extractant(model: DistributionModel, e, lh, x) -> np.ndarray:
    """ln f solving E = f + sum 2n D(h, f) x per stage, for fixed x and h (vectorised).

    The function is concave and decreasing in ln f, so Newton from ln E converges
    monotonically from the right. Where D does not depend on f and the metals exceed the
    capacity, f is set to 5 % of E (an initial guess only)."""
    n2 = model.ha_bound
    le = np.log(e)
    base = model.c + model.a * lh[:, None]
    lf = le.copy()
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for _ in range(200):
            t = np.exp(base + model.b * lf[:, None]) * x * n2
            f = np.exp(lf)
            g = e - f - t.sum(axis=1)
            dg = -f - (t * model.b).sum(axis=1)
            step = g / dg
            lf = lf - step
            if not np.all(np.isfinite(lf)) or float(np.abs(step).max()) < 1e-6:  # a guess
                break
    bad = ~np.isfinite(lf) | (lf > le)
    lf[bad] = le[bad] + np.log(0.05)
    return lf


def _balance_error(cas: _Cascade, parts) -> float:
    """Largest relative imbalance of any stage balance, relative to its through-flow."""
    st = cas.st
    x, h, f, y, _ = parts
    r = cas.residual(None, parts).reshape(cas.n, cas.b) * cas.row_scale
    ax = st.qa[:, None] * x
    oy = st.qo[:, None] * y
    thr_m = ax + oy + np.abs(st.s_m)
    thr_m[1:] += ax[:-1]
    thr_m[:-1] += oy[1:]
    thr_m = np.maximum(thr_m, st.scale_m[None, :])
    zo = st.qo * (y @ cas.zz)
    thr_h = st.qa * h + zo + np.abs(st.s_h)
    thr_h[1:] += st.qa[:-1] * h[:-1]
    thr_h[:-1] += zo[1:]
    thr_h = np.maximum(thr_h, cas.row_scale[0, cas.m])
    with np.errstate(divide="ignore", invalid="ignore"):
        err_m = np.abs(r[:, : cas.m]) / np.where(thr_m > 0, thr_m, 1.0)
    err = max(
        float(err_m.max(initial=0.0)),
        float((np.abs(r[:, cas.m]) / thr_h).max()),
        float((np.abs(r[:, cas.m + 1]) / st.e).max()),
    )
    return err


def _subset_model(model: DistributionModel, keep: np.ndarray) -> DistributionModel:
    return DistributionModel(
        tuple(np.asarray(model.metals, dtype=object)[keep]),
        model.z[keep],
        model.n[keep],
        model.c[keep],
        model.a[keep],
        model.b[keep],
        model.kind,
        model.citations,
    )


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
        in the number of stages from one stage takes over; if that fails too, the
        compiled pseudo-transient continuation, then the NumPy fallbacks
        (pseudo-transient, continuation from half the stages, Gauss-Seidel), and last the
        continuation from dilute feeds along the solution curve [-].

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
        in some stage (names the stage).
    ConvergenceError
        Newton did not converge, or the balances did not close (names the stage).
    """
    if not isinstance(model, DistributionModel):
        raise SpecificationError(
            f"model = {model!r} is not a DistributionModel; build one with cation_exchange, "
            "empirical_ph or constant_d."
        )
    backend = _choose_backend(model, backend)
    if backend == "compiled" and not side_feeds:
        sol = _solve_ends_compiled(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, x0, tol,
                                   max_iter)  # fmt: skip
        if sol is not None:
            return sol
    sol = _solve_general(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds, x0, tol,
                         max_iter, backend)  # fmt: skip
    return _check_ph(sol, model)


def _solve_general(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds, x0, tol,  # noqa: N803
                   max_iter, backend) -> CascadeSolution:  # fmt: skip
    """:func:`solve_cascade` after its compiled fast path: checks, Newton and the fallbacks."""
    st = None
    if backend == "compiled" and not side_feeds:
        st = _fast_setup(model, aq_feed, org_feed, Q_aq, Q_org, n_stages)
    if st is None:
        st = _setup(model, aq_feed, org_feed, Q_aq, Q_org, n_stages, side_feeds)
    n, m = st.s_m.shape
    active = st.scale_m > 0
    warm = None
    warm_fac = None
    if x0 is not None:
        warm = x0.state if isinstance(x0, CascadeSolution) else np.asarray(x0, dtype=float)
        if isinstance(x0, CascadeSolution) and x0.factors is not None:
            if x0.factors[0] == tuple(active) and x0.backend == backend:
                warm_fac = x0.factors[1]
        if warm is None or warm.shape != (n * (m + 2),) or not np.all(np.isfinite(warm)):
            raise SpecificationError(
                f"x0 has shape {None if warm is None else warm.shape}, expected "
                f"({n * (m + 2)},) = n_stages*(n_metals+2) finite log-variables."
            )

    def run(warm, warm_fac, transient=True):
        return _run(model, st, warm, warm_fac, tol, max_iter, backend, transient)

    try:
        return run(warm, warm_fac, transient=False)
    except ConvergenceError as exc:
        first = exc
    if np.all(model.a == 0) and not _SHIFTED.get():  # D ignores H+: ample acid, shifted
        sol = _acid_shifted(model, aq_feed, org_feed, Q_aq, Q_org, n, side_feeds, tol,
                            max_iter, backend)  # fmt: skip
        if sol is not None:
            return sol
    continuable = getattr(first, "diagnosis", None) is None
    if n >= 2 and continuable and not _LONGER.get():
        sol = _grown(model, aq_feed, org_feed, Q_aq, Q_org, n, side_feeds, tol, max_iter,
                     backend)  # fmt: skip
        if sol is not None:
            return sol
    try:  # the pseudo-transient (compiled, then NumPy): Newton from this start failed above
        return run(warm, warm_fac, "only")
    except ConvergenceError as exc:
        first = exc
    # continuation in the number of stages (cold failures of long cascades): solve half
    # the stages, stretch its profile over n stages by repeating the middle stage (the
    # pinch of a long cascade) or by interpolating it, and start Newton from there; if the
    # half cascade fails too, the same from one and a half times the stages (a cold start
    # that fails at some lengths succeeds at others: found 2026-12-06, 2 of 20 000 random
    # 60-stage cascades, solved cold at 45 and 80 stages but not at 30 or 59-61)
    if n >= 8 and not side_feeds and getattr(first, "diagnosis", None) is None:
        lengths = [n // 2] if _LONGER.get() else [n // 2, n + n // 2]
        for n_alt in lengths:
            token = _LONGER.set(True)  # its own fallbacks only halve (bounded recursion)
            try:
                alt = solve_cascade(aq_feed, org_feed, Q_aq, Q_org, model, n_alt, tol=tol,
                                    max_iter=max_iter, backend=backend)  # fmt: skip
            except (ConvergenceError, SpecificationError):
                continue
            finally:
                _LONGER.reset(token)
            for guess in _stretched(alt.state.reshape(n_alt, m + 2), n):
                try:
                    sol = run(guess.ravel(), None, False)
                except (ConvergenceError, SpecificationError):
                    continue
                sol.iterations += alt.iterations
                sol.jacobians += alt.jacobians
                return sol
    if n <= GS_MAX_STAGES and getattr(first, "diagnosis", None) is None:
        # short cascades: a few robust stage-by-stage sweeps (nested bisections) give H+
        # and the free extractant; Newton finishes from there
        from yieldkit.models.sx.reference import gauss_seidel_cascade

        try:
            with np.errstate(all="ignore"):
                gs = gauss_seidel_cascade(aq_feed, org_feed, Q_aq, Q_org, model, n, side_feeds,
                                          tol=1e-4, max_sweeps=100)  # fmt: skip
            u = np.zeros((n, m + 2))
            u[:, m] = np.log(gs.h)
            u[:, m + 1] = np.log(gs.free_extractant)
            sol = run(u.ravel(), None)
        except (ConvergenceError, SpecificationError, ValueError, FloatingPointError):
            pass
        else:
            sol.iterations += gs.iterations
            return sol
    if (
        getattr(first, "diagnosis", None) is None
        and not _LONGER.get()
        and (_SHIFTED.get() or not np.all(model.a == 0))
    ):
        # last resort: continuation from dilute feeds along the solution curve (a front
        # that jumps many stages for a tiny change of the feed); not inside the stage
        # continuation's nested solves, and for a D that ignores H+ only inside the acid
        # shift's solve (the same metal problem with ample acid)
        from yieldkit.models.sx.loading_path import loading_path

        sol = loading_path(model, st, tol, max_iter, backend)
        if sol is not None:
            return sol
    if getattr(first, "diagnosis", None):
        raise InfeasibleStateError(first.diagnosis) from first
    raise first


def _run(
    model, st, warm, warm_fac, tol, max_iter, backend, transient=True, numpy_transient=True
) -> CascadeSolution:
    """One Newton solve (with the pseudo-transient fallbacks chosen by ``transient`` and
    ``numpy_transient``) of the cascade set up in ``st``; metals absent from every feed
    are left out of the solve and reported as zeros."""
    n, m = st.s_m.shape
    sub, st_sub, keep = active_part(model, st)
    active = keep[:m]
    if sub is not model:
        warm_sub = None if warm is None else warm.reshape(n, m + 2)[:, keep].ravel()
        u, it, res, hist, err, fac, parts, used = _newton(
            sub, st_sub, warm_sub, tol, max_iter, warm_fac, transient, backend, numpy_transient
        )
        full = np.zeros((n, m + 2))
        full[:, keep] = u.reshape(n, -1)
        state = full.ravel()
        x_s, h, f, y_s, _ = parts
        x = np.zeros((n, m))
        y = np.zeros((n, m))
        x[:, active] = x_s
        y[:, active] = y_s
    else:
        u, it, res, hist, err, fac, parts, used = _newton(
            model, st, warm, tol, max_iter, warm_fac, transient, backend, numpy_transient
        )
        x, h, f, y, _ = parts
        state = u
    return CascadeSolution(
        model.metals,
        x,
        y,
        h,
        f,
        st.e.copy(),
        st.qa.copy(),
        st.qo.copy(),
        it,
        res,
        hist,
        err,
        state,
        (tuple(active), fac[0]),
        fac[1],
        used,
    )


def _solve_ends_compiled(model, aq_feed, org_feed, q_aq, q_org, n_stages, x0, tol, max_iter):
    """The common case in one kernel call: a cascade fed at its two ends, every metal
    present, compiled Newton converging. None in every other case (invalid input, an
    absent metal, a Newton failure): the general path then checks, recovers (compiled
    pseudo-transient first) or reports."""
    if not isinstance(n_stages, int | np.integer) or n_stages < 1:
        return None
    try:
        aq = np.asarray(aq_feed, dtype=float)
        org = np.asarray(org_feed, dtype=float)
        q_aq, q_org = float(q_aq), float(q_org)
    except (TypeError, ValueError):
        return None
    if aq.ndim != 1 or org.ndim != 1:
        return None
    w_prev, chord, v0 = _NO_W, False, _NO_V
    if x0 is not None:
        if isinstance(x0, CascadeSolution):
            fac = x0.factors
            v0 = x0.state
            if (
                fac is not None
                and x0.backend == "compiled"
                and all(fac[0])
                and isinstance(fac[1], tuple)
                and fac[1][1].shape[:2] == (n_stages, model.n_metals + 2)
            ):
                w_prev, chord = fac[1][1], True
        else:
            v0 = x0
        if v0 is None:
            return None
        v0 = np.ascontiguousarray(v0, dtype=float)
        if v0.ndim != 1:
            return None
    out = _kernel().solve_ends(aq, org, q_aq, q_org, int(n_stages), model.z, model.ha_bound,
                               model.c, model.a, model.b, v0, x0 is not None, w_prev,
                               chord, float(tol), min(int(max_iter), 25),
                               max(100.0 * tol, 1e-11))  # fmt: skip
    status, v, x, h, f, y, hist, it, nfac, w, have, err, qa, qo, e = out
    if status != 0:
        return None
    hist = hist.tolist()
    return CascadeSolution(model.metals, x, y, h, f, e, qa, qo, it, hist[-1], hist, err, v,
                           ((True,) * model.n_metals, ("compiled", w) if have else None),
                           nfac, "compiled")  # fmt: skip


def _sq(r: np.ndarray) -> float:
    """Squared 2-norm, inf (no warning) when it overflows."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(r @ r)


def _newton_core(cas: _Cascade, v: np.ndarray, tol: float, max_iter: int, fac=None):
    """Damped Newton from v; returns (v, parts, r, history, iterations, factors).

    With ``fac`` (LU factors of a previous, nearby Jacobian: a warm start) the first steps
    are chord steps that reuse it, kept while each one cuts the residual at least five
    times; then (or without ``fac``) full Newton steps with a backtracking line search.
    Once a Newton step has cut the residual 100x to below :data:`CHORD_BELOW`, the next
    steps are chord steps again under the same rule (one Jacobian saved per step).
    """
    v, parts = cas.resolve_parts(v)
    r = cas.residual(v, parts)
    phi = _sq(r)
    hist = [float(np.abs(r).max())]
    chord = fac is not None
    it = 0
    while hist[-1] > tol and np.isfinite(phi) and it < max_iter:
        it += 1
        if not chord:
            fac = cas.factor(cas.jacobian_data(parts))
            if fac is None:
                break
        dv = cas.lu_solve(fac, -r)
        if dv is None:
            if chord:
                chord = False
                continue
            break
        big = float(np.abs(dv[cas.logs]).max())
        if big > MAX_LOG_STEP:
            dv *= MAX_LOG_STEP / big
        if chord:
            v_new, parts_new = cas.resolve_parts(v + dv)
            r_new = cas.residual(v_new, parts_new)
            phi_new = _sq(r_new)
            if not (np.isfinite(phi_new) and phi_new <= 0.04 * phi):
                chord = False  # too slow (or worse): switch to Newton from the same point
                if not (np.isfinite(phi_new) and phi_new < phi):
                    continue
        else:
            alpha = 1.0
            while alpha > 1e-6:
                v_new, parts_new = cas.resolve_parts(v + alpha * dv)
                r_new = cas.residual(v_new, parts_new)
                phi_new = _sq(r_new)
                if np.isfinite(phi_new) and phi_new <= phi * (1.0 - 1e-4 * alpha):
                    break
                alpha *= 0.5
            else:
                break
        v, parts, r, phi = v_new, parts_new, r_new, phi_new
        hist.append(float(np.abs(r).max()))
        if not chord and hist[-1] <= CHORD_BELOW and hist[-1] <= 0.01 * hist[-2]:
            chord = True  # quadratic regime: later steps reuse these factors
    return v, parts, r, hist, it, fac


def _transient(cas: _Cascade, v: np.ndarray, max_iter: int, target: float):
    """Pseudo-transient continuation: linearly implicit Euler steps of the physical
    mixer-settler dynamics (hold-ups proportional to the stage flows), time step growing
    as the residual falls (switched evolution relaxation). The dynamics are stable, so
    this reaches the steady state from far away; it ends in Newton steps."""
    n_hold = (3 * cas.m + cas.b) * cas.n  # diagonal-block entries of metal and H+ rows
    logs = cas.logs
    parts = cas.unpack(v)
    r = cas.residual(v, parts)
    norm = _sq(r) ** 0.5
    sigma = 1.0  # 1 / (time step in residence times)
    hist = [float(np.abs(r).max())]
    it = 0
    while hist[-1] > target and it < max_iter and np.isfinite(norm):
        it += 1
        data = cas.jacobian_data(parts)
        data[:n_hold] *= 1.0 + sigma  # J - M/dt, with the hold-up matrix M = -J_outflow
        fac = cas.factor(data)
        dv = None if fac is None else cas.lu_solve(fac, -r)
        ok = dv is not None
        if ok:
            big = float(np.abs(dv[logs]).max())
            if big > MAX_LOG_STEP:
                dv *= MAX_LOG_STEP / big
            v_new = v + dv
            parts_new = cas.unpack(v_new)
            r_new = cas.residual(v_new, parts_new)
            norm_new = _sq(r_new) ** 0.5
            ok = np.isfinite(norm_new) and norm_new < 10.0 * norm
        if not ok:
            sigma *= 4.0
            if sigma > 1e15:
                break
            continue
        sigma = sigma * norm_new / norm
        if sigma < 1e-10:
            sigma = 0.0
        v, parts, r, norm = v_new, parts_new, r_new, norm_new
        hist.append(float(np.abs(r).max()))
    return v, hist, it


def _newton_compiled(model, st, warm, tol, max_iter, warm_fac, transient, numpy_transient):
    """:func:`_newton` with the Newton core and its pseudo-transient fallback in the
    compiled kernel; if both fail (and ``numpy_transient``), the NumPy pseudo-transient
    and Newton run, and the failure report is NumPy's. ``transient='from_warm'`` starts
    the pseudo-transient from ``warm`` instead of the initial guess."""
    n, m = st.s_m.shape
    chord = (
        warm_fac is not None
        and isinstance(warm_fac[0], str)
        and warm_fac[1].shape[:2] == (n, m + 2)
    )
    w_prev = warm_fac[1] if chord else _NO_W
    use_v0 = warm is not None
    v0 = np.ascontiguousarray(warm, dtype=float) if use_v0 else _NO_V
    flows = _flows_c(st)
    out = _kernel().solve(*flows, float(st.scale_h),
                          float(st.h_in), float(st.f_in), model.z, model.ha_bound, model.c,
                          model.a, model.b, v0, use_v0, w_prev, chord, float(tol),
                          _newton_limit(max_iter, transient))  # fmt: skip
    v, x, h, f, y, hist, it, nfac, w, have, err, start = out
    fac = ("compiled", w) if have else None
    hist = hist.tolist()
    parts = (x, h, f, y, None)
    used = "compiled"
    cas = None
    r = None
    if hist[-1] > tol and transient:
        # as the NumPy path: follow the physical transient, then Newton, compiled
        if warm is not None and transient != "from_warm":
            cas = _Cascade(model, st)
            start = _initial_guess(model, st, cas)
        out = _kernel().solve_transient(*flows,
                                        float(st.scale_h), model.z, model.ha_bound, model.c,
                                        model.a, model.b, np.ascontiguousarray(start, dtype=float),
                                        float(tol), int(max_iter), 1e-6)  # fmt: skip
        v_c, x_c, h_c, f_c, y_c, hist_c, it_c, nfac_c, w_c, have_c, err_c = out
        hist = hist + hist_c.tolist()
        it += it_c
        nfac += nfac_c
        if hist[-1] <= tol:
            v, parts, err = v_c, (x_c, h_c, f_c, y_c, None), err_c
            fac = ("compiled", w_c) if have_c else None
        elif numpy_transient:
            # the same fallback in NumPy (band LU with pivoting across the band)
            cas = cas or _Cascade(model, st)
            w_t, hist_t, it_t = _transient(cas, start, 10 * max_iter, 1e-6)
            v, parts, r, hist2, it2, fac = _newton_core(cas, w_t, tol, max_iter)
            hist = hist + hist_t + hist2
            it += it_t + it2
            nfac += cas.n_factor
            used = "numpy"
            err = _balance_error(cas, parts) if np.isfinite(hist[-1]) else np.inf
    res = hist[-1]
    check = max(100.0 * tol, 1e-11)
    if not (res <= max(tol, 1e-14) * 10 and err <= check and np.all(parts[0] >= 0)):
        cas = cas or _Cascade(model, st)
        r = cas.residual(v, parts) if r is None else r
        _raise_failure(cas, v, parts, r, hist, err, check)
    return v, it, res, hist, err, (fac, nfac), parts, used


def _flows_c(st: _Setup) -> tuple:
    """(qa, qo, s_m, s_h, e, scale_m) of ``st`` C-contiguous, the layout of the arrays
    the kernel's end-fed entry passes to its ``solve``: with the same argument types the
    general path reuses that compiled specialisation instead of compiling another
    (a Fortran-ordered s_m of a side-fed or partial setup cost ~10 s on a first run)."""
    return tuple(np.ascontiguousarray(a) for a in (st.qa, st.qo, st.s_m, st.s_h, st.e, st.scale_m))


def active_part(model: DistributionModel, st: _Setup):
    """The model and setup of the metals present in some feed (``st.scale_m > 0``) and
    the mask of the variables kept per stage; the cascade itself when all are present."""
    active = st.scale_m > 0
    keep = np.append(active, [True, True])
    if active.all():
        return model, st, keep
    sub = _subset_model(model, active)
    return sub, replace(st, s_m=st.s_m[:, active], scale_m=st.scale_m[active], _z=sub.z), keep


def _newton_limit(max_iter: int, transient) -> int:
    """Iterations of the Newton that runs before any pseudo-transient: none for
    ``transient='only'`` (the caller's Newton from the same start has failed), else at most
    25 (a Newton that needs more is stalling)."""
    return 0 if transient == "only" else min(int(max_iter), 25)


def _newton(model, st, warm, tol, max_iter, warm_fac=None, transient=True, backend="numpy",
            numpy_transient=True):  # fmt: skip
    """Newton from ``warm`` (or the initial guess); if it fails and ``transient``, the
    backend's pseudo-transient continuation from the initial guess (from ``warm`` if
    ``transient='from_warm'``), then (``numpy_transient``) NumPy's; ``transient='only'``
    skips the first Newton (it failed from this start already)."""
    if backend == "compiled":
        return _newton_compiled(model, st, warm, tol, max_iter, warm_fac, transient,
                                numpy_transient)  # fmt: skip
    cas = _Cascade(model, st)
    if warm_fac is not None and isinstance(warm_fac[0], str):  # compiled factors
        warm_fac = None
    start = warm if warm is not None else _initial_guess(model, st, cas)
    if warm_fac is not None and warm_fac[0].shape[1] != cas.n * cas.b:  # other metals
        warm_fac = None
    limit = _newton_limit(max_iter, transient)
    v, parts, r, hist, it, fac = _newton_core(cas, start, tol, limit, warm_fac)
    if hist[-1] > tol and transient and numpy_transient:
        # Newton stalled far from the solution: follow the physical transient instead
        if warm is not None and transient != "from_warm":
            start = _initial_guess(model, st, cas)
        w, hist_t, it_t = _transient(cas, start, 10 * max_iter, 1e-6)
        v, parts, r, hist2, it2, fac = _newton_core(cas, w, tol, max_iter)
        hist = hist + hist_t + hist2
        it += it_t + it2
    res = hist[-1]
    err = _balance_error(cas, parts) if np.isfinite(res) else np.inf
    check = max(100.0 * tol, 1e-11)
    x = parts[0]
    if not (res <= max(tol, 1e-14) * 10 and err <= check and np.all(x >= 0)):
        _raise_failure(cas, v, parts, r, hist, err, check)
    return v, it, res, hist, err, (fac, cas.n_factor), parts, "numpy"


def _stretched(u: np.ndarray, n: int):
    """Start points for an n-stage cascade from the solution u (one row of variables per
    stage) of a shorter or longer one: for a shorter one, its profile with the middle, the
    aqueous-end or the organic-end stage repeated (the pinch of a long cascade); then,
    for either, its profile interpolated linearly over n stages."""
    k = u.shape[0]
    if k < n:
        for at in dict.fromkeys(at for at in (k // 2, 1, k - 1) if at < k):
            yield np.concatenate([u[:at], np.repeat(u[at : at + 1], n - k, axis=0), u[at:]])
    s_alt = (np.arange(k) + 0.5) / k
    s_new = (np.arange(n) + 0.5) / n
    yield np.column_stack([np.interp(s_new, s_alt, u[:, j]) for j in range(u.shape[1])])


def _acid_shifted(model, aq_feed, org_feed, q_aq, q_org, n, side_feeds, tol, max_iter, backend):
    """Solve a cascade whose D ignores H+ (every exponent a = 0) exactly via a shift of
    the acid: the metals and the free extractant do not depend on H+ then, and the proton
    balances are linear in it, so adding delta mol/m3 of acid to every aqueous feed raises
    H+ by exactly delta in every stage (stage k's aqueous flow is the sum of the aqueous
    feeds up to k). Solved with ample acid (H+ far from zero, where Newton has no
    positivity bound to fight; with the solver's other fallbacks if Newton fails there
    too), H+ minus delta is the answer, polished by Newton.

    Returns the solution, or None if a solve fails. Raises InfeasibleStateError when H+
    minus delta is <= 0 in some stage: no solution exists (the metals stripped there need
    more acid than reaches it), named with the stage and the shortfall.
    """
    m = model.n_metals
    aq = np.array(aq_feed, dtype=float)
    org = np.asarray(org_feed, dtype=float)
    side = list(side_feeds or ())
    feeds = [(q_aq, aq), (q_org, org)] + [(sf.flow, np.asarray(sf.conc, float)) for sf in side]
    through = sum(q * (c[:m] @ model.z + c[m]) for q, c in feeds)  # H+ equivalents [mol/s]
    delta = 10.0 * float(through) / float(q_aq) + 1.0  # [mol/m3], >> any H+ consumed
    aq[m] += delta
    side_up = [SideFeed(sf.stage, sf.phase, sf.flow, np.append(sf.conc[:m], sf.conc[m] + delta))
               if sf.phase == "aq" else sf for sf in side]  # fmt: skip
    token = _SHIFTED.set(True)
    try:  # with every fallback but this one
        up = solve_cascade(aq, org, q_aq, q_org, model, n, side_up, tol=tol, max_iter=max_iter,
                           backend=backend)  # fmt: skip
    except (ConvergenceError, SpecificationError):
        return None
    finally:
        _SHIFTED.reset(token)
    h = up.h - delta
    k = int(np.argmin(h))
    rounding = 64.0 * np.finfo(float).eps * delta  # of H+ - delta [mol/m3]
    if h[k] <= rounding:
        raise InfeasibleStateError(
            f"not enough acid: the {model.kind} model's D ignores H+, so the metals moved in "
            f"each stage do not depend on it, and at stage {k + 1} of {n} they consume "
            f"{-h[k]:.4g} mol/m3 more H+ than the aqueous brings (H+ would be negative, or "
            f"below {rounding:.2g} mol/m3, the rounding of this solve); add acid to the "
            "aqueous feed (or strip with a stronger acid)."
        )
    state = up.state.reshape(n, m + 2).copy()
    state[:, m] = np.log(h)
    st = _setup(model, aq_feed, org_feed, q_aq, q_org, n, side_feeds)
    try:
        sol = _run(model, st, state.ravel(), None, tol, max_iter, backend, False)
    except ConvergenceError:
        return None
    sol.iterations += up.iterations
    sol.jacobians += up.jacobians
    return sol


def _side_feeds_at(side_feeds, n: int, k: int) -> list[SideFeed]:
    """Side feeds of an n-stage cascade moved to the same relative place in k stages
    (stage s to ceil((s - 1/2) k / n)), keeping a stage before and after a feed that has
    stages before and after it, as far as k allows (the sections on either side of a feed
    exist from 3 stages on)."""
    out = []
    for sf in side_feeds or ():
        at = math.ceil((sf.stage - 0.5) * k / n)
        if sf.stage < n:
            at = min(at, k - 1)
        if sf.stage > 1:
            at = max(at, 2)
        out.append(SideFeed(min(k, max(1, at)), sf.phase, sf.flow, sf.conc))
    return out


def _grown(model, aq_feed, org_feed, q_aq, q_org, n, side_feeds, tol, max_iter, backend):
    """Continuation in the number of stages from a single stage, up to n: each length is
    solved by Newton from the last solution stretched (:func:`_stretched`); the step
    doubles the stages after a success and is halved after a failure; at a step of one
    stage, the backend's pseudo-transient runs from the stretched profile. Side feeds
    enter the shorter cascades at the same relative place (:func:`_side_feeds_at`). The
    solution (iterations and Jacobians summed over the chain), or None when one stage more
    fails.

    For a cascade whose solution has a sharp front (a pinch over most stages and the
    transfer in a few stages at one end), Newton from the constant-D guess puts the front
    in the wrong place and cannot move it; a stretched shorter solution has it in the
    right place. Found 2026-12-06: a stripping cascade with 13 metals and the organic fed
    94 % loaded failed cold at 5-12, 20-40 and 60 stages; this chain solves it at every
    length in 7 solves of 2-10 Newton steps. The halving step and the pseudo-transient are
    for a metal of intermediate D that accumulates mid-cascade, more with every stage
    (a 6-metal case failing at 55, 80 and 110-220 stages: doubling stops at 53 stages, one
    stage more takes the pseudo-transient, then 108 and 110 stages solve by Newton).
    """
    try:
        st = _setup(model, aq_feed, org_feed, q_aq, q_org, 1, _side_feeds_at(side_feeds, n, 1))
        sol = _run(model, st, None, None, tol, max_iter, backend)
    except ConvergenceError:
        return None
    iterations, jacobians = sol.iterations, sol.jacobians
    k, step = 1, 1
    while k < n:
        k_new = min(n, k + step)
        st = _setup(model, aq_feed, org_feed, q_aq, q_org, k_new,
                    _side_feeds_at(side_feeds, n, k_new))  # fmt: skip
        new = None
        for guess in _stretched(sol.state.reshape(k, -1), k_new):
            try:
                new = _run(model, st, guess.ravel(), None, tol, max_iter, backend, False)
                break
            except ConvergenceError:
                continue
        if new is None and step == 1:
            guess = next(_stretched(sol.state.reshape(k, -1), k_new)).ravel()
            try:
                new = _run(model, st, guess, None, tol, max_iter, backend, "from_warm",
                           backend == "numpy")  # fmt: skip
            except ConvergenceError:
                return None
        if new is None:
            step //= 2
            continue
        sol, k, step = new, k_new, k_new
        iterations += sol.iterations
        jacobians += sol.jacobians
    sol.iterations, sol.jacobians = iterations, jacobians
    return sol


def short_of_acid(model: DistributionModel, stage: int, n: int, where: str = "") -> str:
    """Message of a cascade whose H+ falls below :data:`H_MIN` (pH 14) at ``stage``."""
    j = int(np.argmin(np.abs(model.a)))
    slope = (
        f" (the D of {model.metals[j]} goes as [H+]^{model.a[j]:.3g}, so lowering H+ barely "
        "strips it)"
        if abs(model.a[j]) < 0.1
        else ""
    )
    return (
        f"not enough acid: H+ falls below {H_MIN:g} mol/m3 (pH > 14) at stage {stage} of {n}"
        f"{where} with the {model.kind} model, outside its range{slope}; add acid to the "
        "aqueous feed, strip with a stronger acid or saponify less."
    )


def _check_ph(sol: CascadeSolution, model: DistributionModel) -> CascadeSolution:
    """The solution, unless its H+ is below :data:`H_MIN` somewhere (InfeasibleStateError:
    an answer at pH > 14 is outside every distribution model here)."""
    k = int(np.argmin(sol.h))
    if not sol.h[k] >= H_MIN:
        raise InfeasibleStateError(short_of_acid(model, k + 1, sol.n_stages))
    return sol


def _raise_failure(cas: _Cascade, v, parts, r, hist, err, check):
    model, st = cas.model, cas.st
    x, h, f, y, _ = parts
    rr = np.abs(r.reshape(cas.n, cas.b))
    k, j = np.unravel_index(int(np.nanargmax(np.where(np.isfinite(rr), rr, np.inf))), rr.shape)
    what = model.metals[j] if j < cas.m else ("H+" if j == cas.m else "extractant")
    diagnosis = None
    if np.all(model.b == 0) and np.nanmin(f / st.e) < 1e-9:
        diagnosis = (
            f"the organic would be loaded beyond its extractant capacity at stage {k + 1} "
            f"(free extractant {f[k]:.3g} of {st.e[k]:.3g} mol/m3): the {model.kind} model "
            "ignores loading; use saturation=True, more extractant or a lower O/A load."
        )
    elif np.nanmin(h) < H_MIN and np.isfinite(np.nanmin(h)) and np.abs(model.a).min() < 0.1:
        # a D that ignores H+ (a = 0) can run out of acid; one that barely depends on it
        # (|a| < 0.1: D x 10 needs H+ / 1e10) only at an H+ no model covers. If every D rises
        # steeply as H+ falls, a solution with H+ > 0 exists and the failure is the solver's
        diagnosis = short_of_acid(model, int(np.nanargmin(h)) + 1, cas.n)
    exc = ConvergenceError(
        f"SX cascade ({cas.n} stages, {cas.m} metals, {model.kind}) did not converge: "
        f"scaled residual {hist[-1]:.3g} after {len(hist) - 1} iterations, worst at stage "
        f"{k + 1} ({what} balance); balance error {err:.3g} (limit {check:.1g}).",
        loop="sx_cascade",
        residual_history=hist,
        best_iterate=v,
    )
    exc.diagnosis = diagnosis
    raise exc
