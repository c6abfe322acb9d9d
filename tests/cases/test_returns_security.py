"""The generic security and transfer checks, run over the returns procedures' test-desk cases."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseEvent, CrosserCase, EmbassyCase
from cases.services.embassy import embassy_case_open
from cases.services.transfer import exercise_export, exercise_import
from tests.cases.returns_support import Ret
from tests.security.test_permission_matrix import test_only_the_acting_office_moves_a_case as permission_matrix

pytestmark = pytest.mark.django_db


def test_only_the_acting_office_moves_a_returns_case(desk):
    """Every step of every returns procedure (RET-1..RET-14, OTH-1..OTH-3), tried by every office."""
    Ret(desk, seed=True)
    permission_matrix(desk)
    kinds = set(Case.objects.filter(exercise=desk.exercise, closed_at__isnull=False).values_list("kind", flat=True))
    assert {"crosser", "embassy", "corpse", "naturalisation", "detention", "stray"} <= kinds
    # The reception case stops in quarantine: only fifteen simulated days end it (RET-13).
    assert Case.objects.get(exercise=desk.exercise, kind="reception").state == "quarantine"


def test_export_and_import_keep_the_returns_cases_and_their_links(desk):
    ret = Ret(desk, seed=True)
    crosser = CrosserCase.objects.filter(exercise=ret.exercise, variant="outbound").order_by("id").first()
    person = crosser.person
    linked = embassy_case_open(exercise=ret.exercise, person=person, matter="passport", actor=None,
                               crosser_case=crosser, dprk_consent_ref="note 1")
    exported = exercise_export(exercise=ret.exercise)
    events = CaseEvent.objects.filter(exercise=ret.exercise).count()
    ret.exercise.delete()
    restored = exercise_import(data=exported)  # a new exercise with new ids (issue 18, item 8)
    assert CaseEvent.objects.filter(exercise=restored).count() == events
    link = EmbassyCase.objects.get(exercise=restored, reference=linked.reference).crosser_case
    assert link.reference == crosser.reference and link.exercise_id == restored.pk
    assert Case.objects.filter(exercise=restored, kind="reception").count() == 1
