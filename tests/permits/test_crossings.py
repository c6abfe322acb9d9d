"""Crossings at the points: hours (PER-8), points and permits (PER-9, PER-10), region (PER-2), return (PER-12)."""

import datetime as dt

import pytest

from cases.errors import ApplicationError
from cases.models import Deadline, DeadlineKind, DeadlineStatus
from cases.services.bulk import case_bulk_transition
from cases.services.steps import case_transition
from permits.models import Crossing, DocumentKind, IllegalCrossingRecord, PermitCase
from permits.services.crossing import CrossingRefused, crossing_record, illegal_crossing_take_up
from permits.services.geography import border_region_change
from permits.services.permit import permit_document_add
from tests.permits.conftest import bj


def cross(helong, case, direction="exit", point="Nanping - Musan", actor="defence", **kw):
    return crossing_record(exercise=helong.exercise, person=case.applicant, point=helong.point(point),
                           direction=direction, actor=helong.user(actor) if actor else None, permit=case, **kw)


@pytest.mark.parametrize(
    ("issued", "moment", "allowed"),
    [
        (bj(1964, 10, 2, 9, 0), bj(1964, 10, 15, 16, 0), True),
        (bj(1964, 10, 2, 9, 0), bj(1964, 10, 15, 16, 1), False),
        (bj(1964, 9, 2, 9, 0), bj(1964, 9, 15, 17, 0), True),
        (bj(1964, 9, 2, 9, 0), bj(1964, 9, 15, 17, 1), False),
        (bj(1965, 3, 20, 9, 0), bj(1965, 3, 31, 16, 30), False),
        (bj(1965, 3, 20, 9, 0), bj(1965, 4, 1, 16, 30), True),
        (bj(1964, 9, 20, 9, 0), bj(1964, 9, 30, 16, 30), True),
        (bj(1964, 9, 20, 9, 0), bj(1964, 10, 1, 16, 30), False),
    ],
)
def test_per8_crossing_hours_at_the_point(helong, issued, moment, allowed):
    """PER-8: in October 16:00 crosses and 16:01 is refused; in September 17:00 and 17:01; season edges."""
    case = helong.issue_pass(at=issued)
    helong.set_clock(moment)
    if allowed:
        crossing = cross(helong, case)
        assert crossing.outcome == "allowed"
        assert helong.refresh(case).state == "abroad"
    else:
        with pytest.raises(CrossingRefused, match="PER-8: the crossing is closed") as exc:
            cross(helong, case)
        assert exc.value.crossing.outcome == "refused" and exc.value.crossing.rules == "PER-8"
        assert helong.refresh(case).state == "issued"
        assert not IllegalCrossingRecord.objects.exists()  # out of hours is refused, not illegal
        assert case.events.filter(label__startswith="Crossing refused").exists()


def test_per8_the_other_sides_inspection_body_may_consent_out_of_hours(helong):
    """PER-8: in an important situation the other side's inspection body consents and the holder crosses."""
    case = helong.issue_pass(at=bj(1964, 10, 2, 9, 0))
    helong.set_clock(bj(1964, 10, 3, 21, 30))
    with pytest.raises(ApplicationError, match="name the other side's inspection body"):
        cross(helong, case, other_side_consent=True)
    crossing = cross(helong, case, other_side_consent=True, consent_by="Musan Border Inspection Post")
    assert crossing.outcome == "allowed" and crossing.other_side_consent
    assert helong.refresh(case).state == "abroad"


def test_per9_each_exit_and_return_is_recorded_by_the_inspection(helong):
    """PER-9: the holder crosses at the named point on a valid permit; border defence's inspection records it."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    with pytest.raises(ApplicationError, match="PER-9: crossings are recorded by the border inspection"):
        cross(helong, case, actor="nanping")
    # The generic "Holder crossed out" button cannot stand in for an inspection at the point.
    with pytest.raises(ApplicationError, match="PER-9: exits are recorded by 'Record a crossing'"):
        case_transition(case=case, transition="record_exit", actor=helong.user("defence"))
    exit_ = cross(helong, case)
    assert exit_.destination == helong.county("Musan County") and exit_.office.kind == "border_defence"
    helong.set_clock(bj(1964, 9, 20, 10, 0))
    cross(helong, case, direction="return")
    case = helong.refresh(case)
    assert case.state == "returned" and case.is_closed
    assert [c.direction for c in Crossing.objects.filter(permit=case).order_by("at")] == ["exit", "return"]
    with pytest.raises(CrossingRefused, match="PER-10"):
        cross(helong, case)  # the pass served its one journey


def test_per10_a_point_not_named_in_the_permit_makes_an_illegal_crosser(helong):
    """PER-10: at a crossing point the permit does not name, the traveller is an illegal border crosser."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    with pytest.raises(CrossingRefused, match="PER-10: permit TP-1964-0001 names Nanping - Musan, not Sanhechun"):
        cross(helong, case, point="Sanhechun - Hoeryong")
    record = IllegalCrossingRecord.objects.get()
    assert record.ground == "unnamed_point" and record.status == "open" and record.permit == case
    assert record.person == case.applicant and record.taken_up_by is None
    assert helong.refresh(case).state == "issued"


