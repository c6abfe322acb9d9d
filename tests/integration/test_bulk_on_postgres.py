"""The bulk step's own tests, run again on PostgreSQL.

Its writers take a different road there (locking with ``FOR UPDATE`` of both tables of a case, one
statement over UNNESTed arrays for rows with values of their own), so the same checks must hold on
both databases. They run in a child pytest against the stack's PostgreSQL server.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.integration.stack import PYTHON, ROOT

pytestmark = pytest.mark.integration

# The live analytics' tests too: there ids can commit out of order (tests/cases/test_analytics_live.py).
SUITES = ["tests/cases/test_bulk.py", "tests/cases/test_dated_steps.py", "tests/cases/test_autopilot_time_order.py",
          "tests/cases/test_analytics_live.py", "tests/cases/test_update_plan.py",
          "tests/cases/test_pg_array.py", "tests/cases/test_pg_timestamps.py"]


def test_bulk_step_tests_pass_on_postgresql(live):
    env = {**live.env, "CELERY_TASK_ALWAYS_EAGER": "true"}
    done = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITES],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "passed" in done.stdout and live.env["DATABASE_URL"].startswith("postgres://")
