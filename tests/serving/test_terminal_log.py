"""The teacher's terminal: a student's refused page is one line, a server error keeps its traceback."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from django.test import Client
from django.urls import reverse

from config.log_filters import RefusalsInOneLine

pytestmark = pytest.mark.django_db


def _console() -> logging.Handler:
    handlers = [h for h in logging.getLogger().handlers
                if type(h) is logging.StreamHandler and any(isinstance(f, RefusalsInOneLine) for f in h.filters)]
    assert handlers, "the console handler of settings.LOGGING carries the filter"
    return handlers[0]


def test_a_students_refused_page_is_one_line_on_the_teachers_terminal(desk):
    """A class walk wrote 44 PermissionDenied tracebacks to the terminal, which a teacher takes for crashes."""
    handler = _console()
    out = io.StringIO()
    old = handler.setStream(out)
    try:
        client = Client()
        client.force_login(desk.user("workunit"))
        response = client.get(reverse("classroom:console", args=[desk.exercise.pk]))
    finally:
        handler.setStream(old)
    assert response.status_code == 403
    text = out.getvalue()
    assert "Forbidden" in text and "Traceback" not in text


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", (), None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert RefusalsInOneLine().filter(record) and record.exc_info is not None
