"""One bulk call may give each case its own step (the autopilot's batches): each checked for that step."""

from __future__ import annotations

import pytest

from cases.choices import Occupation
from cases.models import Case, CaseEvent, MarriageCase
from cases.services.bulk import case_bulk_transition
from tests.cases.marriage_helpers import file_case

pytestmark = pytest.mark.django_db


def test_each_case_takes_its_own_step_and_is_checked_for_it_mar_2_mar_3(desk):
    """MAR-2, MAR-3: staff are dissuaded, peasants examined, a soldier refused his step, in one call."""
    staff = [file_case(desk, occupation=Occupation.UNIT_STAFF) for _ in range(2)]
    peasants = [file_case(desk, occupation=Occupation.PEASANT) for _ in range(2)]
    soldier = file_case(desk, occupation=Occupation.MILITARY)
    steps = {**{c.pk: "begin_dissuasion" for c in [*staff, soldier]},
             **{c.pk: "begin_examination" for c in peasants}}
    result = case_bulk_transition(kind="marriage", case_ids=list(steps), transition="begin_dissuasion",
                                  transitions=steps, actor=desk.user("workunit"))
    assert sorted(result.moved) == sorted(c.pk for c in [*staff, *peasants])
    assert "MAR-2" in result.refused[soldier.pk]
    states = dict(Case.objects.filter(pk__in=list(steps)).values_list("pk", "state"))
    assert {states[c.pk] for c in staff} == {"dissuasion"}
    assert {states[c.pk] for c in peasants} == {"examination"}
    assert states[soldier.pk] == "filed"
    events = dict(CaseEvent.objects.filter(case_id__in=result.moved, kind="transition")
                  .values_list("case_id", "transition"))
    assert events == {pk: steps[pk] for pk in result.moved}
    # Each moved case holds what its own step set, written once for the call.
    rows = MarriageCase.objects.filter(pk__in=result.moved)
    assert all(r.next_office_id is not None and r.state_since == desk.exercise.clock for r in rows)
