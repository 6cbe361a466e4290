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
