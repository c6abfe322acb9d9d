"""``bench --only classroom``: a class of simulated students against the server as classroom mode runs it.

A small driver of its own (threads and ``http.client``), not locust: locust brings gevent and a web
UI, and runs its users on a single event loop, so on two cores its own CPU use would be mixed into the
figure; the driver here is a few dozen lines, keeps a cookie jar and CSRF token per student, and sends
requests only to a loopback address (127.0.0.2, standing in for the room's network address).

What it does:

1. In a temporary data folder: migrate, load the demo exercise, create 40 student logins with
   ``students_create`` (generated passwords, as a teacher would) and give the teacher a password.
2. Start ``manage.py serve --room 127.0.0.2`` exactly as a teacher opens a class (waitress, worker and
   beat under the supervisor, DEBUG off, the embedded broker), and wait for ``/health/``.
3. One student alone (short pauses; the unloaded latency of each page), then 40 students at once with
   class-like pauses of 5-15 s: log in (within the first half minute), open the inbox, open a case,
   take one of their office's steps, now and then a step that is refused; the teacher's console and
   dashboard refresh every 10-20 s.
4. Print p50/p95 per page for 1 and for 40 students, ``classroom_40 ratio R target 2`` (p95 of every
   request but the logins at 40 over the same at 1), and the errors (5xx, exceptions, timeouts).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cases.bench.figures import Figure

HOST = "127.0.0.2"  # loopback: the bench never sends a request off this machine
STUDENTS = 40
TARGET = 2.0
ROOT = Path(__file__).resolve().parents[2]

SEED_CODE = """
import json, secrets, django
django.setup()
from django.contrib.auth import get_user_model
from cases.classroom.students import students_create
from cases.models import Exercise
exercise = Exercise.objects.get(name="Demo: Yanji County 1959")
teacher = get_user_model().objects.get(username="teacher")
password = secrets.token_urlsafe(12)
teacher.set_password(password)
teacher.save()
logins = students_create(exercise=exercise, actor=teacher, count=%d, prefix="bench")
print(json.dumps({"exercise": exercise.pk, "teacher": password,
                  "students": [[s.username, s.password] for s in logins]}))
