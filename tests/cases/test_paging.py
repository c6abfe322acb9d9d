"""The mine-first listing pages through the user's queue, then the rest, each oldest first."""

from __future__ import annotations

import pytest

from cases.admin.paging import MineFirstPaginator, mine_first
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
