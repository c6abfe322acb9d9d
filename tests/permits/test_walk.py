"""End to end: a Helong County resident visits relatives in Musan and comes back (PER-1 ... PER-12)."""

import re

from django.test import Client
from django.urls import reverse

from cases.choices import Nationality, Occupation, Sex
from cases.models import Deadline, DeadlineStatus, Exercise, Person
from cases.services.steps import case_transition
from permits.models import Crossing, DocumentKind, IllegalCrossingRecord, PermitCase
from permits.services.crossing import crossing_record
from permits.services.permit import permit_document_add, permit_file, permit_forward
from tests.permits.conftest import bj


def test_walk_helong_resident_visits_relatives_and_comes_back_through_services(helong):
    """PER-1..PER-12: file at Nanping, documents, county pass, cross at Nanping, come back before expiry."""
    helong.set_clock(bj(1964, 9, 10, 9, 0))
    so = Person.objects.create(exercise=helong.exercise, name="So Yong-ho", sex=Sex.MALE,
                               nationality=Nationality.CN_KOREAN, birth_year=1931, occupation=Occupation.PEASANT)
    station, police, defence = helong.user("nanping"), helong.user("helongpsb"), helong.user("defence")
    case = permit_file(exercise=helong.exercise, applicant=so, category="resident", purpose="relatives",
                       home_county=helong.county("Helong County"), destination_county=helong.county("Musan County"),
                       crossing_point=helong.point("Nanping - Musan"), filing_office=helong.office("border_station"),
                       actor=station)
    assert case.next_office == helong.office("border_station")
    permit_document_add(case=case, kind=DocumentKind.RELATIVES_LETTER, issued_by="So Yong-sil, Musan", actor=station)
    permit_document_add(case=case, kind=DocumentKind.COMMUNE_LETTER, issued_by="Lishu People's Commune", actor=station)
    case = permit_forward(case=case, actor=station)
    assert case.next_office == helong.office("county_psb")
    case = case_transition(case=case, transition="issue_transit_pass", actor=police)
    assert case.next_office == helong.office("border_defence")
    helong.set_clock(bj(1964, 9, 11, 8, 30))
    crossing_record(exercise=helong.exercise, person=so, point=helong.point("Nanping - Musan"), direction="exit",
                    actor=defence, permit=case)
    helong.set_clock(bj(1964, 9, 25, 15, 45))
    crossing_record(exercise=helong.exercise, person=so, point=helong.point("Nanping - Musan"), direction="return",
                    actor=defence, permit=case)
    case = helong.refresh(case)
    assert case.state == "returned" and case.is_closed and case.next_office is None
    assert list(case.events.values_list("transition", flat=True)) == [
        "", "", "", "forward_to_county", "issue_transit_pass", "record_exit", "record_return"]
    assert not Deadline.objects.filter(case=case, status=DeadlineStatus.PENDING).exists()


