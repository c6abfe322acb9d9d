"""Issue 18: fuzz every add form, every list's query string, the inbox, the Clock page and the console.

As the teacher and as students, with hypothesis: never a 5xx, and after every refused request (a form
shown again with errors, a 4xx, an error message) the database is exactly as before (row counts,
highest ids and exercise clocks, read in one query). The CI default sends well over 10,000 requests
(``BORDER_DESK_FUZZ_SCALE`` multiplies the examples); the session summary prints the count.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django import forms
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.admin.base import CaseAdmin
from cases.admin.filing import ServiceAddMixin
from cases.models import Exercise, Membership
from tests.security.fuzz_support import JUNK, REQUESTS, error_messages, examples, fingerprint

pytestmark = pytest.mark.django_db


def fuzz_settings(n: int) -> settings:
    return settings(max_examples=examples(n), deadline=None, database=None, derandomize=os.environ.get("CI") == "true",
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


def _admin_url(model_admin: admin.ModelAdmin, suffix: str = "") -> str:
    return f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/{suffix}"


LIST_ADMINS = sorted(
    (ma for model, ma in admin.site._registry.items() if model._meta.app_label in ("cases", "permits")),
    key=lambda ma: ma.opts.label_lower,
)
CASE_ADMINS = [ma for ma in LIST_ADMINS if isinstance(ma, CaseAdmin)]
ADD_ADMINS = [ma for ma in LIST_ADMINS if isinstance(ma, ServiceAddMixin)]


class Session:
    """Logged-in clients of the desk (the teacher and every student), and the checks of one request."""

    def __init__(self, desk, test: str) -> None:
        self.desk = desk
        self.test = test
        self.clients: dict[str, Client] = {}
        users = Membership.objects.filter(exercise=desk.exercise).select_related("user").order_by("user__username")
        self.logins = sorted({m.user.username for m in users})

    def client(self, login: str) -> Client:
        if login not in self.clients:
            from django.contrib.auth import get_user_model

            client = Client(raise_request_exception=False)
            client.force_login(get_user_model().objects.get(username=login))
            self.clients[login] = client
        return self.clients[login]

    def send(self, login: str, method: str, url: str, data: dict) -> object:
        """Send one request; fail on a 5xx; return the response and whether it was refused."""
        client = self.client(login)  # logging in writes a session row: before the fingerprint
        before = fingerprint()
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        refused = method == "GET" or response.status_code >= 400 or bool(error_messages(response)) or (
            response.status_code == 200 and _form_errors(response))
        REQUESTS.count(self.test, response.status_code, refused)
        assert response.status_code < 500, (login, method, url, data, response.status_code)
        if refused:
            assert fingerprint() == before, ("a refused request changed the database", login, method, url, data)
        return response


def _form_errors(response) -> bool:
    context = response.context or {}
    form = context.get("adminform").form if context.get("adminform") is not None else context.get("form")
    return bool(form is not None and getattr(form, "errors", None))


# --- Lists: p, o, q, filters, for every admin list and the inbox -------------------------------------

LIST_KEYS = ["p", "o", "q", "all", "e", "_facets", "exercise__id__exact", "next_office__id__exact", "state", "kind",
             "variant", "status", "office__id__exact", "exercise", "next_office", "point__id__exact",
             "direction__exact", "side__exact", "id__gt", "pk__in", "_popup", "_to_field", "due_at__year",
             "due_at__month", "meeting_kind__exact", "regime__exact", "province__exact", "in_region__exact"]


@fuzz_settings(1500)
@given(data=st.data())
def test_fuzzed_list_query_strings_never_500(desk, data):
    session = _session(desk, "lists")
    for _ in range(4):
        model_admin = data.draw(st.sampled_from(LIST_ADMINS))
        login = data.draw(st.sampled_from(session.logins))
        params = data.draw(st.dictionaries(st.sampled_from(LIST_KEYS), JUNK, max_size=4))
        session.send(login, "GET", _admin_url(model_admin), params)


_SESSIONS: dict[str, Session] = {}


def _session(desk, test: str) -> Session:
    """Return the test's clients, logged in once per test function (hypothesis runs its examples inside)."""
    session = _SESSIONS.get(test)
    if session is None or session.desk is not desk:
        session = _SESSIONS[test] = Session(desk, test)
    return session


