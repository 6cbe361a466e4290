"""Compiled (numba) charge balance of :func:`yieldkit.models.speciation.speciate`.

``speciate`` solves, for every liquor, the charge balance in u = ln [H+] by the bracketed
Newton of :func:`yieldkit.models._bracket.newton_bisect` on NumPy arrays; a leach tank or
a precipitator calls it for one or two liquors at a time, where NumPy's per-call overhead
is most of the cost (~0.6 ms for two liquors). This module runs the same iteration (same
bracket update, Newton-or-bisection step, tolerance and stopping rule) one liquor at a
time with plain loops; the NumPy version stays the reference (used when numba is absent),
and a test checks that both give the same free H+.

numba's cache of a function holds the code of every function it calls and is invalidated
only by changes of the function's own file: this module records the hash of the one other
file it calls (:data:`BRACKET_SOURCE_SHA256`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from yieldkit.models._bracket_kernel import bracketed_step

#: SHA-256 of the source of :mod:`yieldkit.models._bracket_kernel`, compiled into
#: :func:`charge_roots`: a change of that file must come with this line's new value, so that
#: numba's cache of this module is rebuilt (``tests/models/test_leach_kernel.py`` checks it)
BRACKET_SOURCE_SHA256 = "d32b62717b3bcf64e41f74d8f9dc5f2da6e6b2ae49a2115d390fc53c8d51475c"


@njit(cache=True, error_model="numpy")
def _balance(u, c, q, cum, k, z0, kw):
    """(F, dF/du) of the charge balance of one liquor at u = ln [H+] (the NumPy
    ``balance`` of speciate: species fractions by a shifted softmax over each system's
    cumulative ln Ka, mean removed protons and their variance)."""
    n_sys, kmax = cum.shape
    h = math.exp(u)
    oh = kw / h
    f = h - oh + q
    df = h + oh
    for j in range(n_sys):
        top = -math.inf
        for i in range(kmax):
            w = cum[j, i] - k[i] * u
            if w > top:
                top = w
        s0 = 0.0
        s1 = 0.0
        s2 = 0.0
        for i in range(kmax):
            e = math.exp(cum[j, i] - k[i] * u - top)
            s0 += e
            s1 += e * k[i]
            s2 += e * k[i] * k[i]
        kbar = s1 / s0
        var = s2 / s0 - kbar * kbar
        f += c[j] * (z0[j] - kbar)
        df += c[j] * max(var, 0.0)
    return f, df


@njit(cache=True, error_model="numpy")
def strong_charges(u, c, cum, k, z0, kw):
    """Strong-ion charge of each liquor (rows of c) at u = ln [H+] (:func:`speciation.
    strong_charge_at`): the strong charge that makes the charge balance zero there."""
    out = np.empty(u.shape[0])
    for r in range(u.shape[0]):
        f, _ = _balance(u[r], c[r], 0.0, cum, k, z0, kw)
        out[r] = -f
    return out


@njit(cache=True, error_model="numpy")
def charge_roots(c, q, cum, k, z0, kw, lo, hi, x0, use_x0, xtol, max_iter):
    """u = ln [H+] of every liquor (rows of c, strong charges q) on its bracket [lo, hi]
    (F increasing in u), started at x0 where ``use_x0`` (clipped to the bracket), else
    mid-bracket. Returns (u, index of the first liquor not converged or -1, its last
    step)."""
    n = c.shape[0]
    u = np.empty(n)
    for r in range(n):
        la = lo[r]
        ha = hi[r]
        x = min(max(x0[r], la), ha) if use_x0 else 0.5 * (la + ha)
        done = False
        step = 0.0
        for _ in range(max_iter):
            f, df = _balance(x, c[r], q[r], cum, k, z0, kw)
            x, la, ha, done, step = bracketed_step(x, f, df, la, ha, xtol * max(1.0, abs(x)))
            if done:
                break
        u[r] = x
        if not done:
            return u, r, step
    return u, -1, 0.0
