"""Tear-stream (recycle) solvers sharing one contract; see :class:`TearSolver`.

Registry ``SOLVERS`` maps a name to a solver class; :func:`get_solver` builds one by name.

==================  ============================================================  =========
name                method                                                        calls/it
==================  ============================================================  =========
``direct``          direct substitution, optional damping                         1
``wegstein``        bounded Wegstein (q clipped to [q_min, q_max] = [-5, 0])      1
``anderson``        Anderson acceleration, type II, memory m, restarts            1
``broyden``         ``scipy.optimize.root(method="broyden1")``                    >= 1
``newton-krylov``   ``scipy.optimize.root(method="krylov")``                      several
``hybr``            ``scipy.optimize.root(method="hybr")``, MINPACK Powell hybrid  n per Jacobian
==================  ============================================================  =========
"""

from __future__ import annotations

from yieldkit.errors import SpecificationError, unknown_name
from yieldkit.flowsheet.solvers.base import (
    ON_FAILURE,
    LoopEvaluator,
    SolveStats,
    TearSolver,
    scale_vector,
    scaled_residual,
)
from yieldkit.flowsheet.solvers.fixed_point import Anderson, DirectSubstitution, Wegstein
from yieldkit.flowsheet.solvers.scipy_root import Broyden, Hybr, NewtonKrylov

SOLVERS: dict[str, type[TearSolver]] = {
    cls.name: cls for cls in (DirectSubstitution, Wegstein, Anderson, Broyden, NewtonKrylov, Hybr)
}


def get_solver(name: str, **options) -> TearSolver:
    """Build the tear solver registered as ``name`` with ``options``.

    Parameters
    ----------
    name : str
        A key of :data:`SOLVERS`.
    **options
        ``tol``, ``max_iter``, ``on_failure`` and the method's own options.

    Returns
    -------
    TearSolver
    """
    if not isinstance(name, str) or name not in SOLVERS:
        raise SpecificationError(unknown_name("tear solver", str(name), SOLVERS))
    return SOLVERS[name](**options)


__all__ = [
    "ON_FAILURE",
    "SOLVERS",
    "Anderson",
    "Broyden",
    "DirectSubstitution",
    "Hybr",
    "LoopEvaluator",
    "NewtonKrylov",
    "SolveStats",
    "TearSolver",
    "Wegstein",
    "get_solver",
    "scale_vector",
    "scaled_residual",
]
