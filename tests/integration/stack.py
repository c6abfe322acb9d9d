"""Start and stop the real parts of the scale-out stack for the integration tests: a PostgreSQL
cluster in a temporary directory, redis-server on a free loopback port, and Django / Celery
processes pointed at them."""

from __future__ import annotations

import contextlib
import glob
import http.cookiejar
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def pg_bin() -> Path | None:
    """Return the newest PostgreSQL server bin directory, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def require_binaries() -> None:
    """Skip when redis-server or PostgreSQL is missing, unless CI=true, where that is a failure."""
    found = {"redis-server": shutil.which("redis-server"), "postgresql": pg_bin()}
    missing = [name for name, ok in found.items() if not ok]
    if missing:
        message = f"integration tests need {', '.join(missing)} (Debian packages redis-server, postgresql)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], Any], *, timeout: float = 60, what: str = "condition", every: float = 0.1) -> Any:
    """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            last = check()
            if last:
                return last
        time.sleep(every)
    raise AssertionError(f"Timed out waiting for {what} (last value: {last!r})")


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Process:
    """A child process in its own session (so the whole group can be killed), logging to a file."""

    def __init__(self, name: str, args: list[str], *, env: dict[str, str], logdir: Path,
                 user: str | None = None) -> None:
        self.name = name
        self.log_path = logdir / f"{name}.log"
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        if user is not None:
            args = ["runuser", "-u", user, "--", *args]
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the process group (a Celery worker and its pool children)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 5) -> None:
        if self.alive():
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.popen.wait(5)
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Redis:
    """redis-server on a free loopback port, no persistence; it can be stopped and started again."""

    def __init__(self, logdir: Path) -> None:
        self.port = free_port()
        self.logdir = logdir
        self.proc: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = Process("redis", args, env=dict(os.environ), logdir=self.logdir)
        wait_for(lambda: _port_open(self.port), timeout=20, what="redis-server to listen")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop()
            wait_for(lambda: not _port_open(self.port), timeout=20, what="redis-server to stop")
            self.proc = None


