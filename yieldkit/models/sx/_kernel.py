"""Compiled (numba) hot loop of the SX cascade solver: the same algorithm as the NumPy path.

The NumPy implementation in :mod:`yieldkit.models.sx.cascade` is the reference; this module
repeats its Newton core step for step with plain loops, so one call runs a whole solve
without NumPy call overhead:

* variables per stage [x/x_ref (M), ln h, ln f]; metals re-solved exactly from the linear
  metal balances for the current h and f (elimination without pivoting, exact in sign for
  this M-matrix, as the NumPy path's fallback); the re-solve, the phases' organic
  concentrations and the H+ and extractant rows of the residual are one pass over the
  stages, and the metal rows (zero to rounding after an exact re-solve) are evaluated only
  for an iterate that meets the tolerance in the other rows, and for the returned one;
* residual, analytic Jacobian (same entries as ``_Cascade.jacobian_data``) stored as the
  blocks of a block-tridiagonal matrix and factorised by block elimination, partial
  pivoting inside each (M+2)x(M+2) block, keeping each block's explicit inverse so that a
  solve is matrix-vector products (the NumPy path pivots across the whole band with
  LAPACK dgbtrf; a singular block ends the compiled Newton, and the NumPy fallbacks take
  over as after any Newton failure); the solve runs in vector instructions for 1 to 15
  metals (one code path per block size); the block algebra is in
  :mod:`yieldkit.models.sx._kernel_blocks`;
* damped Newton with the same step cap (MAX_LOG_STEP = 3 in ln h, ln f), backtracking
  line search (Armijo factor 1e-4, halving to 1e-6), chord steps from a warm start's
  factors kept while each cuts the squared residual 25x (fresh factors after a step that
  cut it less than 400x when more than six such steps would be left: newton.CHORD_AGED),
  and the same convergence test (max norm of the scaled residual <= tol);
* every trial iterate after the first takes H+, the free extractant and each D given by
  a non-integer power from the last accepted iterate where the exponent changed by at
  most EXP_STEP: the old value times a Taylor polynomial of exp (within 2 ulp of exp, no
  library call), so the chord steps of a warm re-solve evaluate no exponential (100
  stages x 6 metals: 50.5 -> 47.8 us per warm re-solve, same-process A/B through
  solve_cascade); the values agree with exp of the state to ~1e-15 relative;
* the initial guess and the balance check of the NumPy path;
* a Murphree stage efficiency E < 1 (system._Cascade's equations): the metals re-solved
  in x and the aqueous x* in equilibrium with the organic (:func:`_murphree_metals`,
  elimination without subtraction, exact to rounding in every component), and the
  Jacobian's H+ and extractant rows freed of their entries in the previous stage's metal
  columns by a row operation (:func:`_murphree_rows`), so that the block factorisation
  and solve stay as they are; a failed Newton at E < 1 goes to the NumPy fallbacks (the
  pseudo-transient here is for equilibrium stages);
* the pseudo-transient continuation that takes over when Newton stalls (newton._transient,
  step for step), then Newton again; only if that fails too do the NumPy fallbacks run.

Everything is in the units of the NumPy path (concentrations [mol/m3], flows [m3/s]).
Functions are compiled on first use and cached on disk (``cache=True``); those that
allocate no array and return none are compiled without reference counting
(``_kernel_blocks.BORROWED``). The thin ones between an entry point and the block solve
(:func:`solve`, :func:`_capped_step`, :func:`_with_metal_rows`, ``_block_solve``) are
inlined into their callers (``inline="always"``): numba builds the machine code of a
function together with everything it calls, so each such level above the block solve's
vector code cost ~0.7 s of a first run (first end-fed solve with an empty cache 17.0-17.5
-> 14.4-14.9 s, run time unchanged in a same-process A/B; 2026-12-06). A flag passed as
a constant to another compiled function is written ``np.bool_(...)``: a bare True/False
is a literal type, and numba compiles the callee and its callees once per literal
(``_resolve`` was compiled twice, ~2 s of a first run, for no measurable speed).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from yieldkit.models.sx._kernel_blocks import BORROWED, _block_lu, _block_solve

#: SHA-256 of the source of :mod:`yieldkit.models.sx._kernel_blocks`. numba's on-disk cache
#: of this module's functions holds the block algebra compiled into them, but only a change
#: of this file invalidates it (numba does not follow calls into other files): a change of
#: _kernel_blocks.py must come with this line's new value, so that the cache is rebuilt
#: (``tests/models/sx/test_sx_kernel.py`` checks it).
BLOCKS_SOURCE_SHA256 = "5256d338f472ba47f16d2d031ca5da1d5cdab2eda55cec32fa498d05f26bf97d"

H_FLOOR = 1e-3  # as system.H_FLOOR [-]
H_MIN = 1e-11  # as system.H_MIN (pH 14) [mol/m3]
MAX_CONC = 1e5  # as problem.MAX_CONC [mol/m3]
CHORD_BELOW = 1e-4  # as newton.CHORD_BELOW [-]
CHORD_AGED = 0.05**2  # as newton.CHORD_AGED [-]
CHORD_LEFT = 6.0  # as newton.CHORD_LEFT [-]
STALL_WINDOW = 10  # as newton.STALL_WINDOW [-]
PLATEAU_STEPS = 3  # as newton.PLATEAU_STEPS [-]
PLATEAU_CUT = 0.01  # as newton.PLATEAU_CUT [-]
#: Metal concentrations below this are zero (below it numbers turn subnormal) [mol/m3]
X_FLUSH = 1e-300
#: A metal's scale (of its variables and its rows) is at least this concentration times
#: the largest flow (as system.TRACE_CONC) [mol/m3]
TRACE_CONC = 1e12 * X_FLUSH


#: Largest change of ln h or ln f in one Newton or transient step (as newton.MAX_LOG_STEP) [-]
MAX_LOG_STEP = 3.0
#: Largest |exponent| of H+ or free extractant evaluated by repeated multiplication [-]
IPOW_MAX = 8
#: Largest change of an exponent from the last accepted iterate for which exp(l + t) is
#: taken as exp(l) times the Taylor polynomial of exp(t) (:func:`_exp_small`) [-]
EXP_STEP = 0.03125


@njit(cache=True, error_model="numpy", inline="always")
def _ipow(x, k):
    """x**k for a small integer k, by repeated multiplication."""
    r = 1.0
    for _ in range(abs(k)):
        r *= x
    return 1.0 / r if k < 0 else r


@njit(cache=True, error_model="numpy")
def power_form(c, a, bb):
    """Per metal: exp(c) and whether D = exp(c) h^a f^b can be evaluated with integer
    powers (a, b integers up to IPOW_MAX in size, |c| < 300 so exp(c) stays finite),
    which saves two exponentials per stage and metal; and, for a metal of that form that
    leads a run of consecutive metals with its exponents (one power product per stage
    serves the run: metals of one charge share them), the index after the run's last
    metal (0 for the others)."""
    m = c.shape[0]
    ec = np.empty(m)
    fast = np.zeros(m, dtype=np.bool_)
    run = np.zeros(m, dtype=np.int64)
    ka = np.zeros(m, dtype=np.int64)
    kb = np.zeros(m, dtype=np.int64)
    lead = 0
    for i in range(m):
        ok = abs(c[i]) < 300.0
        for t in (a[i], bb[i]):
            if not (t == math.floor(t) and abs(t) <= IPOW_MAX):
                ok = False
        fast[i] = ok
        ec[i] = math.exp(c[i]) if ok else 0.0
        if ok:
            ka[i] = int(a[i])
            kb[i] = int(bb[i])
            if i > 0 and fast[i - 1] and a[i] == a[i - 1] and bb[i] == bb[i - 1]:
                run[lead] = i + 1  # metal i joins the run of metal lead
            else:
                lead = i
                run[i] = i + 1
    return ec, fast, run, ka, kb


@njit(cache=True, error_model="numpy")
def fast_setup(aq, org, q_aq, q_org, n, z, nn2, stage, is_aq, flow, conc):
    """Sources, flows and scales of a cascade (problem._setup): its two end feeds and the
    side feeds given as arrays (stage numbers, aqueous or not, flows, (k, M+1)
    concentrations; empty for none, :func:`_add_side_feeds`).

    Returns (status, qa, qo, s_m, s_h, s_hm, e, scale_m, scale_h, h_in, f_in); status 0
    when the inputs are valid, else 1 (the caller re-runs the Python checks for the
    message)."""
    m = z.shape[0]
    qa = np.full(n, q_aq)
    qo = np.full(n, q_org)
    s_m = np.zeros((n, m))
    s_h = np.zeros(n)
    s_hm = np.zeros(n)
    e = np.full(n, org[m])
    scale_m = np.zeros(m)
    status = 0
    if aq.shape[0] != m + 1 or org.shape[0] != m + 1:
        return 1, qa, qo, s_m, s_h, s_hm, e, scale_m, 0.0, 0.0, 0.0
    if not (math.isfinite(q_aq) and q_aq > 0 and math.isfinite(q_org) and q_org > 0):
        status = 1
    for i in range(m + 1):  # finite, >= 0 and <= MAX_CONC (problem._check_array)
        if not (0 <= aq[i] <= MAX_CONC and 0 <= org[i] <= MAX_CONC):
            status = 1
    if not (aq[m] >= H_MIN and org[m] > 0):
        status = 1
    if status:
        return 1, qa, qo, s_m, s_h, s_hm, e, scale_m, 0.0, 0.0, 0.0
    oz = 0.0
    bound = 0.0
    for i in range(m):
        s_m[0, i] += q_aq * aq[i]
        s_m[n - 1, i] += q_org * org[i]
        oz += org[i] * z[i]
        bound += org[i] * nn2[i]
    if bound > org[m] * (1 + 1e-12):
        return 1, qa, qo, s_m, s_h, s_hm, e, scale_m, 0.0, 0.0, 0.0
    s_h[0] += q_aq * aq[m]
    s_h[n - 1] -= q_org * oz
    s_hm[n - 1] -= q_org * oz
    for i in range(m):
        scale_m[i] = q_aq * aq[i] + q_org * org[i]
    h_aq = q_aq * aq[m]  # H+ of the aqueous feeds [mol/s]
    if stage.shape[0] > 0:
        if conc.shape[1] != m + 1:
            return 1, qa, qo, s_m, s_h, s_hm, e, scale_m, 0.0, 0.0, 0.0
        ok, h_side = _add_side_feeds(q_aq, q_org, org[m], z, nn2, qa, qo, s_m, s_h, s_hm, e,
                                     scale_m, stage, is_aq, flow, conc)  # fmt: skip
        if not ok:
            return 1, qa, qo, s_m, s_h, s_hm, e, scale_m, 0.0, 0.0, 0.0
        h_aq += h_side
    tz = 0.0
    for i in range(m):
        tz += scale_m[i] * z[i]
    scale_h = h_aq + tz
    free_org = org[m] - bound
    f_in = max(free_org, 0.05 * org[m])
    return 0, qa, qo, s_m, s_h, s_hm, e, scale_m, scale_h, aq[m], f_in


@njit(cache=True, error_model="numpy")
def _add_side_feeds(q_aq, q_org, e_org, z, nn2, qa, qo, s_m, s_h, s_hm, e, scale_m, stage,
                    is_aq, flow, conc):  # fmt: skip
    """The side feeds of :func:`fast_setup` added in place to its end-fed setup (sources
    and scales; the flows leaving each stage and the total extractant summed again from
    the end feeds' q_aq, q_org and extractant e_org), as problem._setup sums them.
    Returns (valid, H+ of the aqueous side feeds [mol/s])."""
    n, m = s_m.shape
    aq_side = np.zeros(n)
    org_side = np.zeros(n)
    e_in = np.zeros(n)
    h_side = 0.0
    for j in range(stage.shape[0]):
        k = stage[j] - 1
        q = flow[j]
        if not (0 <= k < n and math.isfinite(q) and q > 0):
            return False, 0.0
        for i in range(m + 1):
            if not (0 <= conc[j, i] <= MAX_CONC):
                return False, 0.0
        oz = 0.0
        bound = 0.0
        for i in range(m):
            s_m[k, i] += q * conc[j, i]
            scale_m[i] += q * conc[j, i]
            oz += conc[j, i] * z[i]
            bound += conc[j, i] * nn2[i]
        if is_aq[j]:
            aq_side[k] += q
            s_h[k] += q * conc[j, m]
            h_side += q * conc[j, m]
        else:
            if bound > conc[j, m] * (1 + 1e-12):
                return False, 0.0
            org_side[k] += q
            s_h[k] -= q * oz
            s_hm[k] -= q * oz
            e_in[k] += q * conc[j, m]
    run = q_aq
    for k in range(n):
        run += aq_side[k]
        qa[k] = run
    run = q_org
    ext = q_org * e_org
    for k in range(n - 1, -1, -1):
        run += org_side[k]
        ext += e_in[k]
        qo[k] = run
        e[k] = ext / run
    return True, h_side


@njit(cache=True, error_model="numpy", **BORROWED)
def _metals(qa, qo, d, s_m, x, cp, dp):
    """x solving (qa_k + qo_k d_k) x_k - qa_(k-1) x_(k-1) - qo_(k+1) d_(k+1) x_(k+1) = s_k
    per metal, elimination without pivoting and without subtraction (system._thomas: the
    pivot of row k is qa_k + e_k, e_k = qo_k d_k e_(k-1) / pivot_(k-1), kept in x until
    the back substitution), all metals per stage in the inner loop (contiguous); cp, dp
    are (N, M) work arrays [mol/m3]."""
    n, m = d.shape
    for i in range(m):
        e = qo[0] * d[0, i]
        inv = 1.0 / (qa[0] + e)
        x[0, i] = e
        dp[0, i] = s_m[0, i] * inv
        cp[0, i] = inv
    for k in range(1, n):
        qok = qo[k]  # locals: the stores below could alias the flows, for the compiler
        qak = qa[k]
        qap = qa[k - 1]
        for i in range(m):
            c_prev = qok * d[k, i] * cp[k - 1, i]  # the previous row's upper factor
            e = c_prev * x[k - 1, i]
            inv = 1.0 / (qak + e)
            x[k, i] = e
            cp[k - 1, i] = c_prev
            cp[k, i] = inv
            dp[k, i] = (s_m[k, i] + qap * dp[k - 1, i]) * inv
    for i in range(m):
        x[n - 1, i] = dp[n - 1, i] if dp[n - 1, i] >= X_FLUSH else 0.0
    for k in range(n - 2, -1, -1):
        for i in range(m):
            v = dp[k, i] + cp[k, i] * x[k + 1, i]
            x[k, i] = v if v >= X_FLUSH else 0.0  # no subnormal concentrations


@njit(cache=True, error_model="numpy", **BORROWED)
def _murphree_metals(qa, qo, d, s_am, s_om, eff, x, w, cp, dp):
    """Aqueous metals x and the aqueous w in equilibrium with the organic leaving (y = D w)
    for a Murphree stage efficiency E = ``eff`` < 1 (system._Cascade._murphree_metals, the
    same equations), per metal and stage [mol/m3]:

    * Murphree: qa_k x_k - (1 - E) qa_(k-1) x_(k-1) - E qa_k w_k = (1 - E) s_am,k;
    * balance minus Murphree: (E qa_k + qo_k D_k) w_k - E qa_(k-1) x_(k-1)
      - qo_(k+1) D_(k+1) w_(k+1) = E s_am,k + s_om,k.

    Ordered x_0, w_0, x_1, ..., this is an M-matrix whose interior columns sum to zero, and
    block elimination leaves each stage's block upper triangular: the pivot of w_k is
    rho_k = sigma_k + pi_k with pi_k = E qa_k + (1 - E) tau_(k-1), tau_k = pi_k C_k,
    C_k = qo_(k+1) D_(k+1) / rho_k, and the column excess sigma_k = qo_k D_k sigma_(k-1) /
    rho_(k-1) (sigma_0 = qo_0 D_0) carried instead of subtracted (as :func:`_metals` at
    E = 1, to which this reduces): no operation subtracts, so x, w >= 0 and each is
    accurate to rounding relative to itself, also where the stage extracts nearly all it
    contacts (x ~ (1 - E) x_in). Forward: w0_k = (E s_am,k + s_om,k + E xi_(k-1)) / rho_k,
    b_k = (1 - E)(s_am,k + xi_(k-1)), xi_k = b_k + pi_k w0_k; backward: w_k = w0_k +
    C_k w_(k+1), x_k = (b_k + pi_k w_k) / qa_k. cp, dp are (N, M) work arrays; s_am, s_om
    the metal sources of the aqueous and organic feeds of each stage [mol/s]."""
    n, m = d.shape
    e1 = 1.0 - eff
    for i in range(m):
        sig = qo[0] * d[0, i]  # sigma_k, the column excess of w_k (sigma_0 = qo_0 D_0)
        tau = 0.0
        xi = 0.0
        for k in range(n):
            pi_k = eff * qa[k] + e1 * tau
            inv = 1.0 / (sig + pi_k)
            b_k = e1 * (s_am[k, i] + xi)
            w0 = (eff * s_am[k, i] + s_om[k, i] + eff * xi) * inv
            xi = b_k + pi_k * w0
            x[k, i] = b_k
            w[k, i] = w0
            dp[k, i] = pi_k
            if k < n - 1:
                od = qo[k + 1] * d[k + 1, i]
                c_k = od * inv
                cp[k, i] = c_k
                tau = pi_k * c_k
                sig = od * sig * inv
    for k in range(n - 1, -1, -1):
        for i in range(m):
            wk = w[k, i]
            if k < n - 1:
                wk += cp[k, i] * w[k + 1, i]
            xk = (x[k, i] + dp[k, i] * wk) / qa[k]
            w[k, i] = wk
            x[k, i] = xk
    for k in range(n):
        for i in range(m):
            if x[k, i] < X_FLUSH:  # (nan stays nan)
                x[k, i] = 0.0
            if w[k, i] < X_FLUSH:
                w[k, i] = 0.0


#: Taylor coefficients 1/k! of exp, k = 0..8 [-]
_E0, _E1, _E2, _E3, _E4, _E5, _E6, _E7, _E8 = (1.0 / math.factorial(k) for k in range(9))


@njit(cache=True, error_model="numpy", inline="always")
def _exp_small(t):
    """exp(t) for |t| <= EXP_STEP: its Taylor polynomial to t^8 (truncation below 1e-19
    relative) by Estrin's scheme, pairs of terms summed independently, so that the chain
    of dependent operations is four multiply-adds long instead of Horner's eight (2 ulp of
    exp as Horner's rule; the first pass of :func:`_distribution` 0.64 -> 0.50 us at 100
    stages, one process, 2026-12-06)."""
    t2 = t * t
    t4 = t2 * t2
    low = (_E0 + _E1 * t) + (_E2 + _E3 * t) * t2
    high = (_E4 + _E5 * t) + (_E6 + _E7 * t) * t2
    return low + (high + _E8 * t4) * t4


@njit(cache=True, error_model="numpy", **BORROWED)
def _distribution(v, p, h, f, d, vb, hb, fb, db, based):
    """H+, free extractant and D of every stage and metal from the log variables of v;
    False if a D overflows. With ``based``, (vb, hb, fb, db) is a nearby iterate and its
    parts: an exponent that moved by at most EXP_STEP from it is evaluated as the base
    value times _exp_small of the change.

    H+ and f first, for all stages in one pass without a branch (a stage whose exponent
    moved further, rare, is taken again with exp after it), then D stage by stage, one
    power product for each run of metals with the same integer exponents
    (:func:`power_form`). 100 stages x 6 metals, one process, 2026-12-06: 1.9 -> 1.5 us
    per call (the branch per stage and metal on the run's flags, and the polynomials of
    successive stages that could not overlap, were most of it)."""
    c, a, bb, ec, fast, run, ka, kb = p[3], p[4], p[5], p[7], p[8], p[9], p[10], p[11]
    n, m = d.shape
    b = m + 2
    far = not based
    if based:
        for k in range(n):
            th = v[k * b + m] - vb[k * b + m]
            tf = v[k * b + m + 1] - vb[k * b + m + 1]
            h[k] = hb[k] * _exp_small(th)
            f[k] = fb[k] * _exp_small(tf)
            if not (abs(th) <= EXP_STEP and abs(tf) <= EXP_STEP):  # also nan
                far = True
    if far:
        for k in range(n):
            lh = v[k * b + m]
            lf = v[k * b + m + 1]
            if not (based and abs(lh - vb[k * b + m]) <= EXP_STEP):
                h[k] = math.exp(lh)
            if not (based and abs(lf - vb[k * b + m + 1]) <= EXP_STEP):
                f[k] = math.exp(lf)
    check = 0.0  # 0 * every D: nan if one is inf or nan
    for k in range(n):
        i = 0
        while i < m:
            if fast[i]:  # the lead of a run of metals i .. run[i] - 1
                pw = _ipow(h[k], ka[i]) * _ipow(f[k], kb[i])
                end = run[i]
                for j in range(i, end):
                    dd = ec[j] * pw
                    d[k, j] = dd
                    check += 0.0 * dd
                i = end
            else:
                lh = v[k * b + m]
                lf = v[k * b + m + 1]
                t = 0.0
                if based:
                    t = a[i] * (lh - vb[k * b + m]) + bb[i] * (lf - vb[k * b + m + 1])
                if based and abs(t) <= EXP_STEP and db[k, i] < math.inf:
                    dd = db[k, i] * _exp_small(t)
                else:
                    dd = math.exp(c[i] + a[i] * lh + bb[i] * lf)
                d[k, i] = dd
                check += 0.0 * dd
                i += 1
    return check == 0.0  # no D overflowed, none is nan


@njit(cache=True, error_model="numpy", **BORROWED)
def _unpack(v, p, x, h, f, y, d):
    """Parts of v as they are, metals not re-solved (the pseudo-transient's variables are
    all free; system._Cascade.unpack)."""
    xref = p[6]
    n, m = x.shape
    b = m + 2
    _distribution(v, p, h, f, d, v, h, f, d, np.bool_(False))
    for k in range(n):
        for i in range(m):
            x[k, i] = v[k * b + i] * xref[i]
            y[k, i] = d[k, i] * x[k, i]


@njit(cache=True, error_model="numpy", **BORROWED)
def _resolve(v, out, p, q, x, h, f, y, d, cp, dp, r, vb, hb, fb, db, based, mu):
    """Iterate v with its metals re-solved exactly into out, its parts into (x, h, f, y,
    d) and its scaled residual into r, in one pass over the stages after the metal solve;
    returns (sum of squares, max abs) of r.

    The metal rows of r are set to zero, not evaluated: the re-solve satisfies the metal
    balances for the current D exactly (the same equations, so they are zero to rounding),
    and Newton cannot act on them. :func:`_metal_rows` evaluates them where a result is
    accepted. If a D overflows, out = v, the parts hold the unresolved values (as the NumPy
    path) and r is the full residual. ``mu``: :func:`_murphree_data` or None."""
    qa, qo, s_m, xref, inv_ref = p[0], p[1], p[2], p[6], p[12]
    s_h, e, zz, nn2, sc_h = q[3], q[4], q[5], q[6], q[8][0]
    n, m = x.shape
    b = m + 2
    if not _distribution(v, p, h, f, d, vb, hb, fb, db, based):
        for k in range(n):
            o = k * b
            for i in range(m):
                x[k, i] = v[o + i] * xref[i]
                y[k, i] = d[k, i] * x[k, i]
            for j in range(b):
                out[o + j] = v[o + j]
        return _residual(q, x, h, f, y, r)
    src = x  # y = D src: the aqueous leaving, or at E < 1 the aqueous in equilibrium
    if mu is not None:  # (a branch numba drops where mu is None: _murphree_data)
        _murphree_metals(qa, qo, d, mu[1], mu[2], mu[0][0], x, y, cp, dp)
        src = y
    else:
        _metals(qa, qo, d, s_m, x, cp, dp)
    phi = 0.0
    big = 0.0
    g_next = 0.0  # organic charge flow entering from stage k+1 [mol/s]
    for k in range(n - 1, -1, -1):
        o = k * b
        g = 0.0
        bound = 0.0
        for i in range(m):
            yk = d[k, i] * src[k, i]
            y[k, i] = yk
            out[o + i] = x[k, i] * inv_ref[i]
            r[o + i] = 0.0
            g += yk * zz[i]
            bound += yk * nn2[i]
        g *= qo[k]
        rh = s_h[k] - qa[k] * h[k] + g - g_next
        if k > 0:
            rh += qa[k - 1] * h[k - 1]
        g_next = g
        out[o + m] = v[o + m]
        out[o + m + 1] = v[o + m + 1]
        rh *= sc_h
        rf = (e[k] - f[k] - bound) / e[k]
        r[o + m] = rh
        r[o + m + 1] = rf
        phi += rh * rh + rf * rf
        if not (abs(rh) <= big):  # also catches nan
            big = abs(rh)
        if not (abs(rf) <= big):
            big = abs(rf)
    return phi, big


@njit(cache=True, error_model="numpy", **BORROWED)
def _metal_rows(q, x, h, y, r):
    """Evaluate the metal rows of the scaled residual r (left at zero by :func:`_resolve`)
    and the balance check of the whole iterate: the largest relative imbalance of any stage
    balance (system._balance_error), each row of r against its stage's throughput.

    Returns (sum of squares, max abs) of the metal rows and the balance error [-]."""
    qa, qo, s_m, s_h, zz, sc_m, sc_h = q[0], q[1], q[2], q[3], q[5], q[7], q[8][0]
    n, m = x.shape
    b = m + 2
    phi = 0.0
    big = 0.0
    err = 0.0
    zn = 0.0  # organic charge concentration of stage k+1 [mol/m3]
    for k in range(n - 1, -1, -1):
        o = k * b
        zo = 0.0
        for i in range(m):
            zo += y[k, i] * zz[i]
            out_k = qa[k] * x[k, i] + qo[k] * y[k, i]
            rm = s_m[k, i] - out_k
            thr = out_k + abs(s_m[k, i])
            if k > 0:
                t = qa[k - 1] * x[k - 1, i]
                rm += t
                thr += t
            if k < n - 1:
                t = qo[k + 1] * y[k + 1, i]
                rm += t
                thr += t
            rm *= sc_m[i]
            r[o + i] = rm
            phi += rm * rm
            val = abs(rm)
            if not (val <= big):  # also catches nan
                big = val
            den = max(thr, 1.0 / sc_m[i]) * sc_m[i]
            if not (val <= err * den):  # divides only for a new maximum (or nan)
                err = val / den
        thr = qa[k] * h[k] + qo[k] * zo + abs(s_h[k])
        if k > 0:
            thr += qa[k - 1] * h[k - 1]
        if k < n - 1:
            thr += qo[k + 1] * zn
        zn = zo
        den = max(thr, 1.0 / sc_h) * sc_h
        val = abs(r[o + m])
        if not (val <= err * den):
            err = val / den
        val = abs(r[o + m + 1])
        if not (val <= err):
            err = val
    return phi, big, err


@njit(cache=True, error_model="numpy", **BORROWED)
def _residual(q, x, h, f, y, r):
    """Scaled residual into r; returns (sum of squares, max abs)."""
    qa, qo, s_m, s_h, e, zz, nn2, sc_m, sc_h = q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8]
    n, m = x.shape
    b = m + 2
    phi = 0.0
    big = 0.0
    for k in range(n):
        g = 0.0
        bound = 0.0
        for i in range(m):
            g += y[k, i] * zz[i]
            bound += y[k, i] * nn2[i]
        g *= qo[k]
        rh = s_h[k] - qa[k] * h[k] + g
        if k > 0:
            rh += qa[k - 1] * h[k - 1]
        if k < n - 1:
            gn = 0.0
            for i in range(m):
                gn += y[k + 1, i] * zz[i]
            rh -= qo[k + 1] * gn
        for i in range(m):
            rm = s_m[k, i] - qa[k] * x[k, i] - qo[k] * y[k, i]
            if k > 0:
                rm += qa[k - 1] * x[k - 1, i]
            if k < n - 1:
                rm += qo[k + 1] * y[k + 1, i]
            rm *= sc_m[i]
            r[k * b + i] = rm
        r[k * b + m] = rh * sc_h[0]
        r[k * b + m + 1] = (e[k] - f[k] - bound) / e[k]
        for j in range(b):
            rj = r[k * b + j]
            phi += rj * rj
            if not (abs(rj) <= big):  # also catches nan
                big = abs(rj)
    return phi, big


@njit(cache=True, error_model="numpy")
def initial_guess(p, q, mp, h_in, f_in):
    """Constant-D cascade at the feed's H+ and free extractant, then H+ and f from it
    (system._initial_guess and system._free_extractant)."""
    qa, qo, s_m, c, a, bb, xref, fast, kb = p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[8], p[11]
    s_h, e, zz, nn2 = q[3], q[4], q[5], q[6]
    n, m = s_m.shape
    b = m + 2
    d = np.empty((n, m))
    lh = math.log(h_in)
    lfi = math.log(f_in)
    kh = np.empty(m)  # D at the feed's H+ and unit free extractant [-]
    for i in range(m):
        kh[i] = math.exp(c[i] + a[i] * lh)
        di = math.exp(c[i] + a[i] * lh + bb[i] * lfi)
        for k in range(n):
            d[k, i] = di
    x = np.empty((n, m))
    cp = np.empty((n, m))
    dp = np.empty((n, m))
    _metals(qa, qo, d, s_m, x, cp, dp)
    le = np.log(e)
    lf = le.copy()
    step = np.empty(n)
    for _ in range(200):
        good = True
        big = 0.0
        for k in range(n):
            fk = math.exp(lf[k])
            g = e[k] - fk
            dg = -fk
            for i in range(m):
                if fast[i] and kh[i] < 1e300:
                    t = kh[i] * _ipow(fk, kb[i]) * x[k, i] * nn2[i]
                else:
                    t = math.exp(c[i] + a[i] * lh + bb[i] * lf[k]) * x[k, i] * nn2[i]
                g -= t
                dg -= t * bb[i]
            step[k] = g / dg
        for k in range(n):
            lf[k] -= step[k]
            if not math.isfinite(lf[k]):
                good = False
            if abs(step[k]) > big:
                big = abs(step[k])
        if not good or big < 1e-6:
            break
    u = np.empty(n * b)
    run = 0.0
    for k in range(n):
        if not math.isfinite(lf[k]) or lf[k] > le[k]:
            lf[k] = le[k] + math.log(0.05)
    gs = np.empty(n)
    for k in range(n):
        g = 0.0
        for i in range(m):
            g += x[k, i] * math.exp(c[i] + a[i] * lh + bb[i] * lf[k]) * zz[i]
        gs[k] = qo[k] * g
    for k in range(n):
        run += s_h[k]
        qah = run + gs[0] - (gs[k + 1] if k < n - 1 else 0.0)
        u[k * b + m] = math.log(max(qah / qa[k], H_FLOOR * h_in))
        u[k * b + m + 1] = lf[k]
        for i in range(m):
            u[k * b + i] = x[k, i] / xref[i]
    return u


@njit(cache=True, error_model="numpy")
def _work_parts(n, m):
    """Work arrays (x, h, f, y, d) of one iterate."""
    return np.empty((n, m)), np.empty(n), np.empty(n), np.empty((n, m)), np.empty((n, m))


@njit(cache=True, error_model="numpy", inline="always", **BORROWED)
def _capped_step(w, r, dv, m, tmp):
    """dv = -J^-1 r with the factors w, scaled down so that no ln h or ln f changes by more
    than MAX_LOG_STEP (as the NumPy path); False if the solve is not finite. tmp: the
    (3, M+2) work array of _block_solve."""
    n, b = w.shape[0], w.shape[1]
    for j in range(n * b):
        dv[j] = -r[j]
    if not _block_solve(w, dv, tmp):
        return False
    step = 0.0
    for k in range(n):
        for j in range(m, b):
            if abs(dv[k * b + j]) > step:
                step = abs(dv[k * b + j])
    if step > MAX_LOG_STEP:
        for j in range(n * b):
            dv[j] *= MAX_LOG_STEP / step
    return True


@njit(cache=True, error_model="numpy")
def newton(v0, p, q, mp, tol, max_iter, w_prev, chord, mu):
    """Damped Newton from v0 (newton._newton_core). With ``chord`` the first steps reuse the
    factors w_prev of a nearby solution.

    Returns (v, x, h, f, y, hist, iterations, factorizations, w, have_factors,
    balance_error), the last the largest relative imbalance of any stage balance at v
    (inf if the residual is not finite)."""
    n, m = p[2].shape
    b = m + 2
    nn = n * b
    # one allocation per shape: a warm solve is a few steps, so its ~20 allocations were
    # ~3 % of it (100 stages x 6 metals: 56.8 -> 54.5 us, same-process A/B)
    mm = np.empty((8, n, m))
    x, y, d, x2, y2, d2, cp, dp = mm[0], mm[1], mm[2], mm[3], mm[4], mm[5], mm[6], mm[7]
    hf = np.empty((4, n))
    h, f, h2, f2 = hf[0], hf[1], hf[2], hf[3]
    vv = np.empty((6, nn))
    v, v_new, trial, r, r_new, dv = vv[0], vv[1], vv[2], vv[3], vv[4], vv[5]
    tmp = np.empty((3, b))
    hist = np.empty(max_iter + 1)
    phi, big = _resolve(v0, v, p, q, x, h, f, y, d, cp, dp, r, v0, h, f, d, np.bool_(False),
                        mu)  # fmt: skip
    full = big <= tol  # the metal rows of r are evaluated (see _resolve)
    err = np.inf  # balance error of the current iterate, set when its metal rows are
    if full:
        phi, big, err = _with_metal_rows(q, x, h, y, r, phi, big)
    hist[0] = big
    nh = 1
    w = w_prev
    have = chord
    fresh = False  # w is this call's own array
    nfac = 0
    it = 0
    while hist[nh - 1] > tol and math.isfinite(phi) and it < max_iter:
        it += 1
        if not chord:
            if not fresh:
                w = np.empty((n, b, 2 * b + 1))
                fresh = True
            _jacobian_blocks(q, mp, 1.0 if mu is None else mu[0][0], x, h, f, y, d, w)
            nfac += 1
            if not _block_lu(w):
                have = False
                break
            have = True
        if not _capped_step(w, r, dv, m, tmp):
            if chord:
                chord = False
                continue
            break
        if chord:
            for j in range(nn):
                trial[j] = v[j] + dv[j]
            phi_new, big_new = _resolve(trial, v_new, p, q, x2, h2, f2, y2, d2, cp, dp, r_new,
                                        v, h, f, d, np.bool_(True), mu)  # fmt: skip
            if not (math.isfinite(phi_new) and phi_new <= 0.04 * phi):
                chord = False
                if not (math.isfinite(phi_new) and phi_new < phi):
                    continue
            elif phi_new > CHORD_AGED * phi > 0 and big_new > tol:
                # accepted; the factors have aged if many chord steps at this rate are left
                left = math.log(tol / big_new) / (0.5 * math.log(phi_new / phi))
                if left > CHORD_LEFT:
                    chord = False  # fresh factors next
        else:
            alpha = 1.0
            accepted = False
            while alpha > 1e-6:
                for j in range(nn):
                    trial[j] = v[j] + alpha * dv[j]
                phi_new, big_new = _resolve(trial, v_new, p, q, x2, h2, f2, y2, d2, cp, dp,
                                            r_new, v, h, f, d, np.bool_(True), mu)  # fmt: skip
                if math.isfinite(phi_new) and phi_new <= phi * (1.0 - 1e-4 * alpha):
                    accepted = True
                    break
                alpha *= 0.5
            if not accepted:
                break
        full = big_new <= tol
        if full:  # converged in H+ and extractant: evaluate the metal rows too
            phi_new, big_new, err = _with_metal_rows(q, x2, h2, y2, r_new, phi_new, big_new)
        if not chord and big_new <= CHORD_BELOW and big_new <= 0.01 * hist[nh - 1]:
            chord = True  # quadratic regime: later steps reuse these factors
        v, v_new = v_new, v
        x, x2 = x2, x
        h, h2 = h2, h
        f, f2 = f2, f
        y, y2 = y2, y
        d, d2 = d2, d
        r, r_new = r_new, r
        phi = phi_new
        hist[nh] = big_new
        nh += 1
        if not full and _stalled(hist, nh):
            break
    if not full:  # stopped unconverged: the returned residual is the whole one
        _, hist[nh - 1], err = _with_metal_rows(q, x, h, y, r, phi, hist[nh - 1])
    if not math.isfinite(hist[nh - 1]):
        err = np.inf
    return v, x, h, f, y, hist[:nh].copy(), it, nfac, w, have, err


@njit(cache=True, error_model="numpy", **BORROWED)
def _stalled(hist, nh):
    """newton._stalled on the first nh entries of hist."""
    k = nh - 1
    if k >= PLATEAU_STEPS:
        flat = True
        for j in range(k - PLATEAU_STEPS + 1, k + 1):
            if not hist[j] > (1.0 - PLATEAU_CUT) * hist[j - 1]:
                flat = False
        if flat:
            return True
    if k < STALL_WINDOW:
        return False
    best = hist[k]
    for j in range(k - STALL_WINDOW + 1, k):
        best = min(best, hist[j])
    return not (best < 0.5 * hist[k - STALL_WINDOW])


@njit(cache=True, error_model="numpy", inline="always", **BORROWED)
def _with_metal_rows(q, x, h, y, r, phi, big):
    """(phi, big) of r with its metal rows evaluated, and the balance error of the
    iterate (:func:`_metal_rows`)."""
    pm, bm, err = _metal_rows(q, x, h, y, r)
    if not (bm <= big):  # also catches nan
        big = bm
    return phi + pm, big, err


@njit(cache=True, error_model="numpy")
def _pack(qa, qo, s_m, s_h, e, scale_m, scale_h, z, nn2, c, a, bb):
    """The (p, q, mp) tuples of a cascade: flows, sources, model and scales."""
    m = z.shape[0]
    xref = np.empty(m)
    inv_ref = np.empty(m)
    sc_m = np.empty(m)
    q_max = max(qa.max(), qo.max())
    for i in range(m):
        sm = max(scale_m[i] if scale_m[i] > 0 else 1.0, TRACE_CONC * q_max)  # a floor
        xref[i] = sm / qa[0]
        inv_ref[i] = qa[0] / sm
        sc_m[i] = 1.0 / sm
    sc_h = np.array([1.0 / (scale_h if scale_h > 0 else 1.0)])
    ec, fast, run, ka, kb = power_form(c, a, bb)
    p = (qa, qo, s_m, c, a, bb, xref, ec, fast, run, ka, kb, inv_ref)
    q = (qa, qo, s_m, s_h, e, z, nn2, sc_m, sc_h, xref)
    mp = (a, bb)
    return p, q, mp


@njit(cache=True, error_model="numpy", inline="always")
def solve(qa, qo, s_m, s_h, e, scale_m, scale_h, h_in, f_in, z, nn2, c, a, bb, v0, use_v0,
          w_prev, chord, tol, max_iter, mu):  # fmt: skip
    """Initial guess (unless ``use_v0``), damped Newton and balance check in one call
    (``mu``: :func:`_murphree_data` or None).

    Returns (v, x, h, f, y, hist, iterations, factorizations, w, have_factors, err, start)."""
    p, q, mp = _pack(qa, qo, s_m, s_h, e, scale_m, scale_h, z, nn2, c, a, bb)
    start = v0 if use_v0 else initial_guess(p, q, mp, h_in, f_in)
    v, x, h, f, y, hist, it, nfac, w, have, err = newton(
        start, p, q, mp, tol, max_iter, w_prev, chord, mu
    )
    return v, x, h, f, y, hist, it, nfac, w, have, err, start


@njit(cache=True, error_model="numpy")
def transient(v0, p, q, mp, max_iter, target):
    """Pseudo-transient continuation (newton._transient, step for step): linearly
    implicit Euler steps of the mixer-settler dynamics, J - M/dt with the hold-up M the
    outflow part of the Jacobian (the diagonal-block entries of the metal rows in their own,
    H+ and extractant columns and the whole H+ row, scaled by 1 + sigma), the same step cap,
    acceptance (residual norm below 10x the last) and time-step rule (sigma x4 on a
    rejected step, times the residual ratio on an accepted one, 0 below 1e-10).

    Returns (v, hist, iterations, factorizations)."""
    n, m = p[2].shape
    b = m + 2
    nn = n * b
    x, h, f, y, d = _work_parts(n, m)
    x2, h2, f2, y2, d2 = _work_parts(n, m)
    w = np.empty((n, b, 2 * b + 1))
    v = v0.copy()
    v_new = np.empty(nn)
    r = np.empty(nn)
    r_new = np.empty(nn)
    dv = np.empty(nn)
    tmp = np.empty((3, b))
    hist = np.empty(max_iter + 1)
    _unpack(v, p, x, h, f, y, d)
    phi, big = _residual(q, x, h, f, y, r)
    norm = math.sqrt(phi)
    hist[0] = big
    nh = 1
    sigma = 1.0  # 1 / (time step in residence times)
    it = 0
    nfac = 0
    while hist[nh - 1] > target and it < max_iter and math.isfinite(norm):
        it += 1
        _jacobian_blocks(q, mp, 1.0, x, h, f, y, d, w)
        g = 1.0 + sigma
        for k in range(n):
            for i in range(m):
                w[k, i, i] *= g
                w[k, m, i] *= g  # the diagonal block is stored transposed
                w[k, m + 1, i] *= g
            for j in range(b):
                w[k, j, m] *= g
        nfac += 1
        ok = _block_lu(w) and _capped_step(w, r, dv, m, tmp)
        norm_new = 0.0
        big_new = 0.0
        if ok:
            for j in range(nn):
                v_new[j] = v[j] + dv[j]
            _unpack(v_new, p, x2, h2, f2, y2, d2)
            phi_new, big_new = _residual(q, x2, h2, f2, y2, r_new)
            norm_new = math.sqrt(phi_new)
            ok = math.isfinite(norm_new) and norm_new < 10.0 * norm
        if not ok:
            sigma *= 4.0
            if sigma > 1e15:
                break
            continue
        sigma = sigma * norm_new / norm
        if sigma < 1e-10:
            sigma = 0.0
        v, v_new = v_new, v
        x, x2 = x2, x
        h, h2 = h2, h
        f, f2 = f2, f
        y, y2 = y2, y
        d, d2 = d2, d
        r, r_new = r_new, r
        norm = norm_new
        hist[nh] = big_new
        nh += 1
    return v, hist[:nh].copy(), it, nfac


@njit(cache=True, error_model="numpy")
def solve_transient(qa, qo, s_m, s_h, e, scale_m, scale_h, z, nn2, c, a, bb, v0, tol,
                    max_iter, target):  # fmt: skip
    """The fallback of a failed Newton in one call (newton._newton's): pseudo-transient
    continuation from v0 to ``target``, then damped Newton to ``tol`` and the balance check.

    Returns (v, x, h, f, y, hist, iterations, factorizations, w, have_factors, err,
    transient_iterations), the last the pseudo-transient's share of the iterations (10 x
    max_iter when it ran out of steps)."""
    p, q, mp = _pack(qa, qo, s_m, s_h, e, scale_m, scale_h, z, nn2, c, a, bb)
    v_t, hist_t, it_t, nfac_t = transient(v0, p, q, mp, 10 * max_iter, target)
    v, x, h, f, y, hist, it, nfac, w, have, err = newton(
        v_t, p, q, mp, tol, max_iter, np.zeros((0, 1, 1)), False, None
    )
    hist_all = np.concatenate((hist_t, hist))
    return v, x, h, f, y, hist_all, it_t + it, nfac_t + nfac, w, have, err, it_t


@njit(cache=True, error_model="numpy", **BORROWED)
def _jacobian_blocks(q, mp, eff, x, h, f, y, d, w):
    """Analytic scaled Jacobian (entries of system._Cascade.jacobian_data) as blocks:
    w[k, :, :b] the diagonal block of stage k transposed (w[k, j, i] = J[row i, column j]
    of the stage: the factorisation works on transposed blocks, _kernel_blocks._lu_row),
    w[k, :, b:2b] its upper block (columns of stage k+1, not transposed), w[k, :, 2b] the
    diagonal of its lower block (columns of stage k-1; only the metal and H+ entries are
    non-zero).

    With a Murphree stage efficiency E = ``eff`` < 1 (system._murphree_jacobian; y = D x*,
    x* the aqueous in equilibrium with the organic leaving): dy_k/dx_k = D_k / E, and y_k
    depends on the aqueous entering stage k (``back``: the next stage's organic on x_k,
    qo_(k+1) c_(k+1) qa_k with c = D (1 - E) / (E qa)), whose entries in the H+ and
    extractant rows of stage k+1 :func:`_murphree_rows` then removes. At E = 1 every
    entry is the equilibrium one, to the bit (x 1.0, no back term)."""
    qa, qo, zz, nn2, sc_m, sc_h, xref = q[0], q[1], q[5], q[6], q[7], q[8][0], q[9]
    a, bb = mp[0], mp[1]
    n, m = x.shape
    b = m + 2
    hh = m
    ff = m + 1
    mur = eff < 1.0
    inv = 1.0 / eff
    e1 = (1.0 - eff) * inv
    w[:, :, :] = 0.0
    for k in range(n):
        sc_f = 1.0 / q[4][k]
        s_za = 0.0
        s_zb = 0.0
        nya = 0.0
        nyb = 0.0
        for i in range(m):
            oy = qo[k] * y[k, i]
            s_za += oy * zz[i] * a[i]
            s_zb += oy * zz[i] * bb[i]
            nya += y[k, i] * nn2[i] * a[i]
            nyb += y[k, i] * nn2[i] * bb[i]
        for i in range(m):
            oy = qo[k] * y[k, i]
            odx = qo[k] * d[k, i] * xref[i] * inv  # d(organic metal flow)/d(scaled x_k)
            diag = -(qa[k] * xref[i]) - odx
            h_row = odx
            low = qa[k] * xref[i] * sc_m[i]
            if mur and k < n - 1:
                back = qo[k + 1] * d[k + 1, i] * e1 * qa[k] / qa[k + 1] * xref[i]
                diag -= back
                h_row += back
                low += back * sc_m[i]
            w[k, i, i] = diag * sc_m[i]
            w[k, hh, i] = -oy * a[i] * sc_m[i]
            w[k, ff, i] = -oy * bb[i] * sc_m[i]
            w[k, i, hh] = h_row * zz[i] * sc_h
            w[k, i, ff] = -(d[k, i] * xref[i] * inv) * nn2[i] * sc_f
            if k > 0:  # upper block of stage k-1: the organic of stage k enters k-1
                w[k - 1, i, b + i] = odx * sc_m[i]
                w[k - 1, i, b + hh] = oy * a[i] * sc_m[i]
                w[k - 1, i, b + ff] = oy * bb[i] * sc_m[i]
                w[k - 1, hh, b + i] = -odx * zz[i] * sc_h
            if k < n - 1:  # lower block of stage k+1: the aqueous of stage k enters k+1
                w[k + 1, i, 2 * b] = low
        w[k, hh, hh] = (-qa[k] * h[k] + s_za) * sc_h
        w[k, ff, hh] = s_zb * sc_h
        w[k, hh, ff] = -nya * sc_f
        w[k, ff, ff] = (-f[k] - nyb) * sc_f
        if k > 0:
            w[k - 1, hh, b + hh] = -s_za * sc_h
            w[k - 1, hh, b + ff] = -s_zb * sc_h
        if k < n - 1:
            w[k + 1, hh, 2 * b] = qa[k] * h[k] * sc_h
    if mur:
        _murphree_rows(q, e1, d, w)


@njit(cache=True, error_model="numpy", **BORROWED)
def _murphree_rows(q, e1, d, w):
    """The row operation that keeps a Murphree Jacobian (:func:`_jacobian_blocks` at E < 1,
    e1 = (1 - E) / E) in the factorisation's structure: y_k depends on the aqueous entering
    stage k, so the H+ and extractant rows of stage k have entries in the metal columns of
    stage k-1 besides the lower diagonal. Each of those two rows minus its lower entry over
    the metal row's lower diagonal (qa_(k-1) x_ref (1 + qo_k c_k) > 0) times that metal row
    of stage k, over the whole row, removes them: the lower block is diagonal again, as the
    factorisation takes it; the extractant row of the upper block fills in (the
    factorisation's G_k takes a full one). The right-hand side needs no such operation:
    the metal rows of a re-solved iterate are zero (:func:`_resolve`), and Newton's step
    keeps only the H+ and extractant parts of its solution."""
    qo, zz, nn2, sc_h, xref = q[1], q[5], q[6], q[8][0], q[9]
    qa = q[0]
    n, b = w.shape[0], w.shape[1]
    m = b - 2
    hh = m
    ff = m + 1
    for k in range(1, n):
        sc_f = 1.0 / q[4][k]
        up = k < n - 1
        for i in range(m):
            # c_k qa_(k-1) x_ref: the lower entries are -qo_k z c sc_h and n2 c sc_f times it
            low = qo[k] * d[k, i] * e1 * qa[k - 1] / qa[k]  # qo_k c_k qa_(k-1)
            kap = low * xref[i] / w[k, i, 2 * b]  # over the metal row's lower diagonal
            al = -zz[i] * kap * sc_h
            be = nn2[i] * kap * sc_f / qo[k]
            # diagonal block (transposed: entry (row r, column c) at w[k, c, r])
            for c in (i, hh, ff):
                w[k, c, hh] -= al * w[k, c, i]
                w[k, c, ff] -= be * w[k, c, i]
            if up:
                for c in (i, hh, ff):
                    w[k, hh, b + c] -= al * w[k, i, b + c]
                    w[k, ff, b + c] -= be * w[k, i, b + c]


@njit(cache=True, error_model="numpy")
def _murphree_data(eff, aq, org, q_aq, q_org, n, stage, is_aq, flow, conc):
    """(eff, s_am, s_om) of a cascade of Murphree stages: the stage efficiency (an array
    of one) and the metal sources of the aqueous and of the organic feeds of each of the n
    stages (end and side feeds, checked by :func:`fast_setup`; problem._setup's s_am)
    [mol/s]. The kernel's functions take it as ``mu``, None for equilibrium stages."""
    m = aq.shape[0] - 1
    s_am = np.zeros((n, m))
    s_om = np.zeros((n, m))
    for i in range(m):
        s_am[0, i] = q_aq * aq[i]
        s_om[n - 1, i] = q_org * org[i]
    for j in range(stage.shape[0]):
        src = s_am if is_aq[j] else s_om
        for i in range(m):
            src[stage[j] - 1, i] += flow[j] * conc[j, i]
    return eff, s_am, s_om


@njit(cache=True, error_model="numpy")
def solve_ends(aq, org, q_aq, q_org, n, z, nn2, c, a, bb, v0, use_v0, w_prev, chord,
               tol, max_iter, check, stage, is_aq, flow, conc, eff):  # fmt: skip
    """:func:`fast_setup` (end feeds, and side feeds as arrays: empty for none) and
    :func:`solve` in one call (the pseudo-transient fallback is a separate entry point,
    :func:`solve_transient`, compiled only when a Newton first stalls: keeping it out of
    this function keeps the compile and cache-load time of every process that solves a
    cascade as it was).

    Returns (status, v, x, h, f, y, hist, iterations, factorizations, w, have_factors,
    err, qa, qo, e). status 0: converged, balances closed to ``check`` and x >= 0; 1: invalid
    input; 2: a metal absent from both feeds; 3: not converged or a check failed (balances,
    x >= 0, H+ >= H_MIN: the caller takes the general path, which reports or recovers).
    ``eff``: None for equilibrium stages, else the Murphree stage efficiency as an array
    of one (a warm start ``v0`` is expected: the caller starts from the same cascade at
    1). Numba compiles this function once per kind, the Murphree metal solve only where it
    is used (branches on ``is None`` of an argument are dropped at compile time: with it
    in every solve, the first solve of a process with an empty cache took ~2.6 s longer)."""
    m = z.shape[0]
    st, qa, qo, s_m, s_h, _, e, scale_m, scale_h, h_in, f_in = fast_setup(
        aq, org, q_aq, q_org, n, z, nn2, stage, is_aq, flow, conc
    )
    if st == 0:
        for i in range(m):
            if not scale_m[i] > 0:
                st = 2
        if use_v0:
            if v0.shape[0] != n * (m + 2):
                st = 1
            else:
                for j in range(v0.shape[0]):
                    if not math.isfinite(v0[j]):
                        st = 1
    if st != 0:
        return (st, np.empty(0), s_m, qa, qa, s_m, np.empty(1), 0, 0, w_prev,
                False, np.inf, qa, qo, e)  # fmt: skip
    if eff is None:
        v, x, h, f, y, hist, it, nfac, w, have, err, _ = solve(
            qa, qo, s_m, s_h, e, scale_m, scale_h, h_in, f_in, z, nn2, c, a, bb, v0, use_v0,
            w_prev, chord, tol, max_iter, None,
        )  # fmt: skip
    else:
        v, x, h, f, y, hist, it, nfac, w, have, err, _ = solve(
            qa, qo, s_m, s_h, e, scale_m, scale_h, h_in, f_in, z, nn2, c, a, bb, v0, use_v0,
            w_prev, chord, tol, max_iter,
            _murphree_data(eff, aq, org, q_aq, q_org, n, stage, is_aq, flow, conc),
        )  # fmt: skip
    ok = hist[-1] <= max(tol, 1e-14) * 10 and err <= check
    for k in range(n):
        if not h[k] >= H_MIN:  # the general path reports it
            ok = False
        for i in range(m):
            if not x[k, i] >= 0:
                ok = False
    return (0 if ok else 3, v, x, h, f, y, hist, it, nfac, w, have, err, qa, qo, e)
