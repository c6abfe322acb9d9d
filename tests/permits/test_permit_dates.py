"""The permit's rules in force by date: PER-1 from 8 June 1955 (D9 §2-3); the county's one-month transit pass
(PER-7) and the crossing hours (PER-8) from the 1964 Protocol (D10, 9 June 1964); before it the station issues
the permit itself (PER-5, D9 §4). One case just before and one just after each date."""

import pytest

from cases.choices import Nationality, Occupation, Sex
from cases.classroom.documents import documents_for, render_document
from cases.engine import unmet_guards
from cases.errors import ApplicationError
from cases.models import Exercise, Person
from cases.selectors import step_options
from cases.services.steps import case_transition
from permits.models import DocumentKind, PermitCase
from permits.services.crossing import CrossingRefused, crossing_record
from permits.services.permit import permit_document_add, permit_forward
from tests.permits.conftest import bj

BEFORE_D10 = bj(1964, 6, 8, 10, 0)
D10_DAY = bj(1964, 6, 9, 10, 0)


def applicant(helong, name: str, nationality: str = Nationality.CN_KOREAN) -> Person:
    return Person.objects.create(exercise=helong.exercise, name=name, sex=Sex.MALE, nationality=nationality,
                                 birth_year=1930, occupation=Occupation.PEASANT)


def resident_application(helong, name: str) -> PermitCase:
    case = helong.new_application(applicant(helong, name))
    helong.add_resident_documents(case)
    return helong.refresh(case)


def cross_at_night(helong, case: PermitCase):
    return crossing_record(exercise=helong.exercise, person=case.applicant, point=helong.point("Nanping - Musan"),
                           direction="exit", actor=helong.user("defence"), permit=case)


def test_per1_no_permit_before_8_june_1955_and_one_from_that_day(helong):
    """PER-1 (D9 §2-3): the border resident permit came into use on 8 June 1955; nothing to file the day before."""
    Exercise.objects.filter(pk=helong.exercise.pk).update(regime="1955_joint_record")
    helong.set_clock(bj(1955, 6, 7, 10, 0))
    with pytest.raises(ApplicationError, match=r"PER-1 is not yet in force.*8 Jun 1955"):
        helong.new_application(applicant(helong, "Early Applicant"))
    assert not PermitCase.objects.filter(applicant__name="Early Applicant").exists()
    helong.set_clock(bj(1955, 6, 8, 10, 0))
    case = resident_application(helong, "First Day Applicant")
    assert case.state == "filed"
    notes = next(o for o in step_options(case, helong.user("nanping")) if o.name == "issue_at_station").dated_notes
    assert any(n.startswith("PER-4 before 10 Sep 1963") for n in notes)  # D9 read back to 1955: an assumption


def test_per5_per7_before_the_protocol_the_station_issues_and_the_county_pass_is_d10s(helong):
    """PER-5/PER-7: on 8 June 1964 the station issues the permit (D9 §4) and the county's transit pass is refused;
    from 9 June 1964 (D10 Art. 3(3)) the county issues it and the station no longer does."""
    helong.set_clock(BEFORE_D10)
    early = resident_application(helong, "Before The Protocol")
    with pytest.raises(ApplicationError, match="before the 1964 Protocol the station issues the permit itself"):
        permit_forward(case=early, actor=helong.user("nanping"))
    options = {o.name: o for o in step_options(early, helong.user("nanping"))}
    assert not options["issue_at_station"].blocked_by
    assert "one month is assumed" in options["issue_at_station"].meta.assumption
    early = case_transition(case=early, transition="issue_at_station", actor=helong.user("nanping"))
    assert early.state == "issued" and early.validity_months == 1
    # What the station hands out is PER-1's permit (D9 §1), not D10's transit pass (it was "Border resident
    # transit pass (one month) No. TP-…", a document a year too early).
    assert early.permit_kind == "border_permit" and early.permit_number == f"BP-{early.reference[4:]}"
    assert early.get_permit_kind_display() == "Sino-Korean Border Resident Border Crossing Permit"
    assert "PER-1" in early.events.get(transition="issue_at_station").rules.split(",")
    assert early.deadlines.get(kind="expiry").rules == "PER-12"  # the month is an assumption, not PER-7's
    assert [(d.slug, d.title) for d in documents_for(early)] == [
        ("border-permit", "Sino-Korean Border Resident Border Crossing Permit")]
    printed = render_document(early, "border-permit")
    assert early.permit_number in printed and "transit pass" not in printed.lower()

    helong.set_clock(D10_DAY)
    late = resident_application(helong, "After The Protocol")
    t = next(t for t in late.get_all_state_transitions() if t.name == "issue_at_station")
    assert any("county/city bureau issues the transit pass" in m for m in unmet_guards(late, t))
    late = permit_forward(case=late, actor=helong.user("nanping"))
    late = case_transition(case=late, transition="issue_transit_pass", actor=helong.user("helongpsb"))
    assert late.state == "issued" and late.permit_kind == "transit_pass"
    assert late.permit_number.startswith("TP-") and late.deadlines.get(kind="expiry").rules == "PER-7,PER-12"
    assert [d.slug for d in documents_for(late)] == ["transit-pass"]