# --- Case pages: history, change page, steps with junk ---------------------------------------------

@fuzz_settings(300)
@given(data=st.data())
def test_fuzzed_case_pages_and_history_never_500(desk, data):
    session = _session(desk, "case pages")
    for _ in range(4):
        model_admin = data.draw(st.sampled_from(CASE_ADMINS))
        pks = list(model_admin.model._default_manager.values_list("pk", flat=True)[:20])
        object_id = data.draw(st.one_of(st.sampled_from(pks or ["1"]), JUNK.filter(lambda s: s and "/" not in s)))
        suffix = data.draw(st.sampled_from(["", "history/", "change/", "delete/"]))
        login = data.draw(st.sampled_from(session.logins))
        session.send(login, "GET", _admin_url(model_admin, f"{object_id}/{suffix}"),
                     data.draw(st.dictionaries(st.sampled_from(["p", "_changelist_filters", "_popup"]), JUNK,
                                               max_size=2)))


# --- Add forms -------------------------------------------------------------------------------------

def _form_fields(session: Session, model_admin: admin.ModelAdmin) -> dict[str, forms.Field]:
    response = session.client("teacher" if "teacher" in session.logins else session.logins[0]).get(
        _admin_url(model_admin, "add/"))
    assert response.status_code == 200, model_admin.opts.label
    return dict(response.context["adminform"].form.fields)


def _value(field: forms.Field) -> st.SearchStrategy[str]:
    """A plausible value for the field (a real choice, a small number, a date) or junk."""
    plausible: st.SearchStrategy = st.just("")
    if isinstance(field, forms.ModelChoiceField):
        pks = [str(pk) for pk in field.queryset.order_by("pk").values_list("pk", flat=True)[:30]]
        plausible = st.sampled_from(pks) if pks else st.just("")
    elif isinstance(field, forms.ChoiceField):
        values = [str(v) for v, _ in field.choices if v not in ("", None)]
        plausible = st.sampled_from(values) if values else st.just("")
    elif isinstance(field, forms.BooleanField):
        plausible = st.sampled_from(["on", ""])
    elif isinstance(field, forms.IntegerField):
        plausible = st.integers(min_value=-2, max_value=5).map(str)
    elif isinstance(field, forms.DateField):
        plausible = st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(1971, 12, 31)).map(str)
    else:
        plausible = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
    return st.one_of(plausible, plausible, JUNK)


_FIELDS: dict[str, dict[str, forms.Field]] = {}


@fuzz_settings(700)
@given(data=st.data())
def test_fuzzed_add_forms_never_500_and_refusals_change_nothing(desk, data):
    session = _session(desk, "add forms")
    for _ in range(3):
        model_admin = data.draw(st.sampled_from(ADD_ADMINS))
        label = model_admin.opts.label_lower
        if label not in _FIELDS:
            _FIELDS[label] = _form_fields(session, model_admin)
        fields = _FIELDS[label]
        post = {name: data.draw(_value(field), label=name) for name, field in fields.items()
                if data.draw(st.booleans())}
        if "exercise" in fields and data.draw(st.booleans()):
            post["exercise"] = str(desk.exercise.pk)
        login = data.draw(st.sampled_from(session.logins))
        url = _admin_url(model_admin, "add/")
        response = session.send(login, "POST", url, post)
        # A form that passed is never refused afterwards (the dry run made the service's checks).
        assert not (response.status_code == 302 and response["Location"] == url), (label, post)


# --- The inbox (classroom) ---------------------------------------------------------------------------

@fuzz_settings(150)
@given(data=st.data())
def test_fuzzed_classroom_inbox_never_500(desk, data):
    session = _session(desk, "inbox")
    for _ in range(4):
        login = data.draw(st.sampled_from(session.logins))
        params = data.draw(st.dictionaries(st.sampled_from(["p", "o", "q", "kind", "office", "exercise", "all"]),
                                           JUNK, max_size=3))
        session.send(login, "GET", reverse("classroom:inbox"), params)


