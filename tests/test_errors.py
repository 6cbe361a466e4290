"""The shared 'did you mean' suggestion of yieldkit's error messages."""

from yieldkit.errors import did_you_mean, unknown_name


def test_close_spellings_are_suggested():
    assert did_you_mean("compield", ["compiled", "numpy"]) == " Did you mean 'compiled'?"
    assert did_you_mean("NUMPY", ["compiled", "numpy"]) == " Did you mean 'numpy'?"


def test_abbreviations_spelled_out_or_cut_short_are_suggested():
    """'aqueous' for 'aq' is too far apart for difflib's ratio; a prefix relation is the
    suggestion then, either way round."""
    assert did_you_mean("aqueous", ["aq", "org"]) == " Did you mean 'aq'?"
    assert did_you_mean("Organic", ["aq", "org"]) == " Did you mean 'org'?"
    assert did_you_mean("anders", ["anderson", "broyden", "direct"]) == " Did you mean 'anderson'?"


def test_no_suggestion_for_unrelated_or_empty_names():
    assert did_you_mean("gas", ["aq", "org"]) == ""
    assert did_you_mean("", ["aq", "org"]) == ""
    assert did_you_mean(3, ["aq"]) == " (a name is a string; got a int)"
    msg = unknown_name("phase", "solid", ["aq", "org"])
    assert msg == "unknown phase 'solid'. Accepted: aq, org."


def test_convergence_error_reworded_keeps_the_failure():
    import numpy as np

    from yieldkit.errors import ConvergenceError

    exc = ConvergenceError(
        "no", loop="sx_cascade", residual_history=[1.0, 0.5], best_iterate=np.ones(2)
    )
    new = exc.reworded("unit 'u': no")
    assert str(new) == "unit 'u': no" and new.loop == "sx_cascade"
    assert new.residual_history == [1.0, 0.5] and new.best_iterate is exc.best_iterate
