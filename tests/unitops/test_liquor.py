"""Liquor bookkeeping shared by the aqueous units (yieldkit.unitops._liquor)."""

from __future__ import annotations

import numpy as np
import pytest

from yieldkit.chemistry.components import Components
from yieldkit.unitops import _liquor

C = Components(["H2O", "H+", "OH-", "Cl-", "H2C2O4", "HC2O4-", "C2O4-2", "Nd+3"])


def _acid_oxalate_liquor(total=0.0546):
    n = np.zeros(len(C))
    n[C.index("H2O")] = 55.0
    n[C.index("H+")] = 0.6 + 2 * total
    n[C.index("Cl-")] = 0.9
    n[C.index("Nd+3")] = 0.1
    n[C.index("C2O4-2")] = total  # pool form: the system's total on its last species
    return n


def test_trace_species_keep_their_relative_precision():
    # at pH ~0.2 C2O4-2 is ~1e-5 of the oxalate: it must be total * alpha to rounding, not
    # the remainder of the total minus the others (which left it ~1e-11 noisy and stalled
    # recycle loops at that level)
    lay = _liquor.layout(C, "test")
    j = [s.name for s in lay.systems].index("oxalate")
    worst = 0.0
    for total in np.linspace(0.05, 0.06, 200):
        out, spec = _liquor.equilibrate(_acid_oxalate_liquor(total), lay, 1e-3, "test")
        conc = dict(zip(lay.systems[j].species, spec.conc[j], strict=True))
        c2o4 = out[C.index("C2O4-2")]
        assert c2o4 < 1e-4 * out[C.index("H2C2O4")]
        worst = max(worst, abs(c2o4 / conc["C2O4-2"] - 1.0))
        ox = out[C.indices(["H2C2O4", "HC2O4-", "C2O4-2"])].sum()
        assert ox == pytest.approx(total, rel=1e-15)  # the total is kept exactly
    assert worst < 1e-14
