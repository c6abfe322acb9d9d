"""Reading what comes from a request: ids and page numbers as a database can hold them, a form's errors in words."""

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


def form_errors_text(form: Any) -> str:
    """Return a form's errors as one sentence a student reads: each field by its label, not its name.

    "Issued by: This field is required." (not "issued_by: …"); errors of the whole form come without a label.
    """
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        field = form.fields.get(name)
        if field is None:
            parts.append(text)
            continue
        label = str(field.label) if field.label else name.replace("_", " ").capitalize()
        parts.append(f"{label}: {text}")
    return "; ".join(parts)
