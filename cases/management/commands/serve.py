"""Serve this installation's exercises (web, Celery worker and beat) without loading the demo.

``manage.py serve`` for this computer only, ``manage.py serve --room`` to open the class to the room.
The same server, supervisor and classroom mode as ``manage.py demo``.
"""

from __future__ import annotations

from cases.serving.command import ServingCommand


class Command(ServingCommand):
    help = "Serve Border Desk (web, Celery worker and beat); --room opens it to the classroom's network."