def test_per10_no_permit_or_an_expired_one_makes_an_illegal_crosser(helong):
    """PER-10: without a valid document, an illegal border crosser; the record waits for the returns procedure."""
    helong.set_clock(bj(1964, 9, 10, 9, 0))
    stranger = helong.person("Han Sun-ok")
    with pytest.raises(CrossingRefused, match="PER-10: no permit"):
        crossing_record(exercise=helong.exercise, person=stranger, point=helong.point("Nanping - Musan"),
                        direction="exit", actor=helong.user("defence"))
    unissued = helong.case_of("Han Sun-ok")
    with pytest.raises(CrossingRefused, match="PER-10: PER-1964-0002 is not a valid permit"):
        cross(helong, unissued)
    case = helong.issue_pass()
    helong.set_clock(bj(1964, 10, 11, 9, 30))
    with pytest.raises(CrossingRefused, match="has expired"):
        cross(helong, case)
    grounds = sorted(IllegalCrossingRecord.objects.values_list("ground", flat=True))
    assert grounds == ["invalid_permit", "invalid_permit", "no_permit"]


def test_per2_a_permit_is_not_valid_outside_the_border_region(helong):
    """PER-2: once the destination leaves the border region, the permit does not take the holder there."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    border_region_change(exercise=helong.exercise, county=helong.county("Musan County"), in_region=False,
                         actor=helong.user("socialsafety"))
    with pytest.raises(CrossingRefused, match="PER-2: the permit is valid only inside the border region"):
        cross(helong, case)
    assert IllegalCrossingRecord.objects.get().ground == "outside_region"


def test_per12_pass_of_10_september_1963_expires_a_month_later_and_the_holder_becomes_overdue(helong):
    """PER-12: a pass issued 10 Sep 1964 runs through 10 Oct; a holder not back is overdue and followed up."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    assert case.valid_through == dt.date(1964, 10, 10)
    expiry = Deadline.objects.get(case=case)
    assert (expiry.kind, expiry.action, expiry.due_at, expiry.status) == (
        DeadlineKind.EXPIRY, "set_expired", bj(1964, 10, 11, 0, 0), DeadlineStatus.PENDING)
    helong.set_clock(bj(1964, 9, 12, 10, 0))
    cross(helong, case)
    expiry.refresh_from_db()
    assert expiry.status == DeadlineStatus.CANCELLED  # the pass is in use
    overdue = Deadline.objects.get(case=case, status=DeadlineStatus.PENDING)
    assert (overdue.kind, overdue.action, overdue.due_at) == (
        DeadlineKind.OVERDUE_RETURN, "set_overdue", bj(1964, 10, 11, 0, 0))
    assert overdue.rules == "PER-12"
    # Before the clock passes expiry, the follow-up cannot start.
    helong.set_clock(bj(1964, 10, 10, 23, 59))
    with pytest.raises(ApplicationError, match="PER-12: the permit has not expired yet"):
        case_transition(case=case, transition=overdue.action, actor=None, system=True)
    # The clock passes it: fire the deadline's transition as the sweep will.
    helong.set_clock(bj(1964, 10, 11, 0, 0))
    case = case_transition(case=case, transition=overdue.action, actor=None, system=True)
    assert case.state == "overdue"
    assert case.next_office.kind == "county_psb" and "PER-12" in case.next_rules
    case = case_transition(case=case, transition="follow_up_not_returned", actor=helong.user("helongpsb"),
                           data={"reason": "Still in Musan with his sister; DPRK side asked to persuade him."})
    assert case.state == "not_returned" and case.is_closed


def test_per12_an_overdue_holder_who_comes_back_closes_the_follow_up(helong):
    """PER-12: a late return is recorded at the point and the pending follow-up is cancelled."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    helong.set_clock(bj(1964, 9, 12, 10, 0))
    cross(helong, case)
    helong.set_clock(bj(1964, 10, 14, 10, 0))  # after expiry, before any sweep
    cross(helong, case, direction="return")
    case = helong.refresh(case)
    assert case.state == "returned_late"
    assert list(case.events.values_list("transition", flat=True))[-2:] == ["set_overdue", "record_late_return"]
    assert not Deadline.objects.filter(case=case, status=DeadlineStatus.PENDING).exists()


def test_per12_an_unused_pass_lapses_at_expiry(helong):
    """PER-12 / PER-7: the expiry deadline of an unused pass fires its 'expire' transition."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    deadline = Deadline.objects.get(case=case)
    helong.set_clock(deadline.due_at + dt.timedelta(hours=1))
    case = case_transition(case=case, transition=deadline.action, actor=None, system=True)
    assert case.state == "expired"


