"""The health view (for compose and monitors) and the classroom join page (for the projector)."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from sqlalchemy import text

from cases.models import Membership
from cases.serving.network import qr_svg

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database is not reachable")
        return False


def _broker_ok() -> bool:
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2,
                        transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
            if conn.transport.driver_type == "sql":
                # The embedded broker's file must answer a query, not just exist.
                with conn.channel() as channel:
                    channel.session.execute(text("SELECT 1"))
                    channel.session.rollback()
        return True
    except Exception:
        logger.exception("Health check: the broker is not reachable")
        return False


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, else 503; says which, and nothing more."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    body = {name: "ok" if ok else "unreachable" for name, ok in checks.items()}
    return JsonResponse({"status": "ok" if all(checks.values()) else "failing", **body},
                        status=200 if all(checks.values()) else 503)


def _is_facilitator(user: Any) -> bool:
    return bool(user.is_superuser or Membership.objects.filter(user=user, is_facilitator=True).exists())


def room_join_url() -> str:
    """Return the address classroom mode serves the room at ('' when serving this computer only)."""
    return os.environ.get("BORDER_DESK_JOIN_URL", "")


def _join(request: HttpRequest) -> HttpResponse:
    """The join URL of classroom mode and its QR code, large, for the projector (facilitators only)."""
    if not _is_facilitator(request.user):
        raise PermissionDenied
    url = room_join_url()
    context = {
        **admin.site.each_context(request),
        "title": "Students join here",
        "join_url": url,
        # segno writes the SVG from the URL alone (digits, dots, a colon): nothing a user typed.
        "qr": mark_safe(qr_svg(url, scale=12)) if url else "",
    }
    return TemplateResponse(request, "admin/serving/join.html", context)


join = admin.site.admin_view(_join)