def _login(helong, login):
    client = Client()
    client.force_login(helong.user(login))
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_walk_through_the_admin(helong):
    """PER-1..PER-12 in the admin: file, record documents, forward, issue, print, cross out and back."""
    helong.set_clock(bj(1964, 9, 10, 9, 0))
    so = Person.objects.create(exercise=helong.exercise, name="So Yong-ho", sex=Sex.MALE,
                               nationality=Nationality.CN_KOREAN, birth_year=1931)
    station = _login(helong, "nanping")
    add_url = reverse("admin:permits_permitcase_add")
    assert station.get(add_url).status_code == 200
    response = station.post(add_url, {
        "exercise": helong.exercise.pk, "applicant": so.pk, "category": "resident", "purpose": "relatives",
        "home_county": helong.county("Helong County").pk, "destination_county": helong.county("Musan County").pk,
        "crossing_point": helong.point("Nanping - Musan").pk, "filing_office": helong.office("border_station").pk,
        "county_bureau": "", "note": "Visiting his sister.",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    case = PermitCase.objects.get(applicant=so)
    change_url = reverse("admin:permits_permitcase_change", args=[case.pk])
    page = station.get(change_url).content.decode()
    assert "Permit papers" in page and "Still missing" in page
    # The forward button is blocked by PER-4 until the documents are on the case.
    assert "PER-4: not every document" in page
    doc_url = reverse("admin:permits_permitcase_document", args=[case.pk])
    station.post(doc_url, {"doc-kind": DocumentKind.RELATIVES_LETTER, "doc-issued_by": "So Yong-sil"})
    # The form offers only the papers still missing; the same paper twice is refused, worded properly.
    choices = [c for c, _label in station.get(change_url).context["document_form"].fields["kind"].choices]
    assert choices == [DocumentKind.COMMUNE_LETTER]
    again = station.post(doc_url, {"doc-kind": DocumentKind.RELATIVES_LETTER, "doc-issued_by": "So"}, follow=True)
    assert "PER-4: an introduction letter from Korean relatives is already on the case." in _messages(again)
    station.post(doc_url, {"doc-kind": DocumentKind.COMMUNE_LETTER, "doc-issued_by": "Lishu", "doc-reference": ""})
    assert case.documents.count() == 2
    assert station.get(change_url).context["document_form"] is None  # every paper in: no form with an empty list
    step = lambda c, name, data=None: c.post(  # noqa: E731
        reverse("admin:permits_permitcase_step", args=[case.pk, name]), data or {}, follow=True)
    response = step(station, "forward_to_county")
    assert "Done" in " ".join(_messages(response))
    # The station cannot issue; the county bureau can.
    response = step(station, "issue_transit_pass")
    assert any("Only" in m for m in _messages(response))
    police = _login(helong, "helongpsb")
    step(police, "issue_transit_pass")
    case = helong.refresh(case)
    assert case.state == "issued" and case.permit_number
    print_url = reverse("classroom:document", args=[case.pk, "transit-pass"])
    assert f'href="{print_url}"' in police.get(change_url).content.decode()
    sheet = police.get(print_url).content.decode()
    for text in (case.permit_number, "So Yong-ho", "Helong County", "Musan County", "10 September 1964", "Pyongyang",
                 "10 October 1964", "Helong County Public Security Bureau", case.reference):
        assert text in sheet
    # Out of hours the inspection refuses and records the attempt.
    defence = _login(helong, "defence")
    crossing_url = reverse("admin:permits_permitcase_crossing", args=[case.pk])
    point = helong.point("Nanping - Musan").pk
    helong.set_clock(bj(1964, 9, 11, 17, 1))
    response = defence.post(crossing_url, {"crossing-direction": "exit", "crossing-point": point}, follow=True)
    assert any("PER-8" in m for m in _messages(response))
    helong.set_clock(bj(1964, 9, 11, 17, 0))
    response = defence.post(crossing_url, {"crossing-direction": "exit", "crossing-point": point}, follow=True)
    assert any("Let through" in m for m in _messages(response))
    assert helong.refresh(case).state == "abroad"
    helong.set_clock(bj(1964, 9, 24, 10, 0))
    defence.post(crossing_url, {"crossing-direction": "return", "crossing-point": point})
    case = helong.refresh(case)
    assert case.state == "returned"
    outcomes = Crossing.objects.filter(permit=case).order_by("id").values_list("direction", "outcome")
    assert list(outcomes) == [("exit", "refused"), ("exit", "allowed"), ("return", "allowed")]
    timeline = defence.get(change_url).content.decode()
    assert "Holder came back" in timeline and "Crossing refused at Nanping - Musan" in timeline
    assert re.search(r"bd-diagram|<svg", timeline)


def test_admin_lists_crossings_and_illegal_records_for_students(helong):
    """PER-10: the illegal-crossing records and crossings are visible to the offices in the admin."""
    helong.set_clock(bj(1964, 9, 10, 9, 0))
    defence = _login(helong, "defence")
    response = defence.post(reverse("admin:permits_crossing_add"), {
        "exercise": helong.exercise.pk, "person": helong.person("Han Sun-ok").pk,
        "point": helong.point("Nanping - Musan").pk, "direction": "exit", "consent_by": "", "note": "",
    }, follow=True)
    assert any("PER-10" in m for m in _messages(response))
    assert defence.get(reverse("admin:permits_illegalcrossingrecord_changelist")).status_code == 200
    assert "Han Sun-ok" in defence.get(reverse("admin:permits_crossing_changelist")).content.decode()
    for name in ("bordercounty", "crossingpoint", "crossinghours", "borderregionchange"):
        assert defence.get(reverse(f"admin:permits_{name}_changelist")).status_code == 200


def test_print_page_only_for_an_issued_permit_of_ones_own_exercise(helong, desk):
    """PER-7: the printable permit exists once the pass is issued, and only for the exercise's members."""
    case = helong.case_of("Pak Yong-nam")
    police = _login(helong, "helongpsb")
    early = police.get(reverse("classroom:document", args=[case.pk, "transit-pass"]))
    assert early.status_code == 404
    # The case's documents page, saying the pass is not issued yet and when it prints (not "no such page").
    assert f"of {case.reference} is not printable yet: it prints" in early.content.decode()
    issued = helong.issue_pass(at=bj(1964, 9, 10, 9, 0))
    url = reverse("classroom:document", args=[issued.pk, "transit-pass"])
    assert police.get(url).status_code == 200
    outsider = Client()
    outsider.force_login(desk.user("countypsb"))  # the other exercise's bureau
    assert outsider.get(url).status_code in (403, 404)


def test_permit_case_list_and_inbox_show_the_queue(helong):
    """PER-5: the station sees its applications in the permit list and in the all-procedures inbox."""
    station = _login(helong, "nanping")
    listing = station.get(reverse("admin:permits_permitcase_changelist")).content.decode()
    assert "PER-1964-0001" in listing and "Kim Chol-su" in listing
    filtered = station.get(reverse("admin:permits_permitcase_changelist") + "?state=filed")
    assert filtered.status_code == 200
    inbox = station.get(reverse("admin:cases_caseproxy_changelist")).content.decode()
    assert "PER-1964-0001" in inbox


def test_state_employee_and_official_through_the_admin(helong):
    """PER-6 and PER-7 in the admin: police then border defence; an official permit's months checked by the form."""
    station, police, defence = (_login(helong, n) for n in ("nanping", "helongpsb", "defence"))
    zhao = helong.case_of("Zhao Lixin")
    doc_url = reverse("admin:permits_permitcase_document", args=[zhao.pk])
    for kind in (DocumentKind.UNIT_LETTER, DocumentKind.EMPLOYEE_APPLICATION):
        station.post(doc_url, {"doc-kind": kind, "doc-issued_by": "Forestry Bureau", "doc-reference": ""})

    def step(client, case, name, data=None):
        return client.post(reverse("admin:permits_permitcase_step", args=[case.pk, name]), data or {}, follow=True)

    step(station, zhao, "forward_to_county")
    response = step(defence, zhao, "defence_approve")
    assert any("cannot be taken" in m for m in _messages(response))
    step(police, zhao, "police_approve")
    assert helong.refresh(zhao).state == "defence_review"
    step(defence, zhao, "defence_approve")
    assert helong.refresh(zhao).permit_number == "TP-1964-0004"

    official = Person.objects.create(exercise=helong.exercise, name="Tian Shoucheng", sex=Sex.MALE,
                                     nationality=Nationality.HAN, birth_year=1920)
    case = helong.new_application(official, category="official", purpose="official")
    station.post(reverse("admin:permits_permitcase_document", args=[case.pk]),
                 {"doc-kind": DocumentKind.OFFICIAL_ASSIGNMENT, "doc-issued_by": "Jilin PSD", "doc-reference": ""})
    step(station, case, "forward_to_county")
    response = step(police, case, "issue_official_permit", {"issue_official_permit-validity_months": "13"})
    assert any("was not taken" in m for m in _messages(response))
    assert helong.refresh(case).state == "county_review"
    step(police, case, "issue_official_permit", {"issue_official_permit-validity_months": "6"})
    case = helong.refresh(case)
    assert case.state == "issued" and case.permit_kind == "official_permit" and case.validity_months == 6


def test_illegal_crossing_record_taken_up_from_the_admin(helong):
    """PER-10: the station hands an illegal-crossing record to the returns procedure with an admin action."""
    helong.set_clock(bj(1964, 9, 10, 9, 0))
    defence, station = _login(helong, "defence"), _login(helong, "nanping")
    defence.post(reverse("admin:permits_crossing_add"), {
        "exercise": helong.exercise.pk, "person": helong.person("Han Sun-ok").pk,
        "point": helong.point("Nanping - Musan").pk, "direction": "exit", "consent_by": "", "note": "",
    })
    record = IllegalCrossingRecord.objects.get()
    response = station.post(reverse("admin:permits_illegalcrossingrecord_changelist"),
                            {"action": "take_up", "_selected_action": [record.pk]}, follow=True)
    assert any(": opened " in m for m in _messages(response))
    record.refresh_from_db()
    assert record.status == "taken_up" and record.taken_up_by is not None


def test_odd_case_numbers_on_the_permit_panels_are_not_found_not_errors(helong):
    """'²' passes str.isdigit and a 20-digit number overflows SQLite: both name no case (404), not a 500."""
    station = _login(helong, "nanping")
    station.raise_request_exception = False
    for odd in ("²", "99999999999999999999", "١٢", "abc", "0"):
        for panel in ("document", "crossing"):
            response = station.post(f"/admin/permits/permitcase/{odd}/{panel}/", {"doc-kind": "x"})
            assert response.status_code == 404, (odd, panel, response.status_code)


def test_per4_per9_the_papers_panel_offers_each_form_only_to_the_office_that_may_use_it(helong):
    """PER-4: documents are the station's to record; PER-9: crossings the border defence office's.

    A student at another office sees the papers and the crossings, with a line naming who records them,
    not a form the server would refuse.
    """
    helong.set_clock(bj(1964, 9, 10, 9, 0))
    so = Person.objects.create(exercise=helong.exercise, name="So Yong-ho", sex=Sex.MALE,
                               nationality=Nationality.CN_KOREAN, birth_year=1931)
    case = helong.new_application(so)
    change_url = reverse("admin:permits_permitcase_change", args=[case.pk])
    station, police, defence = (_login(helong, n) for n in ("nanping", "helongpsb", "defence"))
    assert station.get(change_url).context["document_form"] is not None
    page = police.get(change_url)
    assert page.context["document_form"] is None
    assert "Documents are recorded by Nanping Border Work Station (PER-4)." in page.content.decode()
    helong.issue_pass("So Yong-ho")
    assert defence.get(change_url).context["crossing_form"] is not None
    for client in (station, police):
        page = client.get(change_url)
        assert page.context["crossing_form"] is None
        html = page.content.decode()
        assert 'name="record_crossing"' not in html and "No crossing yet." in html
        assert "Crossings are recorded by Helong Border Defence, Deputy Representative (PER-9)." in html
    # The teacher acts for any office: both forms at their states.
    assert _login(helong, "teacher").get(change_url).context["crossing_form"] is not None
    # While the exercise is paused the page says so instead of offering a form the server refuses (PER-9).
    Exercise.objects.filter(pk=helong.exercise.pk).update(paused=True)
    html = defence.get(change_url).content.decode()
    assert 'name="record_crossing"' not in html and 'id="bd-paused-crossings"' in html
