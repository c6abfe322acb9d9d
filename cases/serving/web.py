"""The web process: Border Desk's WSGI application under waitress.

``python -m cases.serving.web --host 127.0.0.1 --port 8000 --threads 8``

Why waitress (compared for teachers' laptops with gunicorn and granian):

* gunicorn forks worker processes and does not run on Windows at all; many school laptops are Windows.
* granian (a Rust server) has wheels for the three systems and is fast, but it is young, its workers
  are processes (each with its own SQLite connections) and a crash of its native core is harder for a
  teacher to read than a Python traceback.
* waitress is pure Python (installs with pip anywhere Python does, no compiler), mature, the server
  the Django and Pyramid documentation name for Windows, and serves with threads in ONE process: all
  requests share one SQLite file through per-thread connections in WAL mode, with no fork and no
  second copy of the application in memory. Static files come from whitenoise inside the application.

A room of 40 students sends a few requests a second; the time goes into Django and SQLite, not into
the server, so the pure-Python server costs nothing that matters here (see ``bench --only classroom``).
"""

from __future__ import annotations

import argparse
import logging
import os

from cases.serving.watchdog import watch_parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve Border Desk with waitress.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--also", action="append", default=[], metavar="HOST",
                        help="Listen on this address too, same port (classroom mode: 127.0.0.1 for the teacher).")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    watch_parent()
    logging.basicConfig(level=logging.WARNING)
    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    application = get_wsgi_application()
    hosts = [args.host, *[h for h in args.also if h != args.host]]
    listen = " ".join(f"[{h}]:{args.port}" if ":" in h else f"{h}:{args.port}" for h in hosts)
    serve(
        application,
        listen=listen,
        threads=args.threads,
        ident="Border Desk",
        # A phone on a weak Wi-Fi link may take a while; a dead one must not hold a thread for long.
        channel_timeout=60,
        connection_limit=400,
        # Nothing sits in front of it in a classroom: ignore X-Forwarded-* headers a client could forge.
        clear_untrusted_proxy_headers=True,
    )


if __name__ == "__main__":
    main()