def state_employee_released(helong, name: str) -> PermitCase:
    case = helong.new_application(applicant(helong, name, Nationality.HAN), category="state_employee")
    station = helong.user("nanping")
    permit_document_add(case=case, kind=DocumentKind.UNIT_LETTER, issued_by="Forestry Bureau", actor=station)
    permit_document_add(case=case, kind=DocumentKind.EMPLOYEE_APPLICATION, issued_by=name, actor=station)
    case = permit_forward(case=helong.refresh(case), actor=station)
    case = case_transition(case=case, transition="police_approve", actor=helong.user("helongpsb"))
    return case_transition(case=case, transition="defence_approve", actor=helong.user("defence"))


def test_per6_per7_a_state_employee_is_released_the_permit_of_the_day(helong):
    """PER-6 with PER-1/PER-7: before the Protocol both approvals release PER-1's permit (D9 §4, the same
    credential as a resident's); from 9 June 1964 the one-month transit pass (D10 Art. 3(3))."""
    helong.set_clock(BEFORE_D10)
    early = state_employee_released(helong, "Early Employee")
    assert early.permit_kind == "border_permit" and early.permit_number.startswith("BP-")
    assert early.deadlines.get(kind="expiry").rules == "PER-12"
    # The step cites D10's PER-7 only where it is in force: before, PER-6 alone (it cited PER-7 nine months early).
    assert early.events.get(transition="defence_approve").rules == "PER-6"
    helong.set_clock(D10_DAY)
    late = state_employee_released(helong, "Late Employee")
    assert late.permit_kind == "transit_pass" and late.permit_number.startswith("TP-")
    assert late.deadlines.get(kind="expiry").rules == "PER-7,PER-12"
    assert late.events.get(transition="defence_approve").rules == "PER-6,PER-7"


def test_per7_a_permit_lapsing_before_the_protocol_cites_per12_alone_and_after_it_per7_too(helong):
    """PER-12 with PER-7: the lapse of an unused permit is D10's one-month rule only from 9 June 1964; an earlier
    lapse stands on PER-12 (the month is an assumption), and the step shown before it says the same."""
    from cases.services.clock import clock_write
    from cases.services.deadlines import deadlines_sweep

    helong.set_clock(bj(1964, 4, 1, 10, 0))
    early = case_transition(case=resident_application(helong, "Lapses Early"), transition="issue_at_station",
                            actor=helong.user("nanping"))
    option = next(o for o in step_options(early, helong.teacher) if o.name == "set_expired")
    assert [r.id for r in option.rules] == ["PER-12"]
    clock_write(exercise=helong.exercise, actor=helong.teacher, to=bj(1964, 5, 11, 10, 0))  # a month on: lapsed
    deadlines_sweep(exercise_id=helong.exercise.pk)
    early = helong.refresh(early)
    assert early.state == "expired" and early.events.get(transition="set_expired").rules == "PER-12"

    helong.set_clock(D10_DAY)
    late = permit_forward(case=resident_application(helong, "Lapses Late"), actor=helong.user("nanping"))
    late = case_transition(case=late, transition="issue_transit_pass", actor=helong.user("helongpsb"))
    clock_write(exercise=helong.exercise, actor=helong.teacher, to=bj(1964, 7, 19, 10, 0))
    deadlines_sweep(exercise_id=helong.exercise.pk)
    late = helong.refresh(late)
    assert late.state == "expired" and late.events.get(transition="set_expired").rules == "PER-12,PER-7"


