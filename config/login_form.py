"""The admin's login form, its refusal worded for a student holding a login slip."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm


class ClassroomLoginForm(AdminAuthenticationForm):
    """The admin's login form, its refusal worded for a student with a login slip (not "a staff account")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hours = float(getattr(settings, "AXES_COOLOFF_TIME", 0) or 0)
        locked = (f" After {settings.AXES_FAILURE_LIMIT} wrong tries the login is locked for {round(hours * 60)} "
                  "minutes." if hours else "")
        self.error_messages = {
            **self.error_messages,
            "invalid_login": "That login and password do not match. Check both against your login slip (capital "
                             f"letters count), or ask your teacher for a new password.{locked}",
        }
