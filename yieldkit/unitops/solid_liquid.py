"""Solid-liquid separation units: filter/thickener with cake wash, and a CCD wash train.

Thin classes over :mod:`yieldkit.models.separation`. "Liquor" means every species that is
not a solid (aqueous, organic entrainment, dissolved gases): it splits as one liquid;
solids go to the cake or underflow, never to the liquor unless a solids loss is given.
Liquor volumes come from the stream's aqueous density model (default 1000 kg/m3).
"""

from __future__ import annotations

import math

import numpy as np

from yieldkit.errors import SpecificationError
from yieldkit.models.separation import (
    ccd_wash_train,
    displacement_wash,
    liquor_recovery_from_moisture,
    solid_liquid_split,
)
from yieldkit.stream import Stream, mix
from yieldkit.unitops.base import Outcome, UnitOperation
from yieldkit.unitops.params import flag, fraction

#: Most thickeners of a CCD wash train (plants run 3-8; each stage costs a solve) [-]
MAX_CCD_STAGES = 100


def _phases(s: Stream) -> tuple[np.ndarray, np.ndarray, float]:
    """(solid flows, liquor flows [mol/s], liquor volume [m3/s]) of a stream."""
    mask = s.components.phase_mask("s")
    solids = np.where(mask, s.moles, 0.0)
    liquor = s.moles - solids
    volume = float(liquor @ s.components.molar_masses) / s.densities["aq"]
    return solids, liquor, volume


