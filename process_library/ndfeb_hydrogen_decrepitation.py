"""HDD NdFeB magnets to hydrided alloy powder by hydrogen decrepitation (magnet to magnet).

Direct recycling: the magnets freed from the drives are broken, exposed to hydrogen at
170 °C and 1 atm, and the hydride decrepitates to a friable powder that passes a sieve,
leaving the nickel coating behind; a magnetic split cleans the powder. The product is
alloy powder for re-sintering, not oxide: recoveries and KPIs are on that basis. Unabsorbed
hydrogen is recompressed and returned to the furnace with a small purge (the recycle).

Defaults and their sources
--------------------------
* Magnet mass per drive: 3.5-inch drives, (17.87 − 0.35·(year − 1990)) g, floor 2.5 g;
  2.5-inch drives 2.5 g; magnet 99 wt% Nd2Fe14B + 1 wt% Nd-rich phase (modelled as Nd)
  (PrOMMiS hydrogen-decrepitation flowsheet, DOMAIN.md §1).
* Ni coating 0.6 wt% of the magnet (Belfqueh et al. 2023, HDD magnet analysis, DOMAIN §1).
* 1000 drives per hour of manufacturing year 2015 (estimate: an illustrative small line).
* Shredder: Bond work index 15 kWh/t, 20 mm to 5 mm (estimate: mid-range of Bond work
  indices of hard ores, 10–20 kWh/t, and sizes of VCM magnet pieces; no work index for
  NdFeB is published, see data/physical_processing.toml).
* Hydrogen decrepitation at 170 °C, 1 atm H2, 3 h hold (Habibzadeh et al. 2023, DOMAIN §6),
  hydrides Nd2Fe14BH5 (Ram 1997) and NdH2.5 (Hu 2008) — the unit's defaults.
* Fresh H2 1.2 times the absorption demand; 90 % of the unabsorbed H2 recycled, 10 % purged
  (estimates: excess needed to keep 1 atm over the charge; purge to bleed inerts).
* Sieve: 98 % of the hydride powder passes, 5 % of the Ni coating (estimates: decrepitated
  powder is fine, the coating flakes are coarse; no published split).
* Magnetic split of the sieve fines: recovery 0.995 ferromagnetic, 0.99 paramagnetic
  (the NdH2.5 of the grain boundaries stays attached to matrix grains), 0.05 diamagnetic
  (estimates; no citable figure, see the MagneticSeparator docstring).

Footprint context (not used in the numbers): magnet-to-magnet recycling with hydrogen has
impacts 64–96 % below virgin magnets (Jin et al. 2018) and an 18–33 % lower carbon footprint
(Accardo et al. 2024), DOMAIN §6.
"""

from __future__ import annotations

from yieldkit.chemistry.components import Components
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.models.hydrogen_decrepitation import hdd_magnet_mass, hdd_magnet_phase_fractions
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator, Splitter
from yieldkit.unitops.physical import (
    HydrogenDecrepitation,
    MagneticSeparator,
    Shredder,
    hydride_species,
)
from yieldkit.units import Q_

NAME = "ndfeb-hydrogen-decrepitation"
SOURCES = (
    "PrOMMiS",
    "Belfqueh2023",
    "Habibzadeh2023",
    "Ram1997",
    "Hu2008",
    "Jin2018",
    "Accardo2024",
    "yieldkitEstimate",
)

NI_COATING = 0.006  # [kg/kg magnet] Belfqueh2023 (Ni 0.6 wt%)
H2_EXCESS = 1.2  # fresh H2 / absorption demand, estimate
H2_RECYCLE = 0.9  # estimate
SIEVE_PASSING = {"hydride": 0.98, "Ni": 0.05}  # estimates
MAGNETIC_RECOVERY = {"ferromagnetic": 0.995, "paramagnetic": 0.99, "diamagnetic": 0.05}
WORK_INDEX, F80, P80 = "15 kWh/t", "20 mm", "5 mm"  # estimates
MATRIX_HYDRIDE, ND_HYDRIDE = hydride_species()


def components() -> Components:
    """Species of the route (the hydrides are made by :func:`hydride_species`)."""
    return Components(["Nd2Fe14B", "Nd", "Ni", MATRIX_HYDRIDE, ND_HYDRIDE, "H2(g)"])


