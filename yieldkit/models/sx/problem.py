"""One cascade's fixed data (flows, sources, scales), checked and built from the feeds;
the part of it with the metals present in some feed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from yieldkit.errors import InfeasibleStateError, SpecificationError, did_you_mean, float_array
from yieldkit.models.sx.backend import _NO_SIDES, _kernel
from yieldkit.models.sx.distribution import DistributionModel
from yieldkit.models.sx.solution import SideFeed


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
    eff: float = 1.0  # Murphree stage efficiency of the aqueous phase [-]
    s_am: np.ndarray | None = None  # (N, M) metal sources in aqueous feeds [mol/s]

    def __post_init__(self) -> None:
        # C-contiguous arrays, the layout of the kernel's end-fed entry: numba compiles
        # per layout, and the reversed cumulative sum of qo, a column subset of s_m
        # (active_part) or a copy of one (the loading path) compiled the kernel's whole
        # Newton again on a first run (~10 s each)
        for name in ("qa", "qo", "s_m", "s_h", "e", "scale_m", "s_hm", "s_am"):
            a = getattr(self, name)
            if a is not None and not a.flags.c_contiguous:
                object.__setattr__(self, name, np.ascontiguousarray(a))


#: Lowest H+ of a solution and of the aqueous feed: pH 14, beyond which no aqueous model
#: here applies [mol/m3]
H_MIN = 1e-11

#: Largest feed concentration accepted [mol/m3]: 100 mol/L, above any liquid (water is
#: 55 mol/L, undiluted D2EHPA ~3 mol/L); larger values are a unit mistake
MAX_CONC = 1e5


def _check_array(name: str, arr, shape) -> np.ndarray:
    a = float_array(arr, f"{name} = {{!r}} must be an array of concentrations [mol/m3] (numbers).")
    if a.shape != shape:
        raise SpecificationError(f"{name} has shape {a.shape}, expected {shape}.")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise SpecificationError(f"{name} = {a} must be finite and >= 0 [mol/m3].")
    return a


def check_feed_range(aq_feed, org_feed, side_feeds) -> None:
    """The caller's feeds at most :data:`MAX_CONC` (checked where ``solve_cascade`` is
    entered from outside: the acid-shift fallback feeds more acid on purpose). The
    compiled fast path applies the same limit (its status 1 sends such input here)."""
    named = [("aq_feed", aq_feed), ("org_feed", org_feed)]
    named += [
        (f"side_feeds[{i}].conc", getattr(sf, "conc", None))
        for i, sf in enumerate(side_feeds or ())
    ]
    for name, arr in named:
        try:
            a = np.asarray(arr, dtype=float)
        except (TypeError, ValueError):
            continue  # not an array of numbers: _setup names it
        if a.size and np.max(np.where(np.isfinite(a), a, 0.0)) > MAX_CONC:
            # InfeasibleStateError (a SpecificationError): a tear solver's extrapolated trial
            # point may produce it, and retreats from it
            raise InfeasibleStateError(
                f"{name} = {a} mol/m3 exceeds {MAX_CONC:g} mol/m3 (100 mol/L, above any "
                "liquid): concentrations are in mol/m3 (= mmol/L)."
            )


#: Types taken as a real number (bool, an int, is not)
_REALS = (int, float, np.integer, np.floating)

#: Types taken as an integer count
_INTEGERS = (int, np.integer)


def _is_real(value, types=_REALS) -> bool:
    return isinstance(value, types) and not isinstance(value, bool)


def _check_flow(name: str, q) -> float:
    if not _is_real(q):
        raise SpecificationError(f"{name} = {q!r} must be a number of m3/s, finite and > 0.")
    q = float(q)
    if not (math.isfinite(q) and q > 0):
        raise SpecificationError(f"{name} = {q!r} m3/s must be finite and > 0.")
    return q


def check_arguments(q_aq, q_org, n_stages, tol, max_iter) -> None:
    """The scalar arguments of :func:`~yieldkit.models.sx.cascade.solve_cascade`, checked
    before any solve (the feeds and side feeds are checked with the setup): flows real
    and > 0, n_stages an integer >= 1, 0 < tol < 1, max_iter an integer >= 1 (a bool is
    neither a number nor a count here)."""
    _check_flow("Q_aq", q_aq)
    _check_flow("Q_org", q_org)
    if not _is_real(n_stages, _INTEGERS) or n_stages < 1:
        raise SpecificationError(f"n_stages = {n_stages!r} must be an integer >= 1.")
    if not (_is_real(tol) and 0 < tol < 1):
        raise SpecificationError(
            f"tol = {tol!r} must be a number with 0 < tol < 1 (the scaled residual, max norm, "
            "at which Newton stops; default 1e-12)."
        )
    if not _is_real(max_iter, _INTEGERS) or max_iter < 1:
        raise SpecificationError(
            f"max_iter = {max_iter!r} must be an integer >= 1 (Newton iterations; default 100)."
        )


def check_efficiency(stage_efficiency) -> float:
    """The Murphree stage efficiency as a float in (0, 1], or SpecificationError."""
    if not _is_real(stage_efficiency) or not 0 < stage_efficiency <= 1:
        raise SpecificationError(
            f"stage_efficiency = {stage_efficiency!r}, accepted 0 < E <= 1 (the Murphree "
            "efficiency of the aqueous phase; 1: equilibrium stages)."
        )
    return float(stage_efficiency)


def _setup(model, aq_feed, org_feed, q_aq, q_org, n_stages, side_feeds, eff: float) -> _Setup:
    """The cascade's flows, sources and scales (checked) for Murphree efficiency ``eff``."""
    m = model.n_metals
    if not _is_real(n_stages, _INTEGERS) or n_stages < 1:
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
    if aq[m] < H_MIN:
        raise InfeasibleStateError(  # (as check_feed_range: a trial point may produce it)
            f"aq_feed H+ = {float(aq[m])!r} mol/m3 is below {H_MIN:g} mol/m3 (pH 14), outside "
            "every distribution model here; pH 7 is 1e-4 mol/m3."
        )
    if not org[m] > 0:
        raise SpecificationError(f"org_feed extractant = {float(org[m])!r} mol/m3 must be > 0.")

    aq_side = np.zeros(n)
    org_side = np.zeros(n)
    s_m = np.zeros((n, m))
    s_h = np.zeros(n)
    s_hm = np.zeros(n)
    s_am = np.zeros((n, m))
    e_in = np.zeros(n)  # extractant entering stage k from outside [mol/s]
    feeds = [SideFeed(1, "aq", q_aq, aq), SideFeed(n, "org", q_org, org)]
    for i, sf in enumerate(side_feeds or ()):
        if not isinstance(sf, SideFeed):
            raise SpecificationError(f"side_feeds[{i}] = {sf!r} is not a SideFeed.")
        if not (_is_real(sf.stage, _INTEGERS) and 1 <= sf.stage <= n):
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
            s_am[k] += sf.flow * sf.conc[:m]
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
        eff,
        s_am,
    )


