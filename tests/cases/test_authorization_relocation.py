"""The 1959 organised relocation as a batch procedure (AUT-12, AUT-8) and its R1959 figures."""

from __future__ import annotations

import pytest

from cases.errors import ApplicationError
from cases.models import RelocationQuota, RelocationState
from cases.relocation_1959 import R1959_PROVINCES, R1959_TOTAL_HOUSEHOLDS, R1959_TOTAL_PEOPLE
from cases.services.relocation import relocation_debrief, relocation_open_campaign, relocation_open_quota
from cases.services.steps import case_transition
from tests.cases.authorization_helpers import aut

__all__ = ["aut"]
S = RelocationState


def test_aut_12_r1959_figures_add_up():
    """AUT-12: the provinces' rows add up to R1959's 10,297 households and 52,014 people."""
    assert sum(p.sent_households for p in R1959_PROVINCES.values()) == R1959_TOTAL_HOUSEHOLDS == 10_297
    assert sum(p.sent_people for p in R1959_PROVINCES.values()) == R1959_TOTAL_PEOPLE == 52_014
    jilin = R1959_PROVINCES["jilin"]
    assert (jilin.control_households, jilin.applied_households, jilin.control_assumed) == (7_000, 20_000, False)


def test_aut_12_jilin_control_figure_selection_persuasion_departure(aut):
    """AUT-12 / AUT-8: Jilin plans 7,000, 20,000 apply; selection within the figure; all others persuaded."""
    province, commune = aut.user("province"), aut.user("commune")
    quotas = RelocationQuota.objects.filter(exercise=aut.exercise)  # the test desk opened the campaign
    jilin = quotas.get(province="jilin")
    assert jilin.state == S.FIGURE_SET and jilin.next_office.kind == "provincial_committee"
    with pytest.raises(ApplicationError, match="already has an open"):
        relocation_open_quota(exercise=aut.exercise, province="jilin", actor=None)
    jilin = case_transition(case=jilin, transition="record_applications", actor=province,
                            data={"applied_households": 20_000})
    with pytest.raises(ApplicationError, match="control figure is 7,000"):
        case_transition(case=jilin, transition="select_households", actor=province,
                        data={"selected_households": 9_000})
    jilin = case_transition(case=jilin, transition="select_households", actor=province,
                            data={"selected_households": 7_127})
    with pytest.raises(ApplicationError, match="12,873"):
        case_transition(case=jilin, transition="record_persuasion", actor=province,
                        data={"persuaded_households": 10_000})
    jilin = case_transition(case=jilin, transition="record_persuasion", actor=province,
                            data={"persuaded_households": 12_873})
    assert jilin.next_office.kind == "commune"
    with pytest.raises(ApplicationError):  # AUT-8: the province cannot skip the commune's settlement
        case_transition(case=jilin, transition="record_departures", actor=province,
                        data={"departed_households": 7_127, "departed_people": 36_274})
    jilin = case_transition(case=jilin, transition="settle_accounts", actor=commune,
                            data={"settlement_note": "Shares, investments and labour returns refunded"})
    jilin = case_transition(case=jilin, transition="record_departures", actor=province,
                            data={"departed_households": 7_127, "departed_people": 36_274})
    assert jilin.state == S.COMPLETED and jilin.is_closed
    rows, totals = relocation_debrief(aut.exercise)
    row = next(r for r in rows if r.province == "Jilin")
    assert (row.departed_households, row.r1959_households, row.r1959_applied) == (7_127, 7_127, 20_000)
    assert totals["households"] == 7_127 and totals["r1959_people"] == 52_014


def test_aut_12_bad_figures_are_refused_without_changes(aut):
    province = aut.user("province")
    with pytest.raises(ApplicationError, match="AUT-12"):
        relocation_open_quota(exercise=aut.exercise, province="guangdong", actor=None)
    quota = RelocationQuota.objects.get(exercise=aut.exercise, province="liaoning")
    with pytest.raises(ApplicationError, match="whole number"):
        case_transition(case=quota, transition="record_applications", actor=province,
                        data={"applied_households": "many"})
    quota = case_transition(case=quota, transition="record_applications", actor=province,
                            data={"applied_households": 500})
    with pytest.raises(ApplicationError, match="more households than applied"):
        case_transition(case=quota, transition="select_households", actor=province,
                        data={"selected_households": 600})
    assert RelocationQuota.objects.get(pk=quota.pk).state == S.SELECTION


def test_aut_12_campaign_opens_four_provinces_by_the_state_council(aut, other_desk):
    """AUT-12: the State Council's instruction of 18 January 1959 covers four provinces."""
    from tests.desks import authorization_desk

    authorization_desk(other_desk.exercise, "-b")
    RelocationQuota.objects.filter(exercise=other_desk.exercise).delete()
    quotas = relocation_open_campaign(exercise=other_desk.exercise, actor=other_desk.user("statecouncil"))
    assert sorted(q.province for q in quotas) == sorted(R1959_PROVINCES)
    assert all(q.events.get().office.kind == "state_council" for q in quotas)
