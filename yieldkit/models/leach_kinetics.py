"""Shrinking-core rate laws for acid leaching and their named parameter sets.

For a solid species j with conversion X (counted from the feed of the leach train) the rate
per kg of solid in the tank is [mol/(kg h)]::

    chemical control        r_c = k_c(T) [H+]^a (1 - X)^(2/3)
    ash-layer diffusion     r_d = k_d(T) [H+]^a (1 - X)^(1/3) / (1 - (1 - X)^(1/3))
    mixed (in series)       1/r = 1/r_c + 1/r_d

with k(T) = k exp(-Ea / (R T)) (Ea = 0 gives the constant B of the PrOMMiS fit) and [H+] in
mol/L. Per litre of slurry the rate is eps * r with eps the pulp density [kg/L]; this is the
form rate_j = eps B_j [H+]^A_j (1 - X_j)^(2/3) of DOMAIN.md section 2.

Derivation of the diffusion form (Levenspiel 1999, ch. 25): for a sphere whose reacted ash
layer controls, the batch time to conversion X is t / tau = 1 - 3 (1 - X)^(2/3) + 2 (1 - X).
Differentiating, (dt/dX) / tau = 2 (1 - X)^(-1/3) - 2, so dX/dt = (1 - X)^(1/3) /
(2 tau (1 - (1 - X)^(1/3))). With n0 mol of j per kg, r_d = n0 dX/dt gives the form above
with k_d [H+]^a = n0 / (2 tau) (tau is proportional to 1/C_acid for diffusion, so a = 1 is
natural). Chemical control, t / tau = 1 - (1 - X)^(1/3), gives r_c with k_c [H+]^a =
3 n0 / tau. The rate is infinite at X = 0 for pure diffusion control (zero ash thickness),
which the CSTR balance handles; the mixed form sums the two times (resistances in series).

References
----------
Levenspiel, O., Chemical Reaction Engineering, 3rd ed., Wiley (1999), ch. 25.
PrOMMiS coal-refuse leach reaction package; Keim and Naumann, OSTI 1569277 (2019).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from yieldkit import citations
from yieldkit.errors import SpecificationError, unknown_name

R_GAS = 8.314462618  # [J/(mol K)], CODATA 2018
MECHANISMS = ("chemical", "diffusion", "mixed")


@dataclass(frozen=True)
class LeachKinetics:
    """Rate-law parameters for an ordered set of solid species.

    Attributes
    ----------
    solids : tuple of str
        Solid species names [-].
    mechanism : tuple of str
        'chemical', 'diffusion' or 'mixed' per solid [-].
    order : numpy.ndarray
        Exponent a on [H+] (mol/L) [-].
    k_chem, k_diff : numpy.ndarray
        Pre-exponential (or constant) rate coefficients; NaN where the mechanism does not
        use it [mol/(kg h)].
    ea_chem, ea_diff : numpy.ndarray
        Activation energies [J/mol].
    h_consumed : numpy.ndarray
        H+ consumed per mol of solid dissolved [-].
    sources : tuple of str
        Citation keys [-].
    """

    solids: tuple[str, ...]
    mechanism: tuple[str, ...]
    order: np.ndarray
    k_chem: np.ndarray
    ea_chem: np.ndarray
    k_diff: np.ndarray
    ea_diff: np.ndarray
    h_consumed: np.ndarray
    sources: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        n = len(self.solids)
        for name in ("order", "k_chem", "ea_chem", "k_diff", "ea_diff", "h_consumed"):
            arr = np.asarray(getattr(self, name), dtype=float)
            if arr.shape != (n,):
                raise SpecificationError(
                    f"LeachKinetics.{name} must have one value per solid ({n}); got shape "
                    f"{arr.shape}."
                )
            object.__setattr__(self, name, arr)
        if len(self.mechanism) != n:
            raise SpecificationError(f"LeachKinetics.mechanism needs {n} entries.")
        for solid, mech, kc, kd, a, nu in zip(
            self.solids,
            self.mechanism,
            self.k_chem,
            self.k_diff,
            self.order,
            self.h_consumed,
            strict=True,
        ):
            if mech not in MECHANISMS:
                raise SpecificationError(unknown_name("leach mechanism", mech, MECHANISMS, solid))
            need = {"chemical": ("k_chem",), "diffusion": ("k_diff",)}.get(
                mech, ("k_chem", "k_diff")
            )
            for key, value in (("k_chem", kc), ("k_diff", kd)):
                if key in need and not (np.isfinite(value) and value > 0.0):
                    raise SpecificationError(
                        f"missing rate parameter {key} for solid {solid!r} "
                        f"({mech} control): got {value}; give a value > 0 mol/(kg h)."
                    )
            if not (np.isfinite(a) and a >= 0.0):
                raise SpecificationError(f"acid order of {solid!r} must be >= 0; got {a}.")
            if not (np.isfinite(nu) and nu >= 0.0):
                raise SpecificationError(f"h_consumed of {solid!r} must be >= 0; got {nu}.")

    def rate_constants(self, temperature: float) -> tuple[np.ndarray, np.ndarray]:
        """Arrhenius rate coefficients (k_chem, k_diff) at ``temperature`` [K] -> [mol/(kg h)].

        An unused mechanism returns +inf (zero resistance).
        """
        if not (np.isfinite(temperature) and temperature > 0.0):
            raise SpecificationError(f"temperature must be > 0 K; got {temperature}.")
        use_c = np.array([m != "diffusion" for m in self.mechanism])
        use_d = np.array([m != "chemical" for m in self.mechanism])
        kc = np.where(use_c, self.k_chem * np.exp(-self.ea_chem / (R_GAS * temperature)), np.inf)
        kd = np.where(use_d, self.k_diff * np.exp(-self.ea_diff / (R_GAS * temperature)), np.inf)
        return kc, kd

    def subset(self, solids: Sequence[str]) -> LeachKinetics:
        """The parameters for ``solids``, in that order (unknown names raise)."""
        idx = []
        for s in solids:
            if s not in self.solids:
                raise SpecificationError(
                    f"missing rate parameters for solid {s!r}: "
                    + unknown_name("solid", s, self.solids, "this kinetics set")
                )
            idx.append(self.solids.index(s))
        i = np.array(idx, dtype=int)
        return LeachKinetics(
            tuple(solids),
            tuple(self.mechanism[j] for j in idx),
            self.order[i],
            self.k_chem[i],
            self.ea_chem[i],
            self.k_diff[i],
            self.ea_diff[i],
            self.h_consumed[i],
            self.sources,
        )


def conversion_terms(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shape functions g_c = (1-X)^(2/3) and g_d = s/(1-s), s = (1-X)^(1/3) [-]."""
    s = np.cbrt(np.clip(1.0 - np.asarray(x, dtype=float), 0.0, 1.0))
    with np.errstate(divide="ignore"):
        return s * s, s / (1.0 - s)


