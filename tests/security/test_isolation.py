"""A student of one exercise cannot read or act on another exercise's cases, whatever URL they guess."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases.engine import meta_of, transitions_from
from cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def _urls(case: Case, name: str) -> str:
    opts = case.procedure.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[case.pk] if name != "changelist" else [])


@pytest.mark.parametrize("login", ["teacher", "workunit", "countypsb", "borderrep"])
def test_guessing_urls_of_another_exercise_reveals_and_changes_nothing(desk, other_desk, login):
    theirs = [c.specific() for c in Case.objects.filter(exercise=other_desk.exercise)]
    assert len({c.kind for c in theirs}) >= 5  # every procedure in the demo
    events_before = CaseEvent.objects.filter(exercise=other_desk.exercise).count()
    states_before = dict(Case.objects.filter(exercise=other_desk.exercise).values_list("pk", "state"))
    user = desk.user(login)  # the facilitator of exercise A is not a superuser here: A's teacher only
    user.is_superuser = False
    user.save()
    client = Client()
    client.force_login(user)
    for case in theirs:
        page = client.get(_urls(case, "change"))
        assert page.status_code in (302, 403, 404), (case.kind, page.status_code, page.content[:3000])
        assert case.title.encode() not in page.content
        for t in transitions_from(case):
            opts = case.procedure.model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_step", args=[case.pk, t.name])
            response = client.post(url, {f"{t.name}-reason": "guessing", f"{t.name}-note": meta_of(t).label})
            assert response.status_code == 404, (case.kind, t.name, response.status_code)
        listing = client.get(_urls(case, "changelist"))
        assert listing.status_code in (200, 403)
        if listing.status_code == 200:
            assert all(row.exercise_id == desk.exercise.pk for row in listing.context["cl"].result_list)
    inbox = client.get(reverse("admin:cases_caseproxy_changelist"))
    if inbox.status_code == 200:
        assert all(row.exercise_id == desk.exercise.pk for row in inbox.context["cl"].result_list)
    assert CaseEvent.objects.filter(exercise=other_desk.exercise).count() == events_before
    assert dict(Case.objects.filter(exercise=other_desk.exercise).values_list("pk", "state")) == states_before
