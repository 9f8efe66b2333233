"""pytest set-up: a non-interactive matplotlib backend and a seeded generator."""

import os

import matplotlib
import numpy as np
import pytest
from hypothesis import settings

# In this process only: an MPLBACKEND environment variable would be inherited by the
# kernels nbval starts, and lessons would lose their inline figures.
matplotlib.use("Agg")

# "ci" (default): the same examples every run, so a red CI is reproducible.
# "explore": HYPOTHESIS_PROFILE=explore make test, for a deeper random search.
settings.register_profile("ci", max_examples=100, derandomize=True)
settings.register_profile("explore", max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
