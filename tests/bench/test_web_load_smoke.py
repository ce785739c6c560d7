"""bench/web_load.py still runs end to end: gunicorn, the stand-in LMS, two learners, SQLite.

No timing is asserted: the figures depend on the machine. What must hold is that every learner
finishes and that every score reaches the LMS gradebook.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_web_load_bench_runs_two_learners_on_sqlite():
    done = subprocess.run(
        [
            sys.executable,
            "bench/web_load.py",
            "--backend=sqlite",
            "--learners=2",
            "--workers=2",
            "--healthz-requests=50",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "grades: 2/2 FullyGraded scores reached the stand-in LMS" in done.stdout
    assert "| POST answer |" in done.stdout and "| GET /healthz |" in done.stdout
    assert "ratios sqlite: answer p50 / healthz p50 =" in done.stdout
    assert "FAILURE" not in done.stdout
    grades = next(line for line in done.stdout.splitlines() if line.startswith("grades:"))
    assert "failed" not in grades  # no score given up in the outbox
