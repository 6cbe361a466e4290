"""Material KPIs of a solved route: recovery, product purity, per-element losses by stream.

Pure functions of a :class:`~yieldkit.flowsheet.result.Result`; flows in SI inside.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from yieldkit.chemistry.components import REE
from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.stream import element_molar_mass
from yieldkit.unitops.basic import Product

#: Lumped rare-earth-oxide pseudo-element (e.g. the Mountain Pass flotation route).
LUMPED_REO = "REO"
#: Mol O per mol RE in the oxide used for total-rare-earth-oxide (TREO) equivalents:
#: CeO2, Pr6O11, Tb4O7, every other rare earth as RE2O3 (the usual TREO convention).
OXYGEN_PER_RE = {"Ce": 2.0, "Pr": 11 / 6, "Tb": 7 / 4}
OXIDE_NAME = {"Ce": "CeO2", "Pr": "Pr6O11", "Tb": "Tb4O7"}
#: Elements that are not part of a metal or alloy product (metal-basis purity).
NON_METALS = ("H", "C", "N", "O", "F", "Cl", "S", "P", "Br", "I")
PURITY_BASES = ("oxide", "metal")


def oxide_name(element: str) -> str:
    """Formula of the oxide a rare earth is reported as on a TREO basis."""
    return OXIDE_NAME.get(element, f"{element}2O3")


def oxide_mass_per_mol(element: str) -> float:
    """Mass of oxide per mol of rare-earth element [kg/mol] (TREO convention)."""
    return element_molar_mass(element) + OXYGEN_PER_RE.get(element, 1.5) * element_molar_mass("O")


def main_products(result, products=None) -> tuple[str, ...]:
    """Names of the main product outlets: ``products`` or every Product of kind "product"."""
    outlets = result.flowsheet.products()
    if products is None:
        names = tuple(n for n, u in outlets.items() if u.kind == "product")
        if not names:
            kinds = {n: u.kind for n, u in outlets.items()}
            raise SpecificationError(
                f"route {result.flowsheet.name!r} has no outlet of kind 'product' "
                f"(outlets: {kinds}); name the product(s) with products=[...]."
            )
        return names
    if not isinstance(products, str | Iterable) or isinstance(products, Mapping):
        raise SpecificationError(
            f"products = {products!r} must be an outlet name or a list of them."
        )
    names = (products,) if isinstance(products, str) else tuple(products)
    for n in names:
        if n not in outlets:
            raise SpecificationError(
                unknown_name("product outlet", n, outlets, f"route {result.flowsheet.name!r}")
            )
    return names


def _fed(result) -> np.ndarray:
    c = result.components
    return sum(
        (s.element_flows() for s in result.feed_streams().values()), np.zeros(len(c.elements))
    )


def ree_fed(result) -> list[str]:
    """Rare earths (or the lumped ``REO`` pseudo-element) entering the flowsheet."""
    c = result.components
    fed = _fed(result)
    return [
        e for e, f in zip(c.elements, fed, strict=True) if f > 0 and (e in REE or e == LUMPED_REO)
    ]


def combined(result, names) -> np.ndarray:
    """Summed species flows of several streams [mol/s]."""
    return sum((result.stream(n).moles for n in names), np.zeros(len(result.components)))


def recoveries(result, products) -> dict[str, float]:
    """Fraction of each rare earth fed that reaches the product outlets [-]."""
    c = result.components
    E = c.element_matrix
    fed = _fed(result)
    n = combined(result, products)
    out = {}
    for e in ree_fed(result):
        k = c.element_index(e)
        out[e] = float(E[k] @ n) / float(fed[k])
    return out


def total_recovery(result, products) -> float:
    """Fraction of the rare-earth mass fed (all rare earths together) reaching the product [-].

    Rare earths are weighed as metal; a lumped ``REO`` pseudo-element by species mass.
    """
    c = result.components
    fed = _fed(result)
    out = c.element_matrix @ combined(result, products)
    num = den = 0.0
    for e in ree_fed(result):
        k = c.element_index(e)
        if e == LUMPED_REO:
            w = float(sum(c.molar_masses[i] for i in range(len(c)) if c.element_matrix[k, i] > 0))
        else:
            w = element_molar_mass(e)
        num += out[k] * w
        den += fed[k] * w
    return num / den if den > 0 else float("nan")


def losses(result, products) -> dict[str, dict[str, float]]:
    """Where each rare earth not recovered goes: fraction of the fed to each other outlet [-].

    Only outlets carrying the element appear; an ``unaccounted`` entry appears if the
    outlets do not add up to the feed within 1e-9 (an open balance).
    """
    c = result.components
    E = c.element_matrix
    fed = _fed(result)
    rec = recoveries(result, products)
    outlets = [n for n in result.flowsheet.products() if n not in products]
    out: dict[str, dict[str, float]] = {}
    for e in rec:
        k = c.element_index(e)
        row = {}
        for name in outlets:
            f = float(E[k] @ result.stream(name).moles) / float(fed[k])
            if f > 0:
                row[name] = f
        rest = 1.0 - rec[e] - sum(row.values())
        if abs(rest) > 1e-9:
            row["unaccounted"] = rest
        out[e] = row
    return out


def _ree_species(c) -> list[int]:
    return [
        i for i, sp in enumerate(c.species) if any(e in REE or e == LUMPED_REO for e in sp.elements)
    ]


def infer_purity_basis(result, products) -> tuple[str, str]:
    """(basis, reason): ``oxide`` if the product's rare earths are mostly in oxygen-bearing
    species (oxides, oxalates, salts), ``metal`` if mostly in oxygen-free species (metal,
    alloy such as Nd2Fe14B, hydride)."""
    c = result.components
    n = combined(result, products)
    mass = n * c.molar_masses
    with_o, without_o = [], []
    for i in _ree_species(c):
        if n[i] > 0:
            sp = c.species[i]
            (with_o if "O" in sp.elements or sp.name == LUMPED_REO else without_o).append(i)
    m_o, m_free = mass[with_o].sum(), mass[without_o].sum()
    if m_o == 0 and m_free == 0:
        return "oxide", "no rare-earth species in the product; oxide basis by default"
    if m_free > m_o:
        names = ", ".join(c.names[i] for i in without_o)
        return "metal", f"inferred: the product's rare earths are in oxygen-free {names}"
    names = ", ".join(c.names[i] for i in with_o)
    return "oxide", f"inferred: the product's rare earths are in oxygen-bearing {names}"


def treo_mass(result, moles: np.ndarray) -> tuple[float, dict[str, float]]:
    """Total rare-earth oxide equivalent [kg/s] of a species-flow vector, and per oxide."""
    c = result.components
    E = c.element_matrix
    per_oxide = {}
    for e in c.elements:
        if e in REE:
            m = float(E[c.element_index(e)] @ moles) * oxide_mass_per_mol(e)
            if m > 0:
                per_oxide[oxide_name(e)] = m
    if LUMPED_REO in c.elements:
        k = c.element_index(LUMPED_REO)
        m = float(sum(moles[i] * c.molar_masses[i] for i in range(len(c)) if E[k, i] > 0))
        if m > 0:
            per_oxide[LUMPED_REO] = m
    return sum(per_oxide.values()), per_oxide


def purity(result, products, basis: str | None = None) -> dict:
    """Product purity [-] on an oxide (TREO) or metal basis.

    Oxide basis: TREO equivalent / product mass, with the share of each oxide in the TREO.
    Metal basis: mass of metallic elements (all but H, C, N, O, F, Cl, S, P, Br, I) /
    product mass, and the rare-earth metal content.
    """
    if basis is None:
        basis, reason = infer_purity_basis(result, products)
    elif basis not in PURITY_BASES:
        raise SpecificationError(unknown_name("purity basis", basis, PURITY_BASES))
    else:
        reason = "given"
    c = result.components
    n = combined(result, products)
    total = float(n @ c.molar_masses)
    out = {"basis": basis, "reason": reason}
    if total == 0:
        return out | {"value": float("nan"), "note": "product stream is empty"}
    if basis == "oxide":
        treo, per = treo_mass(result, n)
        out["value"] = treo / total
        out["reo_distribution"] = {k: v / treo for k, v in per.items()} if treo else {}
        return out
    flows = c.element_matrix @ n
    metal = ree = 0.0
    for e, f in zip(c.elements, flows, strict=True):
        if f <= 0 or e == LUMPED_REO:
            continue
        m = f * element_molar_mass(e)
        if e not in NON_METALS:
            metal += m
        if e in REE:
            ree += m
    out["value"] = metal / total
    out["ree_metal_fraction"] = ree / total
    return out


def basis_flow(result, products, basis: str) -> float:
    """The per-kg basis flow [kg/s]: product mass, its TREO or its rare-earth metal."""
    c = result.components
    n = combined(result, products)
    if basis == "product":
        return float(n @ c.molar_masses)
    if basis == "REO":
        return treo_mass(result, n)[0]
    if basis == "REE":
        flows = c.element_matrix @ n
        return float(
            sum(
                f * element_molar_mass(e)
                for e, f in zip(c.elements, flows, strict=True)
                if e in REE
            )
        )
    raise SpecificationError(unknown_name("KPI basis", basis, ("product", "REO", "REE")))


def outlet_kinds(result) -> dict[str, str]:
    """Kind of every Product outlet."""
    return {n: u.kind for n, u in result.flowsheet.units.items() if isinstance(u, Product)}
