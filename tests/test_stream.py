import numpy as np
import pytest

from yieldkit import Q_
from yieldkit.chemistry.components import Components
from yieldkit.errors import SpeciesError, SpecificationError, UnitsError
from yieldkit.stream import Stream, mix


@pytest.fixture
def c():
    return Components(["H2O", "H+", "Cl-", "Nd+3", "Nd2O3", "D2EHPA", "kerosene", "O2(g)"])


def test_mass_and_molar_flows_round_trip(c):
    s = Stream(c, {"Nd2O3": "33.648 kg/h", "H2O": Q_(1, "kmol/h")})
    assert s.flow("Nd2O3", "mol/h") == pytest.approx(100.0, rel=1e-4)
    assert s.flow("H2O", "kg/h") == pytest.approx(18.015, rel=1e-4)
    assert s.element_flow("Nd", "kg/h") == pytest.approx(2 * 100 * 0.144242, rel=1e-4)
    assert s.mass_flow("kg/h") == pytest.approx(33.648 + 18.015, rel=1e-4)


def test_concentrations_from_density_model(c):
    s = Stream.from_concentrations(
        c, "1 L/s", {"Nd+3": "1442.42 mg/L", "H+": "0.1 mol/L", "Cl-": "0.13 mol/L"}
    )
    assert s.volume_flow("aq", "L/s") == pytest.approx(1.0)
    assert s.conc("Nd+3", "mol/L") == pytest.approx(0.01, rel=1e-5)
    assert s.conc("H+", "mg/L") == pytest.approx(100.8, rel=1e-3)
    org = Stream(c, {"kerosene": "820 g/s"})
    assert org.volume_flow("org", "L/s") == pytest.approx(1.0)  # 820 kg/m3 kerosene default
    dense = Stream(c, {"H2O": "1 kg/s"}, densities={"aq": "1.25 kg/L"})
    assert dense.volume_flow("aq", "L/s") == pytest.approx(0.8)


def test_streams_are_values(c):
    s = Stream(c, {"H2O": "1 mol/s"})
    with pytest.raises(ValueError):
        s.moles[0] = 2.0
    t = s.scaled(2.0)
    assert s.flow("H2O") == 1.0 and t.flow("H2O") == 2.0


def test_mix_mass_weighted_temperature(c):
    a = Stream(c, {"H2O": "1 kg/s"}, T="20 degC")
    b = Stream(c, {"H2O": "3 kg/s"}, T="60 degC")
    m = mix([a, b])
    assert m.temperature("degC") == pytest.approx(50.0)
    assert np.allclose(m.moles, a.moles + b.moles)


def test_bad_inputs(c):
    with pytest.raises(UnitsError, match=r"expected a quantity with units.*got 5"):
        Stream(c, {"H2O": 5})
    with pytest.raises(UnitsError, match=r"is not a mass or molar flow"):
        Stream(c, {"H2O": "5 kg"})
    with pytest.raises(SpecificationError, match=r"flows must be finite and >= 0, got -1"):
        Stream(c, {"H2O": "-1 kg/h"})
    with pytest.raises(SpeciesError, match=r"unknown species 'HCl'.*Did you mean"):
        Stream(c, {"HCl": "1 mol/s"})
    with pytest.raises(SpecificationError, match=r"temperature must be > 0 K"):
        Stream(c, {}, T="-300 degC")
    with pytest.raises(SpecificationError, match=r"concentrations are for liquid phases"):
        Stream(c, {"Nd2O3": "1 mol/s"}).conc("Nd2O3")
    with pytest.raises(SpecificationError, match=r"more than the phase density"):
        Stream.from_concentrations(c, "1 L/s", {"H+": "2000 g/L"})
    with pytest.raises(UnitsError, match=r"not a mass or molar flow unit"):
        Stream(c, {"H2O": "1 mol/s"}).flow("H2O", "kg")


def test_molar_flow_array_checks(c):
    """from_moles checks every flow: nan, inf and negative values are named (as plain
    floats), with the count when several are bad; huge finite flows are accepted."""
    n = np.zeros(len(c))
    for bad, shown in ((np.nan, "nan"), (np.inf, "inf"), (-1e-3, "-0.001")):
        m = n.copy()
        m[3] = bad
        with pytest.raises(SpecificationError, match=rf"flow of 'Nd\+3' is {shown} mol/s; flows"):
            Stream.from_moles(c, m)
    m = n.copy()
    m[2], m[5] = -1.0, np.nan
    with pytest.raises(SpecificationError, match=r"'Cl-' is -1.0 .*\(2 species affected\)"):
        Stream.from_moles(c, m)
    big = np.full(len(c), 1e308)
    assert Stream.from_moles(c, big).moles[0] == 1e308


