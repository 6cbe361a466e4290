"""Multiphase gas–solid equilibrium with Cantera, made robust.

One ideal-gas phase (the gas species among the candidates) and one fixed-stoichiometry
phase per condensed species. Cantera objects are built once and cached (loading is slow).

Known Cantera pitfalls handled here, each covered by a test:

- a phase with zero moles trips the VCS solver (``vcs_popPhaseID: Index out of bounds``):
  every species with zero amount is seeded with ``seed_rel`` times the total amount, and
  the seed is removed afterwards; the amounts are then projected back onto the exact
  element totals of the input (weighted least squares, weights = amounts), so elements
  close to rounding error;
- the Gibbs (MultiPhaseEquil) solver fails on some condensed systems, and a solver may
  return without an error but with a wrong state: several attempts (solver, initial
  estimate) are made in order; each result is accepted only if elements are conserved to
  ``1e-10`` (relative, per element) and the chemical potentials satisfy the equilibrium
  conditions (present species on one element-potential plane, absent condensed phases
  above it);
- if no attempt passes, :class:`~yieldkit.errors.ThermoError` names T, P, the amounts and
  what each attempt reported.

The cached Cantera objects hold state: do not call these functions from several threads
at once (processes are fine).

References
----------
Smith, W. R. and Missen, R. W. (1982). Chemical Reaction Equilibrium Analysis. Wiley
(the VCS algorithm, as implemented in Cantera).
Goodwin, D. G. et al. Cantera 3.2 (key ``Cantera2025``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

import cantera as ct
import numpy as np
from scipy.optimize import brentq, linprog

from yieldkit import citations
from yieldkit.errors import SpecificationError, ThermoError, did_you_mean
from yieldkit.models.thermo._checks import check_amounts, check_positive
from yieldkit.models.thermo.database import element_matrix, lookup
from yieldkit.models.thermo.enthalpy import molar_enthalpies

#: attempts tried in order: (Cantera solver, estimate_equil flag)
DEFAULT_ATTEMPTS: tuple[tuple[str, int], ...] = (
    ("vcs", 0),
    ("vcs", -1),
    ("gibbs", 0),
    ("gibbs", -1),
)
SOLVERS = ("vcs", "gibbs", "auto")
MODES = ("TP", "HP")
SEED_REL = 1e-20  # [-] seed for zero amounts, relative to the total amount
CONSERVATION_RTOL = 1e-10  # [-] per element
KKT_TOL = 1e-5  # [-] tolerance on mu/RT in the equilibrium-condition check
PRESENT = 1e-12  # [-] amount (relative to total) above which a species counts as present


@cache
def _condensed_phase(name: str, index: int) -> ct.Solution:
    sp = lookup(name).polymorphs[index]
    phase = ct.Solution(thermo="fixed-stoichiometry", species=[sp], name=f"{name}[{sp.name}]")
    return phase


@cache
def _gas_phase(names: tuple[str, ...]) -> ct.Solution:
    return ct.Solution(
        thermo="ideal-gas", species=[lookup(n).polymorphs[0] for n in names], name="gas"
    )


@lru_cache(maxsize=512)
def _mixture(gas: tuple[str, ...], condensed: tuple[tuple[str, int], ...]):
    """A cached Mixture and the mixture index of each species (gas first, then condensed)."""
    phases = []
    if gas:
        phases.append((_gas_phase(gas), 0.0))
    phases += [(_condensed_phase(n, i), 0.0) for n, i in condensed]
    mix = ct.Mixture(phases)
    return mix, np.arange(len(gas) + len(condensed))


def _cantera_equilibrate(mix: ct.Mixture, solver: str, estimate: int, rtol: float, max_steps: int):
    """The one call into Cantera's solver (a separate function so tests can replace it)."""
    mix.equilibrate("TP", solver=solver, rtol=rtol, max_steps=max_steps, estimate_equil=estimate)


