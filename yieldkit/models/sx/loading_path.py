"""Continuation in the feeds' metal loading (pseudo-arclength): solve_cascade's last resort.

The cascade equations are F(v, lam) = 0 with every metal of every feed scaled by lam (the
acid and the extractant as given): at lam << 1 the feeds are dilute, H+ and the free
extractant barely change along the cascade and Newton converges from the constant-D
guess; lam = 1 is the cascade asked for. The sources enter F linearly and the Jacobian
J = dF/dv does not depend on them, so F(v, lam) = F(v, 0) + lam g with a constant g.

Following the solution from lam << 1 to 1 with lam as the parameter fails where the
solution moves a long way for a tiny change of lam. Found 2026-12-06 in extraction-scrub
cascades (feed mid-cascade, 9 of 40 000 random ones, every other fallback failing): a
loading front whose position shifts by tens of stages within dlam ~ 1e-7 (e.g. 2 metals,
constant D with saturation, 144 stages, at lam = 0.99369: the smallest singular value of
J falls to ~1e-6 and dv/dlam grows past 6e4). Pseudo-arclength continuation (Keller)
follows the curve by its length s in (v, lam) instead, through such a stretch, with a
predictor along the tangent and a Newton corrector on the curve and the plane normal to
the tangent; the bordered linear systems are solved with the factors of J (two
right-hand sides: -F and g): the compiled kernel's block factorisation, or LAPACK's band
LU.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from yieldkit.errors import ConvergenceError, InfeasibleStateError, SpecificationError
from yieldkit.models.sx.backend import _kernel
from yieldkit.models.sx.newton import _run, short_of_acid
from yieldkit.models.sx.problem import active_part
from yieldkit.models.sx.system import H_MIN, _Cascade

#: Loadings tried for the start, largest first [-]
START_LOADINGS = (1e-3, 1e-5, 1e-7)
#: First arclength step, in the scaled variables (x/x_ref, ln h, ln f) and lam [-]
FIRST_STEP = 0.05
#: Smallest arclength step before giving up [-]
MIN_STEP = 1e-9
#: Most predictor-corrector steps [-]
MAX_STEPS = 2000
#: Corrector: scaled residual (max norm) and last update (max norm) that end it, and its
#: most iterations (the path is only followed: the final Newton at lam = 1 polishes) [-]
CORRECTOR_TOL = 1e-8
CORRECTOR_STEP = 1e-5
CORRECTOR_ITER = 6
#: The step grows by this factor after a corrector of at most GROW_BELOW iterations [-]
GROWTH = 1.6
GROW_BELOW = 4


class _Path:
    """F(v, lam), its factors and the bordered solves of one cascade. The factors are the
    compiled kernel's block factorisation for ``backend='compiled'`` (falling back to
    LAPACK's band LU, which pivots across the band, where a block is singular), LAPACK's
    otherwise."""

    def __init__(self, model, st, backend: str):
        s_hm = st.s_hm if st.s_hm is not None else np.zeros_like(st.s_h)
        self.st0 = replace(st, s_m=np.zeros_like(st.s_m), s_h=st.s_h - s_hm)
        self.cas = _Cascade(model, self.st0)
        g = np.zeros((self.cas.n, self.cas.b))
        g[:, : self.cas.m] = st.s_m
        g[:, self.cas.m] = s_hm
        self.g = (g * self.cas.inv_scale).ravel()  # dF/dlam
        self.s_m, self.s_hm = st.s_m, s_hm
        self.n_factor = 0
        self.kernel = _kernel() if backend == "compiled" else None
        if self.kernel is not None:
            s0 = self.st0
            self.packed = self.kernel._pack(s0.qa, s0.qo, s0.s_m, s0.s_h, s0.e, s0.scale_m,
                                            float(s0.scale_h), model.z, model.ha_bound,
                                            model.c, model.a, model.b)  # fmt: skip

    def setup_at(self, lam: float):
        """The cascade's setup with its metal feeds scaled by lam (the scales kept)."""
        return replace(self.st0, s_m=lam * self.s_m, s_h=self.st0.s_h + lam * self.s_hm)

    def residual(self, v, lam):
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            r = self.cas.residual(v, self.cas.unpack(v)) + lam * self.g
        return r

    def factor(self, v):
        """Factors of J at v (None if singular or not finite)."""
        self.n_factor += 1
        if self.kernel is not None:
            k = self.kernel
            p, q, mp = self.packed
            x, h, f, y, d = k._work_parts(self.cas.n, self.cas.m)
            k._unpack(v, p, x, h, f, y, d)
            w = np.empty((self.cas.n, self.cas.b, 2 * self.cas.b + 1))
            k._jacobian_blocks(q, mp, 1.0, x, h, f, y, d, w)
            if np.all(np.isfinite(w)) and k._block_lu(w):
                return w
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            data = self.cas.jacobian_data(self.cas.unpack(v))
        if not np.all(np.isfinite(data)):
            return None
        return self.cas.factor(data)

    def solve(self, fac, rhs):
        """J^-1 rhs with factors from :meth:`factor` (None if not finite)."""
        if isinstance(fac, np.ndarray):  # the kernel's blocks
            out = np.array(rhs, dtype=float)
            tmp = np.empty((3, fac.shape[1]))
            return out if self.kernel._block_solve(fac, out, tmp) else None
        return self.cas.lu_solve(fac, rhs)

    @staticmethod
    def tangent(b, t_prev=None):
        """Unit tangent (dv, dlam) of the curve from b = J^-1 g (J dv + g dlam = 0),
        oriented as t_prev (increasing lam at the start)."""
        t = np.append(-b, 1.0)
        t /= np.abs(t).max()  # first by its largest entry: the norm of a huge b overflows
        t /= np.linalg.norm(t)
        if (t_prev is None and t[-1] < 0) or (t_prev is not None and t @ t_prev < 0):
            t = -t
        return t


