"""What a cascade solve takes besides its end feeds and what it returns: side feeds and
the solved cascade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SideFeed:
    """A feed entering one stage of a cascade.

    Attributes
    ----------
    stage : int
        Stage number, 1..n_stages (stage 1 receives the main aqueous feed) [-].
    phase : str
        'aq' or 'org' [-].
    flow : float
        Volumetric flow [m3/s].
    conc : numpy.ndarray
        For 'aq': [metal_1..metal_M, H+]; for 'org': [metal_1..metal_M, total
        extractant as HA] [mol/m3].
    """

    stage: int
    phase: str
    flow: float
    conc: np.ndarray


@dataclass
class CascadeSolution:
    """Solved cascade: per-stage concentrations of both phases, leaving each stage.

    Attributes
    ----------
    metals : tuple of str
        Metal order of the arrays [-].
    x : numpy.ndarray
        Aqueous metal concentrations, shape (n_stages, M) [mol/m3].
    y : numpy.ndarray
        Organic metal concentrations, shape (n_stages, M) [mol/m3].
    h : numpy.ndarray
        Aqueous H+ per stage, shape (n_stages,) [mol/m3].
    free_extractant : numpy.ndarray
        Free extractant (monomer HA) per stage [mol/m3].
    total_extractant : numpy.ndarray
        Total extractant (monomer HA) per stage [mol/m3].
    q_aq, q_org : numpy.ndarray
        Aqueous and organic flows leaving each stage [m3/s].
    iterations : int
        Newton iterations [-].
    residual : float
        Final scaled residual (max norm) [-].
    residual_history : list of float
        Scaled residual at each iteration [-].
    balance_error : float
        Largest relative imbalance of any metal, proton or extractant balance [-].
    state : numpy.ndarray
        Log-variables, for warm starts (pass the solution as ``x0``) [-].
    factors : tuple
        Factors of the last Jacobian (LAPACK banded LU for the NumPy backend; block
        inverses and G blocks for the compiled one), reused by a warm start's chord
        steps [-].
    jacobians : int
        Jacobians evaluated and factorized; ``iterations`` also counts the chord steps
        of a warm start, which reuse the previous solution's factors [-].
    backend : str
        Which implementation produced the solution: 'compiled' (the numba kernel of
        :mod:`yieldkit.models.sx._kernel`) or 'numpy' (the reference path, also the
        fallbacks after a failed compiled Newton) [-].
    stage_efficiency : float
        Murphree efficiency of the aqueous phase the stages were solved with [-].
    """

    metals: tuple[str, ...]
    x: np.ndarray
    y: np.ndarray
    h: np.ndarray
    free_extractant: np.ndarray
    total_extractant: np.ndarray
    q_aq: np.ndarray
    q_org: np.ndarray
    iterations: int
    residual: float
    residual_history: list[float] = field(default_factory=list)
    balance_error: float = 0.0
    state: np.ndarray | None = None
    factors: tuple | None = field(default=None, repr=False)
    jacobians: int = 0
    backend: str = "numpy"
    stage_efficiency: float = 1.0

    @property
    def n_stages(self) -> int:
        """Number of stages [-]."""
        return self.x.shape[0]

    @property
    def raffinate(self) -> np.ndarray:
        """Aqueous outlet (stage N) as [metals..., H+] [mol/m3]."""
        return np.append(self.x[-1], self.h[-1])

    @property
    def loaded_organic(self) -> np.ndarray:
        """Organic outlet (stage 1) as [metals..., total extractant] [mol/m3]."""
        return np.append(self.y[0], self.total_extractant[0])

    @property
    def ph(self) -> np.ndarray:
        """pH per stage, -log10([H+] in mol/L) [-]."""
        return 3.0 - np.log10(self.h)

    @property
    def loading(self) -> np.ndarray:
        """Fraction of the extractant bound in complexes per stage [-]."""
        return 1.0 - self.free_extractant / self.total_extractant
