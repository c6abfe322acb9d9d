"""Page a case list with the user's own queue first, using indexes instead of sorting every row.

Ordering by "awaiting my office" as an expression makes the database sort the whole table on every
page view; at a province's scale that is the slowest thing on the page. Two indexed queries do the
same: the user's queue (oldest first), then everything else (oldest first).

Counting is capped: an exact COUNT reads every matching row, so a province's year of cases would
make every page view slower. The lists count at most ``COUNT_CAP`` rows (or, deep in the list, ten
pages past the one shown) and say "more than N" when there are more; pages keep working, since the
cap always reaches past the page asked for, and filters or a search give exact counts again once
they narrow the list below the cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

COUNT_CAP = 1000  # rows counted at most on the first pages: twenty pages of fifty
LOOKAHEAD_PAGES = 10  # deeper in the list, count this many pages past the one shown
MAX_PAGE = 1_000_000  # a page number past this is read as this (keeps every LIMIT within 64 bits)


def capped_count(queryset: QuerySet[Any], limit: int) -> int:
    """Count the rows of ``queryset``, reading at most ``limit + 1`` of them (a LIMITed subquery).

    The answer is exact up to ``limit``; ``limit + 1`` means "more than ``limit``".
    """
    if limit < 0:
        return 0
    return queryset.order_by()[: limit + 1].count()


def count_limit(request: HttpRequest, per_page: int) -> int:
    """Return how far to count for the page the request asks for: never short of the next pages."""
    try:
        page = min(max(int(request.GET.get(PAGE_VAR, 1)), 1), MAX_PAGE)
    except (TypeError, ValueError):
        page = 1
    return max(COUNT_CAP, (page + LOOKAHEAD_PAGES) * per_page)


class MineFirstList(Sequence[Any]):
    """A lazy list over two querysets, sliced by the paginator."""

    def __init__(self, mine: QuerySet[Any], rest: QuerySet[Any], limit: int | None = None) -> None:
        self.mine = mine
        self.rest = rest
        self.limit = limit
        self._last: tuple[tuple[int, int], list[Any]] | None = None

    @cached_property
    def mine_count(self) -> int:
        """Rows in the user's queue (with a limit: at most ``limit + 1``, meaning "more")."""
        return self.mine.count() if self.limit is None else capped_count(self.mine, self.limit)

    @cached_property
    def rest_count(self) -> int:
        """Rows after the queue (with a limit: only as many as the limit leaves room for, plus one)."""
        if self.limit is None:
            return self.rest.count()
        # When the queue alone passes the limit, no page within it reaches the rest: do not count it.
        return capped_count(self.rest, self.limit - self.mine_count)

    @property
    def capped(self) -> bool:
        """True when there are more rows than the limit: the count then says "more than" it."""
        return self.limit is not None and self.mine_count + self.rest_count > self.limit

    def count(self) -> int:  # type: ignore[override]
        if self.capped:
            assert self.limit is not None
            return self.limit
        return self.mine_count + self.rest_count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            return next(iter(self[index : index + 1]))
        start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
        # The change list asks for its page twice (Django's get_results, then ours): fetch it once.
        if self._last is not None and self._last[0] == (start, stop):
            return list(self._last[1])
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
        self._last = ((start, stop), out)
        return list(out)


class CappedPaginator(Paginator):
    """A paginator that counts at most ``limit`` rows and knows when there are more (``capped``).

    ``count`` is then ``limit``: the pages it offers all exist and are full; the list says "more
    than" it. Without a limit it is Django's paginator.
    """

    def __init__(self, object_list: Any, per_page: int, *, limit: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit
        self.capped = False

    @cached_property
    def count(self) -> int:
        if self.limit is None or not isinstance(self.object_list, QuerySet):
            return super().count
        found = capped_count(self.object_list, self.limit)
        self.capped = found > self.limit
        return min(found, self.limit)


class MineFirstPaginator(CappedPaginator):
    """A paginator whose object list is a :class:`MineFirstList` (which does its own capped counting)."""

    def __init__(self, object_list: MineFirstList, per_page: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, limit=object_list.limit, **kwargs)

    @cached_property
    def count(self) -> int:
        found = self.object_list.count()
        self.capped = self.object_list.capped
        return found

    def _check_object_list_is_ordered(self) -> None:
        """Each part is ordered by the oldest wait; nothing to warn about."""


def mine_first(queryset: QuerySet[Any], office_ids: list[int], limit: int | None = None) -> MineFirstList:
    """Split a case queryset into the user's queue and the rest, each oldest first."""
    base = queryset.order_by()
    order = ("state_since", "id")
    if not office_ids:
        return MineFirstList(base.none(), base.order_by(*order), limit)
    return MineFirstList(
        base.filter(next_office_id__in=office_ids).order_by(*order),
        base.exclude(next_office_id__in=office_ids).order_by(*order),
        limit,
    )


class NearestPageChangeList(ChangeList):
    """A change list that shows the nearest page, with a message, when asked for one that does not exist.

    Django answers ``?p=0`` or a page past the end by redirecting to an error page; a page number too
    large for the database was a 500. Page 0 and below show page 1; a page past the end shows the last.
    """

    def get_results(self, request: HttpRequest) -> None:
        asked = self.page_num
        self.page_num = min(max(asked, 1), MAX_PAGE)
        try:
            super().get_results(request)
        except IncorrectLookupParameters:  # raised by Django for a page past the end of a long list
            self.page_num = max(self.model_admin.get_paginator(request, self.queryset, self.list_per_page).num_pages, 1)
            super().get_results(request)
        # A list that fits on one page is shown whole by Django whatever page was asked for: say page 1.
        self.page_num = min(self.page_num, max(self.paginator.num_pages, 1))
        if self.page_num != asked and PAGE_VAR in request.GET:
            messages.warning(request, f"There is no page {asked}; showing page {self.page_num}.")


class MineFirstChangeList(NearestPageChangeList):
    """A change list that takes its rows from the mine-first paginator even on a single page.

    Django's ChangeList shows the plain queryset when everything fits on one page; the queue order
    lives in the paginator, so use it always.
    """

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        if isinstance(self.paginator, MineFirstPaginator):
            if self.show_all and self.can_show_all:
                self.result_list = self.paginator.object_list[0 : self.result_count]
                return
            self.result_list = self.paginator.page(self.page_num).object_list
