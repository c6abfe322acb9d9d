"""The mine-first listing pages through the user's queue, then the rest, each oldest first."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases.admin.paging import CappedPaginator, MineFirstPaginator, capped_count, mine_first
from cases.models import Case

pytestmark = pytest.mark.django_db


def test_pages_run_through_my_queue_then_the_rest(desk):
    office = desk.office("county_psb")
    qs = Case.objects.filter(exercise=desk.exercise)
    listing = mine_first(qs, [office.pk])
    mine = qs.filter(next_office=office).count()
    assert mine >= 1 and listing.count() == qs.count()
    paginator = MineFirstPaginator(listing, 2)
    seen = [obj for n in paginator.page_range for obj in paginator.page(n).object_list]
    assert [o.pk for o in seen] == list(
        qs.filter(next_office=office).order_by("state_since", "id").values_list("pk", flat=True)
    ) + list(qs.exclude(next_office=office).order_by("state_since", "id").values_list("pk", flat=True))
    assert [o.awaiting_me for o in seen] == [0] * mine + [1] * (len(seen) - mine)


def _ordered_pks(qs, office):
    return list(qs.filter(next_office=office).order_by("state_since", "id").values_list("pk", flat=True)) + list(
        qs.exclude(next_office=office).order_by("state_since", "id").values_list("pk", flat=True))


def test_a_capped_count_says_more_and_pages_stay_in_order(desk):
    office = desk.office("county_psb")
    qs = Case.objects.filter(exercise=desk.exercise)
    total = qs.count()
    assert total > 3
    listing = mine_first(qs, [office.pk], limit=3)
    assert listing.capped and listing.count() == 3
    paginator = MineFirstPaginator(listing, 2)
    assert paginator.count == 3 and paginator.capped and paginator.num_pages == 2
    seen = [o.pk for n in paginator.page_range for o in paginator.page(n).object_list]
    assert seen == _ordered_pks(qs, office)[:3]


def test_a_count_under_the_cap_is_exact(desk):
    office = desk.office("county_psb")
    qs = Case.objects.filter(exercise=desk.exercise)
    listing = mine_first(qs, [office.pk], limit=qs.count())
    assert not listing.capped and listing.count() == qs.count()
    paginator = MineFirstPaginator(listing, 2)
    assert not paginator.capped and paginator.count == qs.count()


def test_capped_paginator_for_a_sorted_list(desk):
    qs = Case.objects.filter(exercise=desk.exercise).order_by("reference")
    paginator = CappedPaginator(qs, 2, limit=3)
    assert paginator.count == 3 and paginator.capped
    assert [c.pk for c in paginator.page(2).object_list] == list(qs.values_list("pk", flat=True))[2:3]
    exact = CappedPaginator(qs, 2, limit=10_000)
    assert exact.count == qs.count() and not exact.capped
    assert capped_count(qs, 0) == 1 and capped_count(qs, -1) == 0


@pytest.fixture
def tiny_pages(monkeypatch):
    """A case list with one row per page and a count cap of two rows (the real cap is 1000)."""
    from django.contrib import admin

    from cases.admin import paging
    from cases.models import MarriageCase

    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    monkeypatch.setattr(paging, "LOOKAHEAD_PAGES", 1)
    monkeypatch.setattr(admin.site._registry[MarriageCase], "list_per_page", 1)


def test_the_list_says_more_than_when_the_count_is_capped_and_later_pages_still_open(desk, tiny_pages):
    from cases.models import MarriageCase

    client = Client()
    client.force_login(desk.user("workunit"))
    url = reverse("admin:cases_marriagecase_changelist")
    total = MarriageCase.objects.filter(exercise=desk.exercise).count()
    assert total >= 4
    first = client.get(url)
    assert first.status_code == 200
    assert first.context["cl"].paginator.capped and first.context["cl"].result_count == 2
    assert "more than 2 marriage cases" in first.content.decode()
    # Deeper pages count further ahead, so every page stays reachable one after another.
    seen = []
    for page in range(1, total + 1):
        response = client.get(url, {"p": page})
        assert response.status_code == 200
        seen += [c.pk for c in response.context["cl"].result_list]
    assert sorted(seen) == sorted(MarriageCase.objects.filter(exercise=desk.exercise).values_list("pk", flat=True))
    last = client.get(url, {"p": total})
    assert not last.context["cl"].paginator.capped and last.context["cl"].result_count == total
    assert f"{total} marriage cases" in last.content.decode()
    # Sorted by a column, the plain paginator counts with the same cap.
    sorted_page = client.get(url, {"o": "1"})
    assert sorted_page.context["cl"].paginator.capped and "more than 2" in sorted_page.content.decode()


def test_the_list_gives_the_exact_count_under_the_cap(desk):
    from cases.models import MarriageCase

    client = Client()
    client.force_login(desk.user("workunit"))
    response = client.get(reverse("admin:cases_marriagecase_changelist"))
    total = MarriageCase.objects.filter(exercise=desk.exercise).count()
    assert not response.context["cl"].paginator.capped and response.context["cl"].result_count == total
    assert f"{total} marriage cases" in response.content.decode() and "more than" not in response.content.decode()
