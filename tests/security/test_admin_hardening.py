"""Issue 18: no 500 from the case pages' links and query strings (history pages, out-of-range pages)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import admin
from django.test import Client
from django.utils.html import escape

from cases.admin.base import CaseAdmin

pytestmark = pytest.mark.django_db

CASE_ADMINS = sorted(
    (ma for ma in admin.site._registry.values() if isinstance(ma, CaseAdmin)), key=lambda ma: ma.opts.model_name
)
ADMIN_IDS = [ma.opts.model_name for ma in CASE_ADMINS]


def _base(model_admin: CaseAdmin) -> str:
    return f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/"


def _client(desk, login: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(desk.user(login))
    return client


@pytest.mark.parametrize("model_admin", CASE_ADMINS, ids=ADMIN_IDS)
@pytest.mark.parametrize("login", ["teacher", "countypsb"])
def test_every_case_history_page_shows_the_case_timeline(desk, model_admin, login):
    """Issue 18.1: the History link on every case page was a FieldError (mine-first paging of LogEntry)."""
    case = model_admin.model._default_manager.filter(exercise=desk.exercise).order_by("pk").first()
    assert case is not None, f"the demo desk has no {model_admin.opts.model_name}"
    client = _client(desk, login)
    response = client.get(f"{_base(model_admin)}{case.pk}/history/")
    if login == "teacher":
        assert response.status_code == 200, response.status_code
        body = response.content.decode()
        assert 'id="bd-case-history"' in body
        first = case.events.order_by("sim_time", "id").first()
        assert first is not None and escape(first.label) in body
    else:  # a student: his own page, or a refusal; never a 500
        assert response.status_code in (200, 302, 403, 404), response.status_code


def test_a_history_page_of_a_case_outside_the_users_exercises_is_not_found(desk, other_desk):
    case = other_desk.exercise.cases.order_by("pk").first()
    model_admin = admin.site._registry[case.procedure.model]
    specific = case.procedure.model._default_manager.get(pk=case.pk)
    response = _client(desk, "countypsb").get(f"{_base(model_admin)}{specific.pk}/history/")
    assert response.status_code in (302, 403, 404)
    assert specific.reference not in response.content.decode()


@pytest.mark.parametrize("model_admin", CASE_ADMINS, ids=ADMIN_IDS)
@pytest.mark.parametrize("page", ["0", "-1", "2", "99999", "99999999999999999999"])
def test_out_of_range_pages_show_the_nearest_page_with_a_message(desk, model_admin, page):
    """Issue 18.2: ?p=0, -1, 2 on a one-page list, 99999 (EmptyPage), 20 digits (datatype mismatch)."""
    response = _client(desk, "teacher").get(_base(model_admin), {"p": page})
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    assert f"There is no page {int(page)}; showing page 1." in body


def test_a_page_past_the_end_of_a_long_list_shows_the_last_page(desk, monkeypatch):
    from cases.admin.inbox import InboxAdmin

    monkeypatch.setattr(InboxAdmin, "list_per_page", 2)
    total = desk.exercise.cases.count()
    last = (total + 1) // 2
    assert last >= 3
    response = _client(desk, "teacher").get("/admin/cases/caseproxy/", {"p": "99999"})
    assert response.status_code == 200
    assert f"There is no page 99999; showing page {last}." in response.content.decode()
    assert response.context["cl"].page_num == last
    assert len(response.context["cl"].result_list) == total - 2 * (last - 1)
    ok = _client(desk, "teacher").get("/admin/cases/caseproxy/", {"p": "2"})
    assert ok.status_code == 200 and "There is no page" not in ok.content.decode()


# --- Issue 18.3: 20-digit numbers in the add forms --------------------------------------------------

HUGE = "9" * 20
ADD_PAGES = ["cases/embassycase", "cases/receptioncase", "cases/crossercase", "cases/straycase", "permits/crossing",
             "cases/marriagecase", "permits/permitcase", "cases/corpsecase", "cases/detentioncase",
             "cases/naturalisationcase", "cases/authorizationcase", "cases/meetingcase"]


def fingerprint() -> tuple:
    """Row counts and highest ids of every table, and every exercise's clock: cheap, and any write shows."""
    from django.apps import apps

    from cases.models import Exercise

    rows = []
    for model in apps.get_models():
        manager = model._base_manager
        last = manager.order_by("-pk").values_list("pk", flat=True).first()
        rows.append((model._meta.label, manager.count(), last))
    return tuple(rows), tuple(Exercise.objects.order_by("pk").values_list("pk", "clock", "paused", "regime"))


