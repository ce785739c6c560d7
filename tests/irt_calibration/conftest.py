"""Factory fixtures for the calibration tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.irt_calibration.simulation import Simulated, simulate


@pytest.fixture
def simulate_responses() -> Callable[..., Simulated]:
    """``simulate_responses(n_persons, n_items, per_person=None, a=None, b=None, c=0, seed=0)``."""
    return simulate
