"""Fuzzing the admin's forms and step POSTs with hypothesis: never a 500, nothing changed by bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, CaseEvent, MarriageCase

pytestmark = pytest.mark.django_db

STEP_NAMES = st.one_of(
    st.sampled_from([t.name for t in MarriageCase._meta.get_field("state").get_all_transitions(MarriageCase)]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40)
    .filter(lambda s: "/" not in s and "\x00" not in s),
)
JUNK = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", " ", "on", "off", "true", "1970-13-45", "<script>alert(1)</script>", "' OR 1=1 --", "é" * 50]),
)
FIELDS = st.dictionaries(
    st.sampled_from(["reason", "note", "found_truthful", "remarrying", "post_compatible", "dprk_approval_ref",
                     "passport_number", "visa_number", "marriage_certificate", "foreign_resident_number",
                     "state", "exercise", "csrfmiddlewaretoken"]),
    JUNK,
    max_size=6,
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _totals() -> tuple:
    return tuple(Case.objects.order_by("pk").values_list("state", flat=True)), CaseEvent.objects.count()


@SETTINGS
@given(step=STEP_NAMES, fields=FIELDS, login=st.sampled_from(["embassy", "mfa", "province", "countypsb"]))
def test_fuzzed_step_posts_from_wrong_offices_never_500_and_change_nothing(desk, step, fields, login):
    case = MarriageCase.objects.filter(exercise=desk.exercise, state="filed").order_by("pk").first()
    client = Client(raise_request_exception=False)
    client.force_login(desk.user(login))
    before = _totals()
    url = f"/admin/cases/marriagecase/{case.pk}/step/{step}/"
    response = client.post(url, {f"{step}-{k}": v for k, v in fields.items()})
    assert response.status_code < 500, response.status_code
    assert _totals() == before


@SETTINGS
@given(fields=FIELDS)
def test_fuzzed_inputs_to_a_real_step_never_500(desk, fields):
    """The right office with junk input: a refusal with a message, or a valid step, never a 500."""
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Chen Guoqiang")
    client = Client(raise_request_exception=False)
    client.force_login(desk.user("countypsb"))
    state_before = Case.objects.get(pk=case.pk).state
    response = client.post(
        reverse("admin:cases_marriagecase_step", args=[case.pk, "approve_special_circumstances"]),
        {f"approve_special_circumstances-{k}": v for k, v in fields.items()},
    )
    assert response.status_code == 302
    after = Case.objects.get(pk=case.pk)
    reason = fields.get("reason", "")
    if reason.strip() and "\x00" not in reason:
        assert after.state in (state_before, "special_approved")
    else:
        assert after.state == state_before


@SETTINGS
@given(data=st.dictionaries(
    st.sampled_from(["exercise", "man", "woman", "work_unit", "copies", "woman_crossed_illegally", "variant", "note",
                     "woman_has_work_in_dprk", "man_can_find_work_in_dprk"]),
    JUNK, max_size=10))
def test_fuzzed_filing_form_never_500(desk, data):
    client = Client(raise_request_exception=False)
    client.force_login(desk.user("workunit"))
    count = MarriageCase.objects.count()
    response = client.post(reverse("admin:cases_marriagecase_add"), data)
    assert response.status_code in (200, 302)
    assert MarriageCase.objects.count() in (count, count + 1)
    if response.status_code == 200:
        assert MarriageCase.objects.count() == count


def test_step_posts_need_a_csrf_token(desk):
    case = MarriageCase.objects.get(exercise=desk.exercise, man__name="Zhang Wenhai")
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.user("workunit"))
    response = client.post(reverse("admin:cases_marriagecase_step", args=[case.pk, "begin_dissuasion"]))
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == "filed"
