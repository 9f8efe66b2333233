"""pytest set-up: a non-interactive matplotlib backend and a seeded generator."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# "ci" (default): the same examples every run, so a red CI is reproducible.
# "explore": HYPOTHESIS_PROFILE=explore make test, for a deeper random search.
settings.register_profile("ci", max_examples=100, derandomize=True)
settings.register_profile("explore", max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
