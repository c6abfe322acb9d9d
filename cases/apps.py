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
    from cases.procedures import APPROVED, REFUSED, WITHDRAWN, FunnelStage, OutcomeSpec, register_procedure

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
            # The refused bucket holds the holders not back from their visit too (AUT's improper departure).
            labels={REFUSED: "refused or not back from the visit", WITHDRAWN: "letter unused"},
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
    crs = CrosserCase.State
    register_procedure(
        CrosserCase, policy=crosser_policy, seeder=seeding.seed_crosser,
        # A crosser files nothing: "approved" would say nothing true of him. The buckets: back on his own
        # side (handed over, on an entry permit, persuaded, readmitted or sent home from the border); kept
        # for trial where caught; left to stay in the DPRK with its consent.
        outcomes=OutcomeSpec(
            approved=frozenset({crs.RETURNED, crs.PERSUADED_BACK, crs.READMITTED, crs.SENT_HOME}),
            refused=frozenset({crs.TRIED_WHERE_CAUGHT}),
            withdrawn=frozenset({crs.SETTLED_IN_DPRK, crs.LEFT_ALONE}),
            labels={APPROVED: "returned or sent home", REFUSED: "kept for trial where caught",
                    WITHDRAWN: "left to stay in the DPRK"},
            funnel=(
                FunnelStage("Crossings reported", filed=True),
                FunnelStage("Identity recorded (RET-5)", frozenset({crs.IDENTIFIED})),
                FunnelStage("Staying in China for now (RET-2)", frozenset({crs.STAYING_IN_CHINA})),
                FunnelStage("Handed over at an agreed point (RET-7)", frozenset({crs.HANDED_OVER})),
                FunnelStage("Returned to his side (RET-7, RET-9)", frozenset({crs.RETURNED})),
                FunnelStage("Persuaded to go back to the DPRK (RET-10)", frozenset({crs.PERSUADED_BACK})),
                FunnelStage("Back home in China (RET-1, RET-10)", frozenset({crs.READMITTED})),
                FunnelStage("Stopped at the border and sent home (RET-10)", frozenset({crs.SENT_HOME})),
                FunnelStage("Kept for trial where caught (RET-5, RET-6)", frozenset({crs.TRIED_WHERE_CAUGHT})),
                FunnelStage("Stays in the DPRK with its consent (RET-1, RET-8)", frozenset({crs.SETTLED_IN_DPRK})),
                FunnelStage("Settled by the DPRK: left alone (RET-9)", frozenset({crs.LEFT_ALONE})),
            ),
        ),
        student_permissions=view_add("crossercase"), registered_in=here,
    )
    cor = CorpseCase.State
    register_procedure(
        CorpseCase, policy=corpse_policy, seeder=seeding_returns.seed_corpse,
        outcomes=OutcomeSpec(
            approved=frozenset({cor.RETURNED, cor.HANDLED_HERE}),
            labels={APPROVED: "returned or handled where found"},
            funnel=(
                FunnelStage("Corpses found", filed=True),
                FunnelStage("Joint inspection with the other side (RET-14)", frozenset({cor.JOINT_INSPECTION})),
                FunnelStage("Returned to the other side (RET-14, RET-7)", frozenset({cor.RETURNED})),
                FunnelStage("Handled where found (RET-14)", frozenset({cor.HANDLED_HERE})),
            ),
        ),
        student_permissions=view_add("corpsecase"), registered_in=here,
    )
    det = DetentionCase.State
    register_procedure(
        DetentionCase,
        seeder=seeding_returns.seed_detention,
        outcomes=OutcomeSpec(
            approved=frozenset({det.CARRIED_OUT}), refused=frozenset({det.REFUSED}),
            labels={APPROVED: "approved and carried out", REFUSED: "not approved: released"},
        ),
        student_permissions=view_add("detentioncase"),
        registered_in=here,
    )
    emb = EmbassyCase.State
    register_procedure(
        EmbassyCase,
        seeder=seeding_returns.seed_embassy,
        # The words would read "To return to China" as approved: he asked to stay, or to travel.
        outcomes=OutcomeSpec(
            approved=frozenset({emb.PASSPORT_ISSUED, emb.RENOUNCED, emb.TRAVEL_PERMITTED, emb.SETTLED_REMOTELY}),
            refused=frozenset({emb.REFUSED}),
            withdrawn=frozenset({emb.RETURNING}),
            labels={APPROVED: "granted or settled", WITHDRAWN: "to return to China instead"},
        ),
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
            labels={REFUSED: "refused or repatriated", WITHDRAWN: "withdrawn"},
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
    mee = MeetingCase.State
    register_procedure(MeetingCase, policy=meeting_policy, seeder=seeding.seed_meeting,
                       documents=[documents.MEETING_NOTICE],
                       # The words would read "Declined by the other side" as approved.
                       outcomes=OutcomeSpec(
                           approved=frozenset({mee.EFFECTIVE}), refused=frozenset({mee.DECLINED}),
                           withdrawn=frozenset({mee.LAPSED}),
                           labels={APPROVED: "resolution in effect", REFUSED: "declined by the other side",
                                   WITHDRAWN: "lapsed: no consent before the date"},
                       ),
                       student_permissions=("view_meetingcase", "view_representative", "view_entrypermit"),
                       registered_in=here)
    nat = NaturalisationCase.State
    register_procedure(
        NaturalisationCase,
        seeder=seeding_returns.seed_naturalisation,
        outcomes=OutcomeSpec(approved=frozenset({nat.NATURALISED}), refused=frozenset({nat.REFUSED}),
                             labels={APPROVED: "naturalised"}),
        student_permissions=view_add("naturalisationcase"),
        registered_in=here,
    )
    rec = ReceptionCase.State
    register_procedure(ReceptionCase, policy=reception_policy, seeder=seeding_returns.seed_reception,
                       # The words would read "Held: a problem in his files" as approved.
                       outcomes=OutcomeSpec(approved=frozenset({rec.ASSIGNED}), refused=frozenset({rec.HELD}),
                                            labels={APPROVED: "assigned to work",
                                                    REFUSED: "held: a problem in his files"}),
                       student_permissions=view_add("receptioncase"), registered_in=here)
    rel = RelocationQuota.State
    register_procedure(
        RelocationQuota,
        seeder=seeding_returns.seed_relocation,
        outcomes=OutcomeSpec(approved=frozenset({rel.COMPLETED}), labels={APPROVED: "relocation completed"}),
        student_permissions=("view_relocationquota",),
        registered_in=here,
    )
    sty = StrayCase.State
    register_procedure(
        StrayCase,
        seeder=seeding_returns.seed_stray,
        outcomes=OutcomeSpec(approved=frozenset({sty.RETRIEVED}), labels={APPROVED: "retrieved by the other side"}),
        student_permissions=view_add("straycase"),
        registered_in=here,
    )
