"""App configuration for the case engine."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Cases and exercises"

    def ready(self) -> None:
        """Register the procedures once every model is loaded."""
        from cases import procedures

        procedures.autodiscover()
        # Register the classroom's Celery task (its module is not the app's ``tasks``).
        from cases.classroom import tasks  # noqa: F401