class SolidLiquidSeparator(UnitOperation):
    """Filter or thickener, with an optional displacement wash of the cake.

    Parameters
    ----------
    name : str
        Unit name.
    liquid_recovery : float, optional
        Fraction of the liquor to the ``liquor`` outlet [-] (give this or
        ``cake_moisture``).
    cake_moisture : float, optional
        Liquor mass per mass of wet cake [kg/kg].
    wash : bool
        Add a ``wash`` inlet whose liquor displaces the cake liquor; the wash filtrate
        joins the ``liquor`` outlet.
    displacement_efficiency : float
        Fraction of the cake liquor displaced when the wash volume equals the cake liquor
        volume (displacement E of :func:`~yieldkit.models.separation.displacement_wash`) [-].
    solids_loss : float
        Fraction of the solids carried to the liquor (0 by default) [-].
    """

    def __init__(
        self,
        name: str,
        liquid_recovery=None,
        cake_moisture=None,
        wash: bool = False,
        displacement_efficiency=1.0,
        solids_loss=0.0,
    ):
        super().__init__(name)
        where = f"SolidLiquidSeparator {name!r}"
        if (liquid_recovery is None) == (cake_moisture is None):
            raise SpecificationError(
                f"{where}: give exactly one of liquid_recovery or cake_moisture."
            )
        self.liquid_recovery = (
            None
            if liquid_recovery is None
            else fraction(liquid_recovery, f"{where} liquid_recovery")
        )
        self.cake_moisture = (
            None if cake_moisture is None else fraction(cake_moisture, f"{where} cake_moisture")
        )
        if self.cake_moisture is not None and self.cake_moisture >= 1.0:
            raise SpecificationError(
                f"{where} cake_moisture = 1 leaves no solids in the cake; give < 1."
            )
        self.wash = flag(wash, f"{where} wash")
        self.displacement_efficiency = fraction(
            displacement_efficiency, f"{where} displacement_efficiency"
        )
        self.solids_loss = fraction(solids_loss, f"{where} solids_loss")
        self.inlet_ports = ("in", "wash") if wash else ("in",)
        self.outlet_ports = ("liquor", "cake")

    def _run(self, inlets):
        s = inlets["in"]
        c = s.components
        solids, liquor, volume = _phases(s)
        info = {}
        if self.liquid_recovery is not None:
            r = self.liquid_recovery
        else:
            cake_solids = (1.0 - self.solids_loss) * float(solids @ c.molar_masses)
            liquor_mass = float(liquor @ c.molar_masses)
            r = (
                liquor_recovery_from_moisture(self.cake_moisture, cake_solids, liquor_mass)
                if liquor_mass > 0.0
                else 1.0
            )
        info["liquid_recovery"] = r
        split = solid_liquid_split(solids, liquor, r, self.solids_loss)
        cake_liq, filtrate = split.cake_liquor, split.filtrate_liquor
        T = s.T
        if self.wash:
            w = inlets["wash"]
            w_sol, w_liq, w_vol = _phases(w)
            if np.any(w_sol > 0.0):
                raise SpecificationError(
                    f"SolidLiquidSeparator {self.name!r}: the wash carries solids; wash with a liquor."
                )
            cake_vol = (1.0 - r) * volume
            if cake_vol > 0.0:
                cake_liq, wash_filtrate = displacement_wash(
                    cake_liq, cake_vol, w_liq, w_vol, self.displacement_efficiency
                )
            else:
                wash_filtrate = w_liq.copy()
            filtrate = filtrate + wash_filtrate
            info["wash_ratio"] = w_vol / cake_vol if cake_vol > 0.0 else float("nan")
            T = mix([s, w]).T
        cake = s.with_moles(split.cake_solids + cake_liq, T=T)
        liq = s.with_moles(split.filtrate_solids + filtrate, T=T)
        # exact closure: the liquor outlet takes the remainder of every species
        total = s.moles + (inlets["wash"].moles if self.wash else 0.0)
        liq = liq.with_moles(np.maximum(total - cake.moles, 0.0))
        aq = c.phase_mask("aq")
        dissolved = np.where(aq, total, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            loss = np.where(dissolved > 0.0, np.where(aq, cake.moles, 0.0) / dissolved, 0.0)
        info["soluble_loss"] = {
            c.names[i]: float(loss[i]) for i in np.flatnonzero(dissolved > 0) if c.names[i] != "H2O"
        }
        return Outcome({"liquor": liq, "cake": cake}, info=info)


class CCDWashTrain(UnitOperation):
    """Counter-current decantation: ``stages`` ideal thickeners washing a slurry.

    Solids move from thickener 1 to N with a fixed underflow liquor per thickener; the
    ``wash`` inlet enters thickener N and its overflow moves back to thickener 1, whose
    overflow leaves as ``overflow`` (the washed-out pregnant liquor). The washed solids
    leave thickener N as ``underflow``. ``info`` reports the soluble loss (fraction of
    each solute leaving with the underflow) and the wash ratio W/U.

    Parameters
    ----------
    name : str
        Unit name.
    stages : int
        Number of thickeners [-].
    underflow_solids : float
        Solids mass fraction of every underflow [kg/kg].
    """

    def __init__(self, name: str, stages: int = 3, underflow_solids=0.5):
        super().__init__(name)
        where = f"CCDWashTrain {name!r}"
        if (
            not isinstance(stages, int | float)
            or isinstance(stages, bool)
            or not math.isfinite(stages)
            or int(stages) != stages
            or not 1 <= stages <= MAX_CCD_STAGES
        ):
            raise SpecificationError(
                f"{where} stages = {stages!r} must be an integer in 1..{MAX_CCD_STAGES}."
            )
        self.stages = int(stages)
        self.underflow_solids = fraction(underflow_solids, f"{where} underflow_solids")
        if self.underflow_solids in (0.0, 1.0):
            raise SpecificationError(
                f"{where} underflow_solids = {self.underflow_solids} must be strictly between 0 and 1."
            )
        self.inlet_ports = ("slurry", "wash")
        self.outlet_ports = ("overflow", "underflow")

    def _run(self, inlets):
        s, w = inlets["slurry"], inlets["wash"]
        c = s.components
        solids, liquor, volume = _phases(s)
        w_sol, w_liq, w_vol = _phases(w)
        if np.any(w_sol > 0.0):
            raise SpecificationError(f"CCDWashTrain {self.name!r}: the wash carries solids.")
        total = s.moles + w.moles
        T = mix([s, w]).T
        m_s = float(solids @ c.molar_masses)
        x = self.underflow_solids
        u = m_s * (1.0 - x) / x / s.densities["aq"]  # underflow liquor [m3/s]
        if m_s <= 0.0 or volume <= 0.0:
            # nothing to wash (e.g. a recycle's first pass): liquors overflow, solids underflow
            under = s.with_moles(solids, T=T)
            return Outcome(
                {"overflow": s.with_moles(total - solids, T=T), "underflow": under},
                info={"wash_ratio": float("nan"), "soluble_loss": {}},
            )
        res = ccd_wash_train(liquor, volume, u, w_vol, self.stages, w_liq)
        under = np.minimum(solids + res.underflow_liquor, total)
        over = np.maximum(total - under, 0.0)
        aq = c.phase_mask("aq")
        loss = {
            c.names[i]: float(res.soluble_loss[i])
            for i in np.flatnonzero(aq & (total > 0))
            if c.names[i] != "H2O"
        }
        info = {"wash_ratio": res.wash_ratio, "soluble_loss": loss, "underflow_liquor": u}
        return Outcome(
            {"overflow": s.with_moles(over, T=T), "underflow": s.with_moles(under, T=T)},
            info=info,
        )
