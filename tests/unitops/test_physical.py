"""Shredder/Crusher (Bond), MagneticSeparator and HydrogenDecrepitation units."""

import math

import pytest
from molmass import Formula

from yieldkit.chemistry.components import Components
from yieldkit.errors import SpecificationError, UnitsError
from yieldkit.stream import Stream
from yieldkit.unitops.physical import (
    Crusher,
    HydrogenDecrepitation,
    MagneticSeparator,
    Shredder,
    hydride_species,
)

MATRIX_H, ND_H = hydride_species()
C = Components(["Nd2Fe14B", "Nd", "Fe", "Fe2O3", "Al", "H2(g)", "Ar(g)", MATRIX_H, ND_H])


def scrap(kg_h=100.0):
    f = kg_h / 100.0
    return Stream(C, {"Nd2Fe14B": f"{99 * f} kg/h", "Nd": f"{1 * f} kg/h"})


def test_bond_power_hand_check_through_the_unit():
    out = Shredder("s", "14 kWh/t", "20 mm", "2 mm").run({"in": scrap(100.0)})
    # W = 10 Wi (1/sqrt(P80) - 1/sqrt(F80)), sizes in um: 140 (1/sqrt(2000) - 1/sqrt(20000))
    w = 10 * 14 * (1 / math.sqrt(2000) - 1 / math.sqrt(20000))  # 2.1406 kWh/t
    assert out.power == pytest.approx(w * 0.1 * 1e3, rel=1e-12)  # 0.1 t/h -> W
    assert out.power == pytest.approx(214.05, abs=0.01)
    assert out.outlets["out"].moles.tolist() == scrap(100.0).moles.tolist()
    assert out.info["specific_energy"] == pytest.approx(w * 3600.0, rel=1e-12)  # [J/kg]
    assert Crusher is Shredder


def test_bond_power_counts_solids_only():
    c = Components(["Nd2Fe14B", "H2O"])
    wet = Stream(c, {"Nd2Fe14B": "100 kg/h", "H2O": "50 kg/h"})
    dry = Stream(c, {"Nd2Fe14B": "100 kg/h"})
    u = Shredder("s", "14 kWh/t", "20 mm", "2 mm")
    assert u.run({"in": wet}).power == pytest.approx(u.run({"in": dry}).power, rel=1e-12)


def test_shredder_errors():
    with pytest.raises(
        SpecificationError, match=r"p80 = '20 mm' must be smaller than f80 = '2 mm'"
    ):
        Shredder("s", "14 kWh/t", "2 mm", "20 mm")
    with pytest.raises(UnitsError, match=r"work_index.*expected a quantity convertible to 'kWh/t'"):
        Shredder("s", "14 kWh", "20 mm", "2 mm")
    with pytest.raises(UnitsError, match=r"expected a quantity with units"):
        Shredder("s", 14.0, "20 mm", "2 mm")


def test_magnetic_split_by_class():
    s = Stream(C, {"Nd2Fe14B": "90 kg/h", "Fe2O3": "5 kg/h", "Al": "5 kg/h"})
    u = MagneticSeparator(
        "m",
        {"Nd2Fe14B": "ferromagnetic", "Fe2O3": "paramagnetic"},
        {"ferromagnetic": 0.95, "paramagnetic": 0.3, "diamagnetic": 0.02},
        default_class="diamagnetic",
    )
    out = u.run({"in": s}).outlets
    assert out["magnetic"].flow("Nd2Fe14B", "kg/h") == pytest.approx(85.5)
    assert out["magnetic"].flow("Fe2O3", "kg/h") == pytest.approx(1.5)
    assert out["magnetic"].flow("Al", "kg/h") == pytest.approx(0.1)
    assert out["nonmagnetic"].flow("Al", "kg/h") == pytest.approx(4.9)


def test_magnetic_separator_errors():
    with pytest.raises(
        SpecificationError, match=r"unknown option 'ferromagnetc'.*Did you mean 'ferromagnetic'"
    ):
        MagneticSeparator("m", {"Fe": "ferromagnetc"}, {"ferromagnetic": 0.9})
    with pytest.raises(
        SpecificationError, match=r"no recovery given for class\(es\) \['paramagnetic'\]"
    ):
        MagneticSeparator(
            "m", {"Fe": "ferromagnetic", "Fe2O3": "paramagnetic"}, {"ferromagnetic": 0.9}
        )
    with pytest.raises(SpecificationError, match=r"recovery\['ferromagnetic'\] = 1.2 is outside"):
        MagneticSeparator("m", {"Fe": "ferromagnetic"}, {"ferromagnetic": 1.2})
    u = MagneticSeparator("m", {"Nd2Fe14B": "ferromagnetic"}, {"ferromagnetic": 0.9})
    with pytest.raises(SpecificationError, match=r"no susceptibility class for \['Nd'\]"):
        u.run({"in": scrap()})
    u = MagneticSeparator("m", {"NdFeB": "ferromagnetic"}, {"ferromagnetic": 0.9})
    with pytest.raises(SpecificationError, match=r"unknown species 'NdFeB'.*Did you mean"):
        u.run({"in": scrap()})


