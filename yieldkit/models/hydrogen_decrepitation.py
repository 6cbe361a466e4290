"""Hydrogen decrepitation (HD) of NdFeB magnets and the HDD magnet feed.

The HD furnace heats a batch of magnets under ~1 atm H2 to 170 C and holds it for 3 h
(Habibzadeh et al. 2023, as modelled in PrOMMiS). The matrix phase absorbs hydrogen
(Nd2Fe14B + h/2 H2 -> Nd2Fe14BH_h) and the Nd-rich grain-boundary phase forms a hydride
(Nd + h/2 H2 -> NdH_h); the volume expansion breaks the magnet into powder.

Energy is the sensible heat of the charge (integrated linear Cp), plus furnace heat loss
over ramp and hold, minus an optional credit for the (exothermic) hydriding heat. SI units:
mol, kg, K, J, s, W. Defaults come from ``data/physical_processing.toml``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import NamedTuple

import numpy as np
from molmass import Formula
from numpy.typing import ArrayLike

from yieldkit import citations
from yieldkit.errors import SpecificationError, unknown_name

#: Accepted HDD form factors for :func:`hdd_magnet_mass`.
FORM_FACTORS: tuple[str, ...] = ("2.5-inch", "3.5-inch")

M_ND2FE14B = Formula("Nd2Fe14B").mass * 1e-3  # kg/mol
M_ND = Formula("Nd").mass * 1e-3  # kg/mol


@cache
def _table() -> dict[str, dict]:
    text = resources.files("yieldkit.data").joinpath("physical_processing.toml").read_text("utf-8")
    return tomllib.loads(text)


def default(section: str, name: str) -> float:
    """Value of a default from ``physical_processing.toml`` (registers its source).

    Parameters
    ----------
    section : str
        Table name, e.g. ``"hydrogen_decrepitation"``.
    name : str
        Entry name, e.g. ``"hold_time"``.

    Returns
    -------
    float
        The value in the SI unit stated in the file.
    """
    table = _table()
    if section not in table:
        raise SpecificationError(
            unknown_name("data section", section, table, "physical_processing.toml")
        )
    if name not in table[section]:
        raise SpecificationError(
            unknown_name(
                "default", name, table[section], f"[{section}] of physical_processing.toml"
            )
        )
    entry = table[section][name]
    citations.register(entry["source"])
    return float(entry["value"])


def _hd(name: str) -> float:
    return default("hydrogen_decrepitation", name)


def _nonneg(name: str, value: ArrayLike) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr) | (arr < 0.0)
    if np.any(bad):
        raise SpecificationError(
            f"{name} must be finite and >= 0; got {arr[bad].tolist() if arr.ndim else float(arr)}."
        )
    return arr


# ------------------------------------------------------------------------- HDD feed
def hdd_magnet_mass(year: ArrayLike, form_factor: str) -> np.ndarray:
    """NdFeB magnet mass in one hard-disk drive.

    2.5-inch drives: 2.5 g. 3.5-inch drives: ``17.87 - 0.35 (year - 1990)`` g with a floor
    of 2.5 g (PrOMMiS hydrogen-decrepitation flowsheet).

    Parameters
    ----------
    year : array_like
        Manufacturing year of the drive [yr]; must be >= 1990 (the fit's reference year).
    form_factor : str
        ``"2.5-inch"`` or ``"3.5-inch"``.

    Returns
    -------
    numpy.ndarray
        Magnet mass per drive [kg].

    References
    ----------
    .. [1] PrOMMiS, hydrogen decrepitation flowsheet (model parameters).
    """
    if form_factor not in FORM_FACTORS:
        raise SpecificationError(unknown_name("HDD form factor", form_factor, FORM_FACTORS))
    y = np.asarray(year, dtype=float)
    y0 = default("hdd_magnet", "reference_year")
    bad = ~np.isfinite(y) | (y < y0)
    if np.any(bad):
        raise SpecificationError(
            f"year must be >= {y0:.0f} (reference year of the HDD magnet-mass fit); "
            f"got {y[bad].tolist() if y.ndim else float(y)}."
        )
    if form_factor == "2.5-inch":
        return np.full_like(y, default("hdd_magnet", "mass_2p5_inch"))
    linear = default("hdd_magnet", "mass_3p5_intercept") - default(
        "hdd_magnet", "mass_3p5_slope"
    ) * (y - y0)
    return np.maximum(linear, default("hdd_magnet", "mass_floor"))


def hdd_magnet_phase_fractions() -> dict[str, float]:
    """Mass fractions of the phases of an HDD magnet (Nd-rich phase modelled as Nd).

    Returns
    -------
    dict of str to float
        ``{"Nd2Fe14B": 0.99, "Nd": 0.01}`` [kg/kg] (PrOMMiS).
    """
    return {
        "Nd2Fe14B": default("hdd_magnet", "w_Nd2Fe14B"),
        "Nd": default("hdd_magnet", "w_Nd"),
    }


# ------------------------------------------------------------------------- heat capacity
def cp_nd2fe14b(temperature: ArrayLike) -> np.ndarray:
    """Molar heat capacity of Nd2Fe14B, ``272.59 + 0.6487 T``.

    At 298.15 K this is 465.9 J/mol/K = 0.431 J/g/K, close to the 0.44 J/g/K commonly
    used for sintered NdFeB; at 443 K it is 32 % above Dulong-Petit (17 x 3R), consistent
    with the magnetic contribution below the Curie point (~585 K).

    Parameters
    ----------
    temperature : array_like
        Temperature [K]; must be > 0.

    Returns
    -------
    numpy.ndarray
        Heat capacity [J/mol/K].

    References
    ----------
    .. [1] PrOMMiS hydrogen decrepitation furnace model (attributes the fit to Gibson &
       Harvey 1966, which predates Nd2Fe14B; origin doubtful).
    """
    t = _positive_temperature("temperature [K]", temperature)
    return _hd("cp_Nd2Fe14B_a") + _hd("cp_Nd2Fe14B_b") * t


def cp_nd(temperature: ArrayLike) -> np.ndarray:
    """Molar heat capacity of Nd metal, ``22.44 + 0.0162 T``.

    Parameters
    ----------
    temperature : array_like
        Temperature [K]; must be > 0.

    Returns
    -------
    numpy.ndarray
        Heat capacity [J/mol/K].

    References
    ----------
    .. [1] Gibson, J. A.; Harvey, G. S. (1966). Properties of the rare earth metals and
       compounds. DTIC AD0479391 (via PrOMMiS).
    """
    t = _positive_temperature("temperature [K]", temperature)
    return _hd("cp_Nd_a") + _hd("cp_Nd_b") * t


def _positive_temperature(name: str, value: ArrayLike) -> np.ndarray:
    t = np.asarray(value, dtype=float)
    bad = ~np.isfinite(t) | (t <= 0.0)
    if np.any(bad):
        raise SpecificationError(
            f"{name} must be finite and > 0 K; got {t[bad].tolist() if t.ndim else float(t)}."
        )
    return t


def _linear_cp_integral(a: float, b: float, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    return a * (t1 - t0) + 0.5 * b * (t1**2 - t0**2)


def sensible_heat(
    n_nd2fe14b: ArrayLike, n_nd: ArrayLike, t_from: ArrayLike, t_to: ArrayLike
) -> np.ndarray:
    """Heat to bring the charge from ``t_from`` to ``t_to`` (integral of Cp dT).

    Parameters
    ----------
    n_nd2fe14b : array_like
        Amount of Nd2Fe14B in the charge [mol].
    n_nd : array_like
        Amount of Nd (Nd-rich phase) in the charge [mol].
    t_from : array_like
        Initial temperature [K].
    t_to : array_like
        Final temperature [K].

    Returns
    -------
    numpy.ndarray
        Sensible heat [J] (negative when cooling).
    """
    n1 = _nonneg("n_nd2fe14b [mol]", n_nd2fe14b)
    n2 = _nonneg("n_nd [mol]", n_nd)
    t0 = _positive_temperature("t_from [K]", t_from)
    t1 = _positive_temperature("t_to [K]", t_to)
    q1 = _linear_cp_integral(_hd("cp_Nd2Fe14B_a"), _hd("cp_Nd2Fe14B_b"), t0, t1)
    q2 = _linear_cp_integral(_hd("cp_Nd_a"), _hd("cp_Nd_b"), t0, t1)
    return n1 * q1 + n2 * q2


# ------------------------------------------------------------------------- hydrogen
def hydrogen_uptake(
    n_nd2fe14b: ArrayLike,
    n_nd: ArrayLike,
    h_per_nd2fe14b: float | None = None,
    h_per_nd: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """H2 absorbed by the matrix and the Nd-rich phase.

    ``Nd2Fe14B + h/2 H2 -> Nd2Fe14BH_h`` and ``Nd + h/2 H2 -> NdH_h``.

    Parameters
    ----------
    n_nd2fe14b : array_like
        Amount of Nd2Fe14B [mol].
    n_nd : array_like
        Amount of Nd in the Nd-rich phase [mol].
    h_per_nd2fe14b : float, optional
        H atoms per Nd2Fe14B in the hydride [mol/mol], in [0, 5]. Default 5, the upper
        bound of Ram et al. (1997), i.e. a conservative H2 demand.
    h_per_nd : float, optional
        H atoms per Nd in the Nd hydride [mol/mol], in [0, 3]. Default 2.5 (Nd2H5,
        Hu et al. 2008).

    Returns
    -------
    h2_matrix : numpy.ndarray
        H2 absorbed by the matrix phase [mol].
    h2_nd : numpy.ndarray
        H2 absorbed by the Nd-rich phase [mol].

    References
    ----------
    .. [1] Ram, S. et al. (1997). Bull. Mater. Sci. 20, 1049-1058.
    .. [2] Hu, L. et al. (2008). J. Mater. Res., doi:10.1557/jmr.2008.0046.
    """
    n1 = _nonneg("n_nd2fe14b [mol]", n_nd2fe14b)
    n2 = _nonneg("n_nd [mol]", n_nd)
    h1 = _hd("h_per_Nd2Fe14B") if h_per_nd2fe14b is None else float(h_per_nd2fe14b)
    h2 = _hd("h_per_Nd") if h_per_nd is None else float(h_per_nd)
    h1_max = _hd("h_per_Nd2Fe14B_max")
    h2_max = _hd("h_per_Nd_max")
    if not (np.isfinite(h1) and 0.0 <= h1 <= h1_max):
        raise SpecificationError(
            f"h_per_nd2fe14b must be in [0, {h1_max:g}] H per Nd2Fe14B "
            f"(Nd2Fe14BHx, x <= 5, Ram 1997); got {h1!r}."
        )
    if not (np.isfinite(h2) and 0.0 <= h2 <= h2_max):
        raise SpecificationError(
            f"h_per_nd must be in [0, {h2_max:g}] H per Nd (NdH2..NdH3); got {h2!r}."
        )
    return 0.5 * h1 * n1, 0.5 * h2 * n2


def cycle_time(
    preparation_time: float | None = None,
    ramp_up_time: float | None = None,
    hold_time: float | None = None,
    cool_down_time: float | None = None,
) -> float:
    """Duration of one HD batch: preparation + ramp-up + hold + cool-down.

    Parameters
    ----------
    preparation_time : float, optional
        Furnace set-up time [s]; default 3600 (PrOMMiS).
    ramp_up_time : float, optional
        Heating to operating temperature [s]; default 300 (PrOMMiS).
    hold_time : float, optional
        Time at operating temperature [s]; default 10800 = 3 h (Habibzadeh 2023).
    cool_down_time : float, optional
        Cooling to room temperature [s]; default 3600 (PrOMMiS).

    Returns
    -------
    float
        Cycle time [s].
    """
    parts = {
        "preparation_time": preparation_time,
        "ramp_up_time": ramp_up_time,
        "hold_time": hold_time,
        "cool_down_time": cool_down_time,
    }
    total = 0.0
    for name, value in parts.items():
        v = _hd(name) if value is None else float(value)
        if not (np.isfinite(v) and v >= 0.0):
            raise SpecificationError(f"{name} [s] must be finite and >= 0; got {value!r}.")
        total += v
    return total


class HDBatch(NamedTuple):
    """Result of :func:`decrepitation_batch` (all extensive values per batch)."""

    h2_absorbed: float
    """H2 absorbed by matrix and Nd-rich phase [mol]."""
    sensible_heat: float
    """Heat to bring the charge to operating temperature [J]."""
    reaction_heat: float
    """Enthalpy of hydriding [J]; negative = heat released."""
    heat_loss: float
    """Furnace heat loss over ramp-up and hold [J]."""
    furnace_energy: float
    """Heat the furnace supplies [J]; negative means the charge self-heats (cooling duty)."""
    cycle_time: float
    """Batch cycle time [s]."""
    specific_energy: float
    """Furnace energy per kg of magnet charged [J/kg]."""
    mean_power: float
    """Furnace energy averaged over the cycle time [W]."""


def decrepitation_batch(
    mass: float,
    w_nd2fe14b: float | None = None,
    w_nd: float | None = None,
    *,
    feed_temperature: float | None = None,
    operating_temperature: float | None = None,
    heat_loss_rate: float = 0.0,
    h_per_nd2fe14b: float | None = None,
    h_per_nd: float | None = None,
    dh_hydriding: float | None = None,
    dh_nd_hydride: float = 0.0,
    reaction_heat_credit: float = 0.0,
    preparation_time: float | None = None,
    ramp_up_time: float | None = None,
    hold_time: float | None = None,
    cool_down_time: float | None = None,
) -> HDBatch:
    """Hydrogen uptake, furnace energy and cycle time of one HD batch.

    ``furnace_energy = sensible_heat + heat_loss_rate (ramp_up + hold)
    + reaction_heat_credit * reaction_heat``. By default no credit is taken for the
    hydriding heat (it is released while the charge reacts and need not offset heating).

    Parameters
    ----------
    mass : float
        Magnet mass charged [kg]; must be > 0.
    w_nd2fe14b : float, optional
        Mass fraction of Nd2Fe14B [kg/kg]; default 0.99 (PrOMMiS).
    w_nd : float, optional
        Mass fraction of the Nd-rich phase, as Nd [kg/kg]; default 0.01 (PrOMMiS). The two
        fractions may sum to less than 1 (other phases are treated as inert with no Cp).
    feed_temperature : float, optional
        Charge temperature at loading [K]; default 298.15.
    operating_temperature : float, optional
        Hold temperature [K]; default 443.15 (170 C, Habibzadeh 2023).
    heat_loss_rate : float
        Furnace heat loss at temperature [W]; default 0 (depends on furnace design).
    h_per_nd2fe14b : float, optional
        H per Nd2Fe14B in the hydride [mol/mol]; see :func:`hydrogen_uptake`.
    h_per_nd : float, optional
        H per Nd in the Nd hydride [mol/mol]; see :func:`hydrogen_uptake`.
    dh_hydriding : float, optional
        Enthalpy of hydriding of the matrix [J/mol H2]; default -66.47e3, an estimate
        derived from the 153 J/g desorption heat of Ram et al. (1997) assuming x = 5.
    dh_nd_hydride : float
        Enthalpy of hydriding of the Nd-rich phase [J/mol H2]; default 0 (no source found;
        the phase is 1 wt% of the magnet).
    reaction_heat_credit : float
        Fraction of the hydriding heat credited against furnace heating [-], in [0, 1].
    preparation_time : float, optional
        See :func:`cycle_time` [s].
    ramp_up_time : float, optional
        See :func:`cycle_time` [s].
    hold_time : float, optional
        See :func:`cycle_time` [s].
    cool_down_time : float, optional
        See :func:`cycle_time` [s].

    Returns
    -------
    HDBatch
        H2 absorbed [mol], heats [J], cycle time [s], specific energy [J/kg], power [W].

    References
    ----------
    .. [1] Habibzadeh, A.; Kucuker, M. A.; Gökelma, M. (2023). ACS Omega 8, 17431-17445.
    .. [2] PrOMMiS hydrogen decrepitation furnace model.
    .. [3] Ram, S. et al. (1997). Bull. Mater. Sci. 20, 1049-1058.
    """
    m = float(mass)
    if not (np.isfinite(m) and m > 0.0):
        raise SpecificationError(f"mass [kg] must be finite and > 0; got {mass!r}.")
    w1 = default("hdd_magnet", "w_Nd2Fe14B") if w_nd2fe14b is None else float(w_nd2fe14b)
    w2 = default("hdd_magnet", "w_Nd") if w_nd is None else float(w_nd)
    for name, w in (("w_nd2fe14b", w1), ("w_nd", w2)):
        if not (np.isfinite(w) and 0.0 <= w <= 1.0):
            raise SpecificationError(f"{name} must be a mass fraction in [0, 1]; got {w!r}.")
    if w1 + w2 > 1.0 + 1e-12:
        raise SpecificationError(
            f"w_nd2fe14b + w_nd must be <= 1; got {w1!r} + {w2!r} = {w1 + w2!r}."
        )
    t0 = _hd("feed_temperature") if feed_temperature is None else float(feed_temperature)
    t1 = (
        _hd("operating_temperature")
        if operating_temperature is None
        else float(operating_temperature)
    )
    _positive_temperature("feed_temperature [K]", t0)
    _positive_temperature("operating_temperature [K]", t1)
    if t1 < t0:
        raise SpecificationError(
            f"operating_temperature must be >= feed_temperature; got {t1!r} K < {t0!r} K."
        )
    loss = float(heat_loss_rate)
    if not (np.isfinite(loss) and loss >= 0.0):
        raise SpecificationError(
            f"heat_loss_rate [W] must be finite and >= 0; got {heat_loss_rate!r}."
        )
    credit = float(reaction_heat_credit)
    if not (np.isfinite(credit) and 0.0 <= credit <= 1.0):
        raise SpecificationError(
            f"reaction_heat_credit must be a fraction in [0, 1]; got {reaction_heat_credit!r}."
        )
    dh1 = _hd("dH_hydriding_Nd2Fe14B") if dh_hydriding is None else float(dh_hydriding)
    dh2 = float(dh_nd_hydride)
    for name, dh in (("dh_hydriding", dh1), ("dh_nd_hydride", dh2)):
        if not (np.isfinite(dh) and dh <= 0.0):
            raise SpecificationError(
                f"{name} [J/mol H2] must be finite and <= 0 (hydriding is exothermic); got {dh!r}."
            )
    citations.register("Habibzadeh2023", "PrOMMiS")

    n1 = m * w1 / M_ND2FE14B
    n2 = m * w2 / M_ND
    h2_matrix, h2_nd = hydrogen_uptake(n1, n2, h_per_nd2fe14b, h_per_nd)
    q_sens = float(sensible_heat(n1, n2, t0, t1))
    q_rxn = float(h2_matrix * dh1 + h2_nd * dh2)
    ramp = _hd("ramp_up_time") if ramp_up_time is None else float(ramp_up_time)
    hold = _hd("hold_time") if hold_time is None else float(hold_time)
    t_cycle = cycle_time(preparation_time, ramp, hold, cool_down_time)
    if t_cycle <= 0.0:
        raise SpecificationError("the cycle time must be > 0 s; all four durations are 0.")
    q_loss = loss * (ramp + hold)
    q_furnace = q_sens + q_loss + credit * q_rxn
    return HDBatch(
        h2_absorbed=float(h2_matrix + h2_nd),
        sensible_heat=q_sens,
        reaction_heat=q_rxn,
        heat_loss=q_loss,
        furnace_energy=q_furnace,
        cycle_time=t_cycle,
        specific_energy=q_furnace / m,
        mean_power=q_furnace / t_cycle,
    )