def _fast_setup(model, aq_feed, org_feed, q_aq, q_org, n_stages, side_feeds) -> _Setup | None:
    """:func:`_setup`, checked and built in the kernel (None when the input is invalid:
    the caller runs :func:`_setup` for the message). The scalar arguments are checked
    already (:func:`check_arguments`)."""
    feeds = kernel_feeds(model, aq_feed, org_feed, side_feeds)
    if feeds is None:
        return None
    aq, org, sides = feeds
    out = _kernel().fast_setup(
        aq, org, float(q_aq), float(q_org), int(n_stages), model.z, model.ha_bound, *sides
    )
    if out[0] != 0:
        return None
    qa, qo, s_m, s_h, s_hm, e, scale_m, scale_h, h_in, f_in = out[1:]
    return _Setup(qa, qo, s_m, s_h, e, scale_m, scale_h, h_in, f_in, s_hm, model.z)


def kernel_feeds(model, aq_feed, org_feed, side_feeds) -> tuple | None:
    """The feeds as the kernel takes them: (aq, org) as float arrays of one dimension and
    the side feeds as :func:`_side_arrays` gives them; None if one does not convert (the
    general path's checks name it; the kernel checks shapes and ranges)."""
    try:
        aq = np.asarray(aq_feed, dtype=float)
        org = np.asarray(org_feed, dtype=float)
    except (TypeError, ValueError):
        return None
    sides = _side_arrays(side_feeds, model.n_metals)
    if aq.ndim != 1 or org.ndim != 1 or sides is None:
        return None
    return aq, org, sides


def _side_arrays(side_feeds, m: int) -> tuple | None:
    """The side feeds as the kernel takes them (stages, aqueous or not, flows, (k, M+1)
    concentrations), or None if one is not a SideFeed of numbers of the right shape (the
    general path names it; the kernel checks the ranges)."""
    if not side_feeds:
        return _NO_SIDES
    try:
        k = len(side_feeds)
    except TypeError:
        return None
    stage = np.empty(k, dtype=np.int64)
    is_aq = np.empty(k, dtype=np.bool_)
    flow = np.empty(k)
    conc = np.empty((k, m + 1))
    for j, sf in enumerate(side_feeds):
        if not (isinstance(sf, SideFeed) and sf.phase in ("aq", "org")):
            return None
        if not (_is_real(sf.stage, _INTEGERS) and _is_real(sf.flow)):
            return None
        try:
            c = np.asarray(sf.conc, dtype=float)
        except (TypeError, ValueError):
            return None
        if c.shape != (m + 1,):
            return None
        stage[j] = sf.stage
        is_aq[j] = sf.phase == "aq"
        flow[j] = sf.flow
        conc[j] = c
    return stage, is_aq, flow, conc


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


def active_part(model: DistributionModel, st: _Setup):
    """The model and setup of the metals present in some feed (``st.scale_m > 0``) and
    the mask of the variables kept per stage; the cascade itself when all are present."""
    active = st.scale_m > 0
    keep = np.append(active, [True, True])
    if active.all():
        return model, st, keep
    sub = _subset_model(model, active)
    s_am = None if st.s_am is None else st.s_am[:, active]
    st_sub = replace(st, s_m=st.s_m[:, active], scale_m=st.scale_m[active], _z=sub.z, s_am=s_am)
    return sub, st_sub, keep


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