"""


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass
class Samples:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float) -> None:
        with self.lock:
            self.times[page].append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


class Session:
    """One browser: a connection, cookies and the CSRF token, timing every request by page name."""

    def __init__(self, port: int, samples: Samples) -> None:
        self.port = port
        self.samples = samples
        self.cookies: dict[str, str] = {}

    def request(self, page: str, method: str, path: str, data: dict[str, str] | None = None, *,
                follow: bool = False) -> tuple[int, str, str]:
        """One request (and, with ``follow``, the page a redirect leads to, timed together, as a browser)."""
        start = time.perf_counter()
        status, text, location = self._one(page, method, path, data)
        if follow and status in (301, 302, 303) and location:
            target = urllib.parse.urlsplit(location)
            status, text, location = self._one(page, "GET", target.path + (f"?{target.query}" if target.query else ""),
                                               None)
        if status:
            self.samples.add(page, time.perf_counter() - start)
        return status, text, location

    def _one(self, page: str, method: str, path: str, data: dict[str, str] | None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Referer": f"http://{HOST}:{self.port}{path}", "Host": f"{HOST}:{self.port}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException) as exc:
            self.samples.error(f"{page}: {type(exc).__name__}: {exc}")
            return 0, "", ""
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status >= 500:
            self.samples.error(f"{page}: HTTP {response.status} for {method} {path}")
        return response.status, text, response.getheader("Location") or ""

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def login(self, username: str, password: str) -> bool:
        self.request("login page", "GET", "/admin/login/")
        status, _, _ = self.request("login", "POST", "/admin/login/?next=/admin/", {
            "csrfmiddlewaretoken": self.csrf(), "username": username, "password": password, "next": "/admin/"})
        if status != 302:
            self.samples.error(f"login: {username} got HTTP {status}")
        return status == 302


CASE_LINK = re.compile(r'href="(/admin/(?:cases|permits)/[a-z]+/\d+/change/)"')
STEP_FORM = re.compile(r'<form[^>]+action="(/admin/(?:cases|permits)/[a-z]+/\d+/step/([a-z_]+)/)"')


def student_round(s: Session, rng: random.Random, pause: Callable[[], None]) -> None:
    """Inbox, a case, a step of the office (or, one time in five, a step that is refused)."""
    _, inbox, _ = s.request("inbox", "GET", "/admin/classroom/inbox/")
    links = sorted(set(CASE_LINK.findall(inbox)))
    pause()
    if not links:
        return
    case_url = rng.choice(links)
    _, page, _ = s.request("case page", "GET", case_url, follow=True)  # the inbox links to the case's own page
    pause()
    steps = STEP_FORM.findall(page)
    if steps and rng.random() > 0.2:
        action, _ = rng.choice(steps)
        s.request("step", "POST", action, {"csrfmiddlewaretoken": s.csrf()}, follow=True)
    else:
        # A step this office may not take (or not now): the server refuses it and changes nothing.
        own = re.search(r'/admin/(?:cases|permits)/[a-z]+/\d+/', page)
        target = (own.group(0) if own else case_url.replace("change/", "")) + "step/no_such_step/"
        s.request("refused step", "POST", target, {"csrfmiddlewaretoken": s.csrf()}, follow=True)
    pause()


def run_class(port: int, seed: dict, *, students: int, duration: float, pauses: tuple[float, float],
              login_spread: float, teacher: bool) -> Samples:
    samples = Samples()
    stop_at = time.monotonic() + duration
    threads: list[threading.Thread] = []

    def student(i: int, username: str, password: str) -> None:
        rng = random.Random(i)
        time.sleep(rng.uniform(0, login_spread))
        s = Session(port, samples)
        if not s.login(username, password):
            return

        def pause() -> None:
            time.sleep(rng.uniform(*pauses))

        while time.monotonic() < stop_at:
            student_round(s, rng, pause)

    def facilitator() -> None:
        rng = random.Random(999)
        s = Session(port, samples)
        if not s.login("teacher", seed["teacher"]):
            return
        exercise = seed["exercise"]
        refresh = (10.0, 20.0) if students > 1 else pauses  # the console and dashboard reload themselves
        while time.monotonic() < stop_at:
            s.request("console", "GET", f"/admin/classroom/exercise/{exercise}/console/")
            time.sleep(rng.uniform(*refresh))
            s.request("dashboard", "GET", f"/admin/cases/exercise/{exercise}/dashboard/")
            time.sleep(rng.uniform(*refresh))

    for i, (username, password) in enumerate(seed["students"][:students]):
        threads.append(threading.Thread(target=student, args=(i, username, password), daemon=True))
    if teacher:
        threads.append(threading.Thread(target=facilitator, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 300)
    return samples


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


class Room:
    """A data folder with the demo and 40 students, served by ``manage.py serve --room 127.0.0.2``."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.dir = Path(tempfile.mkdtemp(prefix="border-desk-room-"))
        self.port = _free_port(HOST)
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY")}
        self.env.update(DJANGO_SETTINGS_MODULE="config.settings.local", BORDER_DESK_DATA_DIR=str(self.dir),
                        CELERY_TASK_ALWAYS_EAGER="false", PYTHONUNBUFFERED="1")
        self.proc: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=600)
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def seed(self, students: int) -> dict:
        self.manage("migrate", "--noinput")
        self.manage("load_demo")
        done = subprocess.run([sys.executable, "-c", SEED_CODE % students], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise RuntimeError(f"seeding the class failed: {done.stderr[-2000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def start(self) -> None:
        log = open(self.dir / "serve.log", "wb")  # noqa: SIM115 - the child writes to it until stop()
        self.proc = subprocess.Popen([sys.executable, "manage.py", "serve", "--room", HOST, "--addr",
                                      f"{HOST}:{self.port}"], cwd=ROOT, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {(self.dir / 'serve.log').read_text()[-2000:]}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError("the server did not answer /health/ within 180 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def classroom_figures(*, quick: bool, say: Callable[[str], None], students: int = STUDENTS) -> list[Figure]:
    """Run the class and print its lines; return the ``classroom_40`` figure."""
    room = Room(say)
    try:
        say(f"classroom: preparing a data folder with the demo and {students} students ...")
        seed = room.seed(students)
        room.start()
        say(f"classroom: serving on http://{HOST}:{room.port}/ (classroom mode, waitress, worker and beat)")
        one = run_class(room.port, seed, students=1, duration=40 if quick else 90, pauses=(0.3, 0.8),
                        login_spread=0, teacher=True)
        many = run_class(room.port, seed, students=students, duration=90 if quick else 240, pauses=(5, 15),
                         login_spread=30, teacher=True)
    finally:
        room.stop()
    pages = ["login", "inbox", "case page", "step", "refused step", "console", "dashboard"]
    for page in pages:
        a, b = one.times.get(page, []), many.times.get(page, [])
        say(f"classroom page {page:<13} 1 student: p50 {_pct(a, 50) * 1000:6.0f} ms p95 {_pct(a, 95) * 1000:6.0f} ms"
            f" (n={len(a)})   {students} students: p50 {_pct(b, 50) * 1000:6.0f} ms p95 {_pct(b, 95) * 1000:6.0f} ms"
            f" (n={len(b)})")
    base = [t for p in pages if p != "login" for t in one.times.get(p, [])]
    loaded = [t for p in pages if p != "login" for t in many.times.get(p, [])]
    ratio = _pct(loaded, 95) / _pct(base, 95)
    errors = one.errors + many.errors
    for e in errors[:20]:
        say(f"classroom error: {e}")
    say(f"classroom errors: {len(errors)} of {sum(map(len, one.times.values())) + sum(map(len, many.times.values()))}"
        " requests")
    detail = (f"p95 {_pct(loaded, 95) * 1000:.0f} ms at {students} / {_pct(base, 95) * 1000:.0f} ms at 1; "
              f"{len(errors)} errors")
    return [RoomFigure(f"classroom_{students}", ratio, TARGET, detail, errors=len(errors))]


@dataclass
class RoomFigure(Figure):
    errors: int = 0

    @property
    def met(self) -> bool:
        # A class that saw errors is not carried, whatever the ratio.
        return self.ratio <= self.target and self.errors == 0