def build(
    drives_per_hour: float = 1000.0,
    year: float = 2015,
    form_factor: str = "3.5-inch",
    **overrides,
) -> Flowsheet:
    """Build the route.

    Parameters
    ----------
    drives_per_hour : float
        Hard-disk drives processed [1/h].
    year : float
        Manufacturing year of the drives [yr] (sets the magnet mass per drive).
    form_factor : str
        ``"3.5-inch"`` or ``"2.5-inch"``.
    **overrides
        ``{"unit.param": value}`` changes applied after building.

    Returns
    -------
    Flowsheet
    """
    from yieldkit.unitops.params import positive_number

    drives = positive_number(drives_per_hour, "drives_per_hour")
    c = components()
    magnet_kg_h = drives * float(hdd_magnet_mass(year, form_factor))
    body = magnet_kg_h * (1 - NI_COATING)
    feed = {k: Q_(w * body, "kg/h") for k, w in hdd_magnet_phase_fractions().items()}
    feed["Ni"] = Q_(NI_COATING * magnet_kg_h, "kg/h")
    magnets = Stream(c, feed, T="25 degC")
    demand = MATRIX_HYDRIDE.elements["H"] / 2 * magnets.flow("Nd2Fe14B") + ND_HYDRIDE.elements[
        "H"
    ] / 2 * magnets.flow("Nd")
    h2 = Stream(c, {"H2(g)": Q_(H2_EXCESS * demand, "mol/s")}, T="25 degC")
    hydride = SIEVE_PASSING["hydride"]
    fs = Flowsheet(
        NAME,
        c,
        default_solver="anderson",
        sources=SOURCES,
        description="HDD NdFeB: shred, H2 decrepitation with H2 recycle, sieve, magnetic split.",
    )
    fs.add(
        Feed("hdd_magnets", magnets),
        Feed("hydrogen", h2, kind="utility"),
        Shredder("shredder", WORK_INDEX, F80, P80),
        Mixer("h2_mixer", inlets=("fresh", "recycle")),
        HydrogenDecrepitation("hd_furnace"),
        Splitter("h2_split", {"recycle": H2_RECYCLE, "purge": 1 - H2_RECYCLE}),
        Separator(
            "sieve",
            {
                MATRIX_HYDRIDE.name: hydride,
                ND_HYDRIDE.name: hydride,
                "Nd2Fe14B": hydride,
                "Nd": hydride,
                "Ni": SIEVE_PASSING["Ni"],
            },
            outlets=("fines", "oversize"),
        ),
        MagneticSeparator(
            "magnetic_split",
            {
                MATRIX_HYDRIDE.name: "ferromagnetic",
                "Nd2Fe14B": "ferromagnetic",
                "Ni": "ferromagnetic",
                ND_HYDRIDE.name: "paramagnetic",
                "Nd": "paramagnetic",
            },
            MAGNETIC_RECOVERY,
            default_class="diamagnetic",
        ),
        Product("alloy_powder", kind="product"),
        Product("sieve_oversize", kind="residue"),
        Product("nonmagnetic_fines", kind="residue"),
        Product("h2_purge", kind="emission"),
    )
    for a, b, name in [
        ("hdd_magnets", "shredder", "magnets"),
        ("shredder", "hd_furnace.magnets", "shredded magnets"),
        ("hydrogen", "h2_mixer.fresh", "fresh H2"),
        ("h2_mixer", "hd_furnace.h2", "H2 to furnace"),
        ("hd_furnace.offgas", "h2_split", "furnace off-gas"),
        ("h2_split.recycle", "h2_mixer.recycle", "H2 recycle"),
        ("h2_split.purge", "h2_purge", "H2 purge"),
        ("hd_furnace.product", "sieve", "decrepitated magnets"),
        ("sieve.oversize", "sieve_oversize", "sieve oversize"),
        ("sieve.fines", "magnetic_split", "sieve fines"),
        ("magnetic_split.magnetic", "alloy_powder", "alloy powder"),
        ("magnetic_split.nonmagnetic", "nonmagnetic_fines", "non-magnetic fines"),
    ]:
        fs.connect(a, b, name)
    for path, value in overrides.items():
        fs.set_parameter(path, value)
    return fs
