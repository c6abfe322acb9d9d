"""One walk of each marriage variant through the services, from filing to a closed case."""

from __future__ import annotations

import pytest

from tests.cases.marriage_helpers import (
    TAIL_TO_REGISTERED,
    TO_CHINA_APPROVED_1958,
    TO_CHINA_APPROVED_PRE1958,
    file_case,
    walk,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("variant", "head", "offices"),
    [
        ("1958", TO_CHINA_APPROVED_1958, {"work_unit", "mfa", "dprk_spa", "embassy", "civil_affairs", "county_psb"}),
        ("pre1958", TO_CHINA_APPROVED_PRE1958,
         {"work_unit", "provincial_committee", "central_committee", "mfa", "dprk_spa", "embassy", "civil_affairs",
          "county_psb"}),
    ],
)
def test_walk_variant_to_registration(desk, variant, head, offices):
    """MAR-0 compared: the same application walked under each procedure ends registered (MAR-7)."""
    case = walk(desk, file_case(desk, variant=variant), head + TAIL_TO_REGISTERED)
    assert case.state == "registered"
    assert {e.office.kind for e in case.events.all()} == offices
    assert case.events.count() == 1 + len(head) + len(TAIL_TO_REGISTERED)


def test_walk_settlement_in_dprk(desk):
    """MAR-8 walked: approval in China, exit permission, DPRK entry."""
    case = walk(desk, file_case(desk, man_can_find_work_in_dprk=True), TO_CHINA_APPROVED_1958 + [
        ("choose_settlement_in_dprk", "workunit", {}),
        ("grant_exit_permission", "countypsb", {}),
        ("approve_entry", "dprksafety", {}),
    ])
    assert case.state == "settled_in_dprk" and case.closed_at is not None
