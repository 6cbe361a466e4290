"""Block-tridiagonal linear algebra of the compiled SX kernel
(:mod:`yieldkit.models.sx._kernel`): the factorisation of a Jacobian stored as blocks
(w[k, :, :b] diagonal block of stage k, w[k, :, b:2b] its upper block, w[k, :, 2b] the
diagonal of its lower block; see ``_kernel._jacobian_blocks``) by block elimination with
partial pivoting inside each (M+2)x(M+2) block, keeping each Schur complement's inverse
S_k^-1 and G_k = S_k^-1 U_k, both stored transposed in place of the diagonal and upper
blocks (so a column of either is a contiguous row of w[k]), and the solve with those
factors as block matrix-vector products (both in vector instructions for block sizes 3
to 17, 1 to 15 metals).
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.core.cpu import CPUTargetOptions
from numba.extending import intrinsic

_FAST = {"contract", "reassoc", "nsz", "arcp"}  # no nnan/ninf: finiteness checks stay

#: njit options of a function that allocates no array and returns none, only reading and
#: writing arrays its caller holds: compiled without reference counting (numba's ``_nrt``
#: option, where this numba has it; the functions it calls are compiled the same way).
#: Otherwise each array such a function is given, or takes from a tuple, costs an atomic
#: increment and a decrement call per call: 100 stages x 6 metals, same-process A/B of
#: the kernel, cold solve 190 -> 177 us (_lu_row runs once per stage and factorisation),
#: warm re-solve 41.8 -> 39.9 us (2026-12-06).
BORROWED = {"_nrt": False} if hasattr(CPUTargetOptions, "_nrt") else {}
#: Block-LU entries (scaled, O(1) for the main ones) below this are set to zero [-]
FLUSH = 1e-200


@njit(cache=True, error_model="numpy", fastmath=_FAST, **BORROWED)
def _lu_row(w, k, e, b, piv):
    """Step k of the block-tridiagonal factorisation in place, on transposed blocks.

    The diagonal block arrives as D_k^T (``_kernel._jacobian_blocks``); the Schur
    complement is formed as S_k^T = D_k^T - G_(k-1)^T L_k and inverted by Gauss-Jordan
    elimination with partial pivoting by rows of S_k (columns of the stored S_k^T; the
    inverse's columns are swapped back at the end), which leaves S_k^-T = (S_k^-1)^T in
    w[k, :, :b]; then w[k, :, b:2b] gets G_k^T = (S_k^-1 U_k)^T, a product over the
    non-zeros of U_k (stored untransposed, with the structure of
    ``_kernel._jacobian_blocks``' upper block, whose extractant row is full only for a
    Murphree cascade, ``_kernel._murphree_rows``): ~5b^2 instead of b^3 multiply-adds, cold
    solves 11-15 % faster at 100-1000 stages x 6 metals, 20 % on random cascades (measured
    2026-12-06 in one process). ``e`` is a (b, b) work array, ``piv`` a (b,) one for the
    pivot rows, ``b`` the block size.

    Transposed, a column of S_k^-1 or of G_k is a contiguous row of w[k]: the solve's
    block products take whole columns as vectors (:func:`_simd_solve`), and every loop
    here runs along a contiguous row without a branch (block LU 40.8-41.4 -> 34.6-35.1 us
    at 100 stages x 6 metals against the untransposed form, one process, 2026-12-06).
    With the inverses a solve is two block matrix-vector products per stage and no
    triangular solves, so the chord steps that reuse one factorisation several times are
    cheap. Gauss-Jordan on S_k alone replaced (2026-12-06) an elimination of
    [S_k | U_k | I] with back substitution: ~1000 instead of ~1200 flops per block of 8,
    15-20 % less time per factorisation at 100 stages x 6 metals. False if S_k is
    singular (the caller treats it as a failed Newton step).

    Block sizes :data:`LU_MIN` to :data:`LU_MAX` take the same steps in vector
    instructions (:func:`_simd_gj`, :func:`_simd_g`), the others these loops."""
    n = w.shape[0]
    wk = w[k]
    if LU_MIN <= b <= LU_MAX:
        if not _simd_gj(w, k, piv):
            return False
        _unpivot(wk, piv, b)
        _simd_g(w, k)
        return True
    b2 = 2 * b
    last = b2 if k < n - 1 else b
    if k > 0:  # S^T = D^T - G_(k-1)^T L_k, L_k diagonal: column i of G^T times L_k[i]
        g = w[k - 1]
        for i in range(b):
            e[0, i] = wk[i, b2]
        for j in range(b):
            for i in range(b):
                wk[j, i] -= g[j, b + i] * e[0, i]
    # Gauss-Jordan with partial pivoting by rows of S (columns of the stored S^T = A: the
    # row scaling of the residual makes row pivoting the stable choice here)
    lr = e[1]
    for c in range(b):
        p = c
        best = abs(wk[c, c])
        for r in range(c + 1, b):
            val = abs(wk[c, r])
            if val > best:
                best = val
                p = r
        if best == 0.0 or not math.isfinite(best):
            return False
        piv[c] = p
        if p != c:  # rows c and p of S
            for j in range(b):
                tmp = wk[j, c]
                wk[j, c] = wk[j, p]
                wk[j, p] = tmp
        inv = 1.0 / wk[c, c]
        wk[c, c] = 1.0
        for j in range(b):
            wk[j, c] *= inv
        for r in range(b):
            lr[r] = wk[c, r]
            wk[c, r] = 0.0
        lr[c] = 0.0
        wk[c, c] = inv
        for j in range(b):  # S[r, :] -= S[r, c] S[c, :] for every r != c
            ajc = wk[j, c]
            for r in range(b):
                wk[j, r] -= lr[r] * ajc
    _unpivot(wk, piv, b)
    if k < n - 1:
        # G_k = S_k^-1 U_k with the structure of U_k (_kernel._jacobian_blocks): a metal
        # row r holds U[r, r], U[r, hh], U[r, ff]; the H+ and extractant rows are full (the
        # extractant row is zero at equilibrium stages, full after the row operation of
        # _kernel._murphree_rows). So a metal column c of G takes three products, the
        # H+ and extractant columns m + 2 each: 5m + 4 instead of b^2 per row of G
        m = b - 2
        hh = m
        ff = m + 1
        for c in range(m):
            e[0, c] = wk[c, b + c]  # U[c, c]
            e[2, c] = wk[c, b + hh]  # U[c, hh]
            e[3, c] = wk[c, b + ff]  # U[c, ff]
        for j in range(b):
            e[1, j] = wk[hh, b + j]  # the H+ row of U
            e[4, j] = wk[ff, b + j]  # the extractant row of U
        # G^T = U^T S^-T: row c of G^T is a combination of the rows of S^-T (the left
        # part of wk) with U's column c as weights
        for c in range(m):
            u_cc = e[0, c]
            u_hc = e[1, c]
            u_fc = e[4, c]
            for i in range(b):
                wk[c, b + i] = wk[c, i] * u_cc + wk[hh, i] * u_hc + wk[ff, i] * u_fc
        u_hh = e[1, hh]
        u_hf = e[1, ff]
        u_fh = e[4, hh]
        u_ff = e[4, ff]
        for i in range(b):
            s_h = wk[hh, i]
            s_f = wk[ff, i]
            wk[hh, b + i] = s_h * u_hh + s_f * u_fh
            wk[ff, b + i] = s_h * u_hf + s_f * u_ff
        for r in range(m):
            u_rh = e[2, r]
            u_rf = e[3, r]
            for i in range(b):
                wk[hh, b + i] += wk[r, i] * u_rh
                wk[ff, b + i] += wk[r, i] * u_rf
    # flush what would decay into subnormal numbers along a long cascade (trace metals far
    # from their feed): subnormal arithmetic is ~100x slower and these entries do not
    # change the Newton step
    for i in range(b):
        for j in range(last):
            v = wk[i, j]
            wk[i, j] = v if abs(v) >= FLUSH else 0.0
    return True


@njit(cache=True, error_model="numpy", inline="always", **BORROWED)
def _unpivot(wk, piv, b):
    """Columns c and piv[c] of S^-1 (rows of the stored S^-T) swapped back, last pivot
    first: the row pivoting of :func:`_lu_row` undone in the inverse."""
    for c in range(b - 1, -1, -1):
        p = piv[c]
        if p != c:
            for i in range(b):
                tmp = wk[c, i]
                wk[c, i] = wk[p, i]
                wk[p, i] = tmp


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


#: Smallest and largest block size (M + 2) factorised by :func:`_simd_gj` and
#: :func:`_simd_g`: 1 to 15 metals, as the solve; larger blocks take the loops of
#: :func:`_lu_row`. Sizes up to :data:`UNROLLED_MAX` have code of their own, larger ones
#: share one code path per vector width (:data:`_WIDE`): LLVM compiles the factorisation
#: again into every compiled function that calls it, and code of its own for every size
#: up to 17 made the first solve of a process with an empty cache 3.5 s longer; as it is,
#: 1-1.5 s longer than with the loops alone (2026-12-06) [-]
LU_MIN, LU_MAX = 3, 17

#: Fast-math flags of the vector factorisation: multiply-adds may be fused, as in the
#: loops of :func:`_lu_row` (``_FAST`` without reordering, which the code needs not)
_CONTRACT = ("contract",)


class _Block:
    """IR helpers of the factorisation of stage k's block, its rows and columns held in
    vectors of ``width`` doubles. ``size`` is the block size b when it is known at compile
    time (then ``width`` is b, and loops over the block's columns are unrolled), or None
    for a size known at run time (``rows``, b <= width <= 2b + 1: a vector read from a
    row stays inside the array, within the row from its first column and from column b
    into the next row, which exists for every block read that way; a store writes the
    lanes beyond b back as they were read, so only the block's b columns change)."""

    def __init__(self, builder, w, k, n, cols, rows, width, size=None):
        self.builder = builder
        self.intp = n.type
        self.vec = ir.VectorType(ir.DoubleType(), width)
        self.width = width
        self.cols = cols
        self.rows = rows
        self.count = rows if size is None else size  # b, as a Python int when known
        self.padded = size != width
        self.lanes = ir.Constant(ir.VectorType(self.intp, width), list(range(width)))
        self.inside = builder.icmp_signed("<", self.lanes, self.splat(rows))
        self.block = builder.mul(rows, cols)
        self.base = builder.gep(w, [builder.mul(k, self.block)])

    def const(self, v):
        return ir.Constant(self.intp, v)

    def int_(self, v):  # a Python int or an IR value as an IR value
        return self.const(v) if isinstance(v, int) else v

    def plus(self, a, b):  # a + b for Python ints or IR values
        if isinstance(a, int) and isinstance(b, int):
            return a + b
        return self.builder.add(self.int_(a), self.int_(b))

    def splat(self, x):  # a vector of copies of x (a double, or an integer for lanes)
        b = self.builder
        t = ir.VectorType(x.type, self.width)
        v = b.insert_element(ir.Constant(t, ir.Undefined), x, ir.Constant(ir.IntType(32), 0))
        return b.shuffle_vector(
            v, v, ir.Constant(ir.VectorType(ir.IntType(32), self.width), [0] * self.width)
        )

    def at(self, j, c, base=None):  # pointer to entry (j, c); Python ints or IR values
        b = self.builder
        off = b.add(b.mul(self.int_(j), self.cols), self.int_(c))
        return b.gep(self.base if base is None else base, [off])

    def row(self, j, c0, base=None):  # the vector of row j from column c0
        return self.builder.bitcast(self.at(j, c0, base), self.vec.as_pointer())

    def load(self, ptr):
        return self.builder.load(ptr, align=8)

    def store(self, v, ptr):
        b = self.builder
        if self.padded:
            v = b.select(self.inside, v, b.load(ptr, align=8))
        b.store(v, ptr, align=8)

    def loop(self, stop, body):  # body(j) for j = 0 .. stop - 1 (IR values)
        if isinstance(stop, int):
            for j in range(stop):
                body(self.const(j))
        else:
            with cgutils.for_range(self.builder, stop) as loop:
                body(loop.index)


def _emit_pivot(builder, at, c, stop, ok):
    """IR of the pivot search of step c: the first largest |S[r, c]| for r = c .. stop - 1
    (``at(j, r)`` points to the stored entry (j, r), which is S[r, j]). Returns (usable,
    p): usable the i1 "that pivot is > 0 and finite, and no earlier one failed", also
    stored into the i1 slot ``ok``; p its row."""
    dbl = ir.DoubleType()
    fabs = builder.module.declare_intrinsic("llvm.fabs", [dbl])
    best_slot = cgutils.alloca_once_value(builder, builder.call(fabs, [builder.load(at(c, c))]))
    p_slot = cgutils.alloca_once_value(builder, c)
    with cgutils.for_range_slice(builder, builder.add(c, ir.Constant(c.type, 1)), stop,
                                 ir.Constant(c.type, 1)) as (r, _):  # fmt: skip
        val = builder.call(fabs, [builder.load(at(c, r))])
        best = builder.load(best_slot)
        more = builder.fcmp_ordered(">", val, best)
        builder.store(builder.select(more, val, best), best_slot)
        builder.store(builder.select(more, r, builder.load(p_slot)), p_slot)
    best = builder.load(best_slot)
    usable = builder.and_(builder.fcmp_ordered(">", best, ir.Constant(dbl, 0.0)),
                          builder.fcmp_ordered("<", best, ir.Constant(dbl, math.inf)))  # fmt: skip
    usable = builder.and_(usable, builder.load(ok))  # after a failure: nothing more
    builder.store(usable, ok)
    return usable, builder.load(p_slot)


def _emit_gj(x, w, k, n, piv):
    """IR of the first part of :func:`_lu_row` for the block of ``x`` (:class:`_Block`):
    the Schur complement S_k^T = D_k^T - G_(k-1)^T L_k and its Gauss-Jordan inversion with
    partial pivoting by rows of S, in place (pivot rows into piv; the columns of the
    inverse are swapped back by the caller). Each stored row j (column j of S) is one
    vector, so an elimination step is one multiply-add per column; the steps and the pivot
    search (the first largest |S[r, c]|, r >= c) are those of :func:`_lu_row`'s loops, with
    the same results. The pivot columns c are a loop at run time, the columns j of a step
    unrolled when the size is known: code in proportion to b (unrolled in c too it was as
    fast, and sizes 3-17 took ~12 s to compile). Returns the i1 flag "no pivot was 0 or
    not finite"."""
    builder = x.builder
    dbl = ir.DoubleType()
    ones = ir.Constant(x.vec, [1.0] * x.width)
    zeros = ir.Constant(x.vec, [0.0] * x.width)
    with builder.if_then(builder.icmp_signed(">", k, x.const(0))):
        prev = builder.gep(w, [builder.mul(builder.sub(k, x.const(1)), x.block)])
        low_slot = cgutils.alloca_once_value(builder, zeros)  # the diagonal of L_k
        low_ptr = builder.bitcast(low_slot, dbl.as_pointer())
        b2 = builder.mul(x.rows, x.const(2))
        x.loop(x.count, lambda i: builder.store(builder.load(x.at(i, b2)),
                                                builder.gep(low_ptr, [i])))  # fmt: skip
        low = builder.load(low_slot)

        def update(j):
            g = x.load(x.row(j, x.rows, prev))
            dst = x.row(j, 0)
            v = builder.fsub(x.load(dst), builder.fmul(g, low, flags=_CONTRACT), flags=_CONTRACT)
            x.store(v, dst)

        x.loop(x.count, update)
    ok = cgutils.alloca_once_value(builder, cgutils.true_bit)
    with cgutils.for_range(builder, x.rows) as outer:
        c = outer.index
        usable, p = _emit_pivot(builder, x.at, c, x.rows, ok)
        with builder.if_then(usable, likely=True):
            builder.store(p, builder.gep(piv, [c]))

            def swap(j):  # rows c and p of S: entries c and p of column j
                pc, pp = x.at(j, c), x.at(j, p)
                vc, vp = builder.load(pc), builder.load(pp)
                builder.store(vp, pc)
                builder.store(vc, pp)

            with cgutils.if_unlikely(builder, builder.icmp_signed("!=", p, c)):
                x.loop(x.count, swap)
            vc = x.load(x.row(c, 0))
            inv = builder.fdiv(ir.Constant(dbl, 1.0), builder.load(x.at(c, c)))
            lane_c = builder.icmp_signed("==", x.lanes, x.splat(c))
            lr = builder.select(lane_c, zeros, vc)  # S[r, c], r != c
            scale = builder.select(lane_c, x.splat(inv), ones)  # row c of S times inv
            unit = builder.select(lane_c, x.splat(inv), zeros)

            def eliminate(j):  # S[r, :] -= S[r, c] S[c, :] for every r != c, column j
                dst = x.row(j, 0)
                pivot = builder.icmp_signed("==", c, j)
                v = builder.select(pivot, unit, builder.fmul(x.load(dst), scale))
                a = builder.select(pivot, inv, builder.fmul(builder.load(x.at(j, c)), inv))
                x.store(builder.fsub(v, builder.fmul(lr, x.splat(a), flags=_CONTRACT),
                                     flags=_CONTRACT), dst)  # fmt: skip

            x.loop(x.count, eliminate)
    return builder.load(ok)


def _emit_g(x, k, n):
    """IR of the second part of :func:`_lu_row` for the block of ``x`` (:class:`_Block`),
    after the columns of the inverse are swapped back: G_k^T = (S_k^-1 U_k)^T from the
    non-zeros of U_k (unless k is the last stage), each row of G^T a sum of rows of S^-T as
    vectors, in the loops' order of operations, and the flush of the block's entries below
    FLUSH. U_k is read before G_k^T takes its place: the H+ and extractant rows of G^T
    first (from U's columns hh and ff of all rows), then the metal rows (each from
    U[c, c] and U's H+ and extractant rows), then the H+ and extractant rows stored (over
    U's H+ and extractant rows)."""
    builder = x.builder
    fabs = cgutils.get_or_insert_function(builder.module, ir.FunctionType(x.vec, [x.vec]),
                                          f"llvm.fabs.v{x.width}f64")  # fmt: skip
    floor = ir.Constant(x.vec, [FLUSH] * x.width)
    zeros = ir.Constant(x.vec, [0.0] * x.width)
    m = x.plus(x.count, -2)
    hh, ff = m, x.plus(m, 1)

    def flushed(v):
        return builder.select(builder.fcmp_ordered(">=", builder.call(fabs, [v]), floor),
                              v, zeros)  # fmt: skip

    def mul(v, s):
        return builder.fmul(v, x.splat(s), flags=_CONTRACT)

    def add(u, v):
        return builder.fadd(u, v, flags=_CONTRACT)

    def u(j, c):  # U[j, c]: column c of the upper part
        return builder.load(x.at(j, x.plus(x.rows, c)))

    with builder.if_then(builder.icmp_signed("<", k, builder.sub(n, x.const(1)))):
        rh = x.load(x.row(hh, 0))
        rf = x.load(x.row(ff, 0))
        gh = cgutils.alloca_once_value(builder, add(mul(rh, u(hh, hh)), mul(rf, u(ff, hh))))
        gf = cgutils.alloca_once_value(builder, add(mul(rh, u(hh, ff)), mul(rf, u(ff, ff))))

        def h_f_rows(r):  # U[r, hh] and U[r, ff] of metal row r
            rr = x.load(x.row(r, 0))
            builder.store(add(builder.load(gh), mul(rr, u(r, hh))), gh)
            builder.store(add(builder.load(gf), mul(rr, u(r, ff))), gf)

        def metal_row(c):  # U[c, c], U[hh, c] and U[ff, c]
            g = add(add(mul(x.load(x.row(c, 0)), u(c, c)), mul(rh, u(hh, c))),
                    mul(rf, u(ff, c)))  # fmt: skip
            x.store(flushed(g), x.row(c, x.rows))

        x.loop(m, h_f_rows)
        x.loop(m, metal_row)
        x.store(flushed(builder.load(gh)), x.row(hh, x.rows))
        x.store(flushed(builder.load(gf)), x.row(ff, x.rows))

    def flush_row(j):
        ptr = x.row(j, 0)
        x.store(flushed(x.load(ptr)), ptr)

    x.loop(x.count, flush_row)


#: Vector widths of the factorisation for block sizes above :data:`UNROLLED_MAX`: each
#: (smallest size, largest size, width), width <= 2 * smallest + 1 so that no vector read
#: leaves the array (see :class:`_Block`; a test checks it). Block LU at 100 stages,
#: random blocks, one process (2026-12-06): 10 metals 92 -> 62 us, 15 metals 186 -> 142 us
_WIDE = ((11, 15, 16), (16, 17, 32))
#: Largest block size with code of its own in the vector factorisation [-]
UNROLLED_MAX = 10


def _lu_switch(builder, rows, emit):
    """The factorisation's switch on the block size ``rows``: one case per size b up to
    :data:`UNROLLED_MAX` (``emit(b as an IR constant, b, b)``), then one per range of
    :data:`_WIDE` (``emit(rows, width, None)``); returns the i1 of the case that ran
    (False for another size)."""
    cases = [(b, b, lambda b=b: emit(ir.Constant(rows.type, b), b, b))
             for b in range(LU_MIN, UNROLLED_MAX + 1)]  # fmt: skip
    cases += [(lo, hi, lambda width=width: emit(rows, width, None)) for lo, hi, width in _WIDE]
    return _size_switch(builder, rows, cases)


def _size_switch(builder, rows, cases):
    """A switch on the block size ``rows``: for each (lo, hi, emit) of ``cases`` one block
    of IR, ``emit()``'s, for the sizes lo to hi, emit() returning an i1 or None (True);
    returns the i1 of the case that ran (False for a size of no case)."""
    done = builder.append_basic_block("size_done")
    other = builder.append_basic_block("size_other")
    switch = builder.switch(rows, other)
    results = []
    for lo, hi, emit in cases:
        block = builder.append_basic_block(f"size_b{lo}_{hi}")
        for b in range(lo, hi + 1):
            switch.add_case(ir.Constant(rows.type, b), block)
        builder.position_at_end(block)
        ok = emit()
        results.append((cgutils.true_bit if ok is None else ok, builder.block))
        builder.branch(done)
    builder.position_at_end(other)
    builder.branch(done)
    builder.position_at_end(done)
    phi = builder.phi(ir.IntType(1))
    for ok, block in results:
        phi.add_incoming(ok, block)
    phi.add_incoming(cgutils.false_bit, other)
    return phi


def _is_blocks(w):
    return (
        isinstance(w, types.Array) and w.ndim == 3 and w.layout == "C" and w.dtype == types.float64
    )


@intrinsic
def _simd_gj(typingctx, w, k, piv):
    """Schur complement and its inverse of stage k of the factorisation, in vector
    instructions for the block sizes :data:`LU_MIN` to :data:`LU_MAX` (the caller checks
    the range; :func:`_emit_gj`, with code of its own per size up to :data:`UNROLLED_MAX`
    and per vector width of :data:`_WIDE` above); the pivot rows into piv. Measured
    2026-12-06, 100 stages x 6 metals, one process: block LU 32 -> 17 us with
    :func:`_simd_g` (the loops were scalar code: the compiler vectorises no loop of a
    run-time length of 8). Returns False if a pivot is 0 or not finite."""
    if not (_is_blocks(w) and isinstance(k, types.Integer) and isinstance(piv, types.Array)
            and piv.dtype == types.int64 and piv.layout == "C"):  # fmt: skip
        return None

    def codegen(context, builder, signature, args):
        wa = context.make_array(signature.args[0])(context, builder, args[0])
        pa = context.make_array(signature.args[2])(context, builder, args[2])
        kk = context.cast(builder, args[1], signature.args[1], types.intp)
        n, rows, cols = cgutils.unpack_tuple(builder, wa.shape, 3)
        return _lu_switch(
            builder,
            rows,
            lambda rows_, width, size: _emit_gj(
                _Block(builder, wa.data, kk, n, cols, rows_, width, size), wa.data, kk, n, pa.data
            ),
        )

    return types.boolean(w, k, piv), codegen


@intrinsic
def _simd_g(typingctx, w, k):
    """G_k and the flush of stage k's block in vector instructions, block sizes
    :data:`LU_MIN` to :data:`LU_MAX` (:func:`_emit_g`, per size or width as
    :func:`_simd_gj`)."""
    if not (_is_blocks(w) and isinstance(k, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        wa = context.make_array(signature.args[0])(context, builder, args[0])
        kk = context.cast(builder, args[1], signature.args[1], types.intp)
        n, rows, cols = cgutils.unpack_tuple(builder, wa.shape, 3)
        _lu_switch(
            builder,
            rows,
            lambda rows_, width, size: _emit_g(
                _Block(builder, wa.data, kk, n, cols, rows_, width, size), kk, n
            ),
        )
        return context.get_dummy_value()

    return types.none(w, k), codegen


#: Smallest and largest block size (M + 2) solved by :func:`_simd_solve`: 1 to 15 metals [-]
SIMD_MIN, SIMD_MAX = 3, 17


@njit(cache=True, error_model="numpy", inline="always", **BORROWED)
def _block_solve(w, rhs, tmp):
    """Solve J dv = rhs in place with the factors of :func:`_block_lu`; False if not
    finite. Block sizes :data:`SIMD_MIN` to :data:`SIMD_MAX` (1 to 15 metals) by
    :func:`_simd_solve` (vector instructions), larger ones by :func:`_solve_blocks` (scalar
    loops, tmp its (3, b) work array)."""
    b = w.shape[1]
    if SIMD_MIN <= b <= SIMD_MAX:
        return _simd_solve(w, rhs)
    return _solve_blocks(w, rhs, tmp)


@intrinsic
def _simd_solve(typingctx, w, rhs):
    """:func:`_solve_blocks` in LLVM vector instructions, one code path per block size b
    from :data:`SIMD_MIN` to :data:`SIMD_MAX` (a switch on w.shape[1]; the caller checks the
    range): each block product is b vector multiplies (a column of the transposed S_k^-1
    or G_k times one element of the vector, broadcast) summed as a tree, and the running
    vector stays in registers from stage to stage. The solve is a chain of 2N dependent
    block products; numba's scalar code for them (b independent sums of b multiply-adds)
    is bound by the latency of its sums and the count of its multiply-adds alike (~32
    cycles per product for b = 8), the tree of vector products by ~4 operations in
    sequence. Measured 2026-12-06 at 100 stages, one process, per solve: 6 metals (b = 8)
    2.93 -> 1.92 us (a vector version that kept the scalar code's sequential sums: 3.0
    us); 7 metals 6.67 -> 3.56, 12 metals 12.9 -> 5.3, 15 metals 17.1 -> 6.8 us (the
    scalar loops were compiled per size only up to b = 8). The sums go in another order
    than the scalar code's (same rounding error bound). The finiteness check rides along:
    0 * every result, summed, is nan unless all are finite. Returns True if the solution
    is finite."""
    if not (
        _is_blocks(w)
        and isinstance(rhs, types.Array)
        and rhs.ndim == 1
        and rhs.layout == "C"
        and rhs.dtype == types.float64
    ):
        return None

    def codegen(context, builder, signature, args):
        wa = context.make_array(signature.args[0])(context, builder, args[0])
        ra = context.make_array(signature.args[1])(context, builder, args[1])
        n, rows, cols = cgutils.unpack_tuple(builder, wa.shape, 3)
        cases = [(b, b, lambda b=b: _emit_solve(builder, wa.data, ra.data, n, cols, b))
                 for b in range(SIMD_MIN, SIMD_MAX + 1)]  # fmt: skip
        return _size_switch(builder, rows, cases)  # another size: _block_solve checks it

    return types.boolean(w, rhs), codegen


def _emit_solve(builder, w, rhs, n, cols, b):
    """IR of :func:`_simd_solve` for the block size b: w and rhs are pointers to the first
    double of the factors and of the right-hand side, n the stages, cols the row length
    of a block (2b + 1). Returns the i1 finiteness flag."""
    vec = ir.VectorType(ir.DoubleType(), b)
    intp = n.type
    i32 = ir.IntType(32)
    block = builder.mul(ir.Constant(intp, b), cols)

    def at(array, offset):  # b doubles from array[offset] as a pointer to a vector
        return builder.bitcast(builder.gep(array, [offset]), vec.as_pointer())

    def product(base, c0, x):  # sum_j (row j of the block from column c0) * x[j]
        terms = []
        for j in range(b):
            off = builder.add(builder.mul(ir.Constant(intp, j), cols), ir.Constant(intp, c0))
            lane = ir.Constant(ir.VectorType(i32, b), [j] * b)
            terms.append(builder.fmul(builder.load(at(base, off), align=8),
                                      builder.shuffle_vector(x, x, lane)))  # fmt: skip
        while len(terms) > 1:
            pairs = range(0, len(terms) - 1, 2)
            terms = [builder.fadd(terms[i], terms[i + 1]) for i in pairs] + terms[len(terms) & ~1 :]
        return terms[0]

    zero = ir.Constant(vec, [0.0] * b)
    t = cgutils.alloca_once_value(builder, zero)
    with cgutils.for_range(builder, n) as loop:  # forward: z_k = S^-1 (rhs_k - L_k z_(k-1))
        k = loop.index
        base = builder.gep(w, [builder.mul(k, block)])
        lower = ir.Constant(vec, ir.Undefined)
        for i in range(b):
            off = builder.add(builder.mul(ir.Constant(intp, i), cols), ir.Constant(intp, 2 * b))
            lower = builder.insert_element(lower, builder.load(builder.gep(base, [off])),
                                           ir.Constant(i32, i))  # fmt: skip
        r = at(rhs, builder.mul(k, ir.Constant(intp, b)))
        z = product(base, 0, builder.fsub(builder.load(r, align=8),
                                          builder.fmul(lower, builder.load(t))))  # fmt: skip
        builder.store(z, t)
        builder.store(z, r, align=8)
    check = cgutils.alloca_once_value(builder, builder.fmul(builder.load(t), zero))
    last = builder.sub(n, ir.Constant(intp, 1))
    with cgutils.for_range(builder, last) as loop:  # backward: dv_k = z_k - G_k dv_(k+1)
        k = builder.sub(builder.sub(last, ir.Constant(intp, 1)), loop.index)
        base = builder.gep(w, [builder.mul(k, block)])
        r = at(rhs, builder.mul(k, ir.Constant(intp, b)))
        dv = builder.fsub(builder.load(r, align=8), product(base, b, builder.load(t)))
        builder.store(dv, t)
        builder.store(dv, r, align=8)
        builder.store(builder.fadd(builder.load(check), builder.fmul(dv, zero)), check)
    total = builder.load(check)
    s = builder.extract_element(total, ir.Constant(i32, 0))
    for i in range(1, b):
        s = builder.fadd(s, builder.extract_element(total, ir.Constant(i32, i)))
    return builder.fcmp_ordered("ord", s, s)


@njit(cache=True, error_model="numpy", fastmath=_FAST, inline="always")
def _block_product(wk, c0, vec, init, io, sign, out, b):
    """out[i] = init[io + i] + sign * sum_j wk[j, c0 + i] vec[j] for every row i of a
    block of size b (sign +1 or -1; the blocks are stored transposed, :func:`_lu_row`),
    summed with j ascending: the forward and the backward products of
    :func:`_solve_blocks`. The rows go in groups of 8 (then 4, then single) with one
    partial sum each: each element of vec is loaded once per group instead of once per
    row (a store to out could alias it, so the compiler reloads it) and the rows' sums are
    independent chains. Measured 2026-12-06 at 100 stages x 6 metals: block solve 5.1 ->
    4.1 us (scalar code: numba emits no packed FMAs for these loops; the block sizes
    :data:`SIMD_MIN` to :data:`SIMD_MAX` now take :func:`_simd_solve`)."""
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
            s0 += sign * wk[j, c0 + i] * vj
            s1 += sign * wk[j, c0 + i + 1] * vj
            s2 += sign * wk[j, c0 + i + 2] * vj
            s3 += sign * wk[j, c0 + i + 3] * vj
            s4 += sign * wk[j, c0 + i + 4] * vj
            s5 += sign * wk[j, c0 + i + 5] * vj
            s6 += sign * wk[j, c0 + i + 6] * vj
            s7 += sign * wk[j, c0 + i + 7] * vj
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
            s0 += sign * wk[j, c0 + i] * vj
            s1 += sign * wk[j, c0 + i + 1] * vj
            s2 += sign * wk[j, c0 + i + 2] * vj
            s3 += sign * wk[j, c0 + i + 3] * vj
        out[i] = s0
        out[i + 1] = s1
        out[i + 2] = s2
        out[i + 3] = s3
    for i in range(r4, b):
        s0 = init[io + i]
        for j in range(b):
            s0 += sign * wk[j, c0 + i] * vec[j]
        out[i] = s0


@njit(cache=True, error_model="numpy", fastmath=_FAST, **BORROWED)
def _solve_blocks(w, rhs, tmp):
    """Solve J dv = rhs in place with the factors of :func:`_block_lu` (forward:
    z_k = S_k^-1 (rhs_k - L_k z_(k-1)); backward: dv_k = z_k - G_k dv_(k+1), the block
    products by :func:`_block_product`, the block size read at run time; tmp a (3, b)
    work array); False if not finite."""
    n = w.shape[0]
    b = w.shape[1]
    b2 = 2 * b
    t, u, zero = tmp[0], tmp[1], tmp[2]
    for i in range(b):
        t[i] = 0.0
        u[i] = 0.0
        zero[i] = 0.0
    for k in range(n):
        o = k * b
        wk = w[k]
        for i in range(b):
            u[i] = rhs[o + i] - wk[i, b2] * t[i]  # t holds z_(k-1); L_k is 0 for k = 0
        _block_product(wk, 0, u, zero, 0, 1.0, t, b)
        for i in range(b):
            rhs[o + i] = t[i]
    # t holds z_(n-1) = dv_(n-1)
    for k in range(n - 2, -1, -1):
        o = k * b
        wk = w[k]
        _block_product(wk, b, t, rhs, o, -1.0, u, b)
        for i in range(b):
            t[i] = u[i]
            rhs[o + i] = u[i]
    ok = True
    for j in range(n * b):
        if not math.isfinite(rhs[j]):
            ok = False
    return ok
