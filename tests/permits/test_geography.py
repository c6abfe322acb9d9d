"""Border geography as data: the region (PER-2), the points (PER-9), the hours (PER-8)."""

import datetime as dt

import pytest

from cases.choices import OfficeKind
from cases.errors import ApplicationError
from permits.models import BorderCounty, CrossingHours, CrossingPoint
from permits.selectors import border_region, county_in_region, within_hours
from permits.services.geography import border_region_change
from tests.permits.conftest import bj

NINE = {"Yanji City", "Hunjiang City", "Yanji County", "Helong County", "Hunchun County", "Wangqing County",
        "Antu County", "Changbai County", "Ji'an County"}


@pytest.mark.django_db
def test_per2_nine_jilin_cities_and_counties_form_the_chinese_border_region():
    """PER-2: D9 names nine Jilin cities and counties; all are in the region, and no other Chinese one."""
    chinese = BorderCounty.objects.filter(side="CN")
    assert {c.name for c in chinese} == NINE
    assert all(c.in_border_region and c.province == "Jilin" for c in chinese)
    assert BorderCounty.objects.get(name="Changbai County").other_names == "Zhangbai"


@pytest.mark.django_db
def test_per2_dprk_counties_face_the_chinese_ones_and_guesses_are_marked():
    """PER-2: each Chinese county faces DPRK counties; facts the sources lack carry an assumption."""
    helong = BorderCounty.objects.get(name="Helong County")
    assert [c.name for c in helong.faces.all()] == ["Musan County"]
    assert BorderCounty.objects.get(name="Musan County").side == "KP"
    assert BorderCounty.objects.get(name="Antu County").assumption
    assert not BorderCounty.objects.get(name="Ji'an County").assumption
    assert BorderCounty.objects.filter(side="KP", in_border_region=True).count() == 9


@pytest.mark.django_db
def test_per9_crossing_points_have_inspection_bodies_on_both_sides():
    """PER-9: crossings happen at agreed points with an inspection body on each side."""
    nanping = CrossingPoint.objects.get(name="Nanping - Musan")
    assert nanping.cn_county.name == "Helong County" and nanping.kp_county.name == "Musan County"
    assert nanping.cn_inspection_body and nanping.kp_inspection_body
    for point in CrossingPoint.objects.all():
        assert point.cn_county.side == "CN" and point.kp_county.side == "KP"
        assert point.cn_county.name in NINE


@pytest.mark.django_db
def test_per8_seasonal_hours_in_beijing_and_pyongyang_time():
    """PER-8: Apr-Sep 08:00-17:00, Oct-Mar 09:00-16:00 Beijing time; Pyongyang one hour later."""
    summer, winter = CrossingHours.objects.order_by("first_month")
    assert (summer.first_month, summer.last_month, summer.opens, summer.closes) == (4, 9, dt.time(8), dt.time(17))
    assert (winter.first_month, winter.last_month, winter.opens, winter.closes) == (10, 3, dt.time(9), dt.time(16))
    assert summer.pyongyang_label == "09:00-18:00 Pyongyang"
    assert winter.pyongyang_label == "10:00-17:00 Pyongyang"
    assert winter.covers(1) and winter.covers(12) and not winter.covers(4)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (bj(1964, 10, 15, 16, 0), True),    # October closes at 16:00: 16:00 still open
        (bj(1964, 10, 15, 16, 1), False),
        (bj(1964, 10, 15, 9, 0), True),
        (bj(1964, 10, 15, 8, 59), False),
        (bj(1964, 9, 15, 17, 0), True),     # September closes at 17:00
        (bj(1964, 9, 15, 17, 1), False),
        (bj(1964, 9, 15, 8, 0), True),
        (bj(1964, 9, 15, 7, 59), False),
        (bj(1965, 3, 31, 16, 30), False),   # 31 March is still winter
        (bj(1965, 4, 1, 16, 30), True),     # 1 April is summer
        (bj(1965, 3, 31, 8, 30), False),
        (bj(1965, 4, 1, 8, 30), True),
        (bj(1964, 9, 30, 16, 30), True),    # 30 September is still summer
        (bj(1964, 10, 1, 16, 30), False),   # 1 October is winter
        (bj(1964, 10, 1, 8, 30), False),
        (bj(1964, 9, 30, 8, 30), True),
        (dt.datetime(1964, 10, 15, 8, 0, tzinfo=dt.UTC), True),   # 16:00 in Beijing
        (dt.datetime(1964, 10, 15, 8, 1, tzinfo=dt.UTC), False),  # 16:01 in Beijing
    ],
)
def test_per8_hour_edges(moment, allowed):
    """PER-8: the edges of the hours and of the seasons, read on the Beijing clock."""
    assert within_hours(moment)[0] is allowed


def test_per2_border_region_change_is_recorded_and_notified_to_the_other_side(helong):
    """PER-2 (D10 Art. 6): a change of the region takes effect in one exercise and the DPRK side is notified."""
    antu = helong.county("Antu County")
    change = border_region_change(exercise=helong.exercise, county=antu, in_region=False,
                                  actor=helong.user("jilinpsb"), note="Administrative division changed.")
    assert change.notified_to == helong.office(OfficeKind.DPRK_SAFETY)
    assert change.notified_by == helong.office(OfficeKind.PROVINCIAL_PSB)
    assert change.notified_at == helong.exercise.clock
    assert not county_in_region(helong.exercise, antu)
    assert antu not in border_region(helong.exercise, "CN")
    antu.refresh_from_db()
    assert antu.in_border_region  # the shared base is untouched: other exercises keep Antu


def test_per2_only_the_province_or_ministry_changes_the_region(helong):
    """PER-2: a station cannot redraw the border region, and a no-op change is refused."""
    antu = helong.county("Antu County")
    with pytest.raises(ApplicationError, match="PER-2"):
        border_region_change(exercise=helong.exercise, county=antu, in_region=False, actor=helong.user("nanping"))
    with pytest.raises(ApplicationError, match="already in"):
        border_region_change(exercise=helong.exercise, county=antu, in_region=True, actor=helong.user("jilinpsb"))
    with pytest.raises(ApplicationError, match="other side"):
        border_region_change(exercise=helong.exercise, county=antu, in_region=False, actor=helong.teacher,
                             notified_to=helong.office(OfficeKind.COUNTY_PSB))
    assert county_in_region(helong.exercise, antu)
