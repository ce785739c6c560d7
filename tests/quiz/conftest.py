"""Fixtures of the learner's attempt tests (the ``bank`` fixture lives in tests/conftest.py)."""
