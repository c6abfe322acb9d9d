"""URL configuration: the admin is the working surface."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cases.admin.classroom import index_or_inbox

admin.site.site_header = "Border Desk"
admin.site.site_title = "Border Desk"
admin.site.index_title = "Sino-Korean border procedures, 1955-1970"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Students land on their inbox; the classroom pages live under the admin (login, permissions).
    path("admin/", index_or_inbox, name="index_or_inbox"),
    path("admin/classroom/", include("cases.admin.classroom")),
    path("admin/", admin.site.urls),
]
