"""The embedded broker (cases/serving/broker.py): a message is written whole or not at all, is deleted
only when acknowledged, and survives a consumer killed with ``kill -9`` before it acknowledged."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from django.conf import settings
from kombu import Connection

from cases.serving.broker import pending_messages, prepare, requeue_unacknowledged

ROOT = Path(__file__).resolve().parents[2]


def _url(path: Path) -> str:
    return f"bdsqlite+sqlite:///{path}"


def test_the_default_broker_is_the_embedded_sqlite_one_not_the_filesystem():
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                          "print(settings.CELERY_BROKER_URL)"], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip().startswith("bdsqlite+sqlite:///") and "filesystem" not in out.stdout


def test_an_acknowledged_message_is_deleted(tmp_path):
    path = tmp_path / "b.sqlite3"
    with Connection(_url(path)) as conn:
        queue = conn.SimpleQueue("q")
        queue.put({"n": 1})
        assert pending_messages(path) == (1, 0)
        message = queue.get(timeout=5)
        assert message.payload == {"n": 1}
        assert pending_messages(path) == (0, 1)  # handed out, kept until acknowledged
        message.ack()
        assert pending_messages(path) == (0, 0)
        queue.close()


def test_a_consumer_killed_before_acknowledging_loses_nothing(tmp_path):
    path = tmp_path / "b.sqlite3"
    prepare(_url(path))
    with Connection(_url(path)) as conn:
        queue = conn.SimpleQueue("q")
        queue.put({"deadline": 7})
        queue.close()
    # A consumer in its own process takes the message and is killed outright, as kill -9 does.
    code = (
        "import os, signal, sys; from django.conf import settings; settings.configure(); "
        "from kombu import Connection; from kombu.transport import TRANSPORT_ALIASES; "
        "TRANSPORT_ALIASES['bdsqlite'] = 'cases.serving.broker:Transport'; "
        "c = Connection(sys.argv[1]); q = c.SimpleQueue('q'); m = q.get(timeout=10); "
        "print(m.payload, flush=True); os.kill(os.getpid(), signal.SIGKILL)"
    )
    done = subprocess.run([sys.executable, "-c", code, _url(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == -9 and "'deadline': 7" in done.stdout, done.stderr
    assert pending_messages(path) == (0, 1)
    # What the supervisor does before it starts the worker again:
    assert requeue_unacknowledged(path) == 1
    with Connection(_url(path)) as conn:
        queue = conn.SimpleQueue("q")
        message = queue.get(timeout=5)
        assert message.payload == {"deadline": 7}
        message.ack()
        queue.close()
    assert pending_messages(path) == (0, 0)


def test_a_clean_shutdown_puts_an_unacknowledged_message_back_once(tmp_path):
    path = tmp_path / "b.sqlite3"
    with Connection(_url(path)) as conn:
        queue = conn.SimpleQueue("q")
        queue.put({"n": 1})
        queue.get(timeout=5)  # not acknowledged
        queue.close()
    # kombu's own channel would re-publish a copy and leave the original row too (two deliveries).
    assert pending_messages(path) == (1, 0)


def test_a_publisher_and_a_consumer_at_once_deliver_every_message_whole_and_once(tmp_path):
    path = tmp_path / "b.sqlite3"
    prepare(_url(path))
    total = 300
    received: list[int] = []

    def publish() -> None:
        with Connection(_url(path)) as conn:
            queue = conn.SimpleQueue("q")
            for n in range(total):
                queue.put({"n": n, "pad": "x" * 2000})
            queue.close()

    thread = threading.Thread(target=publish)
    thread.start()
    with Connection(_url(path)) as conn:
        queue = conn.SimpleQueue("q")
        while len(received) < total:
            message = queue.get(timeout=30)
            assert message.payload["pad"] == "x" * 2000
            received.append(message.payload["n"])
            message.ack()
        queue.close()
    thread.join()
    assert sorted(received) == list(range(total))
    assert pending_messages(path) == (0, 0)
    assert settings.CELERY_TASK_ACKS_LATE  # Celery acknowledges after the task ran