def test_bad_crossing_input_changes_nothing(helong):
    """Bad input gets a clear message and records nothing."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    other = helong.person("Pak Yong-nam")
    with pytest.raises(ApplicationError, match="is not Pak Yong-nam's"):
        crossing_record(exercise=helong.exercise, person=other, point=helong.point("Nanping - Musan"),
                        direction="exit", actor=helong.user("defence"), permit=case)
    with pytest.raises(ApplicationError, match="No exit is on record"):
        cross(helong, case, direction="return")
    with pytest.raises(ApplicationError, match="Unknown direction"):
        cross(helong, case, direction="sideways")
    assert not Crossing.objects.exists()
    assert PermitCase.objects.get(pk=case.pk).state == "issued"


def test_nothing_is_recorded_while_the_teacher_pauses_the_exercise(helong):
    """A paused exercise records no crossing, refused or not, and no document."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    helong.exercise.paused = True
    helong.exercise.save(update_fields=["paused"])
    with pytest.raises(ApplicationError, match="paused"):
        cross(helong, case)
    with pytest.raises(ApplicationError, match="paused"):
        cross(helong, case, point="Sanhechun - Hoeryong")
    assert not Crossing.objects.exists() and not IllegalCrossingRecord.objects.exists()


def test_per12_due_deadlines_fire_in_bulk_as_the_sweep_will(helong):
    """PER-12: the bulk step the deadline sweep uses marks every holder not back by expiry as overdue."""
    kim = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    pak = helong.case_of("Pak Yong-nam")
    for kind in (DocumentKind.NATIONAL_CREDENTIALS, DocumentKind.DEPARTMENT_LETTER):
        permit_document_add(case=pak, kind=kind, issued_by="x", actor=helong.user("nanping"))
    pak = helong.issue_pass("Pak Yong-nam")
    helong.set_clock(bj(1964, 9, 11, 10, 0))
    cross(helong, kim)
    cross(helong, pak)
    helong.set_clock(bj(1964, 10, 11, 0, 0))
    due = Deadline.objects.filter(exercise=helong.exercise, status=DeadlineStatus.PENDING,
                                  due_at__lte=helong.exercise.clock)
    assert {(d.case_id, d.action) for d in due} == {(kim.pk, "set_overdue"), (pak.pk, "set_overdue")}
    result = case_bulk_transition(kind="permit", case_ids=[d.case_id for d in due], transition="set_overdue",
                                  actor=None, system=True)
    assert sorted(result.moved) == sorted([kim.pk, pak.pk]) and not result.refused
    assert {helong.refresh(c).state for c in (kim, pak)} == {"overdue"}


def test_per7_an_official_permit_serves_several_journeys_until_expiry(helong):
    """PER-7: an official permit stays valid after a return; one expiry deadline is pending at a time."""
    case = helong.official_permit(months=3)
    for day in (2, 9):
        helong.set_clock(bj(1965, 7, day, 10, 0))
        cross(helong, case)
        helong.set_clock(bj(1965, 7, day, 15, 0))
        cross(helong, case, direction="return")
        assert helong.refresh(case).state == "issued"
    pending = Deadline.objects.filter(case=case, status=DeadlineStatus.PENDING)
    assert [(d.kind, d.due_at) for d in pending] == [(DeadlineKind.EXPIRY, bj(1965, 10, 2, 0, 0))]


def test_per10_the_returns_procedure_takes_up_an_illegal_crossing_record(helong):
    """PER-10: the record opens an illegal-crosser case (RET) once, and is marked as taken up."""
    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    with pytest.raises(CrossingRefused):
        cross(helong, case, point="Sanhechun - Hoeryong")
    record = IllegalCrossingRecord.objects.get()
    crosser = illegal_crossing_take_up(record=record, actor=helong.user("nanping"))
    record.refresh_from_db()
    assert record.status == "taken_up" and record.taken_up_by_id == crosser.pk
    assert crosser.kind == "crosser" and crosser.specific().crossing_place == "Sanhechun - Hoeryong"
    assert "PER-10" in crosser.specific().source_reference
    with pytest.raises(ApplicationError, match="already taken up"):
        illegal_crossing_take_up(record=record, actor=helong.user("nanping"))


def test_per9_the_crossing_form_offers_the_crossing_due_next(helong):
    """Once the holder had gone out, the form still offered "Out of China": the return is what is due."""
    from django.test import Client
    from django.urls import reverse

    case = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    client = Client()
    client.force_login(helong.user("defence"))
    url = reverse("admin:permits_permitcase_change", args=[case.pk])
    assert client.get(url).context["crossing_form"]["direction"].value() == "exit"
    cross(helong, case)
    assert helong.refresh(case).state == "abroad"
    assert client.get(url).context["crossing_form"]["direction"].value() == "return"
