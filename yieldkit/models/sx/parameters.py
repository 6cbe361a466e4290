"""Named SX parameter sets from ``data/sx_parameters.toml``, each with its sources.

Building a model from a set registers the set's citation keys (``yk.print_citations()``).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

import numpy as np

from yieldkit import citations
from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.models.sx.distribution import (
    DistributionModel,
    cation_exchange,
    combine,
    empirical_ph,
)


@cache
def parameter_sets() -> dict:
    """All parameter sets as parsed TOML tables, keyed by set name."""
    text = resources.files("yieldkit.data").joinpath("sx_parameters.toml").read_text("utf-8")
    return tomllib.loads(text)


def _set(name: str) -> dict:
    sets = parameter_sets()
    if name not in sets:
        raise SpecificationError(unknown_name("SX parameter set", name, sets, "sx_parameters.toml"))
    citations.register(*sets[name]["citations"])
    return sets[name]


def _pick(available: list[str], metals, where: str) -> list[str]:
    """The metals asked for, in their order (all of ``available`` for None); each known,
    none repeated, at least one."""
    if metals is None:
        return list(available)
    if isinstance(metals, str):
        raise SpecificationError(
            f"metals = {metals!r} in {where}: give a list of metal ions, e.g. [{metals!r}]."
        )
    metals = list(metals)
    if not metals:
        raise SpecificationError(
            f"metals = [] in {where}: give at least one metal ion (None takes all: "
            f"{', '.join(available)})."
        )
    for m in metals:
        if m not in available:
            raise SpecificationError(unknown_name("metal", m, available, where))
    repeated = sorted({m for m in metals if metals.count(m) > 1})
    if repeated:
        raise SpecificationError(f"metals {metals} in {where}: {repeated} repeat.")
    return metals


def _number(value, what: str) -> float:
    """A finite real number from a parameter value (a bool is not one)."""
    try:
        v = float(value) if not isinstance(value, bool | str) else None
    except (TypeError, ValueError):
        v = None
    if v is None or not np.isfinite(v):
        raise SpecificationError(f"{what} = {value!r} must be a finite number.")
    return v


def uky_d2ehpa(
    dosage: float,
    metals: list[str] | None = None,
    saturation: bool = False,
    capacity: float | None = None,
) -> DistributionModel:
    """The UKy/PrOMMiS D2EHPA correlation (and constant D for Sc, Al, Ca, Fe).

    Parameters
    ----------
    dosage : float
        D2EHPA dosage, vol % in kerosene [-].
    metals : list of str, optional
        Metals and their order; default all 12 of the set [-].
    saturation : bool
        Multiply D by (f / capacity)^n so loading saturates (not in the source) [-].
    capacity : float, optional
        Total extractant of the unloaded organic, monomer HA; needed with saturation
        [mol/m3].

    Returns
    -------
    DistributionModel
        Kind 'empirical_ph' (constant D written as a zero-slope correlation).

    References
    ----------
    Keim, S. and Naumann, W., OSTI 1569277 (2019), as modelled in PrOMMiS.
    """
    p = _set("uky_d2ehpa")
    table = {k: v for k, v in p["correlation"].items()}
    for k, (d, z) in p["constant"].items():
        table[k] = [0.0, 0.0, float(np.log10(d)), 0.0, z]
    names = _pick(list(table), metals, "uky_d2ehpa")
    rows = np.array([table[k] for k in names], dtype=float)
    return empirical_ph(
        names,
        rows[:, 0],
        rows[:, 1],
        rows[:, 2],
        rows[:, 3],
        dosage,
        rows[:, 4],
        saturation=saturation,
        capacity=capacity,
        citations=tuple(p["citations"]),
    )


def p507_pr() -> DistributionModel:
    """P507 cation exchange for Pr+3 (log K = -1.98, Wu et al. 2007).

    Returns
    -------
    DistributionModel
        Kind 'cation_exchange', one metal 'Pr+3'.

    References
    ----------
    Wu, D., Zhang, Q., Bao, B., Ind. Eng. Chem. Res. 46 (2007) 6320.
    """
    p = _set("p507_pr")
    names = list(p["log10_kex"])
    rows = np.array([p["log10_kex"][k] for k in names], dtype=float)
    return cation_exchange(names, rows[:, 0], rows[:, 1], citations=tuple(p["citations"]))


def from_separation_factors(
    anchor: str,
    log10_kex_anchor: float,
    metals: list[str] | None = None,
    set_name: str = "yin2015_separation",
) -> DistributionModel:
    """Cation exchange with K_ex of each metal set relative to an anchor by separation factors.

    K_ex,i / K_ex,j = beta_ij for metals of equal charge (z = 3 for these REEs). The anchor
    value is the caller's choice and states where it comes from (e.g. p507_pr's -1.98 used
    with D2EHPA factors is an estimate).

    Parameters
    ----------
    anchor : str
        Metal whose K_ex is given, e.g. 'Pr+3' [-].
    log10_kex_anchor : float
        log10 K_ex of the anchor, concentrations in mol/L [-].
    metals : list of str, optional
        Metals and their order; default all in the set [-].
    set_name : str
        Parameter set of separation factors [-].

    Returns
    -------
    DistributionModel
        Kind 'cation_exchange'.

    References
    ----------
    Yin, S. et al., RSC Adv. (2015): Ce/La 3.24, Pr/Ce 2.04, Nd/Pr 1.58.
    """
    p = _set(set_name)
    logk = {anchor: float(log10_kex_anchor)}
    pairs = [(a, b, float(beta)) for a, b, beta in p["pairs"]]
    known = {x for a, b, _ in pairs for x in (a, b)}
    if anchor not in known:
        raise SpecificationError(unknown_name("anchor metal", anchor, known, set_name))
    changed = True
    while changed:
        changed = False
        for a, b, beta in pairs:
            if b in logk and a not in logk:
                logk[a] = logk[b] + np.log10(beta)
                changed = True
            elif a in logk and b not in logk:
                logk[b] = logk[a] - np.log10(beta)
                changed = True
    names = _pick(sorted(logk, key=lambda k: logk[k]), metals, set_name)
    return cation_exchange(
        names, [logk[k] for k in names], [3.0] * len(names), citations=tuple(p["citations"])
    )


def with_saponification(model: DistributionModel) -> DistributionModel:
    """Append Na+ (from a saponified extractant) to a model, as the last metal.

    Parameters
    ----------
    model : DistributionModel
        Model of the metals to extract [-].

    Returns
    -------
    DistributionModel
        The same metals followed by 'Na+' (n = 0.5: NaA holds one extractant unit).
    """
    p = _set("saponification_na")
    lk, z, n = p["log10_kex"]["Na+"]
    na = cation_exchange(["Na+"], [lk], [z], [n], citations=tuple(p["citations"]))
    return combine(model, na)


def saponified_organic(
    model: DistributionModel, metals_org: np.ndarray, extractant: float, fraction: float
) -> np.ndarray:
    """Organic feed of a saponified extractant, for a model from :func:`with_saponification`.

    Parameters
    ----------
    model : DistributionModel
        Model whose last metal is 'Na+' [-].
    metals_org : numpy.ndarray
        Organic metal concentrations of the other metals [mol/m3].
    extractant : float
        Total extractant, monomer HA [mol/m3].
    fraction : float
        Fraction of the extractant pre-neutralised as NaA, 0..1 [-].

    Returns
    -------
    numpy.ndarray
        [metals..., Na+, extractant] for ``solve_cascade``'s org_feed [mol/m3].
    """
    if model.metals[-1] != "Na+":
        raise SpecificationError(
            f"saponified_organic: the model's last metal is {model.metals[-1]!r}, expected "
            "'Na+'; build it with with_saponification(model)."
        )
    if not 0.0 <= fraction <= 1.0:
        raise SpecificationError(f"saponification fraction = {fraction!r}, accepted 0..1.")
    metals_org = np.asarray(metals_org, dtype=float)
    return np.concatenate([metals_org, [fraction * extractant], [extractant]])


MODELS = ("cation_exchange", "empirical_ph", "constant_d")
# which named parameter sets each model accepts
SETS_FOR_MODEL = {
    "cation_exchange": ("p507_pr", "yin2015_separation"),
    "empirical_ph": ("uky_d2ehpa",),
    "constant_d": ("uky_d2ehpa",),
}


def ion_charge(name: str) -> int:
    """Charge number of an ion written 'Nd+3', 'Na+' (sign then number, 1 omitted) [-].

    Parameters
    ----------
    name : str
        Ion name, e.g. ``"Nd+3"``.

    Returns
    -------
    int
        The signed charge number [-].
    """
    import re

    m = re.fullmatch(r"[A-Za-z0-9()]+?([+-])(\d*)", name)
    if m is None:
        raise SpecificationError(
            f"metal {name!r} is not an ion name like 'Nd+3' or 'Na+' (sign then charge)."
        )
    z = int(m.group(2) or 1)
    return z if m.group(1) == "+" else -z


def build_model(
    model: str,
    parameter_set: str | dict,
    metals: list[str] | None = None,
    *,
    dosage: float | None = None,
    anchor: str | None = None,
    log10_kex_anchor: float | None = None,
    saturation: bool = False,
    capacity: float | None = None,
    saponification: bool = False,
) -> DistributionModel:
    """Build a distribution model chosen explicitly by model name and parameter set.

    Parameters
    ----------
    model : str
        'cation_exchange', 'empirical_ph' or 'constant_d' [-].
    parameter_set : str or dict
        A set of ``sx_parameters.toml`` the model accepts (``SETS_FOR_MODEL``), or the
        caller's own values per metal ion: log10 K_ex (cation_exchange, mol/L), D
        (constant_d) or [m0, m1, B0, B1] (empirical_ph) [-].
    metals : list of str, optional
        Metal ions and their order; default all of the set [-].
    dosage : float, optional
        Extractant dosage for 'empirical_ph', vol % [-].
    anchor : str, optional
        Anchor metal for 'yin2015_separation' [-].
    log10_kex_anchor : float, optional
        log10 K_ex of the anchor (mol/L) [-].
    saturation : bool
        For 'empirical_ph' and 'constant_d': D falls with loading as (f/capacity)^n [-].
    capacity : float, optional
        Extractant of the unloaded organic with ``saturation``, as HA [mol/m3].
    saponification : bool
        Append Na+ of a saponified extractant (:func:`with_saponification`) [-].

    Returns
    -------
    DistributionModel
        The model; building from a named set registers its citations.
    """
    if model not in MODELS:
        raise SpecificationError(
            unknown_name("SX distribution model", model, MODELS, "build_model")
        )
    _check_options(model, parameter_set, dosage, anchor, log10_kex_anchor, saturation, capacity)
    if isinstance(parameter_set, dict):
        mod = _user_model(model, parameter_set, metals, dosage, saturation, capacity)
    else:
        accepted = SETS_FOR_MODEL[model]
        if parameter_set not in accepted:
            msg = unknown_name(
                f"parameter set for model {model!r}", str(parameter_set), accepted, "build_model"
            )
            raise SpecificationError(msg)
        mod = _named_model(
            model, parameter_set, metals, dosage, anchor, log10_kex_anchor, saturation, capacity
        )
    return with_saponification(mod) if saponification else mod


def _named_model(model, name, metals, dosage, anchor, lk_anchor, saturation, capacity):
    if model == "empirical_ph":
        if dosage is None:
            raise SpecificationError(
                "model 'empirical_ph' with set 'uky_d2ehpa' needs dosage (vol % D2EHPA)."
            )
        return uky_d2ehpa(dosage, metals, saturation=saturation, capacity=capacity)
    if model == "constant_d":
        p = _set(name)
        table = p["constant"]
        names = _pick(list(table), metals, f"{name} constant D")
        rows = np.array([table[k] for k in names], dtype=float)
        from yieldkit.models.sx.distribution import constant_d

        return constant_d(
            names,
            rows[:, 0],
            rows[:, 1],
            saturation=saturation,
            capacity=capacity,
            citations=tuple(p["citations"]),
        )
    if name == "p507_pr":
        mod = p507_pr()
        _pick(list(mod.metals), metals, name)
        return mod
    if anchor is None or lk_anchor is None:
        raise SpecificationError(
            f"parameter set {name!r} gives separation factors only: give anchor (e.g. 'Pr+3') "
            "and log10_kex_anchor."
        )
    return from_separation_factors(anchor, _number(lk_anchor, "log10_kex_anchor"), metals, name)


def _check_options(model, parameter_set, dosage, anchor, lk_anchor, saturation, capacity):
    """An option the chosen model or set does not use is an error (it would be ignored)."""
    unused = []
    if dosage is not None and model != "empirical_ph":
        unused.append(f"dosage (used by 'empirical_ph' only; model is {model!r})")
    if saturation and model == "cation_exchange":
        unused.append(
            "saturation (cation_exchange saturates through its free-extractant balance; "
            "saturation is for 'empirical_ph' and 'constant_d')"
        )
    if capacity is not None and not saturation:
        unused.append("capacity (used with saturation=True only)")
    if (anchor is not None or lk_anchor is not None) and parameter_set != "yin2015_separation":
        unused.append(
            "anchor and log10_kex_anchor (used by the separation-factor set "
            f"'yin2015_separation' only; parameter set is {parameter_set!r})"
            if isinstance(parameter_set, str)
            else "anchor and log10_kex_anchor (used by 'yin2015_separation' only, not with a "
            "parameter dict)"
        )
    if unused:
        raise SpecificationError(
            f"model {model!r}: options that would be ignored: {'; '.join(unused)}. Remove them."
        )


def _user_model(model, values, metals, dosage, saturation, capacity):
    from yieldkit.models.sx.distribution import constant_d

    if not values:
        raise SpecificationError(f"model {model!r}: the parameter dict is empty.")
    names = _pick(list(values), metals, "parameter dict")
    z = np.array([ion_charge(m) for m in names], dtype=float)
    if np.any(z <= 0):
        raise SpecificationError(f"metals {names}: only cations are extracted (charge > 0).")
    if model == "constant_d":
        d = [_number(values[m], f"parameter dict D of {m!r}") for m in names]
        return constant_d(names, d, z, saturation=saturation, capacity=capacity)
    if model == "cation_exchange":
        lk = [_number(values[m], f"parameter dict log10 K_ex of {m!r}") for m in names]
        return cation_exchange(names, lk, z, citations=())
    rows = []
    for m in names:
        row = values[m]
        if isinstance(row, str) or np.ndim(row) != 1 or len(row) != 4:
            raise SpecificationError(
                f"model 'empirical_ph': give [m0, m1, B0, B1] per metal, got {row!r} for {m!r}."
            )
        rows.append([_number(v, f"parameter dict [m0, m1, B0, B1] of {m!r}") for v in row])
    rows = np.array(rows)
    if dosage is None:
        raise SpecificationError("model 'empirical_ph' needs dosage (vol % extractant).")
    return empirical_ph(
        names, *rows.T, dosage, z, saturation=saturation, capacity=capacity, citations=()
    )
