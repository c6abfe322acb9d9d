"""URL configuration: the admin is the working surface."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Border Desk"
admin.site.site_title = "Border Desk"
admin.site.index_title = "Sino-Korean border procedures, 1955-1970"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
]
