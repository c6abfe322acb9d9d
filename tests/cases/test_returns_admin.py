"""The returns procedures walked through the admin with the Django test client, office by office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cases.choices import OfficeKind
from cases.models import (
    CorpseCase,
    CrosserCase,
    DetentionCase,
    EmbassyCase,
    Exercise,
    NaturalisationCase,
    ReceptionCase,
    StrayCase,
)
from cases.services.steps import case_transition
from tests.cases.returns_support import Ret

K = OfficeKind
MODELS = [CrosserCase, EmbassyCase, ReceptionCase, CorpseCase, NaturalisationCase, DetentionCase, StrayCase]


@pytest.fixture
def ret(desk):
    return Ret(desk, seed=True)


def client_as(ret: Ret, kind: str) -> Client:
    client = Client()
    client.force_login(ret.user_for(kind))
    return client


def post_step(client: Client, case, step: str, **data):
    name = type(case)._meta.model_name
    url = reverse(f"admin:cases_{name}_step", args=[case.pk, step])
    return client.post(url, {f"{step}-{k}": v for k, v in data.items()}, follow=True)


def fresh(case):
    return type(case).objects.get(pk=case.pk)


def test_ret_5_ret_7_crosser_filed_and_walked_to_its_return_through_the_admin(ret):
    """File an interception, then five offices take the RET-2/RET-5/RET-7 return path."""
    person = ret.korean("Admin walk crosser")
    station = client_as(ret, K.BORDER_STATION)
    data = {"exercise": ret.exercise.pk, "person": person.pk, "source": "interception",
            "source_reference": "Crossing record 88", "crossing_place": "Tumen at Sanhe", "direction": "inbound",
            "line": "", "note": "Caught at dawn"}
    response = station.post(reverse("admin:cases_crossercase_add"), data, follow=True)
    assert response.status_code == 200
    case = CrosserCase.objects.get(person=person)
    assert case.source_reference == "Crossing record 88" and case.events.count() == 1

    page = station.get(reverse("admin:cases_crossercase_change", args=[case.pk])).content.decode()
    assert "Record identity and circumstances" in page and "D10, 9 Jun 1964 Protocol" in page

    steps = [
        (K.BORDER_STATION, "record_identity", {"identity_details": "Ri, farmer of Namyang",
                                               "circumstances": "Crossed for grain", "crossing_cause": "livelihood"}),
        (K.COUNTY_PSB, "check_record", {}),  # both boxes unticked: no case at home, no crime here
        (K.COUNTY_PSB, "prepare_return", {}),
        (K.BORDER_REPRESENTATIVE, "hand_over_to_dprk", {"handover_point": "tumen_namyang"}),
        (K.DPRK_INSPECTION, "confirm_receipt", {}),
    ]
    for kind, step, payload in steps:
        response = post_step(client_as(ret, kind), case, step, **payload)
        assert "Done:" in response.content.decode(), (step, response.content.decode()[:2000])
    final = fresh(case)
    assert final.state == "returned" and final.home_case is False and final.handover_point == "tumen_namyang"


def test_ret_7_handover_elsewhere_is_refused_in_the_admin_and_nothing_changes(ret):
    case = CrosserCase.objects.filter(exercise=ret.exercise, variant="inbound").order_by("id").first()
    ret.act(case, "record_identity", identity_details="x", circumstances="y", crossing_cause="family")
    ret.act(case, "check_record", home_case=False, crime_after_crossing=False)
    ret.act(case, "prepare_return")
    response = post_step(client_as(ret, K.BORDER_REPRESENTATIVE), case, "hand_over_to_dprk", handover_point="elsewhere")
    assert "RET-7" in response.content.decode()
    assert fresh(case).state == "awaiting_handover"


def test_ret_13_reception_walk_in_the_admin_with_the_quarantine_deadline(ret):
    case = ReceptionCase.objects.get(exercise=ret.exercise)
    station = client_as(ret, K.DPRK_RECEPTION)
    assert "Done:" in post_step(station, case, "clear_files").content.decode()
    response = post_step(station, case, "issue_funds_and_coupons", travel_funds_won=40, ration_coupons=15)
    assert "Done:" in response.content.decode()
    page = station.get(reverse("admin:cases_receptioncase_change", args=[case.pk])).content.decode()
    assert "End of quarantine" in page  # the deadline row shows on the case page
    blocked = post_step(station, case, "end_quarantine").content.decode()
    assert "RET-13" in blocked and fresh(case).state == "quarantine"
    deadline = case.deadlines.get()
    Exercise.objects.filter(pk=ret.exercise.pk).update(clock=deadline.due_at + dt.timedelta(hours=1))
    case_transition(case=case, transition=deadline.action, actor=None, system=True)
    response = post_step(client_as(ret, K.DPRK_LABOUR), case, "assign_work", assignment="farm",
                         workplace="Onsong cooperative farm")
    assert "Done:" in response.content.decode() and fresh(case).state == "assigned"


def test_ret_1_an_zaixiu_renunciation_walk_in_the_admin(ret):
    case = EmbassyCase.objects.get(exercise=ret.exercise, person__name="An Zaixiu")
    embassy = client_as(ret, K.EMBASSY)
    for step, payload in [("begin_investigation", {}),
                          ("complete_investigation", {"investigation_findings": "Came legally; works for the DPRK"}),
                          ("forward_renunciation", {})]:
        assert "Done:" in post_step(embassy, case, step, **payload).content.decode(), step
    response = post_step(client_as(ret, K.MFA), case, "approve_renunciation", renunciation_certificate="R-1")
    assert "Done:" in response.content.decode() and fresh(case).state == "renounced"


def test_every_returns_procedure_has_working_list_add_and_case_pages(ret):
    client = Client()
    client.force_login(ret.desk.user("teacher"))
    for model in MODELS:
        name = model._meta.model_name
        assert client.get(reverse(f"admin:cases_{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:cases_{name}_add")).status_code == 200, name
        case = model.objects.filter(exercise=ret.exercise).first()
        page = client.get(reverse(f"admin:cases_{name}_change", args=[case.pk]))
        assert page.status_code == 200, name
        assert case.next_rules.split(",")[0] in page.content.decode(), name


def test_oth_2_work_unit_filing_a_detention_gets_the_rule_back_and_nothing_is_filed(ret):
    person = ret.person("Admin Korean national", "korean_in_china")
    client = client_as(ret, K.WORK_UNIT)
    data = {"exercise": ret.exercise.pk, "person": person.pk, "measure": "detention", "grounds": "Quarrel",
            "reported_by": "work_unit", "note": ""}
    response = client.post(reverse("admin:cases_detentioncase_add"), data)
    # A work unit takes no step in detentions: its admin does not offer their pages at all (issue 17);
    # the service's OTH-2 refusal is the rule's own test (test_returns_other).
    assert response.status_code == 403
    assert not DetentionCase.objects.filter(person=person).exists()
    ok = client_as(ret, K.COUNTY_PSB).post(reverse("admin:cases_detentioncase_add"),
                                           {**data, "reported_by": "county_psb"}, follow=True)
    assert ok.status_code == 200 and DetentionCase.objects.filter(person=person).count() == 1


def test_filing_as_the_wrong_office_is_a_form_error(ret):
    data = {"exercise": ret.exercise.pk, "item_kind": "vessel", "quantity": 1, "place_found": "Yalu at Ji'an",
            "description": "A fishing boat", "note": ""}
    response = client_as(ret, K.EMBASSY).post(reverse("admin:cases_straycase_add"), data)
    # The Embassy takes no step in stray cases: not in its sidebar, and refused at the URL (issue 17).
    assert response.status_code == 403
    assert not StrayCase.objects.filter(place_found="Yalu at Ji'an").exists()


def test_crosser_list_filters_by_direction_and_state(ret):
    client = client_as(ret, K.BORDER_STATION)
    response = client.get(reverse("admin:cases_crossercase_changelist"), {"variant": "outbound"})
    rows = list(response.context["cl"].result_list)
    assert rows and all(r.variant == "outbound" for r in rows)
    response = client.get(reverse("admin:cases_crossercase_changelist"), {"state": "reported"})
    assert all(r.state == "reported" for r in response.context["cl"].result_list)
