"""A case's printable documents are refused to a student whose office may not open the case's page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases.classroom.documents import documents_for
from cases.models import MeetingCase

pytestmark = pytest.mark.django_db


def _client(desk, login: str) -> Client:
    client = Client()
    client.force_login(desk.user(login))
    return client


def test_a_student_outside_the_procedure_reads_neither_the_case_nor_its_documents(desk):
    """Found on a class walk: the station student got 403 on a meeting's page but read its notice in full."""
    case = MeetingCase.objects.filter(exercise=desk.exercise).order_by("id").first()
    slugs = [d.slug for d in documents_for(case)]
    assert slugs, "the meeting has a printable notice"
    outsider = _client(desk, "workunit")  # the work unit takes no part in meetings (MEET)
    assert outsider.get(reverse("admin:cases_meetingcase_change", args=[case.pk])).status_code == 403
    listing = outsider.get(reverse("classroom:documents", args=[case.pk]))
    assert listing.status_code == 403 and case.reference.encode() not in listing.content
    for slug in slugs:
        for query in ("", "?format=pdf"):
            page = outsider.get(reverse("classroom:document", args=[case.pk, slug]) + query)
            assert page.status_code == 403, (slug, query)
            assert case.reference.encode() not in page.content
    member = _client(desk, "borderrep")  # the border representative proposes meetings (MEET-1)
    assert member.get(reverse("classroom:documents", args=[case.pk])).status_code == 200
    assert case.reference in member.get(reverse("classroom:document", args=[case.pk, slugs[0]])).content.decode()


def test_a_case_outside_the_students_procedures_is_not_said_to_be_deleted(desk):
    """The All cases page answered a meeting's id with Django's "doesn't exist. Perhaps it was deleted?"."""
    case = MeetingCase.objects.filter(exercise=desk.exercise).order_by("id").first()
    page = _client(desk, "workunit").get(reverse("admin:cases_caseproxy_change", args=[case.pk]), follow=True)
    text = page.content.decode()
    assert "Perhaps it was deleted" not in text and "is open to you here" in text
    assert case.title not in text
