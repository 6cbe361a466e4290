"""Solvent extraction: a counter-current cascade of equilibrium stages (mixer-settlers).

The unit maps yieldkit Streams onto the arrays of :mod:`yieldkit.models.sx` and back:

* aqueous metal ions ``M+z`` (e.g. ``Nd+3``) <-> extracted complexes ``M-EXTRACTANT``
  (e.g. ``Nd-D2EHPA`` = M(A)z(HA)z, formula M + 2n HA - z H);
* ``H+``: the aqueous acidity (released z per ion extracted, taken up on stripping);
* the free extractant monomer (``D2EHPA``, ``PC88A``, ``Cyanex272``) in the organic.

Everything else passes through in its phase (water, anions such as ``Cl-`` or ``SO4-2``,
ions the model does not extract, diluent, modifier). The aqueous phase enters stage 1 and
leaves stage N as the raffinate; the organic enters stage N and leaves stage 1 loaded.

Warm start: the unit keeps its last cascade solution and starts Newton from it when it is
run again with the same stages and metals (as inside a flowsheet recycle loop). Newton
always converges to the same tolerance and the metals are re-solved exactly from the
warm H+ and extractant profile, so a warm start changes the speed, not the answer (the
results agree to the solver tolerance, ``UNIT_TOL`` scaled residual). ``warm_start=False`` turns
it off; :meth:`SolventExtraction.forget` drops the stored solution.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from yieldkit.errors import ConvergenceError, InfeasibleStateError, SpecificationError
from yieldkit.models.sx import SideFeed, solve_cascade
from yieldkit.models.sx.outlets import exact_outlets
from yieldkit.models.sx.parameters import MODELS, build_model
from yieldkit.models.sx.problem import check_efficiency
from yieldkit.stream import Stream, total_moles
from yieldkit.unitops.base import Outcome, UnitOperation
from yieldkit.unitops.params import SOLVER_TRACE, choice, flag, positive, positive_number

EXTRACTANTS = ("D2EHPA", "PC88A", "Cyanex272")

#: Default Newton tolerance of the unit [-]. Inside a flowsheet the outlets feed tear
#: solvers that difference them or build Jacobians from them, so the unit solves to 1e-14
#: rather than solve_cascade's 1e-12: the outlets then move smoothly with the inlets
#: instead of by up to ~1e-12 relative with the warm start's path. Measured 2026-12-06 on
#: coal-refuse-uky at recycle_fraction=0.99 (1e-12 -> 1e-14): newton-krylov failed after
#: 18 s -> converges in 1.9 s; hybr stopped at an infeasible trial point -> converges in
#: 0.9 s; broyden 3.0 -> 1.9 s; anderson 0.63 -> 0.57 s; direct and wegstein within 5 %.
#: Cost: random cascades of 20-1000 stages all reach 1e-14, with 13 % more cold and
#: 28 % more warm Newton steps.
UNIT_TOL = 1e-14

#: A metal below this concentration in every feed of the cascade passes the unit unchanged,
#: each part in its own phase (``info["passed_traces"]``), and the cascade is solved
#: without it [mol/m3]: far below any analysis, and within ~50 decades of the 1e-300 mol/m3
#: below which the cascade flushes concentrations to zero, where its balance cannot be
#: followed in double precision. Found 2026-12-06 in saponified circuits: a long scrub
#: leaves Na+ at 1e-288..1e-301 mol/m3 on its organic, and the section that took it did not
#: converge (scaled residual 0.44 to 3.6e17); the same cascades solve with that trace at
#: 1e-280 or 0.
TRACE_PASS = 1e-250


def _stage_list(value, n_stages: int, name: str) -> tuple[int, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise SpecificationError(
            f"{name}: side_feeds = {value!r} must be a list of stage numbers, e.g. [2]."
        )
    stages = []
    for k in value:
        if isinstance(k, bool) or not isinstance(k, int | np.integer):
            raise SpecificationError(f"{name}: side-feed stage {k!r} must be an integer.")
        if not 1 <= k <= n_stages:
            raise SpecificationError(f"{name}: side-feed stage {k} is outside 1..{n_stages}.")
        stages.append(int(k))
    if len(set(stages)) != len(stages):
        raise SpecificationError(f"{name}: side-feed stages repeat: {tuple(stages)}.")
    return tuple(stages)


#: Solids and gases up to this fraction of the inlet mass (a tear solver's finite-difference
#: probe) pass unchanged with the raffinate, listed in ``info["entrained_traces"]``; more is
#: an error.
TRACE_OTHER_PHASES = SOLVER_TRACE


class SolventExtraction(UnitOperation):
    """Counter-current solvent-extraction cascade (extraction, scrub or strip section).

    Parameters
    ----------
    name : str
        Unit name.
    n_stages : int
        Number of equilibrium stages, >= 1 [-].
    model : str
        Distribution model, chosen explicitly: 'cation_exchange', 'empirical_ph' or
        'constant_d' [-].
    parameter_set : str or dict
        Named parameter set of ``yieldkit/data/sx_parameters.toml`` the model accepts
        ('uky_d2ehpa', 'p507_pr', 'yin2015_separation'), or the caller's own values per
        metal ion (see :func:`yieldkit.models.sx.parameters.build_model`) [-].
    extractant : str
        Extractant species, 'D2EHPA', 'PC88A' or 'Cyanex272'; complexes are named
        ``<metal>-<extractant>`` [-].
    metals : iterable of str, optional
        Metal ions to extract; default every metal of a named set whose ion and complex
        are in the flowsheet's Components (all metals of a dict) [-].
    dosage : float, optional
        Extractant dosage for 'empirical_ph', vol % [-].
    anchor : str, optional
        Anchor metal for 'yin2015_separation' [-].
    log10_kex_anchor : float, optional
        log10 K_ex of the anchor, mol/L [-].
    saturation : bool
        D falls with loading as (free/capacity)^n ('empirical_ph', 'constant_d') [-].
    capacity : quantity, optional
        Extractant of the unloaded organic with ``saturation``, e.g. "150 mol/m^3".
    saponification : bool
        Model Na+ of a saponified extractant (needs ``Na+`` and ``Na-<extractant>``, the
        sodium salt NaA, in the species database; ``add_sx_circuit(...,
        saponification=...)`` adds the saponifier to a circuit's organic loop) [-].
    side_feeds : iterable of int
        Stages receiving a side feed; each adds inlet port ``feed_<k>`` (aqueous and/or
        organic species, split by phase) [-].
    warm_start : bool
        Reuse the last solution as Newton's starting point [-].
    tol : float
        Newton tolerance on the scaled residual [-]; default ``UNIT_TOL`` = 1e-14, tighter
        than ``solve_cascade``'s 1e-12 (see ``UNIT_TOL``).
    max_iter : int
        Newton iteration limit (the pseudo-transient fallback gets ten times more) [-].
    stage_efficiency : float
        Murphree efficiency of the aqueous phase in every stage, 0 < E <= 1 (1: equilibrium
        stages; mixer-settlers are often put at 0.9-0.95, an assumption to state) [-].

    Notes
    -----
    ``Outcome.info``: ``metals``, ``n_stages``, ``model``, ``contact`` (False when one
    phase or the extractant is absent and everything passes through), ``iterations``,
    ``jacobians``, ``residual``, ``warm_start`` (whether the stored solution was used),
    stage profiles ``x`` and ``y`` [mol/m3] (stage x metal), ``pH`` and ``loading`` [-]
    per stage, ``D`` [-] (stage x metal) and ``extracted`` [-], the fraction of each metal
    fed that leaves in the loaded organic; ``passed_traces`` [mol/s] lists the ions and
    complexes of metals below :data:`TRACE_PASS` in every feed, which pass unchanged in
    their phase.

    A failed solve raises ConvergenceError naming the unit, the stage, the balance and
    the scaled residual; no result is returned.
    """

    sources = ("Peppard1965",)

    def __init__(
        self,
        name: str,
        n_stages: int,
        model: str,
        parameter_set: str | dict,
        extractant: str = "D2EHPA",
        metals: Iterable[str] | None = None,
        dosage=None,
        anchor: str | None = None,
        log10_kex_anchor=None,
        saturation: bool = False,
        capacity=None,
        saponification: bool = False,
        side_feeds: Iterable[int] = (),
        warm_start: bool = True,
        tol: float = UNIT_TOL,
        max_iter: int = 100,
        stage_efficiency: float = 1.0,
    ):
        super().__init__(name)
        where = f"SolventExtraction {name!r}"
        if isinstance(n_stages, bool) or not isinstance(n_stages, int | np.integer):
            raise SpecificationError(f"{where} n_stages = {n_stages!r} must be an integer >= 1.")
        if n_stages < 1:
            raise SpecificationError(f"{where} n_stages = {n_stages!r} must be an integer >= 1.")
        self.n_stages = int(n_stages)
        self.model = choice(model, MODELS, f"{where} model")
        self.extractant = choice(extractant, EXTRACTANTS, f"{where} extractant")
        if isinstance(metals, str) or not isinstance(metals, Iterable | None):
            example = repr([metals]) if isinstance(metals, str) else "['Nd+3', 'Pr+3']"
            raise SpecificationError(
                f"{where} metals = {metals!r}: give a list of metal ions, e.g. {example}."
            )
        if anchor is not None and not isinstance(anchor, str):
            raise SpecificationError(f"{where} anchor = {anchor!r} must be a metal ion name.")
        self.metals = None if metals is None else tuple(metals)
        self.dosage = None if dosage is None else positive_number(dosage, f"{where} dosage")
        self.capacity = (
            None if capacity is None else positive(capacity, "mol/m^3", f"{where} capacity")
        )
        self.tol = positive_number(tol, f"{where} tol")
        if not self.tol < 1:
            raise SpecificationError(
                f"{where} tol = {self.tol!r} must be < 1 (the scaled residual, max norm, at "
                f"which Newton stops; default {UNIT_TOL:g})."
            )
        if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
            raise SpecificationError(f"{where} max_iter = {max_iter!r} must be an integer >= 1.")
        self.max_iter = max_iter
        self.warm_start = flag(warm_start, f"{where} warm_start")
        try:
            self.stage_efficiency = check_efficiency(stage_efficiency)
        except SpecificationError as exc:
            raise SpecificationError(f"{where} {exc}") from exc
        self.side_stages = _stage_list(side_feeds, self.n_stages, where)
        self._options = dict(
            dosage=self.dosage,
            anchor=anchor,
            log10_kex_anchor=log10_kex_anchor,
            saturation=flag(saturation, f"{where} saturation"),
            capacity=self.capacity,
            saponification=flag(saponification, f"{where} saponification"),
        )
        self.parameter_set = parameter_set
        # build once now so a bad set, metal or option fails at construction
        try:
            self.distribution = build_model(self.model, parameter_set, self.metals, **self._options)
        except SpecificationError as exc:
            raise SpecificationError(f"{where}: {exc}") from exc
        self.inlet_ports = ("aq_in", "org_in") + tuple(f"feed_{k}" for k in self.side_stages)
        self.outlet_ports = ("raffinate", "loaded_org")
        self._maps: dict = {}
        self._last = None

    # ------------------------------------------------------------ mapping
    def forget(self) -> None:
        """Drop the stored solution (the next run starts cold)."""
        self._last = None

    def _mapping(self, c):
        """Model and species indices for one Components set (cached)."""
        hit = self._maps.get(c)
        if hit is not None:
            return hit
        where = f"unit {self.name!r}"
        base = self.distribution
        if self.metals is None and isinstance(self.parameter_set, str):
            own = base.metals[:-1] if self._options["saponification"] else base.metals
            keep = [m for m in own if m in c and _complex(m, self.extractant) in c]
            if not keep:
                raise SpecificationError(
                    f"{where}: none of the metals of parameter set {self.parameter_set!r} "
                    f"({', '.join(base.metals)}) is in the Components with its "
                    f"{self.extractant} complex."
                )
            model = build_model(self.model, self.parameter_set, keep, **self._options)
        else:
            model = base
        need = ["H+", self.extractant]
        need += [m for m in model.metals] + [_complex(m, self.extractant) for m in model.metals]
        missing = [s for s in need if s not in c]
        if missing:
            raise SpecificationError(
                f"{where}: species {missing} are needed by the SX model but are not in the "
                "Components; add them (complexes are named '<metal>-<extractant>')."
            )
        ion = c.indices(model.metals)
        cplx = c.indices([_complex(m, self.extractant) for m in model.metals])
        ih, ie = c.index("H+"), c.index(self.extractant)
        E = c.element_matrix
        for k, m in enumerate(model.metals):
            expect = E[:, ion[k]] + 2.0 * model.n[k] * E[:, ie] - model.z[k] * E[:, ih]
            if not np.allclose(E[:, cplx[k]], expect, rtol=0, atol=1e-9):
                raise SpecificationError(
                    f"{where}: complex {_complex(m, self.extractant)!r} does not have the "
                    f"formula {m} + {2 * model.n[k]:g} HA - {model.z[k]:g} H the model uses."
                )
            if c.charges[ion[k]] != model.z[k]:
                raise SpecificationError(
                    f"{where}: ion {m!r} has charge {c.charges[ion[k]]}, the model releases "
                    f"{model.z[k]:g} H+ per ion."
                )
        aq = c.phase_mask("aq")
        org = c.phase_mask("org")
        hit = (model, ion, cplx, ih, ie, aq, org)
        self._maps[c] = hit
        return hit

    # ------------------------------------------------------------ running
    def _run(self, inlets: dict[str, Stream]) -> Outcome:
        """Set aside solid/gas traces (a tear solver's probe), run the cascade, re-add them."""
        c = inlets["aq_in"].components
        other_idx = _other_phases(c)
        if not (other_idx.size and any(s.moles[other_idx].any() for s in inlets.values())):
            return self._run_phases(inlets)  # the common case: only aqueous and organic
        mw = c.molar_masses
        total_mass = sum(float(s.moles @ mw) for s in inlets.values())
        trace = np.zeros(len(c.names))
        for port, s in inlets.items():
            extra = np.zeros(len(c.names))
            extra[other_idx] = s.moles[other_idx]
            if not extra.any():
                continue
            if float(extra @ mw) > TRACE_OTHER_PHASES * total_mass:
                bad = [c.names[i] for i in np.flatnonzero(extra > 0)]
                raise SpecificationError(
                    f"unit {self.name!r}: inlet {port!r} carries {bad}, which is neither "
                    "aqueous nor organic; separate solids and gases before solvent extraction "
                    f"(traces below {TRACE_OTHER_PHASES:g} of the inlet mass pass with the "
                    "raffinate)."
                )
            trace += extra
            inlets = dict(inlets, **{port: s.with_moles(s.moles - extra)})
        outcome = self._run_phases(inlets)  # (some inlet carried a trace: checked above)
        raff = outcome.outlets["raffinate"]
        outcome.outlets["raffinate"] = raff.with_moles(raff.moles + trace)
        outcome.info["entrained_traces"] = {
            c.names[i]: float(trace[i]) for i in np.flatnonzero(trace)
        }
        return outcome

    def _run_phases(self, inlets: dict[str, Stream]) -> Outcome:
        aq_in = inlets["aq_in"]
        c = aq_in.components
        model, ion, cplx, ih, ie, aq, org = self._mapping(c)
        where = f"unit {self.name!r}"
        total = total_moles(inlets.values(), len(c))
        bound = model.ha_bound
        metal_in = total[ion] + total[cplx]
        extract_in = total[ie] + bound @ total[cplx]
        info = {"metals": model.metals, "n_stages": self.n_stages, "model": model.kind,
                "stage_efficiency": self.stage_efficiency}  # fmt: skip
        # every inlet meets the cascade at one stage, each phase in its own phase: an
        # entrained other phase (or a tear solver's perturbation) becomes a side feed
        stage_of = {"aq_in": 1, "org_in": self.n_stages}
        stage_of.update({f"feed_{k}": k for k in self.side_stages})
        feeds = []  # (port, stage, phase, flow [m3/s], conc [mol/m3])
        for port, s in inlets.items():
            n = s.moles
            for phase, idx, last in (("aq", ion, n[ih]), ("org", cplx, None)):
                q = s.volume_flow(phase)
                if q > 0:
                    conc = np.empty(len(idx) + 1)
                    conc[:-1] = n[idx]
                    conc[-1] = last if last is not None else n[ie] + bound @ n[cplx]
                    conc /= q
                    feeds.append((port, stage_of[port], phase, q, conc))
        q_tot = {ph: sum(f[3] for f in feeds if f[2] == ph) for ph in ("aq", "org")}
        # metals at trace level in every feed pass unchanged in their phase (TRACE_PASS)
        peak = np.max([f[4][:-1] for f in feeds], axis=0) if feeds else np.zeros(len(ion))
        passed = (peak < TRACE_PASS) & (metal_in > 0)
        if passed.any():
            for f in feeds:
                f[4][:-1][passed] = 0.0
            extract_in = extract_in - bound[passed] @ total[cplx][passed]
            metal_in = np.where(passed, 0.0, metal_in)
            traces = np.r_[ion[passed], cplx[passed]]
            info["passed_traces"] = {c.names[i]: float(total[i]) for i in traces if total[i] > 0}
        if min(q_tot.values()) <= 0 or extract_in <= 0 or not metal_in.max() > 0:
            # no contact (e.g. the first pass of a recycle loop): everything passes through
            info.update(iterations=0, contact=False)
            return Outcome(self._outlets(inlets, *self._split(total, aq, org)), info=info)
        main = {
            ph: [f for f in feeds if f[0] == p and f[2] == ph]
            for p, ph in (("aq_in", "aq"), ("org_in", "org"))
        }
        # inlet states the cascade cannot operate at: InfeasibleStateError (a
        # SpecificationError), from which tear solvers retreat when their extrapolated trial
        # point made it (found 2026-12-06: newton-krylov's trial point of ndfeb-hcl-leach
        # with dy_sx=True at 1 t/h of magnets had no H+ in the SX feed and stopped the solve)
        for p, ph in (("aq_in", "aq"), ("org_in", "org")):
            if not main[ph]:
                raise InfeasibleStateError(
                    f"{where}: inlet {p!r} has no {ph} phase while the other inlets do; the "
                    "cascade needs both main feeds."
                )
        _, _, _, q_aq, aq_feed = main["aq"][0]
        _, _, _, q_org, org_feed = main["org"][0]
        if not aq_feed[-1] > 0:
            raise InfeasibleStateError(
                f"{where}: aq_in has no H+; the SX model needs the feed's acidity (pH 7 is "
                "1e-4 mol/m3)."
            )
        sides = [
            SideFeed(k, ph, q, conc)
            for p, k, ph, q, conc in feeds
            if not ((p, ph) == ("aq_in", "aq") or (p, ph) == ("org_in", "org"))
        ]
        warm = self._last if self.warm_start and self._fits(self._last, model) else None
        try:
            sol = solve_cascade(
                aq_feed,
                org_feed,
                q_aq,
                q_org,
                model,
                self.n_stages,
                side_feeds=sides,
                x0=warm,
                tol=self.tol,
                max_iter=self.max_iter,
                stage_efficiency=self.stage_efficiency,
            )
        except ConvergenceError as exc:
            raise exc.reworded(f"{where}: {exc}") from exc
        except InfeasibleStateError as exc:
            raise InfeasibleStateError(f"{where}: {exc}") from exc
        self._last = sol
        raff, load, h_out, free_out = exact_outlets(
            metal_in,
            np.where(passed, 0.0, total[cplx]),
            total[ih],
            extract_in,
            sol.q_aq[-1] * sol.x[-1],
            sol.q_org[0] * sol.y[0],
            model.z,
            model.n,
        )
        n_raff, n_org = self._split(total, aq, org)
        n_raff[ion], n_raff[ih] = raff + np.where(passed, total[ion], 0.0), h_out
        n_org[cplx], n_org[ie] = load + np.where(passed, total[cplx], 0.0), free_out
        out = self._outlets(inlets, n_raff, n_org)
        d = model.distribution(sol.h, sol.free_extractant)
        info.update(
            contact=True,
            iterations=sol.iterations,
            jacobians=sol.jacobians,
            residual=sol.residual,
            warm_start=warm is not None,
            x=sol.x,
            y=sol.y,
            pH=sol.ph,
            loading=sol.loading,
            D=d,
            extracted=load / np.where(metal_in > 0, metal_in, 1.0),
        )
        return Outcome(out, info=info)

    def _fits(self, last, model) -> bool:
        return last is not None and last.metals == model.metals and last.n_stages == self.n_stages

    @staticmethod
    def _split(total, aq, org) -> tuple[np.ndarray, np.ndarray]:
        """Every species in its phase's outlet (before the model's transfers): molar flows
        of the raffinate and of the loaded organic [mol/s]."""
        return np.where(aq, total, 0.0), np.where(org, total, 0.0)

    @staticmethod
    def _outlets(inlets, n_raff, n_org) -> dict[str, Stream]:
        """The outlet streams (at the temperature, pressure and densities of their phase's
        main inlet)."""
        aq_in, org_in = inlets["aq_in"], inlets["org_in"]
        raff = Stream.from_moles(aq_in.components, n_raff, aq_in.T, aq_in.P, aq_in.densities)
        load = Stream.from_moles(org_in.components, n_org, org_in.T, org_in.P, org_in.densities)
        return {"raffinate": raff, "loaded_org": load}


@lru_cache(maxsize=32)
def _other_phases(c) -> np.ndarray:
    """Indices of the species of ``c`` in neither the aqueous nor the organic phase."""
    idx = np.flatnonzero(~(c.phase_mask("aq") | c.phase_mask("org")))
    idx.setflags(write=False)
    return idx


def _complex(metal: str, extractant: str) -> str:
    """Complex name of a metal ion: 'Nd+3' -> 'Nd-D2EHPA'."""
    return re.sub(r"[+-]\d*$", "", metal) + "-" + extractant
