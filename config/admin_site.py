"""The admin site of Border Desk (the working surface students and teachers share), and the admin app
that makes it ``admin.site``.

What each user may see is decided per model by the admins' own permission hooks (a student: only
their exercise's procedures, ``cases.admin.scope``); the site orders what is left so the work comes
first, and keeps the installation's machinery (login throttling, beat's schedule) out of the sidebar,
where the class works. A superuser still finds it on the index page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

# The apps in the order the sidebar and index show them; any other app follows, then the machinery.
WORK_FIRST = ("cases", "permits")
MACHINERY = ("axes", "django_celery_beat")


def _order(app: dict[str, Any]) -> tuple[int, str]:
    label = app["app_label"]
    if label in WORK_FIRST:
        return WORK_FIRST.index(label), ""
    return (len(WORK_FIRST) + (label in MACHINERY), str(app["name"]))


class BorderDeskAdminSite(admin.AdminSite):
    """The admin with the classroom's titles, the work first and the machinery off the sidebar."""

    site_header = "Border Desk"
    # No "View site" link: "/" is this admin again (a student's inbox), not another site.
    site_url = None
    site_title = "Border Desk"
    index_title = "Sino-Korean border procedures, 1955-1970"

    @property  # type: ignore[override]
    def login_form(self) -> type:
        """The login form worded for a class (imported late: this module loads before the auth models)."""
        from config.login_form import ClassroomLoginForm

        return ClassroomLoginForm

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        """Return the apps the user may see, the procedures' apps first."""
        return sorted(super().get_app_list(request, app_label), key=_order)

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        """Leave the installation's machinery out of the sidebar (the index page still lists it)."""
        context = super().each_context(request)
        context["available_apps"] = [a for a in context["available_apps"] if a["app_label"] not in MACHINERY]
        return context


class BorderDeskAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`BorderDeskAdminSite` as ``admin.site``.

    The site lives here, outside the ``cases.admin`` package: importing that package registers every
    admin into ``admin.site``, which must exist by then.
    """

    default_site = "config.admin_site.BorderDeskAdminSite"
