"""pH and acid-base speciation of leach liquors, vectorised over many liquors.

A liquor is described by the total analytical concentration ``C_j`` of each acid-base
system j (sulfate HSO4-/SO4-2, oxalate H2C2O4/HC2O4-/C2O4-2, ammonium NH4+/NH3, or any
user system) and the net charge ``Q`` of the strong ions (Na+, Cl-, NO3-, metal cations:
HCl and HNO3 count as fully dissociated, their anions enter ``Q``). H2SO4 is taken as fully
dissociated to HSO4-; only HSO4- = H+ + SO4-2 is an equilibrium. System j has ``n_j``
dissociations with constants ``Ka_j,i`` and its most protonated form carries charge
``z_j``; its form with ``k`` protons removed carries ``z_j - k``.

The free [H+] = h solves the charge balance (proton condition)::

    F(h) = h - Kw/h + Q + sum_j C_j (z_j - kbar_j(h)) = 0

with ``kbar_j`` the mean number of protons removed from system j. ``kbar_j`` falls as h
rises, so F is strictly increasing in h and has exactly one positive root. The root is
bracketed exactly: replacing every ``kbar_j`` by 0 (by ``n_j``) gives a quadratic whose
positive root is a lower (upper) bound on h. A safeguarded Newton iteration on ln h with
bisection fallback then converges for any composition, from 10 mol/L acid to strong base.

Concentrations stand for activities (ideal solution, activity coefficients one): pH
figures are therefore those of the ideal model, good for dilute liquors and trends, not a
substitute for a Pitzer/SIT model at high ionic strength. Constants are at 25 degC.

Units: concentrations [mol/L] (the unit of the equilibrium constants), charge [eq/L].

References
----------
PrOMMiS sulfuric-acid leach property model: Ka2(HSO4-) = 10^-1.99 mol/L.
Smith, R. M., Martell, A. E., Motekaitis, R. J., NIST Critically Selected Stability
Constants of Metal Complexes, NIST SRD 46 (2004): oxalic acid pKa 1.25 and 4.27 (I = 0).
Haynes, W. M. (ed.), CRC Handbook of Chemistry and Physics, 97th ed. (2016): NH4+ pKa
9.25, pKw 14.00 at 25 degC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from yieldkit import citations
from yieldkit.errors import ConvergenceError, SpecificationError, unknown_name
from yieldkit.models._bracket import newton_bisect
from yieldkit.models._compiled import compiled

LN10 = float(np.log(10.0))
#: Name of the charge-balance root in error messages; its tolerance on ln [H+] (absolute
#: below 1, relative above) and iteration limit, as newton_bisect's defaults [-]
_WHAT = "speciate charge balance"
_XTOL = 1e-14
_MAX_ITER = 200


@dataclass(frozen=True)
class AcidBaseSystem:
    """One acid-base system: its species from most to least protonated and its pKa values.

    Attributes
    ----------
    name : str
        System name, e.g. 'sulfate' [-].
    species : tuple of str
        Species names, most protonated first; one more than ``pKa`` [-].
    pKa : tuple of float
        Successive -log10 Ka, Ka in mol/L, 25 degC [-].
    charge : int
        Charge of the most protonated species [-].
    sources : tuple of str
        Citation keys of the constants [-].
    """

    name: str
    species: tuple[str, ...]
    pKa: tuple[float, ...]
    charge: int
    sources: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if len(self.species) != len(self.pKa) + 1:
            raise SpecificationError(
                f"acid-base system {self.name!r}: {len(self.species)} species need "
                f"{len(self.species) - 1} pKa values, got {len(self.pKa)}."
            )
        if list(self.pKa) != sorted(self.pKa):
            raise SpecificationError(
                f"acid-base system {self.name!r}: pKa values {self.pKa} must increase "
                "(successive dissociations are weaker)."
            )


SULFATE = AcidBaseSystem("sulfate", ("HSO4-", "SO4-2"), (1.99,), -1, ("PrOMMiS",))
OXALATE = AcidBaseSystem("oxalate", ("H2C2O4", "HC2O4-", "C2O4-2"), (1.25, 4.27), 0, ("NISTSRD46",))
AMMONIA = AcidBaseSystem("ammonia", ("NH4+", "NH3"), (9.25,), 1, ("Haynes2016",))
DEFAULT_SYSTEMS: tuple[AcidBaseSystem, ...] = (SULFATE, OXALATE, AMMONIA)
PKW = 14.0  # -log10 Kw at 25 degC, Kw in (mol/L)^2 [Haynes2016]


@dataclass(frozen=True)
class Speciation:
    """Result of :func:`speciate` for a batch of liquors (leading shape ``S``).

    Attributes
    ----------
    h : numpy.ndarray
        Free H+ concentration, shape S [mol/L].
    pH : numpy.ndarray
        -log10 of h (ideal activities) [-].
    oh : numpy.ndarray
        Free OH- concentration [mol/L].
    conc : tuple of numpy.ndarray
        Per system, species concentrations of shape S + (n_species,), most protonated
        first [mol/L].
    systems : tuple of AcidBaseSystem
        The systems, in the order of ``conc`` [-].
    """

    h: np.ndarray
    pH: np.ndarray
    oh: np.ndarray
    conc: tuple[np.ndarray, ...]
    systems: tuple[AcidBaseSystem, ...]

    def species(self, name: str) -> np.ndarray:
        """Concentration of one species by name (``'H+'``, ``'OH-'`` or a system species) [mol/L]."""
        if name == "H+":
            return self.h
        if name == "OH-":
            return self.oh
        for system, c in zip(self.systems, self.conc, strict=True):
            if name in system.species:
                return c[..., system.species.index(name)]
        names = ["H+", "OH-"] + [s for sys in self.systems for s in sys.species]
        raise SpecificationError(unknown_name("species", name, names, "this speciation"))

    @property
    def proton_total(self) -> np.ndarray:
        """Dissociable protons relative to the fully deprotonated forms and H2O [mol/L]."""
        total = self.h - self.oh
        for system, c in zip(self.systems, self.conc, strict=True):
            bound = len(system.pKa) - np.arange(len(system.species))
            total = total + c @ bound.astype(float)
        return total


def _quadratic_h(b: np.ndarray, kw: float) -> np.ndarray:
    """Positive root of h^2 + b h - Kw = 0, free of cancellation [mol/L]."""
    root = np.sqrt(b * b + 4.0 * kw)
    with np.errstate(divide="ignore"):
        return np.where(b > 0.0, 2.0 * kw / (b + root), 0.5 * (root - b))


def _system_tables(systems: Sequence[AcidBaseSystem]) -> tuple[np.ndarray, ...]:
    """Padded cumulative ln Ka table, removed-proton counts, charges and n per system
    (read-only arrays, built once per tuple of systems)."""
    return _tables_of(tuple(systems))


@lru_cache(maxsize=64)
def _tables_of(systems: tuple[AcidBaseSystem, ...]) -> tuple[np.ndarray, ...]:
    kmax = max(len(s.pKa) for s in systems) + 1
    cum = np.full((len(systems), kmax), -np.inf)
    for j, s in enumerate(systems):
        cum[j, : len(s.pKa) + 1] = np.concatenate(([0.0], -np.cumsum(s.pKa) * LN10))
    k = np.arange(kmax, dtype=float)
    z0 = np.array([s.charge for s in systems], dtype=float)
    n = np.array([len(s.pKa) for s in systems], dtype=float)
    for a in (cum, k, z0, n):
        a.setflags(write=False)
    return cum, k, z0, n


def _fractions(u: np.ndarray, cum: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Species fractions alpha, shape S + (n_sys, kmax), for ln h = u [-]."""
    w = cum - k * u[..., None, None]
    w = w - np.max(w, axis=-1, keepdims=True)
    e = np.exp(w)
    return e / np.sum(e, axis=-1, keepdims=True)


