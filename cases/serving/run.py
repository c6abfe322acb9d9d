"""Start Border Desk for a room: choose the address, compute the hosts, supervise web + worker + beat.

Used by ``manage.py demo`` (after loading the demo) and ``manage.py serve`` (an installation whose
exercises were loaded from packs). The plain start serves this computer only (127.0.0.1); classroom
mode (``--room``) serves the machine's network address and prints the join URL and its QR code.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from cases.serving import broker
from cases.serving.lock import AlreadyRunning, DataFolderLock
from cases.serving.network import choose_room_address, hosts_for, join_url, qr_svg, qr_terminal
from cases.serving.supervisor import ChildSpec, Supervisor, python

WEB_THREADS = 8
QR_FILE = "join-qr.svg"


@dataclass
class Plan:
    bind: str
    port: int
    url: str
    room: bool
    allowed_hosts: list[str]
    trusted_origins: list[str]


def parse_addr(addr: str) -> tuple[str, int]:
    host, sep, port = addr.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"{addr!r} is not HOST:PORT (for example 127.0.0.1:8000).")
    return host.strip("[]") or "127.0.0.1", int(port)


def plan(*, addr: str, room: bool, room_address: str | None) -> Plan:
    host, port = parse_addr(addr)
    if room:
        try:
            host = choose_room_address(room_address)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
    allowed, origins = hosts_for(host)
    return Plan(bind=host, port=port, url=join_url(host, port), room=room, allowed_hosts=allowed,
                trusted_origins=origins)


def check_port_free(host: str, port: int) -> None:
    """Refuse clearly (before anything starts) when the address cannot be served."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"Cannot serve on {host}:{port}: {exc.strerror or exc}. Another program uses that port, "
                "or the address is not this computer's; choose another with --addr (for example "
                f"{host}:8001)."
            ) from exc


def embedded_broker_file() -> Path | None:
    url = str(settings.CELERY_BROKER_URL)
    if url.startswith(f"{broker.ALIAS}+sqlite:///"):
        return Path(url.split(":///", 1)[1])
    return None


def child_env(p: Plan) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
        DJANGO_DEBUG="false",  # students never see a debug page
        DJANGO_ALLOWED_HOSTS=",".join(p.allowed_hosts),
        DJANGO_CSRF_TRUSTED_ORIGINS=",".join(p.trusted_origins),
        BORDER_DESK_DATA_DIR=str(Path(settings.DATA_DIR).resolve()),
        BORDER_DESK_JOIN_URL=p.url if p.room else "",
    )
    return env


def child_specs(p: Plan, *, celery: bool) -> list[ChildSpec]:
    web = [python(), "-m", "cases.serving.web", "--host", p.bind, "--port", str(p.port), "--threads",
           str(WEB_THREADS)]
    if p.room and p.bind != "127.0.0.1":
        web += ["--also", "127.0.0.1"]  # the teacher's own browser on the laptop keeps working
    specs = [ChildSpec("web server", web)]
    if celery:
        broker_file = embedded_broker_file()

        def requeue() -> None:
            if broker_file is not None:
                broker.requeue_unacknowledged(broker_file)

        # One worker and one beat, each a supervised child: one scheduler per data folder (the lock sees
        # to that). The worker uses threads, not forked processes: the same on Windows, macOS and Linux,
        # and no pool process can outlive it.
        specs.append(ChildSpec(
            "worker",
            [python(), "-m", "cases.serving.celery_child", "worker", "--loglevel=WARNING", "--pool=threads",
             "--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            before_start=requeue,
        ))
        specs.append(ChildSpec(
            "beat",
            [python(), "-m", "cases.serving.celery_child", "beat", "--loglevel=WARNING",
             "--schedule", str(Path(settings.DATA_DIR) / "celerybeat-schedule"),
             "--pidfile", str(Path(settings.DATA_DIR) / "celerybeat.pid")],
        ))
    return specs


def wait_until_serving(host: str, port: int, sup: Supervisor, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not sup.stopping:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
            return
        web = sup.children[0].popen
        if web is not None and web.poll() is not None and len(sup.children[0].starts) > 1:
            break
        sup.check()
        time.sleep(0.2)
    if not sup.stopping:
        raise CommandError(f"The web server did not start on {host}:{port}; see its messages above.")


def announce(p: Plan, say: Callable[[str], None]) -> None:
    if not p.room:
        say(f"\nBorder Desk is running: {p.url}")
        say("Only this computer can open it. To open the class to the room, start with --room.")
        return
    qr_path = Path(settings.DATA_DIR) / QR_FILE
    qr_path.write_text(qr_svg(p.url))
    say("\nBorder Desk is open to the room. Students on the same network join at:\n")
    say(f"    {p.url}\n")
    drawing = qr_terminal(p.url)
    can_show = getattr(say, "can_show", None)
    if can_show is None or can_show(drawing):
        say(drawing)
    else:
        say("(This window cannot draw the QR code: open the QR file or the join page named below.)")
    if p.bind != "127.0.0.1":
        say(f"On this laptop itself, http://127.0.0.1:{p.port}/admin/ works too.")
    say(f"\nThe QR code is also at {qr_path} and, for the projector, at "
        f"{p.url}classroom/join/ (log in as the teacher).")
    say("If a student's device cannot open it, the school network may keep devices apart: see "
        "docs/teachers-guide.md, 'When students cannot connect'.")


def serve(*, p: Plan, celery: bool, say: Callable[[str], None], lock: DataFolderLock,
          before: Callable[[], None] | None = None) -> int:
    """Hold ``lock``, run ``before`` (migrate, load), then supervise until Ctrl-C / SIGTERM."""
    check_port_free(p.bind, p.port)
    if p.room and p.bind != "127.0.0.1":
        check_port_free("127.0.0.1", p.port)
    sup = Supervisor(child_specs(p, celery=celery), env=child_env(p), say=say, cwd=str(settings.BASE_DIR))
    sup.install_signal_handlers()
    if before is not None:
        before()
    if celery and embedded_broker_file() is not None:
        broker.prepare(str(settings.CELERY_BROKER_URL))
    lock.describe(p.url)
    if sup.stopping:
        return 0
    try:
        sup.start()
        wait_until_serving(p.bind, p.port, sup)
        if sup.stopping:
            return 0
        announce(p, say)
        say("Press Ctrl-C to stop the web server, the worker and beat.\n")
        return sup.run()
    finally:
        sup.stop()


def acquire(folder: Path) -> DataFolderLock:
    lock = DataFolderLock(folder)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        raise CommandError(str(exc)) from exc
    return lock