@pytest.mark.parametrize("page", ADD_PAGES)
def test_twenty_digit_numbers_in_any_add_form_field_are_refused_and_change_nothing(desk, page):
    client = _client(desk, "teacher")
    form = client.get(f"/admin/{page}/add/")
    assert form.status_code == 200
    fields = (form.context["adminform"].form if "adminform" in form.context else form.context["form"]).fields
    names = list(fields)
    numeric = [n for n, f in fields.items() if isinstance(f, forms.IntegerField | forms.ModelChoiceField)]
    assert numeric
    before = fingerprint()
    for name in numeric:
        data = {n: desk.exercise.pk if n == "exercise" else "" for n in names}
        data[name] = HUGE
        response = client.post(f"/admin/{page}/add/", data)
        assert response.status_code == 200, (name, response.status_code)
        assert fingerprint() == before, name
    response = client.post(f"/admin/{page}/add/", {n: HUGE for n in names})
    assert response.status_code == 200
    assert fingerprint() == before


def test_a_twenty_digit_quantity_of_a_valid_stray_report_is_refused_with_a_message(desk):
    from cases.models import StrayCase

    client = _client(desk, "teacher")
    data = {"exercise": desk.exercise.pk, "item_kind": StrayCase._meta.get_field("item_kind").choices[0][0],
            "place_found": "Tumen river bank", "description": "a cow"}
    before = fingerprint()
    response = client.post("/admin/cases/straycase/add/", {**data, "quantity": HUGE})
    assert response.status_code == 200, response.status_code
    assert "quantity" in response.context["adminform"].form.errors
    assert fingerprint() == before
    ok = client.post("/admin/cases/straycase/add/", {**data, "quantity": "3"})
    assert ok.status_code == 302 and StrayCase.objects.filter(quantity=3, exercise=desk.exercise).exists()


# --- Issue 14: one filing base, one read-only base -------------------------------------------------

TEACHER_SET_UP = {"cases.exercise", "cases.office", "cases.person", "cases.membership",  # what the teacher sets up
                  "permits.bordercounty", "permits.crossingpoint", "permits.crossinghours"}  # reference data


def test_every_add_page_files_through_the_one_filing_base_and_the_rest_are_read_only(desk):
    """Every admin that offers an add page saves through a service (dry-run validated); every other
    admin of a service-written model is the one read-only base."""
    from django.test import RequestFactory

    from cases.admin.base import ReadOnlyAdmin
    from cases.admin.filing import ServiceAddMixin

    request = RequestFactory().get("/admin/")
    request.user = desk.user("teacher")
    adders, read_only = [], []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if model._meta.app_label not in ("cases", "permits") or label in TEACHER_SET_UP:
            continue
        if type(model_admin).__module__.startswith("cases.admin.") or type(model_admin).__module__.startswith(
                "permits.admin."):
            if model_admin.has_add_permission(request):
                assert isinstance(model_admin, ServiceAddMixin), label
                adders.append(label)
            elif isinstance(model_admin, ReadOnlyAdmin):
                read_only.append(label)
            assert not model_admin.has_change_permission(request) or not isinstance(model_admin, ReadOnlyAdmin)
    assert {"cases.marriagecase", "permits.permitcase", "cases.authorizationcase", "cases.meetingcase",
            "cases.crossercase", "permits.crossing", "permits.borderregionchange"} <= set(adders)
    assert {"cases.caseevent", "cases.representative", "cases.entrypermit", "permits.illegalcrossingrecord",
            "cases.relocationquota", "cases.caseproxy"} <= set(read_only)
    from cases.admin import base

    assert not hasattr(base, "ServiceSavesAdminMixin")


@pytest.mark.parametrize("page", ["cases/marriagecase", "permits/permitcase", "cases/authorizationcase",
                                  "cases/meetingcase", "cases/crossercase", "permits/crossing"])
def test_a_wrong_office_is_refused_on_the_form_with_the_services_message(desk, page):
    """The dry run: the service's own office check comes back as a form error (input kept, nothing saved)."""
    client = _client(desk, "mfa")  # the Foreign Ministry files none of these
    form = client.get(f"/admin/{page}/add/")
    assert form.status_code in (200, 403)
    if form.status_code == 403:
        return
    fields = form.context["adminform"].form.fields
    data = {}
    for name, field in fields.items():
        if isinstance(field, forms.ModelChoiceField):
            first = field.queryset.order_by("pk").first()
            data[name] = first.pk if first is not None else ""
        elif isinstance(field, forms.ChoiceField):
            data[name] = next((v for v, _ in field.choices if v), "")
        elif isinstance(field, forms.DateField):
            data[name] = "1970-12-01"
        elif isinstance(field, forms.IntegerField):
            data[name] = "2"
        elif not isinstance(field, forms.BooleanField):
            data[name] = "x"
    data["exercise"] = desk.exercise.pk
    before = fingerprint()
    response = client.post(f"/admin/{page}/add/", data)
    assert response.status_code == 200, response.status_code
    assert response.context["adminform"].form.errors
    assert fingerprint() == before