def shrinking_core_rate(
    x: np.ndarray,
    h: float | np.ndarray,
    k_chem: np.ndarray,
    k_diff: np.ndarray,
    order: np.ndarray,
    eps: float | np.ndarray = 1.0,
) -> np.ndarray:
    """Leach rate per litre of slurry (per kg of solid with ``eps = 1``).

    Parameters
    ----------
    x : array_like
        Conversion of each solid [-].
    h : float or array_like
        Free H+ concentration [mol/L].
    k_chem, k_diff : array_like
        Rate coefficients at temperature; +inf removes that resistance [mol/(kg h)].
    order : array_like
        Exponent on [H+] [-].
    eps : float or array_like
        Pulp density [kg/L].

    Returns
    -------
    numpy.ndarray
        eps * r [mol/(L h)] (or [mol/(kg h)] for eps = 1).
    """
    gc, gd = conversion_terms(x)
    ha = np.power(h, order)
    with np.errstate(divide="ignore", invalid="ignore"):
        resistance = 1.0 / (k_chem * gc) + 1.0 / (k_diff * gd)
        r = np.where(np.isinf(resistance), 0.0, 1.0 / resistance)
    return eps * ha * r


@cache
def _table() -> dict:
    text = resources.files("yieldkit.data").joinpath("leach_kinetics.toml").read_text("utf-8")
    return tomllib.loads(text)


def available_kinetics() -> list[str]:
    """Names of the parameter sets in ``data/leach_kinetics.toml``."""
    return sorted(_table())


def load_kinetics(name: str, solids: Sequence[str] | None = None) -> LeachKinetics:
    """A named parameter set from ``data/leach_kinetics.toml`` (registers its sources).

    Parameters
    ----------
    name : str
        Set name, see :func:`available_kinetics` [-].
    solids : sequence of str, optional
        Keep only these solids, in this order [-].

    Returns
    -------
    LeachKinetics
    """
    table = _table()
    if name not in table:
        raise SpecificationError(
            unknown_name("leach kinetics set", name, table, "leach_kinetics.toml")
        )
    entry = table[name]
    return kinetics_from_rows(entry["solids"], entry["mechanism"], entry["sources"], solids)


def kinetics_from_rows(
    rows: Mapping[str, Sequence[float]],
    mechanism: str,
    sources: Sequence[str] = (),
    solids: Sequence[str] | None = None,
) -> LeachKinetics:
    """Build :class:`LeachKinetics` from rows ``solid = [order, k, ea, h_consumed]``.

    For mechanism 'mixed' a row is ``[order, k_chem, ea_chem, k_diff, ea_diff,
    h_consumed]``. Units: k [mol/(kg h)], ea [J/mol].
    """
    for key in sources:
        citations.register(key)
    names = tuple(rows)
    if mechanism not in MECHANISMS:
        raise SpecificationError(unknown_name("leach mechanism", mechanism, MECHANISMS))
    width = 6 if mechanism == "mixed" else 4
    arr = np.full((len(names), 6), np.nan)
    for i, s in enumerate(names):
        row = list(rows[s])
        if len(row) != width:
            raise SpecificationError(
                f"leach kinetics row for {s!r} ({mechanism}) needs {width} numbers, got {row}."
            )
        if mechanism == "mixed":
            arr[i] = row
        elif mechanism == "chemical":
            arr[i, [0, 1, 2, 5]] = row
        else:
            arr[i, [0, 3, 4, 5]] = row
    arr[:, [2, 4]] = np.nan_to_num(arr[:, [2, 4]])
    kin = LeachKinetics(
        names,
        (mechanism,) * len(names),
        arr[:, 0],
        arr[:, 1],
        arr[:, 2],
        arr[:, 3],
        arr[:, 4],
        arr[:, 5],
        tuple(sources),
    )
    return kin if solids is None else kin.subset(solids)
