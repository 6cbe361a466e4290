"""Shared pytest configuration.

Hypothesis runs derandomized by default (profile ``deterministic``): the same examples on
every machine, so CI is reproducible and a failure found once stays found. Search new
examples with ``pytest --hypothesis-profile=explore`` (random examples; the tests' own
``max_examples`` still apply) and keep what it finds as ``@example`` regressions.
"""

from hypothesis import settings

settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("deterministic")