# --- Issue 18.7: list filters name only the user's exercises and offices ---------------------------

def _filter_choices(response) -> list[tuple[str, list[str]]]:
    out = []
    for spec in response.context["cl"].filter_specs:
        if isinstance(spec, admin.RelatedFieldListFilter):
            out.append((spec.title, [str(label) for _pk, label in spec.lookup_choices]))
    return out


def test_a_students_list_filters_name_only_his_own_exercise_and_offices(desk, other_desk):
    from cases.models import Exercise, Office

    student = _client(desk, "countypsb")
    mine = {desk.exercise.pk}
    other_names = {other_desk.exercise.name}
    own_office_names = set(Office.objects.filter(exercise=desk.exercise).values_list("name", flat=True))
    checked = 0
    for model in admin.site._registry:
        if model._meta.app_label not in ("cases", "permits"):
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for query in ({}, {"exercise__id__exact": str(other_desk.exercise.pk)}):
            response = student.get(url, query)
            if response.status_code != 200 or "cl" not in (response.context or {}):
                continue
            checked += 1
            body = response.content.decode()
            assert not any(name in body for name in other_names), (url, query)
            for title, labels in _filter_choices(response):
                if title == "exercise":
                    assert set(labels) <= set(Exercise.objects.filter(pk__in=mine).values_list("name", flat=True))
                if "office" in str(title):
                    assert set(labels) <= own_office_names, (url, title)
            for spec in response.context["cl"].filter_specs:
                field = getattr(spec, "field", None)
                if isinstance(spec, admin.RelatedFieldListFilter) and field.related_model is Office:
                    pks = [pk for pk, _ in spec.lookup_choices]
                    assert set(Office.objects.filter(pk__in=pks).values_list("exercise_id", flat=True)) <= mine, url
    assert checked >= 10


@pytest.mark.parametrize("model_admin", CASE_ADMINS, ids=ADMIN_IDS)
@pytest.mark.parametrize("suffix", ["", "history/", "delete/"])
def test_a_case_id_no_database_holds_is_not_found(desk, model_admin, suffix):
    """Found by the fuzz test: /admin/cases/authorizationcase/9223372036854775808/history/ was an OverflowError."""
    for login in ("teacher", "borderrep"):
        response = _client(desk, login).get(f"{_base(model_admin)}9223372036854775808/{suffix}")
        assert response.status_code in (302, 403, 404), (login, response.status_code)


@pytest.mark.parametrize("model_admin", CASE_ADMINS, ids=ADMIN_IDS)
def test_a_filter_by_a_number_no_database_holds_is_refused_with_a_message(desk, model_admin):
    """Found by the fuzz test: ?exercise=9223372036854775808 was an OverflowError on SQLite."""
    for query in ({"exercise": "9223372036854775808"}, {"next_office__id__exact": "9" * 20},
                  {"exercise__id__exact": "1,99999999999999999999"}):
        response = _client(desk, "borderrep").get(_base(model_admin), query, follow=True)
        assert response.status_code in (200, 403), (query, response.status_code)
        if response.status_code == 200:
            assert "no row has such a number" in response.content.decode()


@pytest.mark.parametrize("query,suffix", [({"o": "¹"}, ""), ({"exercise": "²"}, ""), ({}, "²/history/"),
                                          ({}, "¹/")])
def test_unicode_digits_in_ids_and_sorting_are_not_a_500(desk, query, suffix):
    """Found by the fuzz test: '²'.isdigit() is True but int('²') raises."""
    response = _client(desk, "borderrep").get(f"/admin/cases/authorizationcase/{suffix}", query, follow=True)
    assert response.status_code in (200, 403, 404), response.status_code


@pytest.mark.parametrize("name", ["bordercounty", "crossingpoint", "crossinghours"])
def test_reference_data_lists_refuse_a_number_no_database_holds(desk, name):
    """Found by the fuzz test: /admin/permits/crossinghours/?pk__in=9223372036854775808 was a 500."""
    response = _client(desk, "borderrep").get(f"/admin/permits/{name}/", {"pk__in": "9223372036854775808"},
                                              follow=True)
    assert response.status_code in (200, 403)