def test_hydride_species_composition():
    assert MATRIX_H.name == "Nd2Fe14BH5" and ND_H.name == "NdH2.5"
    assert MATRIX_H.molar_mass == pytest.approx(Formula("Nd2Fe14BH5").mass * 1e-3, rel=1e-6)
    assert ND_H.molar_mass == pytest.approx(Formula("Nd2H5").mass * 0.5e-3, rel=1e-6)
    m, n = hydride_species(3.2, 2.0)
    assert dict(m.elements)["H"] == 3.2 and n.name == "NdH2"


def test_hydrogen_decrepitation_uptake_energy_and_cycle():
    mag = scrap(100.0)
    h2 = Stream(C, {"H2(g)": "0.1 mol/s", "Ar(g)": "0.01 mol/s"})
    out = HydrogenDecrepitation("hd").run({"magnets": mag, "h2": h2})
    n1, n2 = mag.flow("Nd2Fe14B"), mag.flow("Nd")
    absorbed = 2.5 * n1 + 1.25 * n2  # Nd2Fe14BH5 and NdH2.5
    assert out.info["h2_absorbed"] == pytest.approx(absorbed, rel=1e-12)
    g = out.outlets["offgas"]
    assert g.flow("H2(g)") == pytest.approx(0.1 - absorbed, rel=1e-12)
    assert g.flow("Ar(g)") == pytest.approx(0.01)
    p = out.outlets["product"]
    assert p.flow("Nd2Fe14BH5") == pytest.approx(n1, rel=1e-12)
    assert p.flow("NdH2.5") == pytest.approx(n2, rel=1e-12)
    assert p.flow("Nd2Fe14B") == 0.0 and p.flow("Nd") == 0.0
    assert out.info["cycle_time"] == 3600 + 300 + 10800 + 3600
    # sensible heat 298.15 -> 443.15 K with Cp = a + b T per phase (PrOMMiS), no loss
    t0, t1 = 298.15, 443.15
    q = n1 * (272.59 * (t1 - t0) + 0.6487 / 2 * (t1**2 - t0**2)) + n2 * (
        22.44 * (t1 - t0) + 0.0162 / 2 * (t1**2 - t0**2)
    )
    assert out.duty == pytest.approx(q, rel=1e-9)  # mean furnace power [W] = heat rate
    # magnitude: mean Cp (272.59 + 0.6487 x 370.65) / 1.0861 kg/mol = 0.472 kJ/kg/K x 145 K
    assert out.duty / (100 / 3600) / 1e3 == pytest.approx(68.4, abs=0.1)  # [kJ/kg]
    loss = HydrogenDecrepitation("hd", heat_loss_rate="2 kW").run({"magnets": mag, "h2": h2})
    assert loss.duty == pytest.approx(q + 2000 * (300 + 10800) / 18300, rel=1e-9)


def test_hydrogen_decrepitation_errors():
    mag = scrap()
    with pytest.raises(
        SpecificationError, match=r"need 0.0.* mol/s H2\(g\) but the inlets bring 0.001 mol/s"
    ):
        HydrogenDecrepitation("hd").run({"magnets": mag, "h2": Stream(C, {"H2(g)": "0.001 mol/s"})})
    c = Components(["Nd2Fe14B", "Nd", "H2(g)"])
    with pytest.raises(
        SpecificationError,
        match=r"hydride species \['Nd2Fe14BH5', 'NdH2.5'\] are not in the flowsheet components",
    ):
        HydrogenDecrepitation("hd").run(
            {
                "magnets": Stream(c, {"Nd2Fe14B": "1 kg/h", "Nd": "0.1 kg/h"}),
                "h2": Stream(c, {"H2(g)": "1 mol/s"}),
            }
        )
    with pytest.raises(SpecificationError, match=r"h_per_nd2fe14b must be in \[0, 5\]"):
        HydrogenDecrepitation("hd", h_per_nd2fe14b=6.0)
    with pytest.raises(SpecificationError, match=r"must be > 0 for a decrepitation unit"):
        HydrogenDecrepitation("hd", h_per_nd2fe14b=0.0)
    with pytest.raises(
        SpecificationError,
        match=r"component 'Nd2Fe14BH5' has composition .*'H': 4.0.* expected .*'H': 5.0",
    ):
        _run_with_wrong_hydride()


def _run_with_wrong_hydride():
    from yieldkit.chemistry.species import Species

    fake = Species.create("Nd2Fe14BH5", "Nd2Fe14BH4", phase="s", source="Ram1997")
    c = Components(["Nd2Fe14B", "H2(g)", fake])
    HydrogenDecrepitation("hd").run(
        {"magnets": Stream(c, {"Nd2Fe14B": "1 kg/h"}), "h2": Stream(c, {"H2(g)": "1 mol/s"})}
    )