def test_per7_no_officials_permit_before_the_protocol(helong):
    """PER-7: the official permit of up to a year is D10's: not on 8 June 1964, from 9 June."""
    helong.set_clock(BEFORE_D10)
    with pytest.raises(ApplicationError, match="PER-7 is not yet in force"):
        helong.new_application(applicant(helong, "Early Official", Nationality.HAN), category="official",
                               purpose="official")
    helong.set_clock(D10_DAY)
    case = helong.new_application(applicant(helong, "Protocol Official", Nationality.HAN), category="official",
                                  purpose="official")
    permit_document_add(case=case, kind=DocumentKind.OFFICIAL_ASSIGNMENT, issued_by="Jilin PSD",
                        actor=helong.user("nanping"))
    case = permit_forward(case=helong.refresh(case), actor=helong.user("nanping"))
    case = case_transition(case=case, transition="issue_official_permit", actor=helong.user("helongpsb"),
                           data={"validity_months": 6})
    assert case.permit_kind == "official_permit"


def test_per8_no_crossing_hours_before_the_protocol_and_hours_from_it(helong):
    """PER-8 (D10 Art. 3(4)): before 9 June 1964 no hours are enforced (the 1955 records' hours are not in the
    sources); from it a crossing at 21:30 is refused."""
    helong.set_clock(BEFORE_D10)
    early = case_transition(case=resident_application(helong, "Night Crosser"), transition="issue_at_station",
                            actor=helong.user("nanping"))
    helong.set_clock(bj(1964, 6, 8, 21, 30))
    assert cross_at_night(helong, early).outcome == "allowed"

    helong.set_clock(D10_DAY)
    late = permit_forward(case=resident_application(helong, "Protocol Night Crosser"), actor=helong.user("nanping"))
    late = case_transition(case=late, transition="issue_transit_pass", actor=helong.user("helongpsb"))
    helong.set_clock(bj(1964, 6, 9, 21, 30))
    with pytest.raises(CrossingRefused, match="PER-8: the crossing is closed"):
        cross_at_night(helong, late)


def test_per11_the_age_rule_for_the_1955_permit_is_shown_as_an_assumption(helong):
    """PER-11: the 1953 age limit of 18 is kept for the 1955 permit, before and after D10, only as a marked
    assumption shown on the station's step (the sources give the limit for the 1953 travel documents alone)."""
    helong.set_clock(BEFORE_D10)
    early = resident_application(helong, "Age Rule Before")
    notes = next(o for o in step_options(early, helong.user("nanping")) if o.name == "issue_at_station").dated_notes
    assert any(n.startswith("PER-11 after 8 Jun 1955") and "assumption" in n for n in notes)
    helong.set_clock(D10_DAY)
    late = resident_application(helong, "Age Rule After")
    notes = next(o for o in step_options(late, helong.user("nanping")) if o.name == "forward_to_county").dated_notes
    assert any(n.startswith("PER-11 after 8 Jun 1955") and "assumption" in n for n in notes)


def _case_summary(helong, case: PermitCase, login: str) -> str:
    import re

    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(helong.user(login))
    page = client.get(reverse("admin:permits_permitcase_change", args=[case.pk])).content.decode()
    found = re.search(r'<div class="bd-card" id="bd-case-summary">(.*?)</div>\s*</div>\s*<details', page, re.S)
    assert found, "the case page has no summary card"
    return found.group(1)


def test_per8_the_case_summary_dates_the_next_steps_rules_before_the_protocol(helong):
    """PER-8, PER-9: "Where the case stands" cites the next step's rules as the step would cite them: before
    9 June 1964 the exit cites PER-9 alone, read back as an assumption (D10's crossing hours, PER-8, are not
    cited before they are in force: they were, with a note); from D10 PER-8 too, with no note. The stored
    next-step rules keep PER-8 throughout, so the page is right once the clock passes the date."""
    helong.set_clock(BEFORE_D10)
    early = case_transition(case=resident_application(helong, "Summary Before"), transition="issue_at_station",
                            actor=helong.user("nanping"))
    assert "PER-8" in early.next_rules.split(",")
    summary = _case_summary(helong, early, "nanping")
    assert "<code>PER-8</code>" not in summary and "PER-8 is not yet in force" not in summary
    assert "Dates: PER-9 before 9 Jun 1964" in summary and "assumption" in summary

    helong.set_clock(D10_DAY)
    summary = _case_summary(helong, helong.refresh(early), "nanping")
    assert "<code>PER-8</code>" in summary and "Dates:" not in summary


