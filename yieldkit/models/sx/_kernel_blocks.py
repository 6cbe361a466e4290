"""Block-tridiagonal linear algebra of the compiled SX kernel
(:mod:`yieldkit.models.sx._kernel`): the factorisation of a Jacobian stored as blocks (w[k, :, :b] diagonal block of stage k,
w[k, :, b:2b] its upper block, w[k, :, 2b] the diagonal of its lower block; see
``_kernel._jacobian_blocks``) by block elimination with partial pivoting inside each
(M+2)x(M+2) block, keeping each Schur complement's inverse and G_k = S_k^-1 U_k, and the
solve with those factors as block matrix-vector products (unrolled for block sizes 3 to 8).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.extending import overload

_FAST = {"contract", "reassoc", "nsz", "arcp"}  # no nnan/ninf: finiteness checks stay
#: Block-LU entries (scaled, O(1) for the main ones) below this are set to zero [-]
FLUSH = 1e-200


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _lu_row(w, k, e, size, piv):
    """Step k of the block-tridiagonal factorisation in place. The Schur complement
    S_k = D_k - L_k G_(k-1) is inverted by Gauss-Jordan elimination with partial pivoting
    (rows swapped inside the block, the inverse's columns swapped back at the end); then
    w[k, :, :b] holds S_k^-1 and w[k, :, b:2b] holds G_k = S_k^-1 U_k (a product over the
    non-zeros of U_k, whose structure is that of ``_kernel._jacobian_blocks``' upper block:
    ~4b^2 instead of b^3 multiply-adds, cold solves 11-15 % faster at 100-1000 stages x 6
    metals, 20 % on random cascades, measured 2026-12-06 in one process; ``e`` is a (b, b)
    work array for U_k's non-zeros, ``piv`` a (b,) one for the pivot rows). With the
    inverses a solve is two block matrix-vector products per stage, which vectorise and
    have no dependency chains (the triangular solves of an LU form had), so the chord steps
    that reuse one factorisation several times are cheap. Gauss-Jordan on S_k alone
    replaced (2026-12-06) an elimination of [S_k | U_k | I] with back substitution:
    ~1000 instead of ~1200 flops per block of 8, loops of the full block width, measured
    15-20 % less time per factorisation at 100 stages x 6 metals. False if S_k is
    singular (the caller treats it as a failed Newton step). ``size`` is the block size
    (see :func:`_block_size`; the factorisation passes it as an int)."""
    n = w.shape[0]
    b = _block_size(size)
    wk = w[k]
    b2 = 2 * b
    last = b2 if k < n - 1 else b
    if k > 0:
        g = w[k - 1]
        for i in range(b):
            li = wk[i, b2]
            if li != 0.0:
                for j in range(b):
                    wk[i, j] -= li * g[i, b + j]
    for c in range(b):
        p = c
        best = abs(wk[c, c])
        for r in range(c + 1, b):
            val = abs(wk[r, c])
            if val > best:
                best = val
                p = r
        if best == 0.0 or not math.isfinite(best):
            return False
        piv[c] = p
        if p != c:
            for j in range(b):
                tmp = wk[c, j]
                wk[c, j] = wk[p, j]
                wk[p, j] = tmp
        inv = 1.0 / wk[c, c]
        wk[c, c] = 1.0
        for j in range(b):
            wk[c, j] *= inv
        for r in range(b):
            if r != c:
                lr = wk[r, c]
                wk[r, c] = 0.0
                for j in range(b):
                    wk[r, j] -= lr * wk[c, j]
    for c in range(b - 1, -1, -1):
        p = piv[c]
        if p != c:
            for i in range(b):
                tmp = wk[i, c]
                wk[i, c] = wk[i, p]
                wk[i, p] = tmp
    if k < n - 1:
        # G_k = S_k^-1 U_k with the structure of U_k (_kernel._jacobian_blocks): a metal
        # row r holds U[r, r], U[r, hh], U[r, ff]; the H+ row is full; the extractant row
        # is zero. So a metal column c of G takes two products, the H+ and extractant
        # columns m + 1 each: 4m + 2 instead of b^2 per row of G
        m = b - 2
        hh = m
        ff = m + 1
        for c in range(m):
            e[0, c] = wk[c, b + c]  # U[c, c]
            e[2, c] = wk[c, b + hh]  # U[c, hh]
            e[3, c] = wk[c, b + ff]  # U[c, ff]
        for j in range(b):
            e[1, j] = wk[hh, b + j]  # the H+ row of U
        for i in range(b):
            si_h = wk[i, hh]
            for c in range(m):
                wk[i, b + c] = wk[i, c] * e[0, c] + si_h * e[1, c]
            s_h = si_h * e[1, hh]
            s_f = si_h * e[1, ff]
            for r in range(m):
                s_h += wk[i, r] * e[2, r]
                s_f += wk[i, r] * e[3, r]
            wk[i, b + hh] = s_h
            wk[i, b + ff] = s_f
    # flush what would decay into subnormal numbers along a long cascade (trace metals far
    # from their feed): subnormal arithmetic is ~100x slower and these entries do not
    # change the Newton step
    for i in range(b):
        for j in range(last):
            v = wk[i, j]
            wk[i, j] = v if abs(v) >= FLUSH else 0.0
    return True


@njit(cache=True, error_model="numpy")
def _block_lu(w):
    """Block-tridiagonal factorisation of a filled Jacobian in place (:func:`_lu_row` for
    every k); False if a block is singular."""
    b = w.shape[1]
    e = np.empty((b, b))
    piv = np.empty(b, dtype=np.int64)
    for k in range(w.shape[0]):
        if not _lu_row(w, k, e, b, piv):
            return False
    return True


@njit(cache=True, error_model="numpy")
def _block_solve(w, rhs):
    """Solve J dv = rhs in place with the factors of :func:`_block_lu`; False if not
    finite (:func:`_solve_blocks`, with the block size M + 2 a compile-time constant for 3
    to 8, i.e. 1 to 6 metals: the block loops are then unrolled and vectorised, measured
    1.4-2.2x faster at 100 stages (2.1 -> 1.4 us for size 3, 3.6 -> 1.7 us for 4, 5.5 ->
    4.0 us for 8); other sizes use the same code with the size read at run time. Measured
    and not taken, for the first compile of a fresh environment (27 s before; 31 s with
    sizes 3-8): sizes 9-11 (7-12 % faster, 34 s; 12 and up were slower unrolled) and the
    factorisation by size (19-33 % faster, 52 s))."""
    b = w.shape[1]
    if b == 3:
        return _solve_blocks(w, rhs, (0,) * 3)
    if b == 4:
        return _solve_blocks(w, rhs, (0,) * 4)
    if b == 5:
        return _solve_blocks(w, rhs, (0,) * 5)
    if b == 6:
        return _solve_blocks(w, rhs, (0,) * 6)
    if b == 7:
        return _solve_blocks(w, rhs, (0,) * 7)
    if b == 8:
        return _solve_blocks(w, rhs, (0,) * 8)
    return _solve_blocks(w, rhs, b)


def _block_size(size):
    """Block size from ``size``: an int (known at run time) or a tuple whose length is the
    size (known when compiling)."""
    return size if isinstance(size, int) else len(size)


@overload(_block_size)
def _block_size_impl(size):
    if isinstance(size, types.UniTuple):
        count = size.count
        return lambda size: count
    if isinstance(size, types.Integer):
        return lambda size: size
    return None


@njit(cache=True, error_model="numpy", fastmath=_FAST, inline="always")
def _block_product(wk, c0, vec, init, io, sign, out, size):
    """out[i] = init[io + i] + sign * sum_j wk[i, c0 + j] vec[j] for every row i of a
    block (sign +1 or -1), summed with j ascending: the forward and the backward products
    of :func:`_solve_blocks`. The rows go in groups of 8 (then 4, then single) with one
    partial sum each: each element of vec is loaded once per group instead of once per
    row (a store to out could alias it, so the compiler reloads it) and the rows' sums are
    independent chains. Measured 2026-12-06 at 100 stages x 6 metals: block solve 5.1 -> 4.1 us (the
    compiled code is scalar either way: numba emits no packed FMAs for these loops).
    ``size`` as for :func:`_block_size`."""
    b = _block_size(size)
    r8 = b - b % 8
    r4 = r8 + (b - r8) - (b - r8) % 4
    for i in range(0, r8, 8):
        s0 = init[io + i]
        s1 = init[io + i + 1]
        s2 = init[io + i + 2]
        s3 = init[io + i + 3]
        s4 = init[io + i + 4]
        s5 = init[io + i + 5]
        s6 = init[io + i + 6]
        s7 = init[io + i + 7]
        for j in range(b):
            vj = vec[j]
            s0 += sign * wk[i, c0 + j] * vj
            s1 += sign * wk[i + 1, c0 + j] * vj
            s2 += sign * wk[i + 2, c0 + j] * vj
            s3 += sign * wk[i + 3, c0 + j] * vj
            s4 += sign * wk[i + 4, c0 + j] * vj
            s5 += sign * wk[i + 5, c0 + j] * vj
            s6 += sign * wk[i + 6, c0 + j] * vj
            s7 += sign * wk[i + 7, c0 + j] * vj
        out[i] = s0
        out[i + 1] = s1
        out[i + 2] = s2
        out[i + 3] = s3
        out[i + 4] = s4
        out[i + 5] = s5
        out[i + 6] = s6
        out[i + 7] = s7
    for i in range(r8, r4, 4):
        s0 = init[io + i]
        s1 = init[io + i + 1]
        s2 = init[io + i + 2]
        s3 = init[io + i + 3]
        for j in range(b):
            vj = vec[j]
            s0 += sign * wk[i, c0 + j] * vj
            s1 += sign * wk[i + 1, c0 + j] * vj
            s2 += sign * wk[i + 2, c0 + j] * vj
            s3 += sign * wk[i + 3, c0 + j] * vj
        out[i] = s0
        out[i + 1] = s1
        out[i + 2] = s2
        out[i + 3] = s3
    for i in range(r4, b):
        s0 = init[io + i]
        for j in range(b):
            s0 += sign * wk[i, c0 + j] * vec[j]
        out[i] = s0


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _solve_blocks(w, rhs, size):
    """Solve J dv = rhs in place with the factors of :func:`_block_lu` (forward:
    z_k = S_k^-1 (rhs_k - L_k z_(k-1)); backward: dv_k = z_k - G_k dv_(k+1), the block
    products by :func:`_block_product`); False if not finite. ``size`` as for
    :func:`_block_size`."""
    n = w.shape[0]
    b = _block_size(size)
    b2 = 2 * b
    t = np.zeros(b)
    u = np.zeros(b)
    zero = np.zeros(b)
    for k in range(n):
        o = k * b
        wk = w[k]
        for i in range(b):
            u[i] = rhs[o + i] - wk[i, b2] * t[i]  # t holds z_(k-1); L_k is 0 for k = 0
        _block_product(wk, 0, u, zero, 0, 1.0, t, size)
        for i in range(b):
            rhs[o + i] = t[i]
    # t holds z_(n-1) = dv_(n-1)
    for k in range(n - 2, -1, -1):
        o = k * b
        wk = w[k]
        _block_product(wk, b, t, rhs, o, -1.0, u, size)
        for i in range(b):
            t[i] = u[i]
            rhs[o + i] = u[i]
    ok = True
    for j in range(n * b):
        if not math.isfinite(rhs[j]):
            ok = False
    return ok
