"""Reading numbers that come from a request: ids and page numbers as a database can hold them."""

from __future__ import annotations

import re
from typing import Any

INT64 = 2**63 - 1
# ASCII digits only: ``str.isdigit`` admits '²', which int() refuses (a 500), and a 20-digit id overflows
# SQLite's integers (another 500); either is 'no such row', not an error page.
_WHOLE = re.compile(r"[0-9]{1,19}")


def db_id(value: Any) -> int | None:
    """Return ``value`` as a row id a database can hold (0 to 2**63-1), or None if it is not one."""
    text = str(value).strip()
    if not _WHOLE.fullmatch(text):
        return None
    number = int(text)
    return number if number <= INT64 else None
