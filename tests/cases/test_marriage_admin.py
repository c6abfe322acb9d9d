"""The marriage procedure walked through the admin with the Django test client, office by office."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import MarriageCase

pytestmark = pytest.mark.django_db


def client_for(desk, login: str) -> Client:
    client = Client()
    client.force_login(desk.user(login))
    return client


def post_step(client: Client, case: MarriageCase, step: str, **data):
    url = reverse("admin:cases_marriagecase_step", args=[case.pk, step])
    payload = {f"{step}-{k}": v for k, v in data.items()}
    return client.post(url, payload, follow=True)


def state_of(case: MarriageCase) -> str:
    return MarriageCase.objects.get(pk=case.pk).state


def test_walk_from_application_to_registration_through_the_admin(desk):
    """Six offices in turn take the 1958 case from filing to registration as a foreign national (MAR-1..7)."""
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    page = client_for(desk, "workunit").get(reverse("admin:cases_marriagecase_change", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Try to dissuade him" in html and "MAR-2" in html and "D2, 18 Oct 1958" in html
    # the diagram marks the state
    assert '<li data-state="filed">Application filed with the work unit (two copies) (now)</li>' in html
    assert "bd-current" in unescape(html.split('data-dot="', 1)[1].split('"', 1)[0])

    steps = [
        ("workunit", "begin_dissuasion", {"note": "Talked with him twice"}),
        ("workunit", "record_insistence", {}),
        ("workunit", "complete_examination", {"found_truthful": "on", "post_compatible": "on"}),
        ("workunit", "leader_approve", {}),
        ("workunit", "send_copies", {}),
        ("mfa", "forward_copy_to_embassy", {}),
        ("dprkspa", "dprk_approve", {"dprk_approval_ref": "SPA 59/17", "passport_number": "KP-0042"}),
        ("embassy", "issue_visa", {"visa_number": "V-59-101"}),
        ("civilaffairs", "register_marriage", {"marriage_certificate": "YJ-59-233"}),
        ("countypsb", "register_foreign_national", {"foreign_resident_number": "FR-59-008"}),
    ]
    for login, step, data in steps:
        response = post_step(client_for(desk, login), case, step, **data)
        assert response.status_code == 200
        assert "Done:" in response.content.decode(), (step, response.content.decode()[:3000])
    final = MarriageCase.objects.get(pk=case.pk)
    assert final.state == "registered"
    assert final.found_truthful is True and final.remarrying is False
    timeline = client_for(desk, "countypsb").get(reverse("admin:cases_marriagecase_change", args=[case.pk]))
    text = timeline.content.decode()
    assert "Talked with him twice" in text and "Register her as a foreign national" in text
    assert "Closed" in text


def test_wrong_office_post_is_refused_on_the_server_and_nothing_changes(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    page = client_for(desk, "embassy").get(reverse("admin:cases_marriagecase_change", args=[case.pk]))
    assert 'name="take_begin_dissuasion"' not in page.content.decode()  # no button for the embassy
    response = post_step(client_for(desk, "embassy"), case, "begin_dissuasion")
    assert "Only Yanji Agricultural Machinery Works may take this step" in response.content.decode()
    assert state_of(case) == "filed"
    assert case.events.count() == 1


def test_illegal_or_malformed_step_post_gets_a_message_not_a_500(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    client = client_for(desk, "workunit")
    for step in ("issue_visa", "no_such_step", "register_marriage"):
        response = post_step(client, case, step, visa_number="x" * 5000)
        assert response.status_code == 200
        assert "errornote" in response.content.decode() or 'class="error"' in response.content.decode()
    assert client.get(reverse("admin:cases_marriagecase_step", args=[case.pk, "begin_dissuasion"])).status_code == 405
    response = client.post(f"/admin/cases/marriagecase/{case.pk}x/step/begin_dissuasion/")
    assert response.status_code == 404
    assert state_of(case) == "filed"


def test_missing_input_is_refused_with_the_field_named(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Chen Guoqiang")
    response = post_step(client_for(desk, "countypsb"), case, "approve_special_circumstances", reason="")
    assert "was not taken" in response.content.decode() and "Reason" in response.content.decode()
    assert state_of(case) == "illegal_entry"


def test_student_list_puts_own_office_queue_first(desk):
    response = client_for(desk, "countypsb").get(reverse("admin:cases_marriagecase_changelist"))
    rows = list(response.context["cl"].result_list)
    assert rows[0].man.name == "Chen Guoqiang"  # the one case waiting for the county PSB
    assert [r.awaiting_me for r in rows] == sorted(r.awaiting_me for r in rows)


def test_other_exercise_case_cannot_be_seen_or_acted_on(desk, other_desk):
    case = MarriageCase.objects.get(exercise=other_desk.exercise, man__name="Zhang Wenhai")
    client = client_for(desk, "workunit")
    page = client.get(reverse("admin:cases_marriagecase_change", args=[case.pk]), follow=True)
    assert page.status_code == 404 or "is open to you here" in page.content.decode()
    assert post_step(client, case, "begin_dissuasion").status_code == 404
    assert state_of(case) == "filed"
    listing = client.get(reverse("admin:cases_marriagecase_changelist"))
    assert all(c.exercise_id == desk.exercise.pk for c in listing.context["cl"].result_list)


def test_filing_through_the_admin_calls_the_service(desk):
    client = client_for(desk, "workunit")
    man = desk.person("Li Dongshan")
    woman = desk.person("Choe Yong-ae")
    data = {"exercise": desk.exercise.pk, "man": man.pk, "woman": woman.pk,
            "work_unit": desk.office("work_unit").pk, "copies": 2, "variant": "", "note": "Second application"}
    response = client.post(reverse("admin:cases_marriagecase_add"), data, follow=True)
    assert response.status_code == 200
    case = MarriageCase.objects.get(man=man, woman=woman)
    assert case.reference.startswith("MAR-1959-") and case.events.count() == 1
    bad = client.post(reverse("admin:cases_marriagecase_add"), {**data, "copies": 1})
    assert "MAR-4" in bad.content.decode()
    wrong = client_for(desk, "embassy").post(reverse("admin:cases_marriagecase_add"), {**data, "copies": 2})
    assert "you do not hold that office" in wrong.content.decode()
    assert MarriageCase.objects.filter(man=man, woman=woman).count() == 1
