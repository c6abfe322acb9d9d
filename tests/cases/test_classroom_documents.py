"""Every printable period document renders as HTML and as PDF, with the case reference and dates."""

from __future__ import annotations

import pytest

from cases.classroom.documents import documents_for, render_document, render_pdf
from cases.models import AuthorizationCase, MarriageCase, MeetingCase
from tests.conftest import take
from tests.permits.conftest import Helong, bj

pytestmark = pytest.mark.django_db


def _check(case, slug: str, *needles: str) -> None:
    assert slug in [d.slug for d in documents_for(case)]
    html = render_document(case, slug)
    assert case.reference in html
    for needle in needles:
        assert needle in html, needle
    pdf = render_pdf(case, slug)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_authorization_letter_prints(desk):
    """AUT-1: the DPRK's letter to a named person, with its number."""
    case = AuthorizationCase.objects.filter(exercise=desk.exercise).order_by("id").first()
    _check(case, "letter", case.letter_number, case.applicant.name, "AUT-1")


def test_authorization_letter_names_no_issuer_the_sources_do_not(desk):
    """D6 and D7 say the letters came from the DPRK; the letter printed "Ministry of Internal Affairs" as issuer."""
    case = AuthorizationCase.objects.filter(exercise=desk.exercise).order_by("id").first()
    html = render_document(case, "letter")
    assert "Ministry of Internal Affairs" not in html
    assert "not which body issued it" in html and "fictional" in html


def test_meeting_notice_prints(desk):
    """MEET-1/MEET-2: the notice gives time, place and subject."""
    case = MeetingCase.objects.filter(exercise=desk.exercise).order_by("id").first()
    _check(case, "notice", case.place, "MEET-2")


def test_transit_pass_prints_once_issued(db):
    """PER-7: an issued pass prints with its number and one month's validity; an unissued one does not."""
    helong = Helong()
    waiting = helong.case_of("Kim Chol-su")
    assert "transit-pass" not in [d.slug for d in documents_for(waiting)]
    case = helong.issue_pass(at=bj(1964, 9, 10, 10, 0))  # the county's pass is D10's (from 9 Jun 1964)
    _check(case, "transit-pass", case.permit_number, "PER-7", "1964")


def test_authorization_letter_only_for_a_case_with_a_letter(desk):
    """AUT-1: a case that did not begin with a DPRK letter has no letter to print."""
    without = AuthorizationCase.objects.filter(exercise=desk.exercise, letter_number="").first()
    if without is None:
        case = AuthorizationCase.objects.filter(exercise=desk.exercise).order_by("id").first()
        without = AuthorizationCase(exercise=desk.exercise, applicant=case.applicant, variant="family_join",
                                    reference="AUT-TEST-0001")
    assert "letter" not in [d.slug for d in documents_for(without)]


def test_the_pre_1958_application_shows_the_central_committees_decision(desk):
    """MAR-0: Li Dongshan's printed form said "Decision of the unit leader: Approved" and cited MAR-3, with a
    unit examination never made on that route."""
    case = MarriageCase.objects.get(exercise=desk.exercise, variant="pre1958")
    for step, login in (("forward_to_province", "workunit"), ("refer_to_centre", "province"),
                        ("central_approve", "centre")):
        case = take(desk, case, step, login)
    html = render_document(case, "application")
    assert "Decision of the CCP Central Committee (the referral, MAR-0)</th><td>Approved on" in html
    assert "unit leader" not in html and "Examination (truthful" not in html
    assert "MAR-0:" in html and "MAR-3:" not in html
    zhang = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    assert "Decision of the unit leader (MAR-3)" in render_document(zhang, "application")
