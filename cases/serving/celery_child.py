"""A Celery process of the embedded stack: ``python -m cases.serving.celery_child worker|beat [options]``.

The same as ``celery -A config worker|beat``, plus the watchdog that stops it when the supervisor is
gone (so nothing keeps serving or scheduling after the supervisor was killed outright).
"""

from __future__ import annotations

import os
import sys

from cases.serving.watchdog import watch_parent


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    watch_parent()
    from config.celery import app

    app.start(argv=list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
