"""Fuzzing the returns admin pages with hypothesis: junk input is refused with a message, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.choices import OfficeKind
from cases.models import CrosserCase, ReceptionCase
from cases.models.crosser import AGREED_HANDOVER_POINTS
from tests.cases.returns_support import Ret

pytestmark = pytest.mark.django_db
K = OfficeKind

JUNK = st.one_of(
    st.text(max_size=200),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", " ", "on", "inbound", "outbound", "intercepted", "interception", "notification",
                     "1961_strict", "elsewhere", "tumen_namyang", "<script>x</script>", "' OR 1=1 --"]),
)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _client(ret: Ret, kind: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(ret.user_for(kind))
    return client


@SETTINGS
@given(data=st.dictionaries(
    st.sampled_from(["exercise", "person", "source", "source_reference", "crossing_place", "returned_from_dprk",
                     "settled_by_dprk", "wants_to_return", "direction", "line", "note"]),
    JUNK, max_size=11))
def test_fuzzed_crosser_filing_form_never_500(desk, data):
    ret = Ret(desk)
    count = CrosserCase.objects.count()
    response = _client(ret, K.BORDER_STATION).post(reverse("admin:cases_crossercase_add"), data)
    assert response.status_code in (200, 302)
    assert CrosserCase.objects.count() in (count, count + 1)


@SETTINGS
@given(point=JUNK, note=JUNK)
def test_ret_7_fuzzed_handover_posts_only_ever_hand_over_at_an_agreed_point(desk, point, note):
    ret = Ret(desk, seed=True)
    case = CrosserCase.objects.filter(exercise=ret.exercise, variant="inbound").order_by("id").first()
    if case.state == "reported":
        ret.act(case, "record_identity", identity_details="x", circumstances="y", crossing_cause="family")
        ret.act(case, "check_record", crime_after_crossing=False)
        ret.act(case, "prepare_return")
    client = _client(ret, K.BORDER_REPRESENTATIVE)
    url = reverse("admin:cases_crossercase_step", args=[case.pk, "hand_over_to_dprk"])
    response = client.post(url, {"hand_over_to_dprk-handover_point": point, "hand_over_to_dprk-note": note})
    assert response.status_code == 302
    after = CrosserCase.objects.get(pk=case.pk)
    if after.state == "handed_over":
        assert after.handover_point in AGREED_HANDOVER_POINTS
    else:
        assert after.state == "awaiting_handover"


@SETTINGS
@given(funds=JUNK, coupons=JUNK)
def test_ret_13_fuzzed_funds_and_coupons_never_500(desk, funds, coupons):
    ret = Ret(desk, seed=True)
    case = ReceptionCase.objects.get(exercise=ret.exercise)
    client = _client(ret, K.DPRK_RECEPTION)
    if case.state == "arrived":
        ret.act(case, "clear_files")
    url = reverse("admin:cases_receptioncase_step", args=[case.pk, "issue_funds_and_coupons"])
    response = client.post(url, {"issue_funds_and_coupons-travel_funds_won": funds,
                                 "issue_funds_and_coupons-ration_coupons": coupons})
    assert response.status_code == 302
    after = ReceptionCase.objects.get(pk=case.pk)
    if after.state == "quarantine":
        assert after.travel_funds_won > 0 and after.ration_coupons > 0
