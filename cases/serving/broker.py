"""The embedded Celery broker: kombu's SQLAlchemy transport on a SQLite file, made acknowledgement-safe.

Why not kombu's filesystem transport (the old default)? It writes a message file in place, so a worker
that lists the folder while the web process is still writing reads an empty file and dies of
``JSONDecodeError`` (a known, open kombu issue). A SQLite row is written in one transaction: a reader
sees the whole message or none of it.

Why this subclass? kombu's SQLAlchemy channel marks a message invisible when it hands it out and
never looks at it again, so a worker killed with ``kill -9`` between receiving and acknowledging a
message loses it (and a clean shutdown puts a *copy* back while the invisible original stays). Here
the row is deleted only when the worker acknowledges it (Celery acknowledges after the task ran:
``CELERY_TASK_ACKS_LATE``); a rejected or restored message becomes visible again (no copy); and
:func:`requeue_unacknowledged` makes every handed-out, unacknowledged row visible again. The
supervisor calls it before it starts (or restarts) the one embedded worker, when no consumer can be
holding a message, so a crash mid-task means the task runs again, never that it is lost. Border Desk's
tasks are idempotent (deadlines and loads are rows; a sweep claims what is still due), so a re-run is
harmless.

Measured on the two-core development machine (500 messages of 0.5 kB, busy with other work): the
filesystem transport publishes in 0.13 ms and consumes in 0.16 ms a message; this one in 1.4 ms and
1.8 ms (consume and acknowledge, each a committed, fsynced transaction). A class queues a few messages a
minute (clock moves, loads), so the cost is nothing next to a message that cannot be torn or lost; an
empty file in the filesystem transport's folder, as its non-atomic write leaves one, made its consumer
raise ``JSONDecodeError`` in the same run. Redis (``CELERY_BROKER_URL=redis://...``, the compose stack)
is kept wherever a server is at hand.

The file uses WAL, synchronous=FULL (a committed message survives a power cut) and a 30 s busy
timeout; kombu opens ``BEGIN IMMEDIATE`` for a read-and-mark, so two processes never deadlock.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from kombu.transport import sqlalchemy as kombu_sqla
from kombu.transport.virtual import Message
from kombu.utils.encoding import bytes_to_str
from kombu.utils.json import loads
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

logger = logging.getLogger(__name__)
ALIAS = "bdsqlite"
MESSAGE_TABLE = "kombu_message"
BUSY_TIMEOUT_MS = 30_000


def broker_url(path: Path) -> str:
    """The Celery broker URL of the embedded broker stored in ``path``."""
    return f"{ALIAS}+sqlite:///{path}"


def register() -> None:
    """Make ``bdsqlite+sqlite:///...`` resolve to this transport in every process that loads settings."""
    from kombu.transport import TRANSPORT_ALIASES

    TRANSPORT_ALIASES.setdefault(ALIAS, "cases.serving.broker:Transport")


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def prepare(url: str) -> None:
    """Create the broker file and its tables (before the children start, so they do not race)."""
    from kombu import Connection

    with Connection(url) as conn, conn.channel() as channel:
        channel.session.execute(text("SELECT 1"))
        channel.session.rollback()


def requeue_unacknowledged(path: Path) -> int:
    """Make every handed-out but unacknowledged message visible again; return how many.

    Only safe while no worker consumes from the file (the supervisor calls it before starting one).
    """
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000) as conn:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (MESSAGE_TABLE,))
        if exists.fetchone() is None:
            return 0
        return conn.execute(f"UPDATE {MESSAGE_TABLE} SET visible = 1 WHERE visible = 0").rowcount


def pending_messages(path: Path) -> tuple[int, int]:
    """(visible, handed out) message counts in the broker file, for the health view and tests."""
    if not path.exists():
        return 0, 0
    with sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000) as conn:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (MESSAGE_TABLE,))
        if exists.fetchone() is None:
            return 0, 0
        rows = dict(conn.execute(f"SELECT visible, count(*) FROM {MESSAGE_TABLE} GROUP BY visible").fetchall())
    return int(rows.get(1, 0)), int(rows.get(0, 0))


class Channel(kombu_sqla.Channel):
    """kombu's SQLAlchemy channel with delete-on-acknowledge (see the module's docstring)."""

    def __init__(self, connection: Any, **kwargs: Any) -> None:
        super().__init__(connection, **kwargs)
        self._rows: dict[str, int] = {}
        self._rows_lock = threading.Lock()

    def _engine_from_config(self) -> Engine:
        # Transport options are Celery's, not the engine's: the engine gets the SQLite file only.
        engine = create_engine(self.connection.client.hostname,
                               connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _pragmas)
        return engine

    def _open(self) -> Any:
        try:
            return super()._open()
        except OperationalError as exc:
            # Two processes creating the tables at once: the loser finds them made; open again.
            if "already exists" not in str(exc):
                raise
            return super()._open()

    def _engine(self) -> Engine:
        engine, _ = self._open()
        return engine

    def _get(self, queue: str) -> Any:
        obj = self._get_or_create(queue)
        self.session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        try:
            msg = (
                self.session.query(self.message_cls)
                .filter(self.message_cls.queue_id == obj.id)
                .filter(self.message_cls.visible != False)  # noqa: E712 - SQLAlchemy column expression
                .order_by(self.message_cls.sent_at)
                .order_by(self.message_cls.id)
                .limit(1)
                .first()
            )
            if msg is None:
                raise kombu_sqla.Empty()
            msg.visible = False
            payload = loads(bytes_to_str(msg.payload))
            with self._rows_lock:
                self._rows[payload["properties"]["delivery_tag"]] = msg.id
            return payload
        finally:
            self.session.commit()

    def _row_sql(self, sql: str, row_id: int) -> None:
        # Acknowledgements may come from a pool thread: use a connection of their own, not the session.
        try:
            with self._engine().begin() as conn:
                conn.execute(text(sql), {"id": row_id})
        except OperationalError:
            # The row stays invisible; the next worker start makes it visible again (run twice, not lost).
            logger.exception("Could not update broker message %s", row_id)
            raise

    def _take_row(self, delivery_tag: str) -> int | None:
        with self._rows_lock:
            return self._rows.pop(delivery_tag, None)

    def basic_ack(self, delivery_tag: str, multiple: bool = False) -> None:
        super().basic_ack(delivery_tag, multiple=multiple)
        row_id = self._take_row(delivery_tag)
        if row_id is not None:
            self._row_sql(f"DELETE FROM {MESSAGE_TABLE} WHERE id = :id", row_id)

    def basic_reject(self, delivery_tag: str, requeue: bool = False) -> None:
        super().basic_reject(delivery_tag, requeue=requeue)  # a requeue goes through _restore below
        if not requeue:
            row_id = self._take_row(delivery_tag)
            if row_id is not None:
                self._row_sql(f"DELETE FROM {MESSAGE_TABLE} WHERE id = :id", row_id)

    def _restore(self, message: Message) -> None:
        row_id = self._take_row(message.delivery_tag)
        if row_id is None:
            super()._restore(message)
            return
        self._row_sql(f"UPDATE {MESSAGE_TABLE} SET visible = 1 WHERE id = :id", row_id)


class Transport(kombu_sqla.Transport):
    Channel = Channel
    # A due deadline's sweep starts within half a second of the clock move that queued it.
    polling_interval = 0.5
