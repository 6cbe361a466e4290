import pytest

from yieldkit.chemistry.components import Components
from yieldkit.errors import ConnectionError, SpecificationError, UnitsError, YieldkitError
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator, Splitter, StoichiometricReactor

C = Components(["H2O", "H+", "Cl-", "Nd+3", "Nd2O3"])


def test_fraction_outside_range():
    with pytest.raises(
        SpecificationError, match=r"split of 'Nd\+3'.*= 1.2 is outside the accepted range \[0, 1\]"
    ):
        Separator("s", {"Nd+3": 1.2})


def test_fractions_must_sum_to_one():
    with pytest.raises(SpecificationError, match=r"sum to 0.9.*must sum to 1"):
        Splitter("s", {"a": 0.5, "b": 0.4})


def test_conversion_range_and_key():
    with pytest.raises(SpecificationError, match=r"conversion of 'Nd2O3'.*1.5 is outside"):
        StoichiometricReactor("r", [("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 1.5)])
    with pytest.raises(
        SpecificationError, match=r"unknown key reactant 'Nd2O'.*Did you mean 'Nd2O3'"
    ):
        StoichiometricReactor("r", [("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O", 0.5)])


def test_wrong_dimension_for_temperature():
    with pytest.raises(UnitsError, match=r"expected a quantity convertible to 'K'"):
        StoichiometricReactor("r", [("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 0.5)], T="5 kg")
    with pytest.raises(UnitsError, match=r"expected a quantity with units"):
        StoichiometricReactor("r", [("Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O", "Nd2O3", 0.5)], T=350.0)


def test_separator_mistyped_key_and_unmatched_species():
    sep = Separator("s", {"Nd+4": 0.5})
    with pytest.raises(
        SpecificationError, match=r"unknown species or phase 'Nd\+4'.*Did you mean 'Nd\+3'"
    ):
        sep.run({"in": Stream(C, {"H2O": "1 mol/s"})})
    sep = Separator("s", {"s": 1.0})
    with pytest.raises(SpecificationError, match=r"no split given for \['H2O'\]"):
        sep.run({"in": Stream(C, {"H2O": "1 mol/s", "Nd2O3": "1 mol/s"})})


def test_bad_kinds_ports_and_params():
    with pytest.raises(
        SpecificationError, match=r"unknown option 'prodcut'.*Did you mean 'product'"
    ):
        Product("p", kind="prodcut")
    with pytest.raises(SpecificationError, match=r"port names repeat"):
        Mixer("m", inlets=("a", "a"))
    with pytest.raises(
        SpecificationError, match=r"unit name must be a non-empty string without '\.'"
    ):
        Mixer("a.b")
    m = Mixer("m")
    with pytest.raises(ConnectionError, match=r"missing \['in2'\]"):
        m.run({"in1": Stream(C, {"H2O": "1 mol/s"})})
    f = Feed("f", Stream(C, {"H2O": "1 mol/s"}))
    with pytest.raises(
        SpecificationError, match=r"unknown parameter 'strem'.*Did you mean 'stream'"
    ):
        f.with_params(strem=None)


def test_with_params_rebuilds_with_validation():
    s = Splitter("s", {"a": 0.5, "b": 0.5})
    s2 = s.with_params(fractions={"a": 0.2, "b": 0.8})
    assert s2.fractions == {"a": 0.2, "b": 0.8} and s.fractions["a"] == 0.5
    with pytest.raises(SpecificationError, match="must sum to 1"):
        s.with_params(fractions={"a": 0.2, "b": 0.7})


def _container_cases():
    """(build, message) for a parameter of the wrong kind: a dict or list given as a
    number, a string, or a list where a dict is expected (they raised TypeError or
    AttributeError, or a string was read character by character, before 2026-12-06)."""
    from yieldkit.unitops.leach import Leach
    from yieldkit.unitops.physical import MagneticSeparator
    from yieldkit.unitops.precipitator import Precipitator
    from yieldkit.unitops.reduction import CalciothermicReduction
    from yieldkit.unitops.solid_liquid import CCDWashTrain
    from yieldkit.unitops.solvent_extraction import SolventExtraction
    from yieldkit.unitops.thermal import Calciner, Heater

    leach = ["Nd2O3 + 6 H+ -> 2 Nd+3 + 3 H2O"]
    kin = dict(mode="kinetic", T="40 degC", volume="20 L")
    mag = {"ferromagnetic": 0.97, "diamagnetic": 0.02}
    return [
        (lambda: Separator("s", 0.5), r"Separator 's' splits = 0.5 must be a dict, e\.g\."),
        (lambda: Separator("s", {"s": 1.0}, outlets=5), r"outlets = 5 must be a list of port names"),
        (lambda: Splitter("s", ["a", "b"]), r"fractions = \['a', 'b'\] must be a dict"),
        (lambda: Mixer("m", inlets=None), r"inlets = None must be a list of port names"),
        (lambda: StoichiometricReactor("r", 1.0), r"'r' reactions = 1\.0 must be a list"),
        (lambda: Leach("l", 3.0), r"Leach 'l' reactions = 3\.0 must be a list"),
        (lambda: Leach("l", leach, inert="SiO2", **kin), r"inert = 'SiO2' must be a list, e\.g\. \['SiO2'\]"),
        (lambda: Leach("l", leach, inert=["SiO"], **kin), r"unknown species 'SiO'.*Did you mean"),
        (lambda: Leach("l", leach, reversible=None, **kin), r"reversible = None must be a list"),
        (lambda: Leach("l", leach, tanks=float("nan"), **kin), r"tanks = nan must be an integer in 1\.\.100"),
        (lambda: Leach("l", leach, tanks=1e30, **kin), r"tanks = 1e\+30 must be an integer in 1\.\.100"),
        (lambda: Leach("l", leach, kinetics=["x"], **kin), r"kinetics = \['x'\] must be the name of a rate-parameter set"),
        (lambda: Leach("l", leach, rate_parameters=5, **kin), r"rate_parameters = 5 must be a dict"),
        (lambda: Precipitator("p", coprecipitation=[]), r"coprecipitation = \[\] must be a dict"),
        (lambda: Precipitator("p", mode="splits", splits=["Nd"]), r"splits = \['Nd'\] must be a dict"),
        (lambda: Precipitator("p", mode="splits", splits={"Ndd": 0.9}), r"splits: 'Ndd' is not an element.*Did you mean 'Nd'"),
        (lambda: Precipitator("p", inlets=7), r"inlets = 7 must be a list of port names"),
        (lambda: MagneticSeparator("g", "ferromagnetic", mag), r"classes = 'ferromagnetic' must be a dict"),
        (lambda: MagneticSeparator("g", {}, [0.9], default_class="diamagnetic"), r"recovery = \[0\.9\] must be a dict"),
        (lambda: Calciner("c", "950 degC", "stoichiometric", reactions=2), r"reactions = 2 must be a list"),
        (lambda: Heater("h", "80 degC", extrapolate="yes"), r"Heater 'h' extrapolate = 'yes' must be True or False"),
        (lambda: CCDWashTrain("w", stages=float("nan")), r"stages = nan must be an integer in 1\.\.100"),
        (lambda: CalciothermicReduction("r", dhf_fluoride=["Dy"]), r"dhf_fluoride = \['Dy'\] must be a dict"),
        (lambda: SolventExtraction("u", 3, "cation_exchange", "p507_pr", metals=5), r"metals = 5: give a list of metal ions"),
        (lambda: SolventExtraction("u", 3, "cation_exchange", "yin2015_separation", anchor=["Pr+3"], log10_kex_anchor=-2.0), r"anchor = \['Pr\+3'\] must be a metal ion name"),
        (lambda: SolventExtraction("u", 3, "cation_exchange", "yin2015_separation", anchor="Pr+3", log10_kex_anchor=1e30), r"log10 K_ex = .* outside \[-30, 30\]"),
    ]  # fmt: skip


@pytest.mark.parametrize("case", range(len(_container_cases())))
def test_parameters_of_the_wrong_kind_name_the_value(case):
    build, match = _container_cases()[case]
    with pytest.raises(YieldkitError, match=match):  # SpecificationError, SpeciesError
        build()


def test_run_checks_its_inlets_are_streams_of_one_components_set():
    sep = Separator("s", {"s": 1.0}, default=0.0)
    mixer = Mixer("m", inlets=("a", "b"))
    s = Stream(C, {"H2O": "1 kg/h"})
    other = Stream(Components(["H2O", "H+", "Cl-"]), {"H2O": "1 kg/h"})
    with pytest.raises(SpecificationError, match=r"unit 's': inlets = \[.*\] must be a dict"):
        sep.run([s])
    with pytest.raises(SpecificationError, match=r"unit 's': inlet 'in' is None, not a Stream"):
        sep.run({"in": None})
    with pytest.raises(SpecificationError, match=r"unit 'm': inlet 'b' has another Components"):
        mixer.run({"a": s, "b": other})
