"""PostgreSQL: read ``timestamptz`` columns with psycopg's C loader where Django's Python one adds nothing.

Django registers its own loader for ``timestamptz`` on every connection (``BaseTzLoader`` in
``django/db/backends/postgresql/psycopg_any.py``): it subclasses psycopg's *pure-Python* loader, which
parses each value with a regular expression, and then sets the value's ``tzinfo`` to the connection's
time zone. With ``USE_TZ`` and no database ``TIME_ZONE``, Django's zone is UTC and it sets the session's
``TimeZone`` to ``UTC``; psycopg's C loader then gives the very same value, the same ``tzinfo`` object
(``datetime.timezone.utc``) included, about seven times faster. A bulk step loads three such columns
per case and the deadline sweep six per deadline, so Django's loader was a tenth of their time.

:func:`use_c_timestamptz_loader` (connected to ``connection_created``) registers, on a connection where
that holds, a loader that hands each value to psycopg's C loader. Anywhere else (another zone, psycopg
without its C implementation) it leaves Django's loader in place. The loader keeps Django's
``timezone`` attribute, which Django's ``create_cursor`` reads to decide whether a cursor needs a loader
of its own. ``tests/cases/test_pg_timestamps.py`` compares the two on the server's own values.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def _c_loader() -> type | None:
    """psycopg's default text loader for ``timestamptz`` if it is the C one, else None."""
    import psycopg
    from psycopg.pq import Format
    from psycopg.types.datetime import TimestamptzLoader

    loader = psycopg.adapters.get_loader(psycopg.postgres.types["timestamptz"].oid, Format.TEXT)
    return None if loader is None or loader is TimestamptzLoader else loader


def _loader_class(c_loader: type) -> type:
    from psycopg.adapt import Loader

    class UtcTimestamptzLoader(Loader):
        """Each value read by psycopg's C loader; ``timezone`` as on Django's loader (UTC)."""

        timezone = dt.UTC

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            # The C loader's own ``load``, bound: psycopg calls a Python loader's ``load`` attribute per value.
            self.load = c_loader(oid, context).load  # type: ignore[method-assign]

        def load(self, data: Any) -> Any:  # replaced per instance in __init__
            raise NotImplementedError

    return UtcTimestamptzLoader


@functools.cache
def _utc_loader() -> type | None:
    """The loader to register, made once per process; None where psycopg has no C loader."""
    c_loader = _c_loader()
    return _loader_class(c_loader) if c_loader is not None else None


def use_c_timestamptz_loader(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> bool:
    """On a new PostgreSQL connection whose zone is UTC on both sides, read timestamptz with the C loader.

    Returns whether it did (a ``connection_created`` receiver; the return value is for the tests).
    """
    if connection.vendor != "postgresql" or connection.timezone is not dt.UTC:
        return False
    raw = connection.connection
    if raw.info.parameter_status("TimeZone") != "UTC":
        return False
    loader = _utc_loader()
    if loader is None:
        return False
    raw.adapters.register_loader("timestamptz", loader)
    return True
