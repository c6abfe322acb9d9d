"""App configuration for border geography, crossing permits, transit passes and crossings."""

from django.apps import AppConfig


class PermitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "permits"
    verbose_name = "Border permits and crossings"

    def ready(self) -> None:
        """Plug the permit procedure into the cases app through its registry (cases never imports permits)."""
        from cases.procedures import register_procedure
        from permits.autopilot import permit_policy
        from permits.classroom import BORDER_PERMIT, OFFICIAL_PERMIT, TRANSIT_PASS, seed_permit
        from permits.models import PermitCase

        register_procedure(
            PermitCase, policy=permit_policy, seeder=seed_permit,
            documents=[BORDER_PERMIT, TRANSIT_PASS, OFFICIAL_PERMIT],
            student_permissions=(
                "view_permitcase", "add_permitcase", "view_permitdocument", "view_crossing", "add_crossing",
                "view_illegalcrossingrecord", "view_bordercounty", "view_crossingpoint", "view_crossinghours",
                "view_borderregionchange",
            ),
            registered_in="permits/apps.py",
        )
