"""numpydoc Parameters sections match the signatures of every public yieldkit callable.

After fluids' ``check_module_docstring_parameters``: a documented parameter that the
signature lacks, or a signature parameter missing from a documented Parameters section, is
reported. Callables without a Parameters section are not checked here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import yieldkit

SECTION = re.compile(r"^\s*Parameters\s*\n\s*-{3,}\s*\n", re.M)
NEXT = re.compile(r"^\s*[A-Z][A-Za-z ]+\s*\n\s*-{3,}\s*$", re.M)


def documented(doc: str) -> list[str] | None:
    m = SECTION.search(doc)
    if not m:
        return None
    body = doc[m.end() :]
    end = NEXT.search(body)
    body = body[: end.start()] if end else body
    lines = body.splitlines()
    indent = min((len(s) - len(s.lstrip()) for s in lines if s.strip()), default=0)
    names = []
    for line in lines:
        if line.strip() and len(line) - len(line.lstrip()) == indent:  # "name : type" or "a, b"
            for n in line.split(":")[0].split(","):
                names.append(n.strip().lstrip("*"))
    return names


def callables():
    for info in pkgutil.walk_packages(yieldkit.__path__, "yieldkit."):
        mod = importlib.import_module(info.name)
        for name, obj in vars(mod).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            if inspect.isfunction(obj):
                yield f"{mod.__name__}.{name}", obj, obj
            elif inspect.isclass(obj):
                yield f"{mod.__name__}.{name}", obj.__init__, obj
                for mname, meth in vars(obj).items():
                    if inspect.isfunction(meth) and not mname.startswith("_"):
                        yield f"{mod.__name__}.{name}.{mname}", meth, meth


def mismatches():
    out = []
    for qualname, func, doc_owner in callables():
        doc = inspect.getdoc(doc_owner) or ""
        names = documented(doc)
        if names is None:
            continue
        try:
            sig = inspect.signature(func)
        except (TypeError, ValueError):
            continue
        params = [p for p in sig.parameters if p not in ("self", "cls")]
        extra = [n for n in names if n not in params]
        missing = [
            p
            for p, v in sig.parameters.items()
            if p in params and p not in names and v.kind not in (v.VAR_POSITIONAL, v.VAR_KEYWORD)
        ]
        if extra or missing:
            out.append(
                f"{qualname}: documented but not in signature {extra}, undocumented {missing}"
            )
    return out


def test_docstring_parameters_match_signatures():
    bad = mismatches()
    assert not bad, "\n".join(bad)


#: Modules held to the strict rule: every public class and function documents every
#: parameter of its signature, in signature order.
STRICT_MODULES = (
    "yieldkit.unitops.leach",
    "yieldkit.unitops.precipitator",
    "yieldkit.unitops.solid_liquid",
    "yieldkit.unitops.thermal",
    "yieldkit.unitops.physical",
    "yieldkit.unitops.reduction",
    "yieldkit.unitops.solvent_extraction",
    "yieldkit.flowsheet.sx_circuit",
    "yieldkit.models.sx.parameters",
    "yieldkit.models.sx.outlets",
    "yieldkit.models.comminution",
    "yieldkit.models.electrolysis",
    "yieldkit.models.hydrogen_decrepitation",
    "yieldkit.models.magnetic_separation",
)


@pytest.mark.parametrize("module", STRICT_MODULES)
def test_strict_modules_document_every_parameter_in_order(module):
    mod = importlib.import_module(module)
    bad = []
    for name, obj in vars(mod).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
            continue
        if inspect.isclass(obj) and "__init__" in vars(obj):  # own constructor only
            func = obj.__init__
        elif inspect.isfunction(obj):
            func = obj
        else:
            continue
        sig = [p for p in inspect.signature(func).parameters if p not in ("self", "cls")]
        doc = documented(inspect.getdoc(obj) or "") or []
        if doc != sig:
            bad.append(f"{module}.{name}: documented {doc}, signature {sig}")
    assert not bad, "\n".join(bad)


def test_checker_finds_a_mismatch():
    def f(a, b):
        """Doc.

        Parameters
        ----------
        a : float
            A [m].
        c : float
            Not a parameter [-].
        """

    assert documented(inspect.getdoc(f)) == ["a", "c"]
