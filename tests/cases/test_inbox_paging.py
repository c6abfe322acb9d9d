"""The students' landing page "Awaiting my office" is paged and its count capped, like the admin lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import selectors as queries
from cases.bench.data import bench_exercise, insert_marriage_cases
from cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_desk():
    exercise = bench_exercise("Inbox paging")
    member = exercise.memberships.get(office__kind="work_unit")
    return exercise, member.user, member.office


def _waiting(office) -> list[str]:
    """Every case awaiting ``office``, oldest first: what the pages must show, in this order."""
    return list(Case.objects.filter(next_office=office, closed_at__isnull=True)
                .order_by("state_since", "id").values_list("reference", flat=True))


def _shown(client, **params) -> tuple[list[str], object]:
    response = client.get(reverse("classroom:inbox"), params)
    assert response.status_code == 200
    return [r.case.reference for r in response.context["rows"]], response.context["page"]


def test_inbox_shows_one_page_at_a_time_and_the_pages_cover_the_queue(client, office_desk):
    exercise, user, office = office_desk
    insert_marriage_cases(exercise, 120)
    client.force_login(user)
    expected = _waiting(office)
    per = queries.INBOX_PER_PAGE
    pages = -(-len(expected) // per)
    seen: list[str] = []
    for number in range(1, pages + 1):
        rows, page = _shown(client, page=number)
        assert len(rows) == min(per, len(expected) - (number - 1) * per)
        assert page.number == number and page.count == len(expected) and not page.capped
        seen += rows
    assert seen == expected
    first, _page = _shown(client)
    assert first == expected[:per]
    body = client.get(reverse("classroom:inbox"), {"page": 2}).content.decode()
    assert f"of {len(expected)}, oldest first" in body and 'rel="prev"' in body


def test_inbox_bad_page_numbers_show_a_page_and_never_fail(client, office_desk):
    exercise, user, office = office_desk
    insert_marriage_cases(exercise, 70)
    client.force_login(user)
    expected = _waiting(office)
    assert _shown(client, page="abc")[0] == expected[:queries.INBOX_PER_PAGE]
    assert _shown(client, page="-3")[0] == expected[:queries.INBOX_PER_PAGE]
    rows, page = _shown(client, page="999")
    assert page.number == page.num_pages and rows == expected[(page.number - 1) * queries.INBOX_PER_PAGE:]


def test_inbox_count_is_capped_and_says_more_than(client, office_desk, monkeypatch):
    exercise, user, office = office_desk
    monkeypatch.setattr(queries, "INBOX_COUNT_CAP", 60)
    monkeypatch.setattr(queries, "INBOX_PER_PAGE", 20)
    monkeypatch.setattr(queries, "INBOX_LOOKAHEAD_PAGES", 1)
    insert_marriage_cases(exercise, 150)
    client.force_login(user)
    expected = _waiting(office)
    rows, page = _shown(client)
    assert page.capped and page.count == 60 and rows == expected[:20]
    assert "more than 60" in client.get(reverse("classroom:inbox")).content.decode()
    # Deeper pages still work: the count reaches past the page asked for.
    rows, page = _shown(client, page=5)
    assert page.number == 5 and rows == expected[80:100]


def test_inbox_work_does_not_grow_with_the_queue(client, office_desk):
    """Same number of queries and of rows rendered with 60 and with 600 cases waiting."""
    exercise, user, _office = office_desk
    client.force_login(user)
    url = reverse("classroom:inbox")
    insert_marriage_cases(exercise, 60)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        small_body = client.get(url).content.decode()
    insert_marriage_cases(exercise, 540, start=1000)
    client.get(url)  # the new cases are a new version of the log: the student's view of it is built once again
    with CaptureQueriesContext(connection) as large:
        large_body = client.get(url).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert large_body.count('class="cr-inbox-row"') == small_body.count('class="cr-inbox-row"')
    assert large_body.count('class="cr-inbox-row"') == queries.INBOX_PER_PAGE
