"""Loading a pack from the admin's button in the embedded setup: a real Celery worker on kombu's
filesystem broker and a SQLite file, with the progress row polled from another process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.integration

POLL = """
import json, time, django
django.setup()
from cases.classroom.tasks import dispatch_load
from cases.models import ScenarioLoad
load = ScenarioLoad.objects.create(slug="marriage-1958", name="Worker class", total=1, params={"students": 12})
dispatch_load(load.pk)
seen = set()
for _ in range(600):
    load.refresh_from_db()
    seen.add(load.status)
    if load.status in ("done", "failed"):
        break
    time.sleep(0.1)
print(json.dumps({"status": load.status, "seen": sorted(seen), "done": load.done, "total": load.total,
                  "cases": load.exercise.cases.count() if load.exercise else 0, "message": load.message}))
"""


def test_worker_loads_pack_and_progress_row_reaches_done(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "BORDER_DESK_DATA_DIR": str(tmp_path),
           "CELERY_BROKER_URL": "filesystem://", "CELERY_TASK_ALWAYS_EAGER": "false"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        out = subprocess.run([sys.executable, "-c", POLL], cwd=ROOT, env=env, check=True, timeout=180,
                             capture_output=True, text=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == "done", result
    assert result["done"] == result["total"] > 1
    from cases.classroom.packs import get_pack

    # The pack's two pre-1958 cases and the work sized to the class of 12; the rest arrive as timed events.
    assert result["cases"] == get_pack("marriage-1958").sizing(12).seeded > 2
    assert "queued" in result["seen"] or "running" in result["seen"]  # the worker, not the poller, loaded it
