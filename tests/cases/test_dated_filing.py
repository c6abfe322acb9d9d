"""Every filing is refused by date, by one path (case_open and case_bulk_open ask cases/rules/in_force.py).

For each procedure kind whose document comes after the start of the period (and each field value that adds a
dated rule): filed on the day before its document's date it is refused with a message naming the rule, the
document and the date, and nothing is written; on the date it is filed; in a run the teacher marked
counterfactual it is filed on the day before too, and labelled.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cases.choices import Nationality, Sex
from cases.errors import ApplicationError
from cases.models import Case, CaseEvent, Deadline, Exercise, Person
from cases.regimes import regime_in_force
from cases.rules.in_force import RULE_DATES
from tests.desks import (
    AUTHORIZATION_OFFICES,
    MEETING_OFFICES,
    PERMIT_OFFICES,
    REPRESENTATIVES,
    add_offices,
    login,
    returns_offices,
)
from tests.factories import BEIJING, ExerciseFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

_suffixes = itertools.count(1)


def exercise_on(day: dt.date, *, counterfactual: bool = False) -> Exercise:
    """Return an exercise dated ``day`` under the regime in force that day, with every filing office."""
    from cases.services.meeting import representative_appoint

    suffix = f"-d{next(_suffixes)}"
    exercise = ExerciseFactory(clock=dt.datetime.combine(day, dt.time(9, 0), tzinfo=BEIJING),
                               regime=regime_in_force(day).code, counterfactual=counterfactual)
    MembershipFactory(exercise=exercise, user=login("teacher" + suffix, superuser=True), office=None,
                      is_facilitator=True)
    returns_offices(exercise, suffix)
    for offices in (AUTHORIZATION_OFFICES, MEETING_OFFICES, PERMIT_OFFICES):
        add_offices(exercise, offices, suffix)
    for side, rank, full, area in REPRESENTATIVES:
        representative_appoint(exercise=exercise, side=side, rank=rank, name=full, area=area)
    return exercise


def someone(exercise: Exercise, nationality: str = Nationality.KOREAN_IN_CHINA) -> Person:
    return PersonFactory(exercise=exercise, name=f"Test Person {next(_suffixes)}", sex=Sex.MALE,
                         nationality=nationality, birth_year=1925)


def file_permit(exercise: Exercise, category: str = "resident", purpose: str = "relatives") -> Case:
    from permits.models import BorderCounty, CrossingPoint
    from permits.services.permit import permit_file

    return permit_file(
        exercise=exercise, applicant=someone(exercise, Nationality.CN_KOREAN if category == "resident"
                                             else Nationality.HAN),
        category=category, purpose=purpose, home_county=BorderCounty.objects.get(name="Helong County"),
        destination_county=BorderCounty.objects.get(name="Musan County"),
        crossing_point=CrossingPoint.objects.get(name="Nanping - Musan"),
        filing_office=exercise.offices.filter(kind="border_station").order_by("id").first(), actor=None,
        county_bureau=exercise.offices.filter(kind="county_psb").order_by("id").first(),
    )


def file_meeting(exercise: Exercise) -> Case:
    from cases.services.meeting import meeting_request

    return meeting_request(exercise=exercise, actor=None, kind="chief", requesting_side="CN",
                           scheduled_for=exercise.clock + dt.timedelta(days=35), place="Tumen bridge",
                           subject="Handing back border crossers")


def file_naturalisation(exercise: Exercise) -> Case:
    from cases.services.naturalisation import naturalisation_apply

    return naturalisation_apply(exercise=exercise, person=someone(exercise), actor=None, grounds="Born in Yanji.")


def file_detention(exercise: Exercise) -> Case:
    from cases.models.detention import DetentionMeasure
    from cases.services.detention import detention_report

    return detention_report(exercise=exercise, person=someone(exercise), measure=DetentionMeasure.DETENTION,
                            actor=None, grounds="Smuggling, repeated.")


def file_stray(exercise: Exercise) -> Case:
    from cases.models.stray import StrayKind
    from cases.services.stray import stray_report

    return stray_report(exercise=exercise, item_kind=StrayKind.LIVESTOCK, quantity=2, actor=None,
                        place_found="Sanhe river flats", description="Two oxen.")


def file_corpse(exercise: Exercise) -> Case:
    from cases.services.corpse import corpse_report

    return corpse_report(exercise=exercise, place_found="Tumen River, below Kaishantun", actor=None)


def file_reception(exercise: Exercise) -> Case:
    from cases.services.reception import reception_arrive

    return reception_arrive(exercise=exercise, person=someone(exercise, Nationality.CN_KOREAN), actor=None,
                            station="Hoeryong")


def file_relocation(exercise: Exercise) -> Case:
    from cases.services.relocation import relocation_open_quota

    return relocation_open_quota(exercise=exercise, province="jilin", actor=None)


def file_abroad(exercise: Exercise) -> Case:
    from cases.models.authorization import Destination
    from cases.services.authorization import authorization_apply_abroad

    return authorization_apply_abroad(exercise=exercise, applicant=someone(exercise),
                                      destination=Destination.HONG_KONG, actor=None)


def file_official_permit(exercise: Exercise) -> Case:
    return file_permit(exercise, category="official", purpose="official")


# (procedure, the rule its filing rests on, how to file one); the dates are the table's (cases/rules/in_force.py),
# whose own tests check them against the documents.
FILINGS: list[tuple[str, str, Callable[[Exercise], Case]]] = [
    ("permit", "PER-1", file_permit),
    ("permit (official)", "PER-7", file_official_permit),
    ("meeting", "MEET-1", file_meeting),
    ("naturalisation", "OTH-1", file_naturalisation),
    ("detention", "OTH-2", file_detention),
    ("stray", "OTH-3", file_stray),
    ("corpse", "RET-14", file_corpse),
    ("reception", "RET-13", file_reception),
    ("relocation", "AUT-12", file_relocation),
    ("authorization (abroad)", "AUT-10", file_abroad),
]
IDS = [f"{name}-{rule}" for name, rule, _ in FILINGS]


def written(exercise: Exercise) -> tuple[int, int, int]:
    return (Case.objects.filter(exercise=exercise).count(), CaseEvent.objects.filter(exercise=exercise).count(),
            Deadline.objects.filter(case__exercise=exercise).count())


@pytest.mark.parametrize(("name", "rule_id", "file"), FILINGS, ids=IDS)
def test_filed_the_day_before_its_document_it_is_refused_and_nothing_is_written(name: str, rule_id: str,
                                                                               file: Any) -> None:
    row = RULE_DATES[rule_id]
    exercise = exercise_on(row.start - dt.timedelta(days=1))
    before = written(exercise)
    with pytest.raises(ApplicationError) as refused:
        file(exercise)
    message = refused.value.message
    assert rule_id in message and row.doc.citation in message and f"{row.start:%-d %b %Y}" in message, message
    assert "cannot be filed" in message and refused.value.rules == (rule_id,)
    assert written(exercise) == before


@pytest.mark.parametrize(("name", "rule_id", "file"), FILINGS, ids=IDS)
def test_filed_on_its_documents_date_it_is_accepted(name: str, rule_id: str, file: Any) -> None:
    exercise = exercise_on(RULE_DATES[rule_id].start)
    case = file(exercise)
    assert case.pk and case.events.filter(kind="filed").count() == 1
    assert case.counterfactual_label == ""


@pytest.mark.parametrize(("name", "rule_id", "file"), FILINGS, ids=IDS)
def test_in_a_counterfactual_run_it_is_accepted_the_day_before_and_labelled(name: str, rule_id: str,
                                                                             file: Any) -> None:
    exercise = exercise_on(RULE_DATES[rule_id].start - dt.timedelta(days=1), counterfactual=True)
    case = file(exercise)
    assert case.pk and case.events.filter(kind="filed").count() == 1
    assert case.counterfactual_label.startswith("COUNTERFACTUAL")


def test_a_relocation_quota_after_the_1959_campaign_is_refused() -> None:
    """AUT-12 ends with the 1959 relocation (R1959): a quota on 1 January 1960 is refused too."""
    exercise = exercise_on(dt.date(1960, 1, 1))
    with pytest.raises(ApplicationError, match="AUT-12 is no longer in force"):
        file_relocation(exercise)
    assert written(exercise) == (0, 0, 0)
    assert file_relocation(exercise_on(dt.date(1959, 12, 31))).pk


def test_the_bulk_path_refuses_by_date_too_and_writes_nothing() -> None:
    """case_bulk_open makes the same check as case_open: a 1964 Protocol corpse cannot be filed in bulk in 1963."""
    from cases.models.corpse import CorpseCase, CorpseState
    from cases.services.bulk_open import case_bulk_open

    def bodies(exercise: Exercise) -> list[CorpseCase]:
        return [CorpseCase(exercise=exercise, title=f"Body {i}", place_found="Yalu", state=CorpseState.FOUND)
                for i in range(3)]

    early = exercise_on(dt.date(1964, 6, 8))
    with pytest.raises(ApplicationError, match=r"RET-14 is not yet in force.*9 Jun 1964"):
        case_bulk_open(cases=bodies(early), actor=None, office_kind="border_station", rules=("RET-14",))
    assert written(early) == (0, 0, 0)
    on_time = exercise_on(dt.date(1964, 6, 9))
    assert len(case_bulk_open(cases=bodies(on_time), actor=None, office_kind="border_station",
                              rules=("RET-14",))) == 3
    assert CaseEvent.objects.filter(exercise=on_time, kind="filed").count() == 3


def test_the_admin_add_form_shows_the_refusal_as_a_form_error(historical) -> None:
    """The teacher of the 1959 desk files a stray for the border station through the admin: the 1964 Protocol
    (OTH-3) is not yet in force, so the form comes back with the message; no case, no event. The station's
    student is not offered strays at all in a 1959 run (the procedure is not part of it): 403, nothing written."""
    from cases.models import StrayCase

    data = {"exercise": historical.exercise.pk, "item_kind": "livestock", "quantity": 2, "place_found": "Sanhe",
            "description": "Two oxen with DPRK brands.", "note": ""}
    events = CaseEvent.objects.filter(exercise=historical.exercise).count()
    student = Client()
    student.force_login(historical.user("borderstation"))
    assert student.post(reverse("admin:cases_straycase_add"), data).status_code == 403
    teacher = Client()
    teacher.force_login(historical.user("teacher"))
    response = teacher.post(reverse("admin:cases_straycase_add"), data)
    assert response.status_code == 200, response.status_code
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "OTH-3 is not yet in force" in errors and "9 Jun 1964" in errors and "D10" in errors, errors
    assert "OTH-3 is not yet in force" in response.content.decode()
    assert not StrayCase.objects.filter(exercise=historical.exercise).exists()
    assert CaseEvent.objects.filter(exercise=historical.exercise).count() == events


def test_a_case_filed_in_a_counterfactual_run_is_labelled_on_its_page(desk) -> None:
    """The full test desk is a what-if (every procedure in 1959): its 1970 naturalisation is filed and its
    page says the run is counterfactual."""
    from cases.models import NaturalisationCase

    case = NaturalisationCase.objects.get(exercise=desk.exercise)
    teacher = Client()
    teacher.force_login(desk.user("teacher"))
    page = teacher.get(reverse("admin:cases_naturalisationcase_change", args=[case.pk])).content.decode()
    assert 'id="bd-counterfactual"' in page and "COUNTERFACTUAL RUN" in page