class Postgres:
    """A throwaway PostgreSQL cluster (initdb into a temporary directory, run as postgres when root)."""

    def __init__(self, logdir: Path) -> None:
        self.bin = pg_bin()
        assert self.bin is not None
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="border-desk-pg-"))
        self.user: str | None = None
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: hand the directory to the postgres system user.
            self.user = "postgres"
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o700)
        self.logdir = logdir
        self.proc: Process | None = None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/border_desk"

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, cwd="/")

    def start(self) -> None:
        data = self.dir / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync", "--locale=C")
        args = [str(self.bin / "postgres"), "-D", str(data), "-p", str(self.port), "-h", "127.0.0.1",
                "-k", str(self.dir), "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=100"]
        env = dict(os.environ)
        self.proc = Process("postgres", args, env=env, logdir=self.logdir, user=self.user)
        wait_for(lambda: _port_open(self.port), timeout=30, what="PostgreSQL to listen")
        import psycopg

        def can_connect() -> bool:
            with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                                 autocommit=True) as conn:
                conn.execute("CREATE DATABASE border_desk")
            return True

        wait_for(can_connect, timeout=30, what="PostgreSQL to accept connections")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill(signal.SIGINT)  # fast shutdown
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.popen.wait(20)
            self.proc.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Stack:
    """PostgreSQL + Redis + the environment every Django / Celery child process gets."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.logdir = workdir / "logs"
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.redis = Redis(self.logdir)
        self.postgres = Postgres(self.logdir)
        self.processes: list[Process] = []

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            # The test settings (fast password hashing) with real, not eager, Celery.
            DJANGO_SETTINGS_MODULE="config.settings.test",
            CELERY_TASK_ALWAYS_EAGER="false",
            DATABASE_URL=self.postgres.url,
            CELERY_BROKER_URL=self.redis.url,
            BORDER_DESK_DATA_DIR=str(self.workdir / "data"),
            DJANGO_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    def start(self) -> None:
        self.postgres.start()
        self.redis.start()
        self.manage("migrate", "--noinput")

    def manage(self, *args: str) -> str:
        """Run a manage.py command against the stack; return its output."""
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def call(self, func: str, *args: Any) -> Any:
        """Run ``tests.integration.scenario.<func>(*args)`` in a Django process on the stack."""
        code = (
            "import json, sys, django; django.setup(); from tests.integration import scenario; "
            "print(json.dumps(getattr(scenario, sys.argv[1])(*json.loads(sys.argv[2]))))"
        )
        done = subprocess.run([PYTHON, "-c", code, func, json.dumps(args)], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise AssertionError(f"scenario.{func} failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the stack's database directly (fast polling, no Django process per look)."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.postgres.port} user=postgres dbname=border_desk") as conn:
            return list(conn.execute(query, params).fetchall())

    def report(self, exercise_id: int, *, ids: list[int] | None = None, note_prefix: str | None = None
               ) -> dict[str, int]:
        """Count deadlines by status and the events they wrote (and any written twice).

        Only the exercise's deadlines with the given ids, or whose note starts with ``note_prefix``,
        are counted (the test desk's own procedures set deadlines of their own); every one if neither.
        """
        where, params = "d.exercise_id = %s", [exercise_id]
        if ids is not None:
            where += " AND d.id = ANY(%s)"
            params.append(ids)
        if note_prefix is not None:
            where += " AND d.note LIKE %s"
            params.append(note_prefix + "%")
        by_status = dict(self.sql(f"SELECT d.status, count(*) FROM cases_deadline d WHERE {where} GROUP BY 1",
                                  *params))
        per_deadline = self.sql(
            f"SELECT d.id, count(e.id) FROM cases_deadline d LEFT JOIN cases_caseevent e "
            f"ON e.exercise_id = d.exercise_id AND e.data ? 'deadline' AND e.data->>'deadline' = d.id::text "
            f"WHERE {where} GROUP BY d.id", *params)
        return {
            "pending": by_status.get("pending", 0),
            "fired": by_status.get("fired", 0),
            "cancelled": by_status.get("cancelled", 0),
            "events": sum(n for _, n in per_deadline),
            "deadlines_with_two_events": sum(1 for _, n in per_deadline if n > 1),
        }

    def case_state(self, exercise_id: int, man: str) -> str:
        return self.sql(
            "SELECT c.state FROM cases_case c JOIN cases_marriagecase m ON m.case_ptr_id = c.id "
            "JOIN cases_person p ON p.id = m.man_id WHERE c.exercise_id = %s AND p.name = %s", exercise_id, man
        )[0][0]

    def spawn(self, name: str, args: list[str]) -> Process:
        proc = Process(name, args, env=self.env, logdir=self.logdir)
        self.processes.append(proc)
        return proc

    def worker(self, name: str, concurrency: int = 1) -> Process:
        return self.spawn(name, [PYTHON, "-m", "celery", "-A", "config", "worker", "-l", "info", "-n",
                                 f"{name}@%h", "-c", str(concurrency), "--without-gossip", "--without-mingle"])

    def beat(self) -> Process:
        return self.spawn("beat", [PYTHON, "-m", "celery", "-A", "config", "beat", "-l", "info",
                                   "--max-interval", "1", "-s", str(self.workdir / "celerybeat-schedule")])

    def web(self, port: int) -> Process:
        return self.spawn("web", [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"])

    def stop_processes(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()
        self.processes.clear()

    def stop(self) -> None:
        self.stop_processes()
        self.redis.stop()
        self.postgres.stop()


class Browser:
    """A tiny HTTP client with cookies that reports every status code instead of raising."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.statuses: list[tuple[str, int]] = []

    def request(self, path: str, data: dict[str, str] | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(req, timeout=30) as response:
                self.statuses.append((path, response.status))
                return response.read().decode()
        except urllib.error.HTTPError as exc:
            self.statuses.append((path, exc.code))
            return exc.read().decode(errors="replace")

    def csrf(self, page: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def login(self, username: str, password: str) -> None:
        page = self.request("/admin/login/")
        self.request("/admin/login/?next=/admin/", {"csrfmiddlewaretoken": self.csrf(page), "username": username,
                                                    "password": password, "next": "/admin/"})