def test_cached_unit_conversions_match_pint_and_keep_their_errors(c):
    """Flow and concentration units are converted by a factor cached per unit string: the
    same numbers as pint for every call, and the same errors for every call."""
    s = Stream.from_concentrations(c, "2 L/s", {"Nd+3": "0.01 mol/L", "H+": "0.1 mol/L"})
    n = s.moles[c.index("Nd+3")]
    for _ in range(2):  # the second call uses the cached factor
        assert s.flow("Nd+3", "kmol/h") == pytest.approx(Q_(n, "mol/s").to("kmol/h").magnitude)
        assert s.flow("Nd+3", "t/d") == pytest.approx(
            Q_(n * 0.144242, "kg/s").to("t/d").magnitude, rel=1e-5
        )
        assert s.element_flow("Nd", "lb/h") == pytest.approx(
            Q_(n * 0.144242, "kg/s").to("lb/h").magnitude, rel=1e-5
        )
        assert s.conc("Nd+3", "mmol/L") == pytest.approx(10.0, rel=1e-5)
        assert s.conc("Nd+3", "g/m^3") == pytest.approx(1442.42, rel=1e-5)
        with pytest.raises(UnitsError, match=r"not a mass or molar flow unit"):
            s.element_flow("Nd", "kg")  # (was read as a mass flow before the cache)
        with pytest.raises(UnitsError, match=r"must be molar \(mol/L\) or mass"):
            s.conc("Nd+3", "mol")
        with pytest.raises(UnitsError, match=r"unknown unit 'kgg/h'"):
            s.flow("Nd+3", "kgg/h")


def _wrong_kind_cases():
    """(call, error type, message) for arguments of the wrong kind; before 2026-12-06 these
    raised TypeError, AttributeError or a pint error from deep inside."""
    c = Components(["H2O", "H+", "Cl-", "Nd+3"])
    s = Stream(c, {"H2O": "1000 kg/h", "H+": "1 mol/h", "Cl-": "1 mol/h"})
    return [
        (lambda: Components("H2O"), SpeciesError, r"species = 'H2O' must be a list, e\.g\. \['H2O'\]"),
        (lambda: Components(5), SpeciesError, r"species = 5 must be a list"),
        (lambda: Stream(c, ["H2O"]), SpecificationError, r"Stream flows = \['H2O'\] must be a dict"),
        (lambda: Stream(c, {"H2O": "1 kg/h"}, densities=1.1), SpecificationError, r"densities = 1\.1 must be a dict"),
        (lambda: Stream(c, {"H2O": "1 kg/h"}, name=3), SpecificationError, r"Stream name = 3 must be a string"),
        (lambda: Stream.from_concentrations(c, "1 L/h", None), SpecificationError, r"concentrations = None must be a dict"),
        (lambda: s.flow(["H2O"]), SpeciesError, r"unknown species \['H2O'\]"),
        (lambda: s.flow("H2O", 5), UnitsError, r"unit 5 must be a string such as 'kg/h'"),
        (lambda: s.conc("H+", None), UnitsError, r"unit None must be a string"),
        (lambda: s.mass_flow("kg/s", ["aq"]), SpeciesError, r"unknown phase \['aq'\]"),
        (lambda: s.volume_flow(["aq"]), SpecificationError, r"no density for phase \['aq'\]"),
        (lambda: s.temperature(1), UnitsError, r"temperature unit: unit 1 must be a string"),
        (lambda: s.scaled("2"), SpecificationError, r"scale factor = '2' must be a number >= 0"),
        (lambda: s.with_moles(["a"] * 4), SpecificationError, r"molar flows \['a', 'a', 'a', 'a'\] must be an array of numbers"),
        (lambda: s + 1.0, SpecificationError, r"a Stream can be added to a Stream only, not to float"),
        (lambda: mix(s), SpecificationError, r"mix\(\) takes a list of Streams"),
        (lambda: mix([s, "x"]), SpecificationError, r"mix\(\): 'x' is not a Stream"),
        (lambda: mix([s], T="300 K"), SpecificationError, r"T = '300 K' must be a temperature in K"),
    ]  # fmt: skip


@pytest.mark.parametrize("case", range(len(_wrong_kind_cases())))
def test_arguments_of_the_wrong_kind_name_the_value(case):
    call, error, match = _wrong_kind_cases()[case]
    with pytest.raises(error, match=match):
        call()
