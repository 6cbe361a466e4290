"""Random valid flowsheets with recycles: every tear solver converges and closes every balance."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yieldkit.chemistry.components import Components
from yieldkit.flowsheet.flowsheet import Flowsheet
from yieldkit.flowsheet.solvers import SOLVERS
from yieldkit.stream import Stream
from yieldkit.unitops.basic import Feed, Mixer, Product, Separator, Splitter

C = Components(["H2O", "Nd2O3", "Fe2O3", "Nd+3", "Cl-"])
FRACTION = st.floats(min_value=0.02, max_value=0.98)


@st.composite
def flowsheets(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    recycle_to = [
        draw(st.one_of(st.none(), st.integers(min_value=0, max_value=j))) for j in range(n)
    ]
    kinds = [draw(st.sampled_from(["splitter", "separator"])) for _ in range(n)]
    splits = [{sp: draw(FRACTION) for sp in C.names} for _ in range(n)]
    fracs = [draw(FRACTION) for _ in range(n)]
    feed = {sp: f"{draw(st.floats(min_value=0.01, max_value=100.0))} mol/s" for sp in C.names}
    return n, recycle_to, kinds, splits, fracs, feed


def build(spec) -> Flowsheet:
    n, recycle_to, kinds, splits, fracs, feed = spec
    fs = Flowsheet("random", C)
    fs.add(Feed("feed", Stream(C, feed)), Product("product"))
    into = {i: ["main"] + [f"rec{j}" for j in range(n) if recycle_to[j] == i] for i in range(n)}
    for j in range(n):
        fs.add(Mixer(f"mix{j}", inlets=into[j]))
        if kinds[j] == "splitter":
            outs = (
                {"fwd": 1 - fracs[j], "rec": fracs[j]}
                if recycle_to[j] is not None
                else {"fwd": 1.0}
            )
            fs.add(Splitter(f"unit{j}", outs))
        else:
            fs.add(Separator(f"unit{j}", splits[j], outlets=("rec", "fwd")))
            if recycle_to[j] is None:
                fs.add(Product(f"side{j}", kind="by-product"))
    fs.connect("feed.out", "mix0.main")
    for j in range(n):
        fs.connect(f"mix{j}.out", f"unit{j}.in")
        fs.connect(f"unit{j}.fwd", f"mix{j + 1}.main" if j + 1 < n else "product.in")
        if recycle_to[j] is not None:
            fs.connect(f"unit{j}.rec", f"mix{recycle_to[j]}.rec{j}")
        elif kinds[j] == "separator":
            fs.connect(f"unit{j}.rec", f"side{j}.in")
    return fs


@pytest.mark.parametrize("method", sorted(SOLVERS))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=flowsheets())
def test_random_recycle_flowsheets_converge_and_conserve(method, spec):
    fs = build(spec)
    res = fs.solve(method)
    assert res.converged
    assert res.max_balance_error() <= 1e-9, res.balance_table()
