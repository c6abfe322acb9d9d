"""App configuration for border geography, crossing permits, transit passes and crossings."""

from django.apps import AppConfig


class PermitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "permits"
    verbose_name = "Border permits and crossings"
