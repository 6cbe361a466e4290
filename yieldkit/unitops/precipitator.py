"""Precipitation unit: oxalate (efficiency curve or fixed splits), hydroxide to a pH, Na-RE
double sulfate.

Thin class over :mod:`yieldkit.models.precipitation` and :mod:`yieldkit.models.hydroxide`:
the model says how much of each cation precipitates; the unit writes one balanced reaction
per cation (per mol of metal) and applies it in the liquor's proton-total form (see
:mod:`yieldkit.unitops._liquor`), then re-speciates the liquor. So the oxalic acid bound,
the acid released (2 H+ per oxalate from H2C2O4), the base consumed and the water of
hydration all close by construction.

Solids written by default (each must be a component when it forms):
oxalate ``RE2(C2O4)3.10H2O``, ``Fe2(C2O4)3.4H2O`` (Fe+3), ``FeC2O4.2H2O`` (Fe+2),
``CaC2O4.H2O``; hydroxide ``M(OH)z``; double sulfate ``NaRE(SO4)2.H2O``. ``products``
overrides them per cation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np

from yieldkit.chemistry.components import REE
from yieldkit.chemistry.reactions import Reaction
from yieldkit.chemistry.species import database, find_species, get_species
from yieldkit.errors import (
    InfeasibleStateError,
    SpecificationError,
    YieldkitError,
    did_you_mean,
    unknown_name,
)
from yieldkit.models.hydroxide import BASES, hydroxide_log_k, hydroxide_precipitation
from yieldkit.models.precipitation import (
    double_sulfate_precipitation,
    oxalate_efficiency,
    oxalate_precipitation,
    split_fractions,
    split_precipitation,
)
from yieldkit.stream import Stream, mix
from yieldkit.unitops import _liquor
from yieldkit.unitops.base import Outcome, UnitOperation
from yieldkit.unitops.basic import changes_temperature, slurry_duty
from yieldkit.unitops.params import choice, fraction, mapping, port_names, positive_number

MODES = ("efficiency", "splits", "hydroxide", "double-sulfate")
SPECTATORS = ("H+", "NH4+", "Na+", "K+")
_OXALATE_DEFAULT = {"Fe+3": "Fe2(C2O4)3.4H2O", "Fe+2": "FeC2O4.2H2O", "Ca+2": "CaC2O4.H2O"}


@cache
def _known_elements() -> tuple[str, ...]:
    """Element symbols of the species database."""
    return tuple(sorted({e for sp in database().values() for e in sp.elements}))


def _element(cation: str) -> str:
    return next(iter(get_species(cation).elements))


def default_product(mode: str, cation: str) -> str:
    """Name of the solid a cation forms in ``mode`` (the defaults of the module docstring).

    Parameters
    ----------
    mode : str
        Precipitator mode [-].
    cation : str
        Cation species name, e.g. ``"Nd+3"`` [-].
    """
    sp = get_species(cation)
    el, z = _element(cation), sp.charge
    if mode in ("efficiency", "splits"):
        if el in REE and z == 3:
            return f"{el}2(C2O4)3.10H2O"
        if cation in _OXALATE_DEFAULT:
            return _OXALATE_DEFAULT[cation]
        raise SpecificationError(
            f"no default oxalate for {cation!r}; give products={{{cation!r}: 'solid name'}}."
        )
    if mode == "hydroxide":
        return f"{el}(OH){z if z > 1 else ''}"
    return f"Na{el}(SO4)2.H2O"


def precipitation_reaction(mode: str, cation: str, product: str) -> Reaction:
    """Balanced reaction per mol of ``cation`` in the liquor's proton-total form.

    Parameters
    ----------
    mode : str
        Precipitator mode [-].
    cation : str
        Cation species name [-].
    product : str
        Solid species formed [-].
    """
    sp, solid = get_species(cation), get_species(product)
    el, z = _element(cation), sp.charge
    a = solid.elements.get(el, 0.0)
    if a <= 0:
        raise SpecificationError(f"product {product!r} holds no {el} for cation {cation!r}.")
    f = f"{1 / a:.12g}"
    water = solid.elements.get("H", 0.0) / 2.0 / a
    if mode in ("efficiency", "splits"):
        eq = f"{cation} + {z / 2:g} C2O4-2" + (f" + {water:.12g} H2O" if water else "")
    elif mode == "hydroxide":
        eq = f"{cation} + {z:g} H2O"
        water = 0.0
    else:
        eq = f"{cation} + Na+ + 2 SO4-2" + (f" + {water:.12g} H2O" if water else "")
    rhs = f"{f} {product}" + (f" + {z:g} H+" if mode == "hydroxide" else "")
    try:
        return Reaction.parse(f"{eq} -> {rhs}")
    except YieldkitError as err:
        raise SpecificationError(
            f"product {product!r} does not fit the {mode} precipitation of {cation!r}: {err}"
        ) from None


class Precipitator(UnitOperation):
    """Precipitation from a liquor with a reagent.

    Parameters
    ----------
    name : str
        Unit name.
    mode : str
        ``"efficiency"``: oxalic acid, fraction precipitated from the Klemettinen et al.
        efficiency curve at the oxalic-acid excess, non-targets by ``coprecipitation``;
        ``"splits"``: fixed fraction per element (``splits``), oxalate as ligand;
        ``"hydroxide"``: base (NaOH solution as Na+/OH-, or NH4OH as aqueous NH3) dosed to
        ``target_pH``, hydroxides by their solubility products; ``"double-sulfate"``:
        Na2SO4 precipitates ``conversion`` of each target as NaRE(SO4)2.H2O.
    T : quantity, optional
        Outlet temperature [K]; default the mixed inlet temperature. When it heats or cools
        an inlet the duty [W] is the enthalpy balance of
        :func:`yieldkit.models.heat_balance.enthalpy_balance` (see
        :class:`~yieldkit.unitops.basic.StoichiometricReactor`; the precipitation itself
        involves aqueous ions, so it is the sensible heat only, as ``info["duty_basis"]``
        says); otherwise 0 (heat of precipitation not modelled).
    inlets : sequence of str
        Two ports: the liquor and the reagent.
    excess : float, optional
        Efficiency mode: oxalic acid above stoichiometry used for the efficiency, 0.2 =
        +20 % [-]. The reagent inlets must bring at least that dose; the rest stays in the
        liquor. Default: the actual excess of the inlets.
    targets : sequence of str, optional
        Efficiency/double-sulfate: cations the dose and curve refer to; default every RE
        cation among the components [-].
    coprecipitation : mapping, optional
        Efficiency mode: fraction precipitated of non-target cations, e.g.
        ``{"Fe+3": 0.07}`` (Klemettinen et al. at +40 % excess) [-].
    curve : (excess points, efficiencies), optional
        Efficiency mode: own curve instead of Klemettinen et al. [-].
    splits : str or mapping
        Splits mode: a table of ``data/precipitation.toml`` or ``{element: fraction}``;
        elements not listed stay in solution [-].
    target_pH : float, optional
        Hydroxide mode: pH to reach [-].
    base : str
        Hydroxide mode: ``"NaOH"`` or ``"NH4OH"``; its strength is that of the reagent
        inlet; the base not needed leaves by the ``unused_reagent`` outlet.
    conversion : float, optional
        Double-sulfate mode: fraction of each target precipitated (no sourced value) [-].
    products : mapping, optional
        Solid formed per cation, overriding the defaults.
    """

    def __init__(
        self,
        name: str,
        mode: str = "efficiency",
        T=None,
        inlets=("liquor", "reagent"),
        excess=None,
        targets: Sequence[str] | None = None,
        coprecipitation: Mapping | None = None,
        curve=None,
        splits="oxalate_splits_ph1p28",
        target_pH=None,
        base: str = "NaOH",
        conversion=None,
        products: Mapping | None = None,
    ):
        from yieldkit.units import to_dimensionless, to_si

        super().__init__(name)
        self._out_h = None  # free H+ of the last outlet liquor [mol/L]
        where = f"Precipitator {name!r}"
        self.mode = choice(mode, MODES, f"{where} mode")
        self.inlet_ports = port_names(inlets, f"{where} inlets")
        if len(self.inlet_ports) != 2:
            raise SpecificationError(f"{where}: two inlets (liquor, reagent); got {inlets!r}.")
        self.outlet_ports = ("slurry", "unused_reagent") if mode == "hydroxide" else ("slurry",)
        self.T = None if T is None else to_si(T, "K", f"{where} T")
        self.products = dict(
            mapping(
                {} if products is None else products, f"{where} products", "{'Nd+3': 'Nd(OH)3'}"
            )
        )
        for cat, prod in self.products.items():
            get_species(cat), get_species(prod)  # unknown names raise with suggestions
        mode_only = {
            "excess": ("efficiency", excess),
            "coprecipitation": ("efficiency", coprecipitation),
            "curve": ("efficiency", curve),
            "target_pH": ("hydroxide", target_pH),
            "conversion": ("double-sulfate", conversion),
            "targets": (("efficiency", "double-sulfate"), targets),
        }
        for opt, (modes, value) in mode_only.items():
            if value is not None and self.mode not in np.atleast_1d(modes):
                raise SpecificationError(f"{where}: {opt} applies to mode={modes!r} only.")
        self.targets = None if targets is None else tuple(get_species(t).name for t in targets)
        self.excess = (
            None if excess is None else positive_number(excess, f"{where} excess", allow_zero=True)
        )
        copr = {} if coprecipitation is None else coprecipitation
        mapping(copr, f"{where} coprecipitation", "{'Fe+3': 0.07}")
        self.coprecipitation = {
            get_species(k).name: fraction(v, f"{where} coprecipitation of {k!r}")
            for k, v in copr.items()
        }
        self.curve = curve
        if self.mode == "efficiency":
            # checks the curve, and that a given excess lies inside it (no extrapolation)
            oxalate_efficiency(self.excess if self.excess is not None else 0.0, curve)
        self.splits = None
        if self.mode == "splits":
            if isinstance(splits, str):
                self.splits = split_fractions(splits)
            else:
                mapping(splits, f"{where} splits", "'oxalate_splits_ph1p28' or {'Nd': 0.99}")
                if not splits:
                    raise SpecificationError(f"{where}: splits must name at least one element.")
                for el in splits:
                    if not isinstance(el, str) or not find_species(element=el):
                        raise SpecificationError(
                            f"{where} splits: {el!r} is not an element of the species database "
                            "(splits are keyed by element symbol, e.g. 'Nd')."
                            f"{did_you_mean(str(el), _known_elements())}"
                        )
                self.splits = {k: fraction(v, f"{where} split of {k!r}") for k, v in splits.items()}
        self.base = choice(base, BASES, f"{where} base")
        self.target_pH = None
        if self.mode == "hydroxide":
            if target_pH is None:
                raise SpecificationError(f"{where}: hydroxide mode needs target_pH.")
            self.target_pH = to_dimensionless(target_pH, f"{where} target_pH")
            if not (0.0 < self.target_pH < 14.0):
                raise SpecificationError(
                    f"{where} target_pH = {target_pH!r} is outside the accepted range (0, 14)."
                )
        self.conversion = None
        if self.mode == "double-sulfate":
            if conversion is None:
                raise SpecificationError(
                    f"{where}: double-sulfate mode needs conversion (no sourced default)."
                )
            self.conversion = fraction(conversion, f"{where} conversion")
        from yieldkit.models.precipitation import precipitation_data

        data = precipitation_data()
        self.sources = {
            "efficiency": (data["oxalate_efficiency_klemettinen"]["source"],)
            if curve is None
            else (),
            "splits": (data[splits]["source"],) if isinstance(splits, str) else (),
            "hydroxide": (data["hydroxide_log_k"]["source"],),
            "double-sulfate": ("Lyman1993",),
        }[self.mode]
        self._cache: tuple | None = None
        self._stoich: dict = {}  # (mode, cation, product, components) -> stoichiometry

    # ------------------------------------------------------------ helpers
    def _setup(self, c):
        if self._cache and self._cache[0] is c:
            return self._cache[1:]
        where = f"Precipitator {self.name!r}"
        lay = _liquor.layout(c, where)
        cations = [
            s.name
            for s in c.species
            if s.phase == "aq"
            and s.charge > 0
            and s.name not in SPECTATORS
            and len(s.elements) == 1
        ]
        need = {
            "efficiency": ("C2O4-2",),
            "splits": ("C2O4-2",),
            "double-sulfate": ("Na+", "SO4-2"),
        }
        missing = [sp for sp in need.get(self.mode, ()) + ("H2O",) if sp not in c]
        if self.mode == "hydroxide":
            missing += [
                sp
                for sp in (("Na+", "OH-") if self.base == "NaOH" else ("NH3", "NH4+"))
                if sp not in c
            ]
        if missing:
            raise SpecificationError(f"{where} ({self.mode}): the components need {missing}.")
        for k in list(self.coprecipitation) + list(self.targets or ()) + list(self.products):
            if k not in cations:
                raise SpecificationError(unknown_name("cation", k, cations, where))
        self._cache = (c, lay, cations)
        return lay, cations

    def _reaction(self, cation: str, c) -> np.ndarray:
        """Stoichiometry (read-only, built once per cation and components) of the
        precipitation of ``cation`` over the components ``c``."""
        product = self.products.get(cation) or default_product(self.mode, cation)
        key = (self.mode, cation, product, c)  # the unit's settings may change between runs
        hit = self._stoich.get(key)
        if hit is not None:
            return hit
        if product not in c:
            raise SpecificationError(
                f"Precipitator {self.name!r}: {cation!r} precipitates as {product!r}, which is "
                "not in the flowsheet's components; add it or give products=."
            )
        nu = precipitation_reaction(self.mode, cation, product).stoichiometry(c.names)
        nu.setflags(write=False)
        self._stoich[key] = nu
        return nu

    # ------------------------------------------------------------ running
    def _run(self, inlets):
        liquor_in, reagent = (inlets[p] for p in self.inlet_ports)
        c = liquor_in.components
        lay, cations = self._setup(c)
        rho = liquor_in.densities["aq"]
        idx = c.indices(cations) if cations else np.zeros(0, dtype=int)
        z = c.charges[idx]
        outlets, info = {}, {}
        if self.mode == "hydroxide":
            dose_frac, info = self._hydroxide(liquor_in, reagent, lay, cations, idx, z, rho)
            used = reagent.scaled(dose_frac)
            outlets["unused_reagent"] = reagent.with_moles(reagent.moles - used.moles)
            s = mix([liquor_in, used])
        else:
            s = mix([liquor_in, reagent])
        n = _liquor.pool_form(s.moles, lay)
        if self.mode == "double-sulfate" and "Na2SO4" in c:
            k = c.index("Na2SO4")
            n[c.index("Na+")] += 2 * n[k]
            n[c.index("SO4-2")] += n[k]
            n[k] = 0.0
        metals = n[idx]
        if self.mode == "efficiency":
            p, more = self._oxalate(n, c, cations, metals, z)
        elif self.mode == "splits":
            p, more = self._splits(n, c, cations, metals, z)
        elif self.mode == "double-sulfate":
            p, more = self._double_sulfate(n, c, cations, metals)
        else:
            p, more = info.pop("_precipitated"), {}
        info.update(more)
        n_out = n.copy()
        for i, cat in enumerate(cations):
            if p[i] > 0.0:
                n_out += p[i] * self._reaction(cat, c)
        for i in idx:  # the metal goes exactly to the solid: no rounding remainder
            n_out[i] = max(n_out[i], 0.0)
        bad = [
            c.names[i] for i in np.flatnonzero(n_out < -1e-12 * np.maximum(n, 1e-300)) if i != lay.h
        ]
        if bad:
            raise SpecificationError(
                f"Precipitator {self.name!r}: the precipitation needs more {bad} than the inlets bring."
            )
        n_out = np.where((n_out < 0) & (np.arange(n.size) != lay.h), 0.0, n_out)
        where = f"Precipitator {self.name!r}"
        n_out, spec = _liquor.equilibrate(n_out, lay, _liquor.liquor_volume(n_out, c, rho), where,
                                          self._out_h)  # fmt: skip
        self._out_h = None if spec is None else float(spec.h)
        if spec is not None:
            info["pH_out"] = float(spec.pH)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(metals > 0, p / metals, 0.0)
        info["fraction_precipitated"] = {
            cat: float(f) for cat, f, m in zip(cations, frac, metals, strict=True) if m > 0
        }
        outlets["slurry"] = Stream.from_moles(
            c, n_out, s.T if self.T is None else self.T, s.P, s.densities
        )
        duty = 0.0
        if changes_temperature([liquor_in, reagent], self.T):
            duty, more = slurry_duty([liquor_in, reagent], list(outlets.values()), self.T)
            info.update(more)
        return Outcome(outlets, duty=duty, info=info)

    def _default_targets(self, cations):
        if self.targets is not None:
            return self.targets
        return tuple(k for k in cations if _element(k) in REE)

    def _oxalate(self, n, c, cations, metals, z):
        targets = np.array([k in self._default_targets(cations) for k in cations], dtype=bool)
        available = float(n[c.index("C2O4-2")])  # all oxalate, in the pool form
        need = float(z[targets] @ metals[targets]) / 2.0
        p = np.zeros(len(cations))
        info = {"oxalate_available": available, "oxalate_stoichiometric": need}
        if need <= 0.0:
            return p, info
        actual = available / need - 1.0
        excess = actual if self.excess is None else self.excess
        if self.excess is not None and available < (1.0 + excess) * need * (1 - 1e-12):
            raise InfeasibleStateError(
                f"Precipitator {self.name!r}: excess {excess} needs {(1 + excess) * need:.6g} "
                f"mol/s of oxalate but the inlets bring {available:.6g} mol/s; raise the dose."
            )
        co = np.array([self.coprecipitation.get(k, 0.0) for k in cations])
        try:
            res = oxalate_precipitation(metals, z, targets, excess, co, 0.0, self.curve)
        except SpecificationError as err:
            src = "the inlets' actual" if self.excess is None else "the given"
            # with the inlets' actual excess every failure here comes from the inlet state
            cls = InfeasibleStateError if self.excess is None else type(err)
            raise cls(f"Precipitator {self.name!r} ({src} oxalic-acid excess): {err}") from None
        if res.reagent_consumed > available * (1 + 1e-12):
            raise InfeasibleStateError(
                f"Precipitator {self.name!r}: the solids bind {res.reagent_consumed:.6g} mol/s "
                f"oxalate, more than the {available:.6g} mol/s the inlets bring."
            )
        info.update(
            excess_used=float(excess),
            excess_actual=actual,
            efficiency=float(oxalate_efficiency(excess, self.curve)),
            reagent_consumed=res.reagent_consumed,
            acid_released=res.h_released,
        )
        return res.precipitated, info

    def _splits(self, n, c, cations, metals, z):
        listed = [k for k in cations if _element(k) in self.splits]
        sel = np.array([k in listed for k in cations], dtype=bool)
        p = np.zeros(len(cations))
        available = float(n[c.index("C2O4-2")])
        info = {"not_in_split_table": [k for k in cations if k not in listed]}
        if not sel.any():
            return p, info
        try:
            res = split_precipitation(
                metals[sel],
                z[sel],
                [_element(k) for k in np.array(cations)[sel]],
                self.splits,
                available,
            )
        except SpecificationError as err:
            raise type(err)(f"Precipitator {self.name!r} (splits): {err}") from None
        p[sel] = res.precipitated
        info.update(reagent_consumed=res.reagent_consumed, acid_released=res.h_released)
        return p, info

    def _double_sulfate(self, n, c, cations, metals):
        targets = np.array([k in self._default_targets(cations) for k in cations], dtype=bool)
        dose = float(n[c.index("Na+")]) / 2.0
        so4 = float(n[c.index("SO4-2")])
        res = double_sulfate_precipitation(metals, targets, self.conversion, dose, so4 - dose)
        return res.precipitated, {
            "reagent_consumed": res.reagent_consumed,
            "sulfate_consumed": res.sulfate_consumed,
        }

    def _hydroxide(self, liquor_in, reagent, lay, cations, idx, z, rho):
        c = liquor_in.components
        where = f"Precipitator {self.name!r}"
        n = _liquor.pool_form(liquor_in.moles, lay)
        volume = _liquor.liquor_volume(n, c, rho)
        base_sp = "Na+" if self.base == "NaOH" else "NH3"
        supply = float(reagent.moles[c.index(base_sp)])
        r_vol = reagent.volume_flow("aq")
        if volume <= 0.0:
            return 0.0, {"_precipitated": np.zeros(len(cations)), "base_added": 0.0}
        if supply <= 0.0 or r_vol <= 0.0:
            raise SpecificationError(
                f"{where}: the reagent inlet carries no {self.base} ({base_sp!r}); feed the base."
            )
        systems, totals, _, q = _liquor.state(n, lay, volume)
        log_k = hydroxide_log_k(cations) if cations else np.zeros(0)
        try:
            res = hydroxide_precipitation(
                n[idx], z, log_k, volume, totals, q, self.target_pH, self.base,
                supply / (r_vol * 1000.0), systems,
            )  # fmt: skip
        except SpecificationError as err:
            raise type(err)(f"{where}: {err}") from None
        if res.base_added > supply * (1 + 1e-12):
            raise InfeasibleStateError(
                f"{where}: target pH {self.target_pH} needs {res.base_added:.6g} mol/s of "
                f"{self.base} but the reagent inlet supplies {supply:.6g} mol/s; raise its flow."
            )
        frac = min(res.base_added / supply, 1.0)
        ree = {
            k: float(f)
            for k, f in zip(cations, res.fraction_precipitated, strict=True)
            if _element(k) in REE
        }
        info = {
            "_precipitated": res.precipitated,
            "base_added": res.base_added,
            "acid_released": res.h_released,
            "ree_coloss": ree,
            "target_pH": self.target_pH,
        }
        return frac, info