def _project(A: np.ndarray, n: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest amount-weighted change of n >= 0 that makes A n = b exactly."""
    n = np.where(n > 0, n, 0.0)
    absent = b <= 0
    if absent.any():  # elements not in the input: drop every species containing them
        n = np.where((A[absent] > 0).any(axis=0), 0.0, n)
        A, b = A[~absent], b[~absent]
    for _ in range(2):
        r = b - A @ n
        W = n
        M = (A * W) @ A.T
        lam = np.linalg.lstsq(M, r, rcond=None)[0]
        n = np.where(n + W * (A.T @ lam) > 0, n + W * (A.T @ lam), 0.0)
    return n


def _element_error(A: np.ndarray, n: np.ndarray, b: np.ndarray, atol: float) -> np.ndarray:
    """Per-element error |A n − b| divided by its tolerance (<= 1 passes) [-]."""
    return np.abs(A @ n - b) / (CONSERVATION_RTOL * np.abs(b) + atol)


def _kkt_residual(A, n, mu_rt, is_gas) -> float:
    """Largest violation of the equilibrium conditions [-] (mu/RT units).

    There must be element potentials lambda such that every present species (amount >
    PRESENT of the total; every gas species when the gas phase is present) lies on the
    plane mu_i/RT = a_i . lambda and every absent condensed species lies on or above it.
    lambda comes from least squares when the present species fix it; otherwise (fewer
    independent present species than elements, e.g. a single condensed phase) from a
    small linear programme minimising the largest violation.
    """
    total = n.sum()
    present = n > PRESENT * total
    if is_gas.any() and n[is_gas].sum() > PRESENT * total:
        present |= is_gas & (n > 1e-200)
    absent = ~present & ~is_gas
    Ap = A[:, present].T
    if np.linalg.matrix_rank(Ap) == A.shape[0] or not absent.any():
        lam = np.linalg.lstsq(Ap, mu_rt[present], rcond=None)[0]
        resid = mu_rt - A.T @ lam
        worst = np.max(np.abs(resid[present]), initial=0.0)
        return float(max(worst, np.max(-resid[absent], initial=0.0)))
    m = A.shape[0]  # variables: lambda (free), t >= 0; minimise t
    Aa = A[:, absent].T
    ones_p, ones_a = np.ones((Ap.shape[0], 1)), np.ones((Aa.shape[0], 1))
    A_ub = np.vstack(
        [np.hstack([Ap, -ones_p]), np.hstack([-Ap, -ones_p]), np.hstack([Aa, -ones_a])]
    )
    b_ub = np.concatenate([mu_rt[present], -mu_rt[present], mu_rt[absent]])
    c = np.zeros(m + 1)
    c[-1] = 1.0
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * m + [(0, None)], method="highs")
    return float(res.x[-1]) if res.status == 0 else float("inf")


def _solve_tp(names, x, T, P, *, attempts, seed_rel, rtol, max_steps, extrapolate):
    """TP equilibrium of amounts x (any scale); returns (amounts, info)."""
    entries = [lookup(n) for n in names]
    idx = [e.active_index(T, extrapolate) for e in entries]
    gas = tuple(n for n, e in zip(names, entries, strict=True) if e.phase == "g")
    cond = tuple((n, i) for n, e, i in zip(names, entries, idx, strict=True) if e.phase != "g")
    order = [names.index(n) for n in gas] + [names.index(n) for n, _ in cond]
    mix, _ = _mixture(gas, cond)
    perm = np.array(order)  # mixture position k holds caller species perm[k]
    inv = np.argsort(perm)
    is_gas = np.array([e.phase == "g" for e in entries])

    _, A = element_matrix(names)
    total = x.sum()
    z = x / total  # 1 kmol in Cantera
    seed = np.where(z == 0, seed_rel, 0.0)
    b = A @ z
    b_seeded = A @ (z + seed)
    atol_seeded = 1e-15 * max(b_seeded.max(), 1e-300)
    log = []
    for solver, est in attempts:
        tag = f"{solver}(estimate_equil={est})"
        mix.T = T
        mix.P = P
        mix.species_moles = (z + seed)[perm]
        try:
            _cantera_equilibrate(mix, solver, est, rtol, max_steps)
        except ct.CanteraError as err:
            lines = [ln.strip() for ln in str(err).splitlines() if ln.strip() and "***" not in ln]
            log.append(f"{tag}: CanteraError {' '.join(lines)[:200]}")
            continue
        y = np.asarray(mix.species_moles)[inv]
        if not np.all(np.isfinite(y)) or y.min() < -1e-12:
            log.append(f"{tag}: non-finite or negative amounts")
            continue
        err = _element_error(A, y, b_seeded, atol_seeded).max()
        if err > 1:
            log.append(f"{tag}: elements not conserved (error {err:.3g} x tolerance)")
            continue
        mu_rt = np.asarray(mix.chemical_potentials)[inv] / (ct.gas_constant * T)
        kkt = _kkt_residual(A, np.maximum(y, 0.0), mu_rt, is_gas)
        if kkt > KKT_TOL:
            log.append(f"{tag}: returned a non-equilibrium state (mu/RT residual {kkt:.3g})")
            continue
        out = _project(A, y - seed, b)
        final = _element_error(A, out, b, 1e-300).max()
        if final > 1:  # pragma: no cover - projection is exact to rounding
            log.append(f"{tag}: seed removal broke element closure ({final:.3g} x tolerance)")
            continue
        info = {
            "solver": solver,
            "estimate_equil": est,
            "attempts": log + [f"{tag}: ok"],
            "kkt_residual": kkt,
            "element_error": float(
                np.max(np.abs(A @ out - b) / np.where(b > 0, b, 1.0), initial=0)
            ),
            "polymorphs": {e.name: e.polymorphs[i].name for e, i in zip(entries, idx, strict=True)},
        }
        return out * total, info
    amounts = ", ".join(f"{n}={v:.6g}" for n, v in zip(names, x, strict=True))
    raise ThermoError(
        f"equilibrate: no solver attempt succeeded at T={T:g} K, P={P:g} Pa for amounts "
        f"[mol] {{{amounts}}}. Attempts: " + "; ".join(log)
    )


def equilibrate(
    names: Sequence[str],
    moles,
    T: float,
    P: float = ct.one_atm,
    *,
    mode: str = "TP",
    attempts: Sequence[tuple[str, int]] = DEFAULT_ATTEMPTS,
    seed_rel: float = SEED_REL,
    rtol: float = 1e-9,
    max_steps: int = 1000,
    extrapolate: bool = False,
) -> tuple[np.ndarray, dict]:
    """Gas–solid equilibrium of a set of candidate species.

    Every species in ``names`` may form, including those with zero amount: pass the full
    candidate list (e.g. the oxalate, oxycarbonate and oxide, and the gases).

    Parameters
    ----------
    names : sequence of str
        yieldkit species names (gases ``"O2(g)"``..., condensed ``"Nd2O3"``...).
    moles : array_like
        Initial amount of each species [mol] (flows [mol/s] work the same).
    T : float
        Temperature [K]; in mode ``"HP"`` the temperature of the initial amounts.
    P : float
        Pressure [Pa].
    mode : {"TP", "HP"}
        ``"TP"``: fixed T and P. ``"HP"``: adiabatic, fixed enthalpy and P; the final
        temperature is found by Brent's method on TP equilibria (robust across polymorph
        changes; Cantera's own HP iteration is not used).
    attempts : sequence of (str, int)
        (solver, estimate_equil) pairs tried in order; solver in ``"vcs"``, ``"gibbs"``,
        ``"auto"``.
    seed_rel : float
        Seed amount for zero-amount species, relative to the total amount [-].
    rtol : float
        Cantera convergence tolerance on Δmu/RT [-].
    max_steps : int
        Cantera step limit per attempt [-].
    extrapolate : bool
        Allow T outside a species' data range.

    Returns
    -------
    moles_out : numpy.ndarray
        Equilibrium amounts in the order of ``names`` [mol].
    info : dict
        ``T`` [K], ``P`` [Pa], ``solver`` and ``estimate_equil`` that succeeded,
        ``attempts`` (one line each), ``kkt_residual`` [-], ``element_error`` (largest
        relative per-element error) [-], ``polymorphs`` used, ``n_tp_solves``.

    Raises
    ------
    ThermoError
        If no attempt gives a verified equilibrium; the message names T, P and amounts.
    SpecificationError
        Bad names, amounts, temperature, pressure, mode or attempts.
    """
    names, n = check_amounts(names, moles, "equilibrate")
    T = check_positive(T, "temperature T", "equilibrate", "K")
    P = check_positive(P, "pressure P", "equilibrate", "Pa")
    if mode not in MODES:
        raise SpecificationError(
            f"equilibrate: unknown mode {mode!r}; accepted: {', '.join(MODES)}."
            f"{did_you_mean(mode, MODES) if isinstance(mode, str) else ''}"
        )
    attempts = tuple(tuple(a) for a in attempts)
    if not attempts or any(len(a) != 2 or a[0] not in SOLVERS for a in attempts):
        raise SpecificationError(
            f"equilibrate: attempts {attempts!r} must be a non-empty sequence of "
            f"(solver, estimate_equil) with solver in {SOLVERS}."
        )
    if not 0 <= seed_rel < 1e-6:
        raise SpecificationError(f"equilibrate: seed_rel = {seed_rel!r}; accepted range [0, 1e-6).")
    if n.sum() <= 0:
        raise SpecificationError("equilibrate: all amounts are zero; nothing to equilibrate.")
    citations.register("Cantera2025", *dict.fromkeys(k for nm in names for k in lookup(nm).sources))
    kw = dict(
        attempts=attempts,
        seed_rel=seed_rel,
        rtol=rtol,
        max_steps=max_steps,
        extrapolate=extrapolate,
    )
    if mode == "TP":
        out, info = _solve_tp(names, n, T, P, **kw)
        info.update(T=T, P=P, n_tp_solves=1)
        return out, info
    return _solve_hp(names, n, T, P, kw)


def _solve_hp(names, n, T_in, P, kw):
    """Adiabatic equilibrium: find T with H_eq(T) = H_in(T_in) by Brent's method."""
    h_target = float(n @ molar_enthalpies(names, T_in, extrapolate=kw["extrapolate"]))
    if kw["extrapolate"]:
        lo, hi = 200.0, 6000.0
    else:
        ranges = [lookup(nm).t_range for nm in names]
        lo, hi = max(r[0] for r in ranges), min(r[1] for r in ranges)
    count = [0]
    last = {}

    def f(T):
        out, info = _solve_tp(names, n, T, P, **kw)
        count[0] += 1
        last[T] = (out, info)
        return float(out @ molar_enthalpies(names, T, extrapolate=kw["extrapolate"])) - h_target

    f_lo, f_hi = f(lo), f(hi)
    if f_lo > 0 or f_hi < 0:
        raise ThermoError(
            f"equilibrate(mode='HP'): the adiabatic temperature from T={T_in:g} K, P={P:g} Pa "
            f"lies outside the data range {lo:g}-{hi:g} K (H_eq - H_in = {f_lo:.6g} J at "
            f"{lo:g} K, {f_hi:.6g} J at {hi:g} K)."
        )
    T_out = brentq(f, lo, hi, xtol=1e-7, rtol=1e-12)
    out, info = last.get(T_out) or _solve_tp(names, n, T_out, P, **kw)
    info.update(T=T_out, P=P, n_tp_solves=count[0], enthalpy_error=f(T_out))
    return out, info