def _corrected(path: _Path, vp, lp, t):
    """Newton from the predicted point (vp, lp) on F = 0 and t . ((v, lam) - (vp, lp)) = 0
    (the bordered system solved with the factors of J and two right-hand sides);
    (v, lam, factors of J at the last iterate, b = J^-1 g there, iterations) or None if it
    does not converge in CORRECTOR_ITER iterations."""
    v, lam = vp.copy(), lp
    n = v.size
    for it in range(1, CORRECTOR_ITER + 1):
        r = path.residual(v, lam)
        if not np.all(np.isfinite(r)):
            return None
        fac = path.factor(v)
        if fac is None:
            return None
        a = path.solve(fac, -r)
        b = path.solve(fac, path.g)
        if a is None or b is None:
            return None
        den = t[n] - t[:n] @ b
        if den == 0.0:
            return None
        q = t[:n] @ (v - vp) + t[n] * (lam - lp)
        dlam = (-q - t[:n] @ a) / den
        dv = a - b * dlam
        v = v + dv
        lam += dlam
        if np.abs(r).max() <= CORRECTOR_TOL and np.abs(dv).max() <= CORRECTOR_STEP:
            return v, lam, fac, b, it
    return None


def loading_path(model, st, tol: float, max_iter: int, backend: str):
    """Solve the cascade of ``st`` by continuation from dilute feeds (module docstring);
    the solution (a final Newton of the backend at lam = 1; iterations and Jacobians
    include the path's corrector steps) or None if the path cannot be followed."""
    sub, st_sub, keep = active_part(model, st)
    path = _Path(sub, st_sub, backend)
    v = lam = None
    for lam0 in START_LOADINGS:
        try:
            start = _run(sub, path.setup_at(lam0), None, None, tol, max_iter, backend, False)
        except (ConvergenceError, SpecificationError):
            continue
        v, lam = start.state, lam0
        break
    if v is None:
        return None
    fac = path.factor(v)
    b = None if fac is None else path.solve(fac, path.g)
    t = None if b is None else path.tangent(b)
    if t is None:
        return None
    n = v.size
    ds = FIRST_STEP
    iterations = start.iterations
    for _ in range(MAX_STEPS):
        got = _corrected(path, v + ds * t[:n], lam + ds * t[n], t)
        if got is None:
            ds /= 2.0
            if ds < MIN_STEP:
                return None
            continue
        v_new, lam_new, fac, b, it = got
        iterations += it
        if lam_new >= 1.0:  # passed lam = 1: Newton at lam = 1 from the secant's point there
            w = (1.0 - lam) / (lam_new - lam)
            for guess in ((1.0 - w) * v + w * v_new, v_new, v):
                full = np.zeros((st.s_m.shape[0], keep.size))
                full[:, keep] = guess.reshape(full.shape[0], -1)
                try:
                    sol = _run(model, st, full.ravel(), None, tol, max_iter, backend, False)
                except (ConvergenceError, SpecificationError):
                    continue
                sol.iterations += iterations
                sol.jacobians += path.n_factor
                return sol
            return None
        v, lam, t = v_new, lam_new, path.tangent(b, t)  # b from J next to the new point
        lh = v.reshape(path.cas.n, -1)[:, path.cas.m]
        if lh.min() < np.log(H_MIN) and np.abs(sub.a).min() < 0.1:
            # H+ gone at a fraction of the metals, with a D that barely depends on it: more
            # metal needs still more acid (for a D that rises steeply as H+ falls, a
            # solution with more H+ may exist further on: the path just fails then)
            where = f" when the feeds carry only {lam:.3g} of their metals"
            raise InfeasibleStateError(short_of_acid(sub, int(np.argmin(lh)) + 1, lh.size, where))
        if it <= GROW_BELOW:
            ds *= GROWTH
    return None