def _inbox_row_html(helong, login: str, reference: str) -> str:
    import re

    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(helong.user(login))
    body = client.get(reverse("classroom:inbox")).content.decode()
    found = re.search(rf'<tr class="cr-inbox-row" data-reference="{re.escape(reference)}">.*?</tr>', body, re.S)
    assert found, f"{reference} is not in {login}'s inbox"
    return found.group(0)


def test_per8_the_inbox_dates_the_next_steps_rules_before_the_protocol(helong):
    """PER-8: the student's inbox folds each rule's date note into the rule, as the case page says it; before
    9 June 1964 the row leaves out PER-8, which the exit does not cite yet (PER-9 shows its assumption note);
    from that day PER-8 is in force and its row has no note."""
    helong.set_clock(BEFORE_D10)
    early = case_transition(case=resident_application(helong, "Inbox Before"), transition="issue_at_station",
                            actor=helong.user("nanping"))
    office = early.next_office
    login = next(m.user.username for m in office.memberships.select_related("user")).removesuffix(helong.SUFFIX)
    row = _inbox_row_html(helong, login, early.reference)
    assert 'data-rule="PER-8"' not in row
    per9 = row[row.index('data-rule="PER-9"'):]
    assert "(dates: see note)" in per9[:per9.index("</details>")]

    helong.set_clock(D10_DAY)
    row = _inbox_row_html(helong, login, early.reference)
    assert 'data-rule="PER-8"' in row and "Dates:" not in row.split('data-rule="PER-8"')[1].split("</details>")[0]


def test_per8_an_exit_before_the_protocol_cites_no_crossing_hours(helong):
    """PER-8/PER-9: D10's crossing hours are not in force on 8 June 1964, so the exit then cites PER-9 alone (it
    cited PER-8 too); from 9 June 1964 it cites both."""
    def exit_rules(case: PermitCase) -> str:
        crossing_record(exercise=helong.exercise, person=case.applicant, point=helong.point("Nanping - Musan"),
                        direction="exit", actor=helong.user("defence"), permit=case)  # takes record_exit
        return helong.refresh(case).events.get(transition="record_exit").rules

    helong.set_clock(BEFORE_D10)
    early = case_transition(case=resident_application(helong, "Early Crosser"), transition="issue_at_station",
                            actor=helong.user("nanping"))
    assert exit_rules(early) == "PER-9"
    helong.set_clock(D10_DAY)
    late = permit_forward(case=resident_application(helong, "Late Crosser"), actor=helong.user("nanping"))
    late = case_transition(case=late, transition="issue_transit_pass", actor=helong.user("helongpsb"))
    assert exit_rules(late) == "PER-9,PER-8"


def test_per6_per7_the_county_queue_shows_d10s_rules_only_from_the_protocol(helong):
    """PER-6/PER-7: a state employee's application at the county in June 1964 is governed by PER-6; the county's
    transit pass and official permit (PER-7) cannot be issued before 9 June 1964, so the inbox and the case page
    do not list PER-7 as a rule of its next step (they did, with a note saying it applied as an assumption);
    from that day they do. The stored rules stay the same: only the date decides."""
    from cases.selectors import next_rules_now

    helong.set_clock(BEFORE_D10)
    case = helong.new_application(applicant(helong, "Queued Employee", Nationality.HAN), category="state_employee")
    station = helong.user("nanping")
    permit_document_add(case=case, kind=DocumentKind.UNIT_LETTER, issued_by="Forestry Bureau", actor=station)
    permit_document_add(case=case, kind=DocumentKind.EMPLOYEE_APPLICATION, issued_by="Queued", actor=station)
    case = permit_forward(case=helong.refresh(case), actor=station)
    assert "PER-7" in case.next_rules.split(",")
    assert next_rules_now(case) == ["PER-6"]
    helong.set_clock(D10_DAY)
    case = helong.refresh(case)
    assert "PER-6" in next_rules_now(case) and "PER-7" in next_rules_now(case)
