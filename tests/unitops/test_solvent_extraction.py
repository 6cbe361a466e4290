"""SolventExtraction unit and the SX circuit helper: reference case, recycle, warm start, errors."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from yieldkit.chemistry.components import Components
from yieldkit.errors import ConvergenceError, SpecificationError, UnitsError
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.flowsheet.solvers import SOLVERS
from yieldkit.flowsheet.sx_circuit import add_sx_circuit
from yieldkit.models.sx import solve_cascade
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Product
from yieldkit.unitops.solvent_extraction import SolventExtraction

_SPEC = importlib.util.spec_from_file_location(
    "_yk_cases_sx", Path(__file__).parent / "cases_sx.py"
)
cs = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(cs)
C = cs.C
EXAMPLES = Path(__file__).parents[2] / "examples"


def _ref_unit(**kw):
    return SolventExtraction("sx", 3, "empirical_ph", "uky_d2ehpa", dosage=5.0, **kw)


def test_reference_case_through_unit_agrees_with_model():
    """DOMAIN.md section 3 reference case (UKy pilot via PrOMMiS) through the unit."""
    aq, org = cs.ref_aq(), cs.ref_org()
    unit = _ref_unit(metals=cs.REF_METALS)
    out = unit.run({"aq_in": aq, "org_in": org})
    model = unit.distribution
    q_aq, q_org = aq.volume_flow("aq"), org.volume_flow("org")
    mol = {k: v for k, v in zip(C.names, aq.moles, strict=True)}
    aq_arr = np.array([mol[m] for m in cs.REF_METALS] + [mol["H+"]]) / q_aq
    omol = {k: v for k, v in zip(C.names, org.moles, strict=True)}
    cplx = np.array([omol[cs.cx(m)] for m in cs.REF_METALS])
    org_arr = np.append(cplx, omol["D2EHPA"] + 2 * model.n @ cplx) / q_org
    sol = solve_cascade(aq_arr, org_arr, q_aq, q_org, model, 3)
    raff, load = out.outlets["raffinate"], out.outlets["loaded_org"]
    # flows (the stream's own volume changes slightly as metals move; the model's does not)
    for i, m in enumerate(cs.REF_METALS):
        assert raff.flow(m) == pytest.approx(q_aq * sol.x[-1, i], rel=1e-10)
        assert load.flow(cs.cx(m)) == pytest.approx(q_org * sol.y[0, i], rel=1e-10)
    assert raff.flow("H+") == pytest.approx(q_aq * sol.h[-1], rel=1e-10)
    np.testing.assert_allclose(out.info["pH"], sol.ph, rtol=1e-12)
    assert out.info["D"].shape == (3, 12)
    assert out.info["iterations"] >= 1 and out.info["warm_start"] is False
    # and with the example's own inputs (molar masses from molmass: agree to 1e-6)
    sys.path.insert(0, str(EXAMPLES))
    try:
        from sx_reference_case import reference_case
    finally:
        sys.path.remove(str(EXAMPLES))
    ex = reference_case()["solution"]
    np.testing.assert_allclose(out.info["x"], ex.x, rtol=1e-6)
    # passive species pass through in their phase
    assert raff.flow("HSO4-") == aq.flow("HSO4-")
    assert load.flow("kerosene") == org.flow("kerosene")


def test_defaults_pick_the_set_metals_present():
    unit = _ref_unit()
    out = unit.run({"aq_in": cs.ref_aq(), "org_in": cs.ref_org()})
    assert set(out.info["metals"]) == set(cs.REF_METALS)


def test_warm_start_gives_the_same_answer():
    aq = cs.ndpr_aq()
    warm = SolventExtraction("ext", 8, **cs.YIN)
    cold = SolventExtraction("ext", 8, warm_start=False, **cs.YIN)
    warm.run({"aq_in": aq, "org_in": cs.organic()})
    aq2 = cs.ndpr_aq(nd=0.00505, pr=0.00297)  # 1 % feed change
    a = warm.run({"aq_in": aq2, "org_in": cs.organic()})
    b = cold.run({"aq_in": aq2, "org_in": cs.organic()})
    assert a.info["warm_start"] is True and b.info["warm_start"] is False
    assert a.info["jacobians"] < b.info["jacobians"]  # warm: chord steps on the old LU
    for port in ("raffinate", "loaded_org"):
        np.testing.assert_allclose(a.outlets[port].moles, b.outlets[port].moles, rtol=1e-10)
    warm.forget()
    assert warm.run({"aq_in": aq2, "org_in": cs.organic()}).info["warm_start"] is False


def _circuit():
    c = cs.C_NDPR  # only the species in play: see the note in the report on trace species
    fs = Flowsheet("ndpr-sx", c)
    ports = add_sx_circuit(
        fs,
        "ndpr",
        extraction=dict(n_stages=6, **cs.YIN),
        scrub=dict(n_stages=3, **cs.YIN),
        strip=dict(n_stages=3, **cs.YIN),
        make_up=cs.organic("10 L/h", c=c),
        bleed=0.1,
    )
    return _feeds_and_products(fs, ports, c, ("raffinate", "scrub_out", "strip_out", "bleed"))


def _feeds_and_products(fs, ports, c, outlets):
    """The circuit's feed (the chloride Nd/Pr liquor), scrub and strip acids, and a Product
    on each of ``outlets``."""
    feeds = {
        "feed": cs.ndpr_aq(c=c),
        "scrub_liquor": cs.acid("20 L/h", 0.05, c=c),
        "strip_liquor": cs.acid("20 L/h", 2.0, c=c),
    }
    for port, s in feeds.items():
        fs.add(Feed(port, s, kind="feed" if port == "feed" else "reagent"))
        fs.connect(f"{port}.out", ports[port], port)
    for port in outlets:
        fs.add(Product(port))
        fs.connect(ports[port], f"{port}.in", port)
    return fs


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_circuit_with_organic_recycle_converges_with_every_solver(solver):
    res = _circuit().solve(solver)
    assert res.max_balance_error() < 1e-9
    # at steady state the organic loop carries make-up / bleed = 100 L/h
    org = res.streams["ndpr_barren_org"]
    assert org.volume_flow("org", "L/h") == pytest.approx(100.0, rel=1e-8)
    # Nd leaves in the strip liquor, the raffinate, the scrub liquor and the bleed only
    nd = sum(res.recovery("Nd", p) for p in ("raffinate", "scrub_out", "strip_out", "bleed"))
    assert nd == pytest.approx(1.0, rel=1e-9)
    assert res.recovery("Nd", "strip_out") == pytest.approx(0.968030370978, rel=1e-7)


def test_circuit_errors():
    fs = Flowsheet("x", C)
    ext = dict(n_stages=2, **cs.YIN)
    with pytest.raises(SpecificationError, match="bleed = 0 leaves no steady state"):
        add_sx_circuit(fs, "a", extraction=ext, strip=ext, make_up=cs.organic(), bleed=0.0)
    with pytest.raises(SpecificationError, match="must not set 'name'"):
        add_sx_circuit(fs, "a", extraction=dict(name="e", **ext), strip=ext,
                       make_up=cs.organic(), bleed=0.1)  # fmt: skip
    with pytest.raises(SpecificationError, match="must be a dict of SolventExtraction"):
        add_sx_circuit(fs, "a", extraction=3, strip=ext, make_up=cs.organic(), bleed=0.1)
    with pytest.raises(
        SpecificationError, match=r"unknown SolventExtraction argument 'n_stage'.*'n_stages'"
    ):
        add_sx_circuit(fs, "a", extraction=dict(ext, n_stage=3), strip=ext,
                       make_up=cs.organic(), bleed=0.1)  # fmt: skip
    no_stages = {k: v for k, v in ext.items() if k != "n_stages"}
    with pytest.raises(SpecificationError, match=r"'a': strip needs \['n_stages'\]"):
        add_sx_circuit(fs, "a", extraction=ext, strip=no_stages, make_up=cs.organic(), bleed=0.1)


def test_module_documents_the_warm_start():
    # parameter docs of the SX callables: tests/test_docstrings.py (STRICT_MODULES)
    from yieldkit.unitops import solvent_extraction

    assert solvent_extraction.__doc__ and "Warm start" in solvent_extraction.__doc__


def test_construction_errors():
    with pytest.raises(SpecificationError, match="Did you mean 'cation_exchange'"):
        SolventExtraction("u", 3, "cation_exchang", "p507_pr")
    with pytest.raises(
        SpecificationError, match="parameter set for model 'empirical_ph'.*uky_d2ehpa"
    ):
        SolventExtraction("u", 3, "empirical_ph", "uky_d2ehp", dosage=5)
    with pytest.raises(SpecificationError, match="Did you mean 'PC88A'"):
        SolventExtraction("u", 3, "cation_exchange", "p507_pr", extractant="PC88a")
    with pytest.raises(SpecificationError, match="unknown metal 'Nd3\\+'.*Did you mean 'Nd\\+3'"):
        SolventExtraction("u", 3, "empirical_ph", "uky_d2ehpa", dosage=5, metals=["Nd3+"])
    with pytest.raises(SpecificationError, match="needs dosage"):
        SolventExtraction("u", 3, "empirical_ph", "uky_d2ehpa")
    with pytest.raises(SpecificationError, match="n_stages = 0 must be an integer >= 1"):
        SolventExtraction("u", 0, "cation_exchange", "p507_pr")
    with pytest.raises(SpecificationError, match="side-feed stage 5 is outside 1..3"):
        SolventExtraction("u", 3, "cation_exchange", "p507_pr", side_feeds=[5])
    with pytest.raises(SpecificationError, match="give anchor"):
        SolventExtraction("u", 3, "cation_exchange", "yin2015_separation")
    with pytest.raises(UnitsError):
        SolventExtraction("u", 3, "constant_d", {"Nd+3": 2.0}, saturation=True, capacity=600.0)
    with pytest.raises(SpecificationError, match="max_iter = 0"):
        SolventExtraction("u", 3, "cation_exchange", "p507_pr", max_iter=0)
    with pytest.raises(SpecificationError, match=r"SolventExtraction 'u' tol = 2.0 must be < 1"):
        SolventExtraction("u", 3, "cation_exchange", "p507_pr", tol=2.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        # nothing given is read as something else or dropped
        ({"metals": "Pr+3"}, r"'u' metals = 'Pr\+3': give a list of metal ions, e\.g\. \['Pr\+3'\]"),
        ({"metals": []}, r"'u': metals = \[\] in p507_pr: give at least one metal ion"),
        ({"metals": ["Pr+3", "Pr+3"]}, r"'u': metals \['Pr\+3', 'Pr\+3'\] in p507_pr: \['Pr\+3'\] repeat"),
        ({"side_feeds": "2"}, r"'u': side_feeds = '2' must be a list of stage numbers"),
        ({"side_feeds": [True]}, r"'u': side-feed stage True must be an integer"),
        ({"side_feeds": [2.0]}, r"'u': side-feed stage 2.0 must be an integer"),
        ({"warm_start": "no"}, r"'u' warm_start = 'no' must be True or False"),
        ({"saponification": "yes"}, r"'u' saponification = 'yes' must be True or False"),
        ({"saturation": 1}, r"'u' saturation = 1 must be True or False"),
        ({"capacity": "600 mol/m^3"}, r"'u': model 'cation_exchange': options that would be ignored: capacity \(used with saturation=True only\)"),
        ({"dosage": 5.0}, r"'u': .*ignored: dosage \(used by 'empirical_ph' only"),
        ({"saturation": True, "capacity": "600 mol/m^3"}, r"ignored: saturation \(cation_exchange saturates"),
        ({"anchor": "Pr+3"}, r"ignored: anchor and log10_kex_anchor \(used by the separation-factor set"),
    ],
)  # fmt: skip
def test_construction_rejects_what_it_would_ignore_or_misread(kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        SolventExtraction("u", 3, "cation_exchange", "p507_pr", **kwargs)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("constant_d", {"Nd+3": "x"}), r"parameter dict D of 'Nd\+3' = 'x' must be a finite number"),
        (("cation_exchange", {"Nd+3": None}), r"log10 K_ex of 'Nd\+3' = None must be a finite number"),
        (("empirical_ph", {"Nd+3": [1, 2, 3]}), r"give \[m0, m1, B0, B1\] per metal, got \[1, 2, 3\] for 'Nd\+3'"),
        (("empirical_ph", {"Nd+3": [1, 2, 3, "a"]}), r"\[m0, m1, B0, B1\] of 'Nd\+3' = 'a' must be a finite number"),
    ],
)  # fmt: skip
def test_parameter_dict_values_are_checked(args, match):
    with pytest.raises(SpecificationError, match=match):
        SolventExtraction("u", 3, *args, dosage=5.0 if args[0] == "empirical_ph" else None)


def test_anchor_value_is_checked():
    with pytest.raises(SpecificationError, match=r"log10_kex_anchor = nan must be a finite number"):
        SolventExtraction("u", 3, "cation_exchange", "yin2015_separation", anchor="Pr+3",
                          log10_kex_anchor=float("nan"))  # fmt: skip


def test_run_errors():
    small = Stream(C.__class__(["H2O", "H+", "Nd+3", "D2EHPA", "kerosene"]))
    unit = SolventExtraction("u", 2, "constant_d", {"Nd+3": 2.0})
    with pytest.raises(SpecificationError, match=r"species \['Nd-D2EHPA'\] are needed"):
        unit.run({"aq_in": small, "org_in": small})
    no_acid = Stream.from_concentrations(C, "1 L/h", {"Nd+3": "1 mmol/L"}, phase="aq")
    with pytest.raises(SpecificationError, match="aq_in has no H\\+"):
        unit.run({"aq_in": no_acid, "org_in": cs.organic("1 L/h")})
    solid = Stream(C.extend(["Nd2O3"]), {"Nd2O3": "1 mol/s"})
    unit2 = SolventExtraction("u", 2, "constant_d", {"Nd+3": 2.0})
    with pytest.raises(SpecificationError, match="neither aqueous nor organic"):
        unit2.run({"aq_in": solid, "org_in": Stream(solid.components)})
    # a model that ignores loading, pushed past the extractant capacity
    lean = cs.organic("100 L/h", d2ehpa=0.01)
    over = SolventExtraction("u", 3, "constant_d", {"Nd+3": 50.0})
    with pytest.raises(SpecificationError, match="beyond its extractant capacity at stage"):
        over.run({"aq_in": cs.ndpr_aq(), "org_in": lean})


def test_convergence_error_names_unit_stage_and_residual():
    # 20 stages with a side feed (no stage continuation, too long for the Gauss-Seidel
    # fallback) and one Newton iteration allowed: the solve must fail loudly
    unit = SolventExtraction("sap", 20, "constant_d", {"Nd+3": 20.0, "Pr+3": 10.0},
                             saturation=True, capacity="600 mol/m^3", saponification=True,
                             side_feeds=[10], max_iter=1)  # fmt: skip
    inlets = {
        "aq_in": cs.ndpr_aq(),
        "org_in": cs.organic(loaded={"Na+": 0.2}),
        "feed_10": cs.acid("1 L/h", 0.01),
    }
    with pytest.raises(ConvergenceError, match=r"unit 'sap'.*scaled residual .* worst at stage \d"):
        unit.run(inlets)


def test_with_params_rebuilds_validated_and_cold():
    unit = _ref_unit()
    inlets = {"aq_in": cs.ref_aq(), "org_in": cs.ref_org()}
    unit.run(inlets)
    more = unit.with_params(n_stages=5, dosage=7.5)
    assert (more.n_stages, more.dosage) == (5, 7.5)
    out = more.run(inlets)
    assert out.info["warm_start"] is False and out.info["pH"].shape == (5,)
    with pytest.raises(SpecificationError, match="Did you mean 'dosage'"):
        unit.with_params(dosag=5)


def _with_silica(stream, c2, silica_mol_s):
    n = np.append(stream.moles, silica_mol_s)
    return Stream.from_moles(c2, n, stream.T, stream.P, stream.densities)


def test_solid_traces_pass_with_the_raffinate_and_a_real_solid_is_an_error():
    # a tear solver's finite-difference probe can put 1e-40 mol/s of a solid into a loop
    c2 = C.extend(["SiO2"])
    aq, org = cs.ref_aq(), cs.ref_org()
    unit = _ref_unit(metals=cs.REF_METALS)
    clean = unit.run({"aq_in": aq, "org_in": org})
    unit = _ref_unit(metals=cs.REF_METALS)
    out = unit.run({"aq_in": _with_silica(aq, c2, 1e-40), "org_in": _with_silica(org, c2, 0.0)})
    raff = out.outlets["raffinate"]
    assert raff.flow("SiO2") == 1e-40 and out.info["entrained_traces"] == {"SiO2": 1e-40}
    for m in cs.REF_METALS:
        assert raff.flow(m) == pytest.approx(clean.outlets["raffinate"].flow(m), rel=1e-12)
    heavy = {"aq_in": _with_silica(aq, c2, 1e-3), "org_in": _with_silica(org, c2, 0.0)}
    with pytest.raises(SpecificationError, match=r"inlet 'aq_in' carries \['SiO2'\].*separate"):
        _ref_unit(metals=cs.REF_METALS).run(heavy)


# --- saponified circuit: NaOH converts part of the PC88A to NaA before extraction --------
C_SAP = Components(["H2O", "H+", "OH-", "Cl-", "Na+", "La+3", "Pr+3", "Nd+3", "La-PC88A",
                    "Pr-PC88A", "Nd-PC88A", "PC88A", "Na-PC88A", "kerosene"])  # fmt: skip
PC88A = dict(cs.YIN, extractant="PC88A")  # P507 Pr log K (Wu 2007) with the Yin 2015 factors
SAP = {"fraction": 0.3, "naoh": "5 mol/L"}


def _sap_circuit(saponification=SAP, c=C_SAP, sections=None):
    fs = Flowsheet("ndpr-sap", c)
    spec = sections or dict(extraction=dict(n_stages=6, **PC88A),
                            scrub=dict(n_stages=3, **PC88A), strip=dict(n_stages=3, **PC88A))  # fmt: skip
    ports = add_sx_circuit(fs, "s", **spec, make_up=cs.organic("10 L/h", extractant="PC88A", c=c),
                           bleed=0.1, saponification=saponification)  # fmt: skip
    outs = ["raffinate", "scrub_out", "strip_out", "bleed"]
    outs += ["saponification_effluent"] if saponification else []
    return _feeds_and_products(fs, ports, c, outs)


@pytest.mark.parametrize("solver", ["anderson", "wegstein", "direct"])
def test_saponified_circuit_converges_to_its_saponification_degree(solver):
    res = _sap_circuit().solve(solver)
    # every unit closes to rounding; the saponifier's trace complexes (1e-13 mol/s of Nd
    # left on the stripped organic) carry the tear's convergence tolerance
    assert res.max_balance_error() < 1e-8
    org = res.streams["s_saponified_org"]
    na, free = org.moles[C_SAP.index("Na-PC88A")], org.moles[C_SAP.index("PC88A")]
    assert na / (na + free) == pytest.approx(0.3, rel=1e-9)
    assert org.volume_flow("aq") == 0.0  # the settler returns the spent aqueous
    # NaOH sized on the steady state: 0.3 x 6 mol/h of make-up PC88A / 0.1 bleed x 1.05
    naoh = res.streams["s_naoh"].moles[C_SAP.index("Na+")] * 3600.0
    assert naoh == pytest.approx(0.3 * 0.6 * 10.0 / 0.1 * 1.05, rel=1e-9)
    na_out = sum(res.recovery("Na", p) for p in
                 ("raffinate", "scrub_out", "strip_out", "bleed", "saponification_effluent"))  # fmt: skip
    assert na_out == pytest.approx(1.0, rel=1e-9)
    # NaA takes up the metals without releasing acid: the extraction runs at a higher pH
    # than the same circuit unsaponified, and loads more Nd
    plain = _sap_circuit(None).solve(solver)
    ph = res.outcomes["s_extraction"].info["pH"]
    assert np.all(ph > plain.outcomes["s_extraction"].info["pH"] + 1.0)
    assert res.recovery("Nd", "strip_out") > plain.recovery("Nd", "strip_out")


def test_hybr_restarts_from_its_best_point_on_a_saponified_circuit():
    """MINPACK's hybr stops on this saponified circuit ("not making good progress": its
    Broyden-updated finite-difference Jacobian across the pH jump no longer gives a
    descent); started again from its best point it converges, and says so. A max_iter
    that the first run uses up leaves no restart."""
    res = _sap_circuit().solve("hybr")
    stats = res.stats[0]
    assert stats.converged and res.max_balance_error() < 1e-8
    assert "converged (after 1 restart(s) from its best point; the first run: scipy hybr: " in (
        stats.message
    )
    assert "not making good progress" in stats.message
    capped = _sap_circuit().solve("hybr", max_iter=40, on_failure="return").stats[0]
    assert not capped.converged and "restart" not in capped.message
    assert "reached maxfev" in " ".join(capped.message.split())


def test_saponified_circuit_errors():
    def build(**kw):
        return _sap_circuit(**kw)

    with pytest.raises(SpecificationError, match=r"fraction = 1\.0, accepted 0 < fraction < 1"):
        build(saponification={"fraction": 1.0, "naoh": "5 mol/L"})
    with pytest.raises(SpecificationError, match=r"'fractoin'.*Did you mean 'fraction'"):
        build(saponification={"fractoin": 0.3, "naoh": "5 mol/L"})
    with pytest.raises(SpecificationError, match=r"saponification needs 'naoh'"):
        build(saponification={"fraction": 0.3})
    with pytest.raises(UnitsError):
        build(saponification={"fraction": 0.3, "naoh": "5 kg"})
    with pytest.raises(SpecificationError, match=r"must be a dict"):
        build(saponification=0.3)
    no_salt = Components([n for n in C_SAP.names if n != "Na-PC88A"])
    with pytest.raises(SpecificationError, match=r"lack \['Na-PC88A'\].*needs Na\+, OH-, H2O"):
        build(c=no_salt)
    plain = dict(n_stages=3, **PC88A)
    with pytest.raises(SpecificationError, match=r"strip sets saponification = False"):
        build(sections=dict(extraction=plain, strip=dict(plain, saponification=False)))
    with pytest.raises(SpecificationError, match=r"different extractants"):
        build(sections=dict(extraction=plain, strip=dict(plain, extractant="D2EHPA")))
    fs = Flowsheet("x", C_SAP)
    diluent = Stream.from_concentrations(C_SAP, "10 L/h", {}, phase="org", solvent="kerosene")
    with pytest.raises(SpecificationError, match=r"make-up organic carries no free PC88A"):
        add_sx_circuit(fs, "s", extraction=plain, strip=plain, make_up=diluent, bleed=0.1,
                       saponification=SAP)  # fmt: skip


def test_metal_traces_near_the_flush_threshold_pass_unchanged():
    """A metal below TRACE_PASS (1e-250 mol/m3) in every feed passes in its own phase and
    the cascade is solved without it (found in saponified circuits: a long scrub leaves
    Na+ at 1e-288..1e-301 mol/m3 on its organic, and the next section did not converge)."""
    from yieldkit.unitops.solvent_extraction import TRACE_PASS

    unit = SolventExtraction("sap", 4, "constant_d", {"Nd+3": 20.0, "Pr+3": 10.0},
                             saturation=True, capacity="600 mol/m^3", saponification=True)  # fmt: skip
    aq = cs.ndpr_aq()
    clean = unit.run({"aq_in": aq, "org_in": cs.organic()})
    traced_org = cs.organic(loaded={"Na+": 2e-299})  # 2e-296 mol/m3 of NaA
    out = unit.run({"aq_in": aq, "org_in": traced_org})
    i = C.index("Na-D2EHPA")
    assert 2e-296 < TRACE_PASS  # mol/m3
    assert out.info["passed_traces"] == {"Na-D2EHPA": traced_org.moles[i]}
    assert out.outlets["loaded_org"].moles[i] == traced_org.moles[i]
    assert out.outlets["raffinate"].moles[C.index("Na+")] == 0.0
    for port in ("raffinate", "loaded_org"):
        np.testing.assert_allclose(np.delete(out.outlets[port].moles, i),
                                   np.delete(clean.outlets[port].moles, i), rtol=1e-12, atol=0)  # fmt: skip
    assert "passed_traces" not in clean.info


def test_stage_efficiency_of_the_unit():
    """stage_efficiency reaches the cascade and info; less efficient stages
    leave more Nd in the raffinate; a bad value is named at construction."""
    feeds = {"aq_in": cs.ndpr_aq(), "org_in": cs.organic()}
    raff = {}
    for eff in (1.0, 0.8):
        unit = SolventExtraction("ext", 4, stage_efficiency=eff, **cs.YIN)
        out = unit.run(feeds)
        assert out.info["stage_efficiency"] == eff
        raff[eff] = out.outlets["raffinate"].element_flow("Nd", "mol/s")
        assert unit.balance(feeds, out.outlets).relative_errors.max() < 1e-12
    assert raff[0.8] > raff[1.0] > 0
    with pytest.raises(SpecificationError, match=r"SolventExtraction 'x' stage_efficiency = 0, "
                       r"accepted 0 < E <= 1"):  # fmt: skip
        SolventExtraction("x", 4, stage_efficiency=0, **cs.YIN)
