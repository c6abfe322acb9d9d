"""Fixtures for the permit procedure: the Helong County desk built through the real services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from cases.models import Exercise, Person
from cases.services.steps import case_transition
from permits.models import BorderCounty, CrossingPoint, DocumentKind, PermitCase
from permits.services.permit import permit_document_add, permit_file, permit_forward
from tests.desks import helong_desk

BEIJING = ZoneInfo("Asia/Shanghai")


def bj(*args: int) -> dt.datetime:
    """Return a Beijing-time datetime."""
    return dt.datetime(*args, tzinfo=BEIJING)


class Helong:
    """The Helong County 1964 exercise with lookups of its logins, offices, people and places."""

    SUFFIX = "-t"

    def __init__(self) -> None:
        self.exercise = helong_desk("Helong test", self.SUFFIX)

    def user(self, login: str):
        return get_user_model().objects.get(username=login + self.SUFFIX)

    @property
    def teacher(self):
        return self.user("teacher")

    def office(self, kind: str):
        return self.exercise.offices.filter(kind=kind).order_by("id").first()

    def person(self, name: str):
        return self.exercise.people.get(name=name)

    def case_of(self, name: str) -> PermitCase:
        return PermitCase.objects.get(exercise=self.exercise, applicant__name=name)

    @staticmethod
    def county(name: str) -> BorderCounty:
        return BorderCounty.objects.get(name=name)

    @staticmethod
    def point(name: str) -> CrossingPoint:
        return CrossingPoint.objects.get(name=name)

    def set_clock(self, moment: dt.datetime) -> None:
        """Move the simulated clock (the teacher's control; no case state is written)."""
        Exercise.objects.filter(pk=self.exercise.pk).update(clock=moment)
        self.exercise.refresh_from_db()

    def refresh(self, case: PermitCase) -> PermitCase:
        return PermitCase.objects.get(pk=case.pk)

    def issue_pass(self, name: str = "Kim Chol-su", at: dt.datetime | None = None) -> PermitCase:
        """Take the seeded resident's application to an issued transit pass through the services."""
        if at is not None:
            self.set_clock(at)
        case = self.case_of(name)
        if case.state == "filed" and not case.documents.exists():
            self.add_resident_documents(case)
        permit_forward(case=case, actor=self.user("nanping"))
        return case_transition(case=case, transition="issue_transit_pass", actor=self.user("helongpsb"))

    def add_resident_documents(self, case: PermitCase) -> None:
        station = self.user("lishu") if case.special_personnel else self.user("nanping")
        permit_document_add(case=case, kind=DocumentKind.RELATIVES_LETTER, issued_by="Relatives in Musan",
                            actor=station)
        permit_document_add(case=case, kind=DocumentKind.COMMUNE_LETTER, issued_by="Lishu People's Commune",
                            actor=station)

    def new_application(self, person, category: str = "resident", purpose: str = "relatives", **kw) -> PermitCase:
        defaults = {
            "home_county": self.county("Helong County"),
            "destination_county": self.county("Musan County"),
            "crossing_point": self.point("Nanping - Musan"),
            "filing_office": self.office("border_station"),
        }
        defaults.update(kw)
        return permit_file(exercise=self.exercise, applicant=person, category=category, purpose=purpose,
                           actor=self.user("nanping") if defaults["filing_office"].kind == "border_station"
                           else None, **defaults)


    def official_permit(self, months: int = 3) -> PermitCase:
        """Tian Shoucheng's official permit (PER-7), issued on 1 July 1965 for ``months`` months."""
        self.set_clock(bj(1965, 7, 1, 9, 0))
        tian = Person.objects.create(exercise=self.exercise, name="Tian Shoucheng", sex="M", nationality="han",
                                     birth_year=1920)
        case = self.new_application(tian, category="official", purpose="official")
        permit_document_add(case=case, kind=DocumentKind.OFFICIAL_ASSIGNMENT, issued_by="Jilin PSD",
                            actor=self.user("nanping"))
        case = case_transition(case=self.refresh(case), transition="forward_to_county", actor=self.user("nanping"))
        return case_transition(case=case, transition="issue_official_permit", actor=self.user("helongpsb"),
                               data={"validity_months": months})

@pytest.fixture
def helong(db: None) -> Helong:
    return Helong()