# --- The Clock page and the console ------------------------------------------------------------------



def _seen_clock(desk) -> str:
    return Exercise.objects.get(pk=desk.exercise.pk).clock.isoformat()


@fuzz_settings(250)
@given(data=st.data())
def test_fuzzed_clock_page_never_500_and_refusals_change_nothing(desk, data):
    session = _session(desk, "clock page")
    url = reverse("admin:cases_exercise_clock", args=[desk.exercise.pk])
    for _ in range(3):
        login = data.draw(st.sampled_from(session.logins))
        kind = data.draw(st.sampled_from(["advance", "pace", "junk"]))
        if kind == "advance":
            post = {"advance-days": data.draw(st.one_of(st.integers(1, 3).map(str), JUNK)),
                    "advance-to": data.draw(st.one_of(st.just(""), JUNK)),
                    "advance-note": data.draw(JUNK)}
        elif kind == "pace":
            post = {"pace-pace": data.draw(st.one_of(st.integers(0, 2).map(str), JUNK))}
        else:
            post = data.draw(st.dictionaries(JUNK, JUNK, max_size=3))
        session.send(login, "POST", url, post)
        session.send(login, "GET", url, {})


CONSOLE_ACTIONS = ["advance", "year", "to_date", "join", "regime", "fire", "inject", "pause", "resume", "autopilot",
                   "assign", "", "nonsense"]


@fuzz_settings(350)
@given(data=st.data())
def test_fuzzed_console_actions_never_500_and_refusals_change_nothing(desk, data):
    session = _session(desk, "console")
    url = reverse("classroom:console", args=[desk.exercise.pk])
    memberships = [str(pk) for pk in Membership.objects.filter(exercise=desk.exercise).values_list("pk", flat=True)]
    offices = [str(pk) for pk in desk.exercise.offices.values_list("pk", flat=True)]
    for _ in range(3):
        login = data.draw(st.sampled_from(session.logins))
        action = data.draw(st.sampled_from(CONSOLE_ACTIONS))
        # The right clock only with a short move (a long one is a fast-forward of the whole demo: slow,
        # and not what a fuzz of input handling is for); any other move is made against junk.
        right_clock = action == "advance" and data.draw(st.booleans())
        post = {
            "action": action,
            "seen_clock": _seen_clock(desk) if right_clock else data.draw(st.one_of(JUNK, st.just(_seen_clock(desk)))
                                                                           if action not in ("year", "to_date",
                                                                                             "advance") else JUNK),
            "days": data.draw(st.integers(1, 2).map(str)) if right_clock else data.draw(JUNK),
            "date": data.draw(JUNK),
            "regime": data.draw(JUNK),
            "migrate": data.draw(st.sampled_from(["on", ""])),
            "event": data.draw(JUNK),
            "kind": data.draw(JUNK), "label": data.draw(JUNK), "text": data.draw(JUNK), "source": data.draw(JUNK),
            "enabled": data.draw(st.sampled_from(["on", ""])),
            "seed": data.draw(JUNK),
            "membership": data.draw(st.one_of(st.sampled_from(memberships), JUNK)),
            "office": data.draw(st.one_of(st.sampled_from(offices), JUNK)),
        }
        post = {k: v for k, v in post.items() if k == "action" or data.draw(st.booleans())}
        session.send(login, "POST", url, post)


def test_the_fuzz_tally_counts_requests_and_5xx():
    """The summary line is honest: the tally counts what was sent (checked on a request of its own)."""
    sent, errors = REQUESTS.requests, REQUESTS.server_errors
    REQUESTS.count("self-check", 200, True)
    assert REQUESTS.requests == sent + 1 and REQUESTS.server_errors == errors
    REQUESTS.requests -= 1
    REQUESTS.refused -= 1
    del REQUESTS.by_test["self-check"]
