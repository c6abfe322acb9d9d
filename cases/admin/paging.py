"""Page a case list with the user's own queue first, using indexes instead of sorting every row.

Ordering by "awaiting my office" as an expression makes the database sort the whole table on every
page view; at a province's scale that is the slowest thing on the page. Two indexed queries do the
same: the user's queue (oldest first), then everything else (oldest first).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


class MineFirstList(Sequence[Any]):
    """A lazy list over two querysets, sliced by the paginator."""

    def __init__(self, mine: QuerySet[Any], rest: QuerySet[Any]) -> None:
        self.mine = mine
        self.rest = rest

    @cached_property
    def mine_count(self) -> int:
        return self.mine.count()

    @cached_property
    def rest_count(self) -> int:
        return self.rest.count()

    def count(self) -> int:  # type: ignore[override]
        return self.mine_count + self.rest_count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            return next(iter(self[index : index + 1]))
        start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
        out: list[Any] = []
        if start < self.mine_count:
            for obj in self.mine[start : min(stop, self.mine_count)]:
                obj.awaiting_me = 0
                out.append(obj)
        if stop > self.mine_count:
            lo, hi = max(start - self.mine_count, 0), stop - self.mine_count
            for obj in self.rest[lo:hi]:
                obj.awaiting_me = 1
                out.append(obj)
        return out


class MineFirstPaginator(Paginator):
    """A paginator whose object list is a :class:`MineFirstList`."""

    def __init__(self, object_list: MineFirstList, per_page: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)

    def _check_object_list_is_ordered(self) -> None:
        """Each part is ordered by the oldest wait; nothing to warn about."""


def mine_first(queryset: QuerySet[Any], office_ids: list[int]) -> MineFirstList:
    """Split a case queryset into the user's queue and the rest, each oldest first."""
    base = queryset.order_by()
    order = ("state_since", "id")
    if not office_ids:
        return MineFirstList(base.none(), base.order_by(*order))
    return MineFirstList(
        base.filter(next_office_id__in=office_ids).order_by(*order),
        base.exclude(next_office_id__in=office_ids).order_by(*order),
    )


class MineFirstChangeList(ChangeList):
    """A change list that takes its rows from the mine-first paginator even on a single page.

    Django's ChangeList shows the plain queryset when everything fits on one page; the queue order
    lives in the paginator, so use it always.
    """

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        if isinstance(self.paginator, MineFirstPaginator):
            if self.show_all and self.can_show_all:
                self.result_list = self.paginator.object_list[0 : self.result_count]
            else:
                self.result_list = self.paginator.page(self.page_num).object_list
