"""Settings for the embedded stack (``manage.py demo`` / ``serve``): SQLite and the embedded SQLite broker.

DEBUG is off unless ``DJANGO_DEBUG=true`` is set for development: students must never see a debug
page, and the demo's server forces it off in any case.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
