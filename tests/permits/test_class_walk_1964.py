"""The permits-1963 class walk: what the station's steps, role cards and the 9 June 1964 switch say before and after
the 1964 Protocol (D10). D10 Art. 10 ends the 1955 records the D9 permit procedure belonged to; Art. 3(3) gives the
one-month transit pass to the county/city bureau (PER-7), so the station's own issue (PER-5, D9 §4) ends that day."""

import datetime as dt

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.students import role_cards
from cases.classroom.timekeeping import time_move
from cases.models import Case, CaseEvent, EventKind, Exercise, ExerciseScenario, TimedEvent
from cases.rules import all_rules
from cases.rules.in_force import D10_EFFECTIVE, RULE_DATES
from cases.selectors import next_rules_now, step_options
from tests.permits.conftest import bj
from tests.permits.test_permit_dates import BEFORE_D10, D10_DAY, resident_application

pytestmark = pytest.mark.django_db


def test_per7_the_protocol_switch_says_what_it_did_to_the_running_cases():
    """PER-5/PER-7 (D10 Art. 3(3), Art. 10): on 9 Jun 1964 the pack reported '0 running case(s) moved, 38 kept their
    rules', yet the running applications lost the station's issue (the 1955 records end that day). A case the
    summary says kept its rules must still be offered them; the pack moves them, and says so."""
    exercise = load_pack("permits-1963", name="Protocol day")
    ExerciseScenario.objects.filter(exercise=exercise).update(autopilot=False)  # the cases stay where they are
    time_move(exercise=exercise, actor=None, to=dt.date(1964, 6, 10))
    switch = TimedEvent.objects.get(exercise=exercise, kind="switch_regime")
    assert switch.status == "fired", switch.result
    filed = [c.specific() for c in Case.objects.filter(exercise=exercise, kind="permit", state="filed",
                                                      variant="resident")]
    assert filed
    for case in filed:
        event = CaseEvent.objects.filter(case=case, kind=EventKind.REGIME).latest("id")
        station = {o.name: o for o in step_options(case, None)}
        if not event.data["migrated"]:  # "kept its rules": the 1963 station issue must still be there
            assert not station["issue_at_station"].blocked_by, (switch.result, event.label)
    assert " 0 kept the old regime's settings" in switch.result


def test_per7_after_the_protocol_the_forward_cites_the_county_pass_not_the_station_issue(helong):
    """PER-7 (D10 Art. 3(3)): from 9 Jun 1964 the station's 'Documents complete: forward' sends the application to
    the county/city bureau, which issues the transit pass; it cited PER-5 (the station hands out the permit)."""
    helong.set_clock(BEFORE_D10)
    early = resident_application(helong, "Forward Before")
    forward = next(o for o in step_options(early, helong.user("nanping")) if o.name == "forward_to_county")
    assert "PER-5" in [r.id for r in forward.rules] and "PER-7" not in [r.id for r in forward.rules]
    helong.set_clock(D10_DAY)
    late = resident_application(helong, "Forward After")
    forward = next(o for o in step_options(late, helong.user("nanping")) if o.name == "forward_to_county")
    cited = [r.id for r in forward.rules]
    assert "PER-7" in cited and "PER-5" not in cited
    assert "PER-5" not in next_rules_now(late) and "PER-7" in next_rules_now(late)
    # That the station still takes the application after D10 is the project's assumption: said on the step.
    assert any("PER-4 after 9 Jun 1964" in n and "assumption" in n for n in forward.dated_notes)


def _card(exercise, kind):
    return next(c for c in role_cards(exercise) if c.office.kind == kind)


def test_per5_the_station_card_lists_the_steps_in_force_on_the_exercise_date():
    """PER-5/PER-7: the station's role card printed on 17 Oct 1964 listed 'Issue the border resident permit at the
    station', a step D10 had ended; in 1963 it lists it, after D10 it does not (nor PER-5 among its rules)."""
    exercise = load_pack("permits-1963", name="Cards")
    labels = [d.label for d in _card(exercise, "border_station").decisions]
    assert "Issue the border resident permit at the station" in labels
    Exercise.objects.filter(pk=exercise.pk).update(clock=bj(1964, 10, 17, 9, 0), regime="1964_protocol")
    exercise.refresh_from_db()
    card = _card(exercise, "border_station")
    assert "Issue the border resident permit at the station" not in [d.label for d in card.decisions]
    forward = next(d for d in card.decisions if d.label.startswith("Documents complete"))
    assert "PER-7" in [r.id for r in forward.rules] and "PER-5" not in [r.id for r in forward.rules]


def test_per4_per6_per9_offices_without_a_step_show_the_rules_that_bind_them():
    """PER-4, PER-6, PER-9: the commune writes the introduction letters, the Forestry Bureau's personnel department
    the employees' letters, the DPRK post admits holders at the crossing point; their cards said 'No decisions of
    your own' and bound them by no rule ('—')."""
    exercise = load_pack("permits-1963", name="Offstage")
    assert "PER-4" in [r.id for r in _card(exercise, "commune").rules]
    assert "PER-6" in [r.id for r in _card(exercise, "work_unit").rules]
    inspection = [r.id for r in _card(exercise, "dprk_inspection").rules]
    assert "PER-9" in inspection and "PER-8" not in inspection  # the hours are D10's, not yet in force in 1963
    for kind in ("commune", "work_unit", "dprk_inspection"):
        assert "no step" in _card(exercise, kind).brief.lower()


def test_per_rule_sources_name_no_later_document_unmarked():
    """PER-2 was cited in 1963 as 'D9 §2-...; D10, 9 Jun 1964' with no note: a rule's sources shown on a date before
    D10 must not name D10 unless the step says the rule is applied there as an assumption before it."""
    for rule_id, rule in all_rules().items():
        if not rule_id.startswith("PER-") or "D10" not in rule.source:
            continue
        row = RULE_DATES[rule_id]
        if row.start < D10_EFFECTIVE:
            assert row.vouched_from >= D10_EFFECTIVE and row.assumed_before, (rule_id, rule.source)
    helong_note_free = RULE_DATES["PER-2"].note(BEFORE_D10.date())
    assert "D10" not in all_rules()["PER-2"].source and not helong_note_free
