"""Ready process routes, one module per route; ``build(name, **overrides)`` gives a Flowsheet.

Every route module defines ``NAME``, ``SOURCES`` (citation keys), a docstring stating its
assumptions and the source of every default, and ``build(**overrides)``. Overrides are
the route's own keyword arguments (see its ``build`` signature) or ``"unit.param"`` keys
that change one unit parameter after building.
"""

from __future__ import annotations

import importlib
import inspect

from yieldkit.errors import SpecificationError, unknown_name

ROUTES = {
    "ndfeb-hcl-leach": "process_library.ndfeb_hcl_leach",
    "mountain-pass-flotation": "process_library.mountain_pass_flotation",
    "ndfeb-hydrogen-decrepitation": "process_library.ndfeb_hydrogen_decrepitation",
    "ndfeb-cmi-copper-nitrate": "process_library.ndfeb_cmi_copper_nitrate",
    "monazite-caustic": "process_library.monazite_caustic",
    "bayan-obo-soda-roast": "process_library.bayan_obo_soda_roast",
    "ionic-clay-ammonium-sulfate": "process_library.ionic_clay_ammonium_sulfate",
    "ndfeb-sulfate-double-salt": "process_library.ndfeb_sulfate_double_salt",
    "bastnasite-mountain-pass": "process_library.bastnasite_mountain_pass",
    "coal-refuse-uky": "process_library.coal_refuse_uky",
}
DEFAULT_ROUTE = "ndfeb-hcl-leach"


def module(name: str):
    """The module of route ``name`` (did-you-mean for an unknown name)."""
    if not isinstance(name, str) or name not in ROUTES:
        raise SpecificationError(unknown_name("route", name, ROUTES))
    return importlib.import_module(ROUTES[name])


def build(name: str = DEFAULT_ROUTE, **overrides):
    """Build route ``name`` with ``overrides`` (route keyword arguments or "unit.param")."""
    mod = module(name)
    params = inspect.signature(mod.build).parameters
    route_args = [p for p, v in params.items() if v.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    for key in overrides:
        if "." not in key and key not in route_args:
            raise SpecificationError(
                unknown_name(
                    "route parameter",
                    key,
                    route_args,
                    f"route {name!r} (unit parameters are 'unit.param')",
                )
            )
    return mod.build(**overrides)


def describe(name: str) -> str:
    """First line of a route's docstring."""
    doc = inspect.getdoc(module(name)) or ""
    return doc.splitlines()[0] if doc else ""


def list_routes() -> list[tuple[str, str]]:
    """(name, one-line description) of every route."""
    return [(n, describe(n)) for n in ROUTES]
