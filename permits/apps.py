"""App configuration for border geography, crossing permits, transit passes and crossings."""

from django.apps import AppConfig


class PermitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "permits"
    verbose_name = "Border permits and crossings"

    def ready(self) -> None:
        """Plug the permit procedure into the cases app through its registry (cases never imports permits)."""
        from cases.procedures import APPROVED, REFUSED, WITHDRAWN, FunnelStage, OutcomeSpec, register_procedure
        from permits.autopilot import permit_policy
        from permits.classroom import BORDER_PERMIT, OFFICIAL_PERMIT, TRANSIT_PASS, seed_permit
        from permits.models import PermitCase

        per = PermitCase.State
        register_procedure(
            PermitCase, policy=permit_policy, seeder=seed_permit,
            documents=[BORDER_PERMIT, TRANSIT_PASS, OFFICIAL_PERMIT],
            # PER-12: a holder reported as not returned had his permit issued, but his case did not end as
            # the permit meant: he is counted with the refusals, and every page says so in these words.
            outcomes=OutcomeSpec(
                approved=frozenset({per.RETURNED, per.RETURNED_LATE}),
                refused=frozenset({per.REFUSED, per.NOT_RETURNED}),
                withdrawn=frozenset({per.EXPIRED}),
                labels={APPROVED: "holder back, on time or late", REFUSED: "refused or holder not returned",
                        WITHDRAWN: "lapsed at expiry"},
                funnel=(
                    FunnelStage("Applications filed", filed=True),
                    FunnelStage("Issued (PER-1, PER-6, PER-7)", frozenset({per.ISSUED})),
                    FunnelStage("Holder crossed (PER-9)", frozenset({per.ABROAD})),
                    FunnelStage("Back on time (PER-12)", frozenset({per.RETURNED})),
                    FunnelStage("Back late (PER-12)", frozenset({per.RETURNED_LATE})),
                    FunnelStage("Not returned (PER-12)", frozenset({per.NOT_RETURNED})),
                    FunnelStage("Refused (PER-4, PER-6, PER-11)", frozenset({per.REFUSED})),
                    # Unused, or an official permit (PER-7) at the end of its term after any number of journeys.
                    FunnelStage("Lapsed at expiry (PER-12)", frozenset({per.EXPIRED})),
                ),
            ),
            student_permissions=(
                "view_permitcase", "add_permitcase", "view_permitdocument", "view_crossing", "add_crossing",
                "view_illegalcrossingrecord", "view_bordercounty", "view_crossingpoint", "view_crossinghours",
                "view_borderregionchange",
            ),
            registered_in="permits/apps.py",
        )
