"""Hypothesis profiles: the normal suite runs each fuzz property on a few inputs; the long
profile (``pytest tests/test_fuzz.py --hypothesis-profile=long``) runs ≥ 100,000 in all."""
from __future__ import annotations

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                      HealthCheck.filter_too_much])
settings.register_profile("default", **_COMMON)
# fuzz properties take their example count from the profile (tests/test_fuzz.py: FUZZ_* weights)
settings.register_profile("long", max_examples=25_000, database=None, print_blob=True, **_COMMON)
settings.load_profile("default")
