"""Which implementation runs an SX cascade solve: the compiled (numba) kernel or the
NumPy reference path, and the kernel's import.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from yieldkit.errors import SpecificationError, did_you_mean
from yieldkit.models._compiled import compiled
from yieldkit.models.sx.distribution import DistributionModel

BACKENDS = ("compiled", "numpy")

COMPILED_KINDS = ("cation_exchange", "empirical_ph", "constant_d")  # and their combinations

_NO_W = np.zeros((0, 1, 1))  # placeholders for the kernel's optional arrays

_NO_V = np.zeros(0)

#: No side feeds, as the kernel takes them (stages, aqueous or not, flows, concentrations)
_NO_SIDES = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_), np.zeros(0),
             np.zeros((0, 1)))  # fmt: skip


def _kernel():
    """The compiled kernel module, or None when numba cannot be imported (numba is imported
    on the first compiled solve)."""
    return compiled("yieldkit.models.sx._kernel")


@lru_cache(maxsize=64)
def _compiled_kind(kind: str) -> bool:
    """Whether the kernel supports a model kind (combinations joined by '+')."""
    return all(k in COMPILED_KINDS for k in kind.split("+"))


def _choose_backend(model: DistributionModel, backend: str | None) -> str:
    """The backend that will run: explicit choice checked, None = compiled if supported."""
    supported = _compiled_kind(model.kind)
    if backend is None:
        supported = supported and _kernel() is not None
        return "compiled" if supported else "numpy"
    if backend not in BACKENDS:
        raise SpecificationError(
            f"backend = {backend!r}, accepted 'compiled' or 'numpy' (None: compiled where "
            f"the model supports it).{did_you_mean(backend, BACKENDS)}"
        )
    if backend == "compiled" and not supported:
        raise SpecificationError(
            f"backend='compiled' does not support the {model.kind!r} distribution model "
            f"(compiled: {', '.join(COMPILED_KINDS)} and their combinations); use "
            "backend='numpy'."
        )
    if backend == "compiled" and _kernel() is None:
        raise SpecificationError(
            "backend='compiled' needs numba (pip install 'numba>=0.60'); use backend='numpy'."
        )
    return backend
