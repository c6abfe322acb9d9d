"""App configuration for the case engine, and the registration of the cases app's procedures."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Cases and exercises"

    def ready(self) -> None:
        """Register the procedures once every model is loaded, and the system checks."""
        register_procedures()
        from cases import checks  # noqa: F401  (registers the system checks)
        from cases.pg_timestamps import use_c_timestamptz_loader

        # PostgreSQL: timestamptz read by psycopg's C loader where Django's Python one adds nothing.
        connection_created.connect(use_c_timestamptz_loader, dispatch_uid="cases.pg_timestamps")

        # Register the classroom's Celery task (its module is not the app's ``tasks``).
        from cases.classroom import tasks  # noqa: F401


def view_add(model_name: str) -> tuple[str, str]:
    """Return the view and add permissions of a model of the cases app (a student files and reads its cases)."""
    return f"view_{model_name}", f"add_{model_name}"


def register_procedures() -> None:
    """Register each procedure of the cases app: one call per procedure, everything it plugs in.

    Adding a procedure means its own modules (model, rules, service, admin, optional policy module)
    plus one call here (or, for another app, one in its own ``AppConfig.ready``, as ``permits`` does).
    """
    from cases.classroom import documents, seeding, seeding_returns
    from cases.classroom.policies.authorization import authorization_policy
    from cases.classroom.policies.corpse import corpse_policy
    from cases.classroom.policies.crosser import crosser_policy
    from cases.classroom.policies.marriage import marriage_policy
    from cases.classroom.policies.meeting import meeting_policy
    from cases.classroom.policies.reception import reception_policy
    from cases.models import (
        AuthorizationCase,
        CorpseCase,
        CrosserCase,
        DetentionCase,
        EmbassyCase,
        MarriageCase,
        MeetingCase,
        NaturalisationCase,
        ReceptionCase,
        RelocationQuota,
        StrayCase,
    )
    from cases.procedures import FunnelStage, OutcomeSpec, register_procedure

    here = "cases/apps.py"
    aut = AuthorizationCase.State
    register_procedure(
        AuthorizationCase, policy=authorization_policy, seeder=seeding.seed_authorization,
        documents=[documents.AUTHORIZATION_LETTER],
        # AUT (the D6 funnel). Approval is a state the case passes through on its way to settlement and
        # departure, so the funnel counts states reached, not closing states.
        outcomes=OutcomeSpec(
            approved=frozenset({aut.DEPARTED, aut.RETURNED, aut.RETURNED_LATE, aut.APPROVED, aut.SETTLED,
                                aut.VISIT_CLEARED}),
            refused=frozenset({aut.REFUSED, aut.IMPROPER_DEPARTURE, aut.REPORTED, aut.MINISTRIES_INSTRUCTED}),
            withdrawn=frozenset({aut.LETTER_UNUSED}),
            funnel=(
                FunnelStage("Letters received (AUT-1)", filed=True),
                FunnelStage("Applications (AUT-1)", frozenset({aut.EXAMINATION})),
                FunnelStage("Approved", frozenset({aut.APPROVED})),
                FunnelStage("Not approved", frozenset({aut.REFUSED, aut.DESTINATION_REFUSED})),
            ),
            note="D6: Yanbian 1961, 2,667 letters, about 1,778 applications, 1,053 approved, 735 not approved.",
        ),
        student_permissions=view_add("authorizationcase"), registered_in=here,
    )
    register_procedure(CrosserCase, policy=crosser_policy, seeder=seeding.seed_crosser,
                       student_permissions=view_add("crossercase"), registered_in=here)
    register_procedure(CorpseCase, policy=corpse_policy, seeder=seeding_returns.seed_corpse,
                       student_permissions=view_add("corpsecase"), registered_in=here)
    register_procedure(
        DetentionCase,
        seeder=seeding_returns.seed_detention,
        student_permissions=view_add("detentioncase"),
        registered_in=here,
    )
    register_procedure(
        EmbassyCase,
        seeder=seeding_returns.seed_embassy,
        student_permissions=view_add("embassycase"),
        registered_in=here,
    )
    mar = MarriageCase.State
    register_procedure(
        MarriageCase, policy=marriage_policy, seeder=seeding.seed_marriage,
        documents=[documents.MARRIAGE_APPLICATION],
        outcomes=OutcomeSpec(
            approved=frozenset({mar.REGISTERED, mar.MARRIED, mar.SETTLED_IN_DPRK, mar.SPECIAL_APPROVED}),
            refused=frozenset({mar.REFUSED, mar.REFUSED_DPRK, mar.REPATRIATED}),
            withdrawn=frozenset({mar.WITHDRAWN}),
            funnel=(
                FunnelStage("Applications filed", filed=True),
                FunnelStage("Examined or referred up (MAR-0, MAR-3)",
                            frozenset({mar.EXAMINATION, mar.PROVINCE_REVIEW})),
                FunnelStage("Approved in China (MAR-3 / MAR-0)",
                            frozenset({mar.CHINA_APPROVED, mar.SPECIAL_APPROVED})),
                FunnelStage("Closed: married or settled", outcome="approved"),
                FunnelStage("Closed: refused or repatriated", outcome="refused"),
                FunnelStage("Closed: withdrawn (MAR-2)", outcome="withdrawn"),
            ),
        ),
        student_permissions=view_add("marriagecase"), registered_in=here,
    )
    register_procedure(MeetingCase, policy=meeting_policy, seeder=seeding.seed_meeting,
                       documents=[documents.MEETING_NOTICE],
                       student_permissions=("view_meetingcase", "view_representative", "view_entrypermit"),
                       registered_in=here)
    register_procedure(
        NaturalisationCase,
        seeder=seeding_returns.seed_naturalisation,
        student_permissions=view_add("naturalisationcase"),
        registered_in=here,
    )
    register_procedure(ReceptionCase, policy=reception_policy, seeder=seeding_returns.seed_reception,
                       student_permissions=view_add("receptioncase"), registered_in=here)
    register_procedure(
        RelocationQuota,
        seeder=seeding_returns.seed_relocation,
        student_permissions=("view_relocationquota",),
        registered_in=here,
    )
    register_procedure(
        StrayCase,
        seeder=seeding_returns.seed_stray,
        student_permissions=view_add("straycase"),
        registered_in=here,
    )
