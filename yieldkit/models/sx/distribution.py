"""Distribution models for acidic-extractant solvent extraction, behind one interface.

Every model here has the same log-linear form, which the cascade solver uses directly::

    ln D_i = c_i + a_i * ln(h) + b_i * ln(f)

with ``h`` the aqueous H+ concentration [mol/m3] and ``f`` the free extractant in the
organic phase, counted as monomer HA [mol/m3]. Each extracted metal i of charge ``z_i``
binds ``2 n_i`` extractant units (HA) and releases ``z_i`` protons::

    M^z+ + n (HA)2(org) <=> M A_z (HA)_(2n-z) (org) + z H+

so the solver keeps the metal, proton and extractant balances exact whatever the model.
The default ``n_i = z_i`` gives the complex M(A)z(HA)z of Peppard et al. (1965).

Three models are provided, always chosen explicitly:

* :func:`cation_exchange` -- D = K_ex [(HA)2]^n / [H+]^z (mass action, concentrations in
  mol/L, extractant fully dimerised so [(HA)2] = f/2).
* :func:`empirical_ph` -- log10 D = (m0 + m1 dosage) pH + B0 + B1 log10(dosage), the
  UKy/PrOMMiS plant correlation (D depends on pH only).
* :func:`constant_d` -- D fixed.

Activity coefficients are taken as one (concentrations stand for activities).

References
----------
Peppard, D. F. et al., J. Inorg. Nucl. Chem. 27 (1965) 1683.
Keim, S. and Naumann, W., OSTI 1569277 (2019), as modelled in PrOMMiS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from yieldkit.errors import SpecificationError

LN10 = float(np.log(10.0))
_MOL_PER_L = 1e-3  # [mol/L per mol/m3]


@dataclass(frozen=True)
class DistributionModel:
    """Log-linear distribution model ln D = c + a ln h + b ln f for an ordered set of metals.

    Build instances with :func:`cation_exchange`, :func:`empirical_ph` or
    :func:`constant_d`; the fields are what the cascade solver needs.

    Attributes
    ----------
    metals : tuple of str
        Metal species names, in the order of every concentration array [-].
    z : numpy.ndarray
        Protons released per metal ion extracted (its charge) [-].
    n : numpy.ndarray
        Extractant dimers (HA)2 bound per metal ion extracted; the complex holds 2n HA
        units [-].
    c : numpy.ndarray
        Constant term of ln D, for h and f in mol/m3 [-].
    a : numpy.ndarray
        d ln D / d ln h [-].
    b : numpy.ndarray
        d ln D / d ln f [-].
    kind : str
        Which model built it: 'cation_exchange', 'empirical_ph' or 'constant_d' [-].
    citations : tuple of str
        Keys in CITATIONS.bib the parameters rest on [-].
    """

    metals: tuple[str, ...]
    z: np.ndarray
    n: np.ndarray
    c: np.ndarray
    a: np.ndarray
    b: np.ndarray
    kind: str
    citations: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        m = len(self.metals)
        if m == 0:
            raise SpecificationError("distribution model: at least one metal is needed.")
        if len(set(self.metals)) != m:
            raise SpecificationError(f"distribution model: duplicate metal names in {self.metals}.")
        for name in ("z", "n", "c", "a", "b"):
            # a C-contiguous copy: the compiled kernel specialises on the layout (a strided
            # view, e.g. a column of a parameter table, compiled it a second time), and the
            # read-only flag below must not fall on the caller's array
            arr = np.array(getattr(self, name), dtype=float, order="C")
            if arr.shape != (m,):
                raise SpecificationError(
                    f"distribution model: {name} has shape {arr.shape}, expected ({m},) "
                    f"for metals {self.metals}."
                )
            if not np.all(np.isfinite(arr)):
                raise SpecificationError(f"distribution model: {name} = {arr} is not finite.")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        if np.any(self.z <= 0):
            raise SpecificationError(f"distribution model: charges z = {self.z} must be > 0.")
        if np.any(self.n <= 0):
            raise SpecificationError(
                f"distribution model: dimers bound n = {self.n} must be > 0 (a complex holds 2n HA)."
            )

    @property
    def n_metals(self) -> int:
        """Number of metals [-]."""
        return len(self.metals)

    @cached_property
    def ha_bound(self) -> np.ndarray:
        """Extractant monomers HA bound per metal ion extracted, 2n [-]; read-only."""
        a = 2.0 * self.n
        a.setflags(write=False)
        return a

    def index(self, metal: str) -> int:
        """Position of ``metal`` in the model's order (SpecificationError if unknown)."""
        from yieldkit.errors import unknown_name

        if metal not in self.metals:
            raise SpecificationError(
                unknown_name("metal", metal, self.metals, "distribution model")
            )
        return self.metals.index(metal)

    def log_d(self, h: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Natural log of the distribution ratios.

        Parameters
        ----------
        h : numpy.ndarray
            Aqueous H+ concentration, shape (...,) [mol/m3].
        f : numpy.ndarray
            Free extractant as monomer HA, shape (...,) [mol/m3].

        Returns
        -------
        numpy.ndarray
            ln D, shape (..., n_metals) [-].
        """
        lh = np.log(np.asarray(h, dtype=float))[..., None]
        lf = np.log(np.asarray(f, dtype=float))[..., None]
        return self.c + self.a * lh + self.b * lf

    def distribution(self, h: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Distribution ratios D = y/x, shape (..., n_metals) [-] (see :meth:`log_d`)."""
        return np.exp(self.log_d(h, f))


#: Largest |log10 K_ex| a cation-exchange model accepts [-]. A bound against unit mistakes
#: and overflow, not a physical limit (estimate): the constants of sx_parameters.toml lie
#: between -4.5 and -1.98 (and the Yin et al. factors move them by < 1), and beyond +-30
#: the D over the pH range leaves double precision.
MAX_LOG10_KEX = 30.0


def cation_exchange(
    metals: list[str] | tuple[str, ...],
    log10_kex: np.ndarray,
    z: np.ndarray,
    n: np.ndarray | None = None,
    citations: tuple[str, ...] = ("Peppard1965",),
) -> DistributionModel:
    """Mass-action cation exchange with a dimerised acidic extractant.

    D_i = K_ex,i [(HA)2]^n_i / [H+]^z_i with [(HA)2] = f / 2, concentrations in mol/L.

    Parameters
    ----------
    metals : list of str
        Metal species names (e.g. 'Nd+3'), in the order of all concentration arrays [-].
    log10_kex : numpy.ndarray
        log10 of the extraction constants K_ex, concentrations in mol/L [-].
    z : numpy.ndarray
        Charges (protons released per ion extracted) [-].
    n : numpy.ndarray, optional
        Dimers bound per ion (the complex holds 2n HA); default ``z`` [-].
    citations : tuple of str
        Citation keys of the constants [-].

    Returns
    -------
    DistributionModel
        The model, kind 'cation_exchange'.

    References
    ----------
    Peppard, D. F. et al., J. Inorg. Nucl. Chem. 27 (1965) 1683.
    """
    z = np.asarray(z, dtype=float)
    n = z.copy() if n is None else np.asarray(n, dtype=float)
    lk = np.asarray(log10_kex, dtype=float)
    if not np.all(np.abs(lk) <= MAX_LOG10_KEX):  # also nan
        raise SpecificationError(
            f"cation_exchange: log10 K_ex = {lk} outside [-{MAX_LOG10_KEX:g}, "
            f"{MAX_LOG10_KEX:g}] (the parameter sets here lie between -4.5 and -1.98; beyond "
            "+-30 no D stays finite in double precision over the pH range)."
        )
    # ln D = ln K + n ln(f/2 [mol/m3] * 1e-3) - z ln(h [mol/m3] * 1e-3)
    c = LN10 * lk + n * np.log(0.5 * _MOL_PER_L) - z * np.log(_MOL_PER_L)
    return DistributionModel(
        tuple(metals), z, n, c, -z, n.copy(), "cation_exchange", tuple(citations)
    )


def empirical_ph(
    metals: list[str] | tuple[str, ...],
    m0: np.ndarray,
    m1: np.ndarray,
    b0: np.ndarray,
    b1: np.ndarray,
    dosage: float,
    z: np.ndarray,
    n: np.ndarray | None = None,
    saturation: bool = False,
    capacity: float | None = None,
    citations: tuple[str, ...] = ("KeimNaumann2019", "PrOMMiS"),
) -> DistributionModel:
    """Empirical correlation log10 D = (m0 + m1 dosage) pH + B0 + B1 log10(dosage).

    A constant D is the special case m0 = m1 = B1 = 0, B0 = log10 D. pH = -log10([H+] in
    mol/L). The protons released (``z``) still change the pH stage by stage.

    Parameters
    ----------
    metals : list of str
        Metal species names [-].
    m0, m1, b0, b1 : numpy.ndarray
        Correlation coefficients per metal [-].
    dosage : float
        Extractant dosage, vol % D2EHPA in the diluent [-]; in (0, 100].
    z : numpy.ndarray
        Protons released per ion extracted [-].
    n : numpy.ndarray, optional
        Dimers bound per ion, for the extractant bookkeeping; default ``z`` [-].
    saturation : bool
        If True, D is multiplied by (f / capacity)^n so loading saturates; the correlation
        holds at an unloaded organic. If False (as in the source), D ignores loading and
        the solver raises when the organic would be loaded beyond its capacity [-].
    capacity : float, optional
        Total extractant of the unloaded organic, monomer HA [mol/m3]; required when
        ``saturation`` is True.
    citations : tuple of str
        Citation keys of the coefficients [-].

    Returns
    -------
    DistributionModel
        The model, kind 'empirical_ph'.

    References
    ----------
    Keim, S. and Naumann, W., OSTI 1569277 (2019), correlation as modelled in PrOMMiS.
    """
    if not 0 < dosage <= 100:
        raise SpecificationError(
            f"empirical_ph: dosage = {dosage!r} vol %, accepted range (0, 100] (a volume "
            "percentage of extractant in the diluent)."
        )
    z = np.asarray(z, dtype=float)
    n = z.copy() if n is None else np.asarray(n, dtype=float)
    s = np.asarray(m0, dtype=float) + np.asarray(m1, dtype=float) * dosage
    big_b = np.asarray(b0, dtype=float) + np.asarray(b1, dtype=float) * np.log10(dosage)
    # log10 D = s (3 - log10 h[mol/m3]) + B
    c = LN10 * (3.0 * s + big_b)
    b = np.zeros_like(z)
    if saturation:
        if capacity is None or not capacity > 0:
            raise SpecificationError(
                f"empirical_ph: saturation=True needs capacity > 0 [mol/m3], got {capacity!r}."
            )
        b = n.copy()
        c = c - n * np.log(capacity)
    return DistributionModel(tuple(metals), z, n, c, -s, b, "empirical_ph", tuple(citations))


def constant_d(
    metals: list[str] | tuple[str, ...],
    d: np.ndarray,
    z: np.ndarray,
    n: np.ndarray | None = None,
    saturation: bool = False,
    capacity: float | None = None,
    citations: tuple[str, ...] = (),
) -> DistributionModel:
    """Constant distribution ratios (the protons released are still balanced).

    Parameters
    ----------
    metals : list of str
        Metal species names [-].
    d : numpy.ndarray
        Distribution ratios y/x, each > 0 [-].
    z : numpy.ndarray
        Protons released per ion extracted [-].
    n : numpy.ndarray, optional
        Dimers bound per ion, for the extractant bookkeeping; default ``z`` [-].
    saturation : bool
        If True, D is multiplied by (f / capacity)^n so loading saturates [-].
    capacity : float, optional
        Total extractant of the unloaded organic, monomer HA [mol/m3].
    citations : tuple of str
        Citation keys of the values [-].

    Returns
    -------
    DistributionModel
        The model, kind 'constant_d'.
    """
    d = np.asarray(d, dtype=float)
    if np.any(~(d > 0)) or not np.all(np.isfinite(d)):
        raise SpecificationError(f"constant_d: distribution ratios D = {d} must be finite and > 0.")
    z = np.asarray(z, dtype=float)
    n = z.copy() if n is None else np.asarray(n, dtype=float)
    c = np.log(d)
    b = np.zeros_like(z)
    if saturation:
        if capacity is None or not capacity > 0:
            raise SpecificationError(
                f"constant_d: saturation=True needs capacity > 0 [mol/m3], got {capacity!r}."
            )
        b = n.copy()
        c = c - n * np.log(capacity)
    return DistributionModel(
        tuple(metals), z, n, c, np.zeros_like(z), b, "constant_d", tuple(citations)
    )


def combine(*models: DistributionModel) -> DistributionModel:
    """Join models over disjoint metal sets into one (e.g. a correlation plus constant D).

    Parameters
    ----------
    *models : DistributionModel
        Models whose metal names do not overlap [-].

    Returns
    -------
    DistributionModel
        Metals in the order given; kind joined with '+' [-].
    """
    metals = tuple(m for mod in models for m in mod.metals)
    cat = {k: np.concatenate([getattr(mod, k) for mod in models]) for k in "zncab"}
    kinds = "+".join(dict.fromkeys(mod.kind for mod in models))
    cites = tuple(dict.fromkeys(c for mod in models for c in mod.citations))
    return DistributionModel(metals, cat["z"], cat["n"], cat["c"], cat["a"], cat["b"], kinds, cites)


__all__ = [
    "DistributionModel",
    "cation_exchange",
    "combine",
    "constant_d",
    "empirical_ph",
]