def speciate(
    totals: np.ndarray | Sequence[float],
    strong_charge: np.ndarray | float = 0.0,
    systems: Sequence[AcidBaseSystem] = DEFAULT_SYSTEMS,
    pKw: float = PKW,
    h_guess: np.ndarray | float | None = None,
) -> Speciation:
    """Free [H+], pH and species of one or many liquors from their analytical totals.

    Parameters
    ----------
    totals : array_like
        Total concentration of each acid-base system, shape S + (len(systems),) [mol/L].
    strong_charge : array_like
        Net charge of the strong ions (sum of z c over Na+, NH4+ is NOT one, Cl-, NO3-,
        metal cations...), broadcastable to shape S [eq/L].
    systems : sequence of AcidBaseSystem
        The acid-base systems, in the order of the last axis of ``totals`` [-].
    pKw : float
        -log10 of the ion product of water [-].
    h_guess : array_like, optional
        Free H+ expected near the answer, broadcastable to shape S: the Newton iteration
        starts there (inside the bracket) instead of mid-bracket; the answer is the same to
        the tolerance [mol/L].

    Returns
    -------
    Speciation
        h, pH, OH- and species concentrations; each system's species sum to its total
        to rounding (fractions are normalised).

    Examples
    --------
    >>> r = speciate([0.05, 0.0, 0.0])   # 0.05 mol/L H2SO4
    >>> round(float(r.pH), 3)
    1.24
    """
    systems = tuple(systems)
    if not systems:
        raise SpecificationError("speciate: give at least one acid-base system.")
    c = np.asarray(totals, dtype=float)
    if c.ndim == 0 or c.shape[-1] != len(systems):
        raise SpecificationError(
            f"speciate: totals must have a last axis of length {len(systems)} "
            f"({', '.join(s.name for s in systems)}); got shape {c.shape}."
        )
    if not np.all(np.isfinite(c)) or np.any(c < 0.0):
        raise SpecificationError(
            f"speciate: totals must be finite and >= 0 mol/L; got min {np.nanmin(c):.6g}."
        )
    q = np.broadcast_to(np.asarray(strong_charge, dtype=float), c.shape[:-1]).copy()
    if not np.all(np.isfinite(q)):
        raise SpecificationError("speciate: strong_charge must be finite [eq/L].")
    kw = 10.0 ** (-float(pKw))
    for s in systems:
        citations.register(*s.sources)
    citations.register("Haynes2016")

    cum, k, z0, n = _system_tables(systems)
    shape = c.shape[:-1]
    cf = c.reshape(-1, len(systems))
    qf = q.reshape(-1)
    h_lo = _quadratic_h(qf + cf @ z0, kw)
    h_hi = _quadratic_h(qf + cf @ (z0 - n), kw)
    lo = np.log(h_lo) - 1e-9
    hi = np.log(h_hi) + 1e-9

    def balance(u: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ci = cf[idx]
        alpha = _fractions(u, cum, k)
        kbar = np.sum(alpha * k, axis=-1)
        var = np.sum(alpha * k * k, axis=-1) - kbar * kbar
        h = np.exp(u)
        oh = kw / h
        f = h - oh + qf[idx] + np.sum(ci * (z0 - kbar), axis=-1)
        df = h + oh + np.sum(ci * np.maximum(var, 0.0), axis=-1)
        return f, df

    u0 = None
    if h_guess is not None:
        g = np.broadcast_to(np.asarray(h_guess, dtype=float), shape).reshape(-1)
        if not np.all(np.isfinite(g) & (g > 0.0)):
            raise SpecificationError("speciate: h_guess must be finite and > 0 [mol/L].")
        u0 = np.log(g)
    kernel = compiled("yieldkit.models._speciation_kernel")
    if kernel is None:
        u = newton_bisect(balance, lo, hi, x0=u0, xtol=_XTOL, max_iter=_MAX_ITER, what=_WHAT)
        u = u.reshape(shape)
    else:  # the same iteration compiled, one liquor at a time
        u, bad, step = kernel.charge_roots(np.ascontiguousarray(cf), qf, cum, k, z0, kw, lo, hi,
                                           lo if u0 is None else u0, u0 is not None,
                                           _XTOL, _MAX_ITER)  # fmt: skip
        if bad >= 0:
            raise ConvergenceError(
                f"{_WHAT}: bracketed Newton did not converge in {_MAX_ITER} iterations for "
                f"liquor {bad} (last step {step:.3g}).",
                loop=_WHAT,
                residual_history=[step],
                best_iterate=u.reshape(shape),
            )
        u = u.reshape(shape)
    h = np.exp(u)
    alpha = _fractions(u, cum, k)
    conc = tuple(c[..., j, None] * alpha[..., j, : len(s.species)] for j, s in enumerate(systems))
    return Speciation(h=h, pH=-u / LN10, oh=kw / h, conc=conc, systems=systems)


def strong_charge_at(
    h: np.ndarray | float,
    totals: np.ndarray | Sequence[float],
    systems: Sequence[AcidBaseSystem] = DEFAULT_SYSTEMS,
    pKw: float = PKW,
) -> np.ndarray:
    """Strong-ion charge at which a liquor has free [H+] ``h`` (inverse of :func:`speciate`).

    Explicit and strictly decreasing in ``h``; models that move protons (leaching,
    precipitation) solve their balances in ``h`` with it, with no nested speciation.

    Parameters
    ----------
    h : array_like
        Free H+ concentration, shape S [mol/L].
    totals : array_like
        Total concentration of each system, shape S + (len(systems),) [mol/L].
    systems : sequence of AcidBaseSystem
        The acid-base systems [-].
    pKw : float
        -log10 of the ion product of water [-].

    Returns
    -------
    numpy.ndarray
        Q with F(h) = 0 in the charge balance of the module docstring [eq/L].
    """
    cum, k, z0, _ = _system_tables(tuple(systems))
    h = np.asarray(h, dtype=float)
    kw = 10.0 ** (-float(pKw))
    totals = np.asarray(totals, dtype=float)
    kernel = compiled("yieldkit.models._speciation_kernel")
    if kernel is not None and totals.shape[-1:] == z0.shape:
        # the same sum compiled, per liquor (a scalar h with one liquor is the common call)
        shape = np.broadcast_shapes(h.shape, totals.shape[:-1])
        u = np.log(np.broadcast_to(h, shape)).ravel()
        c = np.ascontiguousarray(np.broadcast_to(totals, shape + z0.shape).reshape(-1, z0.size))
        return kernel.strong_charges(u, c, cum, k, z0, kw).reshape(shape)
    alpha = _fractions(np.log(h), cum, k)
    kbar = np.sum(alpha * k, axis=-1)
    return -(h - kw / h + np.sum(totals * (z0 - kbar), axis=-1))


def strong_charge_from_proton_total(
    proton_total: np.ndarray | float,
    totals: np.ndarray | Sequence[float],
    systems: Sequence[AcidBaseSystem] = DEFAULT_SYSTEMS,
) -> np.ndarray:
    """Strong-ion charge that makes a liquor electroneutral at a given proton total.

    Use it when a liquor is specified by element totals (e.g. 'H 100 mg/L, SO4 4800 mg/L',
    as in PrOMMiS): the proton balance ``h - [OH-] + sum_j C_j (n_j - kbar_j) = TOTH`` and
    the charge balance coincide when ``Q = -sum_j C_j (z_j - n_j) - TOTH``.

    Parameters
    ----------
    proton_total : array_like
        Dissociable protons relative to the fully deprotonated forms and H2O [mol/L].
    totals : array_like
        Total concentration of each system, last axis over ``systems`` [mol/L].
    systems : sequence of AcidBaseSystem
        The acid-base systems [-].

    Returns
    -------
    numpy.ndarray
        The equivalent strong-ion charge [eq/L].
    """
    _, _, z0, n = _system_tables(tuple(systems))
    c = np.asarray(totals, dtype=float)
    return -(c @ (z0 - n)) - np.asarray(proton_total, dtype=float)
