"""Helpers of the admin fuzz tests: a one-query database fingerprint, request counting, junk values."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.db import connection
from hypothesis import strategies as st

# Examples per fuzz test; the CI default reaches >= 10,000 requests over the module (see REQUESTS).
SCALE = float(os.environ.get("BORDER_DESK_FUZZ_SCALE", "1"))


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


@dataclass
class Tally:
    """Requests sent by the fuzz tests of this run, and the 5xx among them (always 0 when they pass)."""

    requests: int = 0
    server_errors: int = 0
    refused: int = 0
    by_test: dict[str, int] = field(default_factory=dict)

    def count(self, test: str, status: int, refused: bool) -> None:
        self.requests += 1
        self.by_test[test] = self.by_test.get(test, 0) + 1
        self.server_errors += status >= 500
        self.refused += refused


REQUESTS = Tally()

_SQL: str | None = None


def _fingerprint_sql() -> str:
    """One SELECT of every table's row count and highest id, and every exercise's clock and pause."""
    global _SQL
    if _SQL is None:
        parts = []
        quote = connection.ops.quote_name
        for model in apps.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            parts.append(f"(SELECT COUNT(*) FROM {table})")
            parts.append(f"(SELECT MAX({pk}) FROM {table})")
        exercise = quote(apps.get_model("cases", "Exercise")._meta.db_table)
        parts.append(f"(SELECT GROUP_CONCAT(id || ':' || clock || ':' || paused || ':' || regime) FROM {exercise})")
        _SQL = "SELECT " + ", ".join(parts)
    return _SQL


def fingerprint() -> tuple:
    """Return a cheap fingerprint of the whole database: any write of a refused request changes it."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return tuple(cursor.fetchone())


def error_messages(response) -> list[str]:
    """Return the error messages this request left for the next page (refusals).

    Only the messages queued by this request: the storage also holds what earlier requests queued and
    no page displayed yet (a POST answered by a redirect that the fuzz does not follow), and an old
    refusal must not make a later, successful action look refused.
    """
    storage = get_messages(response.wsgi_request)
    queued = getattr(storage, "_queued_messages", None)
    return [m.message for m in (queued if queued is not None else storage) if m.level >= constants.ERROR]


JUNK = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60),
    st.integers(min_value=-(10**22), max_value=10**22).map(str),
    st.sampled_from(["", " ", "0", "-1", "1", "2", "on", "off", "true", "null", "None", "9" * 20, "9223372036854775808",
                     "-9223372036854775809", "1e400", "NaN", "1970-13-45", "1958-02-30", "9999-12-31", "0001-01-01",
                     "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "=HYPERLINK(\"x\")", "é" * 30,
                     "\u202e", "%00", "[]", "{}", "1,2", "1959-03-02", "1959-03-02 09:00", "x" * 3000]),
)
