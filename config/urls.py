"""URL configuration: the admin is the working surface."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cases.admin.classroom import index_or_inbox
from cases.serving.views import health, join

# The admin site (its titles, the order of its apps) is config.admin_site.BorderDeskAdminSite.

urlpatterns = [
    # Database and broker reachable? (compose's health checks; answers JSON, reveals nothing else)
    path("health/", health, name="health"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Students land on their inbox; the classroom pages live under the admin (login, permissions).
    path("admin/", index_or_inbox, name="index_or_inbox"),
    # The join URL and QR code of classroom mode, for the projector (facilitators only).
    path("admin/classroom/join/", join, name="classroom_join"),
    path("admin/classroom/", include("cases.admin.classroom")),
    path("admin/", admin.site.urls),
]
