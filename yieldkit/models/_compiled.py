"""Optional compiled (numba) kernels, each imported on first use.

:func:`compiled` returns the kernel module, or None where numba cannot be imported: the
NumPy reference path of each model runs then, with the same results to its tolerance.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType


@cache
def compiled(module: str) -> ModuleType | None:
    """The kernel module ``module`` (a dotted name), or None when numba is missing or
    broken."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None
