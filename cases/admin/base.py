"""The admin every procedure shares: read-only case pages whose step buttons call the services.

Permissions are checked again on the server when a step is posted (the service does it); the buttons
only reflect them. django-fsm's own admin mixin is not used because it does not check transition
permissions on its buttons.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.forms import modelform_factory
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cases.admin.paging import (
    CappedPaginator,
    MineFirstChangeList,
    MineFirstPaginator,
    NearestPageChangeList,
    count_limit,
    mine_first,
)
from cases.admin.scope import hidden_from, student_view
from cases.diagram import procedure_svg
from cases.errors import ApplicationError
from cases.input import db_id, form_errors_text
from cases.models import Case, Exercise
from cases.rules import get_rule
from cases.rules.in_force import rule_date_notes
from cases.selectors import StepOption, case_timeline, held_office_ids, next_rules_now, scope_to_user, step_options
from cases.services.deadlines import deadline_action_label, deadline_moved_past
from cases.services.steps import case_transition
from cases.wording import short_date, wall_clock

INT64 = 2**63 - 1
ASCII_INTEGER = re.compile(r"-?[0-9]+")


DATE_PARTS = {"__year": (1900, 2100), "__month": (1, 12), "__day": (1, 31)}


def _date_part_ok(key: str, value: str) -> bool:
    """Return whether a date drill-down value (year, month, day) is a whole number in its range."""
    low, high = next(r for suffix, r in DATE_PARTS.items() if key.endswith(suffix))
    return bool(ASCII_INTEGER.fullmatch(value.strip())) and low <= int(value) <= high


def _holds(text: str) -> bool:
    """Return False for a whole number (ASCII digits) that no 64-bit database column holds; True otherwise."""
    text = text.strip()
    return not ASCII_INTEGER.fullmatch(text) or -INT64 <= int(text) <= INT64


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A choice of a row whose id is refused as "not one of the choices" when no database could hold it.

    Django's field looks a 20-digit id up, which SQLite answers with OverflowError (a 500).
    """

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not isinstance(value, models.Model):
            target = self.queryset.model._meta.get_field(self.to_field_name) if self.to_field_name else (
                self.queryset.model._meta.pk)
            while target.is_relation:  # a child model's id is its parent's (a one-to-one link)
                target = target.target_field
            if isinstance(target, models.IntegerField | models.AutoField):
                try:
                    number = int(str(value).strip())
                except ValueError:
                    number = 0  # not a number: Django's own check refuses it
                if not -INT64 <= number <= INT64:
                    raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def bound_integer_field(db_field: Any, field: Any) -> Any:
    """Give an integer form field the range every supported database holds (SQLite reports none)."""
    if isinstance(field, forms.IntegerField) and isinstance(db_field, models.IntegerField):
        low, high = BaseDatabaseOperations.integer_field_ranges.get(db_field.get_internal_type(), (None, None))
        if high is not None and (field.max_value is None or field.max_value > high):
            field.max_value = high
            field.validators.append(MaxValueValidator(high))
            field.widget.attrs["max"] = high
        if low is not None and (field.min_value is None or field.min_value < low):
            field.min_value = low
            field.validators.append(MinValueValidator(low))
            field.widget.attrs["min"] = low
    return field


# The longest text a step or filing form takes in a field the model leaves unbounded (a TextField: identity,
# findings, a resolution ...): two pages of typing, beyond what a class writes; a megabyte is refused.
TEXT_MAX_LENGTH = 4000


def bounded_formfield(db_field: Any, **kwargs: Any) -> Any:
    """``formfield_callback`` for ModelForms built outside an admin: bounded ids, integers and texts."""
    if isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", BoundedModelChoiceField)
    if isinstance(db_field, models.TextField) and db_field.max_length is None and not db_field.choices:
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
    return bound_integer_field(db_field, db_field.formfield(**kwargs))


def of_exercise(model: type[models.Model]) -> bool:
    """Return whether rows of the model belong to one exercise (or are the exercises)."""
    return model._meta.label_lower == "cases.exercise" or any(f.name == "exercise" for f in model._meta.fields)


def scope_related(model: type[models.Model], qs: models.QuerySet[Any], user: Any) -> models.QuerySet[Any] | None:
    """Limit rows of an exercise (or the exercises themselves) to the user's exercises; None if not of one."""
    if model._meta.label_lower == "cases.exercise":
        return scope_to_user(qs, user, "id")
    if any(f.name == "exercise" for f in model._meta.fields):
        return scope_to_user(qs, user, "exercise_id")
    return None


def scoped_choices(db_field: Any, qs: models.QuerySet[Any], user: Any) -> models.QuerySet[Any]:
    """Return the rows a picker of ``db_field`` offers: the user's exercises' rows of the declared kind."""
    limit = db_field.get_limit_choices_to()
    if limit:
        qs = qs.complex_filter(limit)
    scoped = scope_related(db_field.related_model, qs, user)
    return qs if scoped is None else scoped


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A list filter over a related row whose choices are the user's exercises' rows only.

    Django offers every row of the related table: a student would read the name of every exercise
    and every office of the other classes.
    """

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        model = field.related_model
        if not of_exercise(model):
            return super().field_choices(field, request, model_admin)
        qs = scoped_choices(field, model._default_manager.all(), request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        qs = qs.order_by(*ordering) if ordering else qs.order_by("pk")
        return [(obj.pk, str(obj)) for obj in qs]


class SafeListAdmin(admin.ModelAdmin):
    """A list that refuses with a message, never a 500, a query string no database could answer.

    A student sees only the models of their exercise's procedures that their office acts in
    (``cases.admin.scope``): any other model is neither listed in the sidebar and index nor answered at
    its URLs (403), whatever the students' group may read.
    """

    # The records a case page links to (its exercise, offices and people): a student hidden from the model's
    # list may still open one of them from a case of their exercise (the scoped queryset answers 404 for any
    # other), so that no link on the case page ends in a refusal. The list, add and change stay refused.
    student_opens_linked_records = False
    # Each change's time on the room's clock, not in the simulation's Beijing time (a case's page has its own).
    object_history_template = "admin/cases/object_history.html"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        hidden = hidden_from(request, self.model) and not (obj is not None and self.student_opens_linked_records)
        return not hidden and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not hidden_from(request, self.model) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not hidden_from(request, self.model) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not hidden_from(request, self.model) and super().has_delete_permission(request, obj)

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        # A student may open a record linked from a case page but not its list: the page's "Close" (to the
        # list, a 403) leads back to the student's desk instead (templates/admin/submit_line.html).
        context["list_hidden"] = hidden_from(request, self.model)
        return super().render_change_form(request, context, *args, **kwargs)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Refuse, with a message, a filter by a number no database could hold (SQLite's OverflowError was a 500)."""
        bad = [key for key, values in request.GET.lists() if key not in (PAGE_VAR, SEARCH_VAR)
               and any(not _holds(part) for value in values for part in value.split(","))]
        # A date drill-down (``due_at__year=1``) outside the calendar a database and time zones can convert
        # was a 500 (found by the fuzz test): the simulation runs 1955-1970, so ask only for years near it.
        bad += [key for key, values in request.GET.lists() if key.endswith(tuple(DATE_PARTS))
                and any(not _date_part_ok(key, value) for value in values)]
        if bad:
            messages.error(request, f"The list cannot be filtered by {', '.join(sorted(bad))}: no row has such a "
                                    "number. Showing the list without filters.")
            return HttpResponseRedirect(request.path)
        return super().changelist_view(request, extra_context)


class ExerciseScopedAdmin(SafeListAdmin):
    """Show only rows of the exercises the user takes part in (superusers see all), filters included."""

    exercise_path = "exercise_id"

    def get_list_filter(self, request: HttpRequest) -> Any:
        """Give every filter over a related row of an exercise choices from the user's exercises only."""
        out: list[Any] = []
        for spec in super().get_list_filter(request):
            if isinstance(spec, str) and "__" not in spec:
                try:
                    db_field = self.model._meta.get_field(spec)
                except FieldDoesNotExist:
                    db_field = None
                if db_field is not None and db_field.is_relation and db_field.many_to_one:
                    out.append((spec, ScopedRelatedFieldListFilter))
                    continue
            out.append(spec)
        return out

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type:
        return NearestPageChangeList

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        """Return the row, or None (a 'not found' page) for an id no database could hold (was a 500)."""
        if not _holds(str(object_id)):
            return None
        return super().get_object(request, object_id, from_field)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return scope_to_user(super().get_queryset(request), request.user, self.exercise_path)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponse:
        """Say truthfully why a row is not shown: Django's "doesn't exist. Perhaps it was deleted?" was said of
        rows that exist in another office's procedure or another exercise."""
        key = unquote(object_id)
        self.message_user(request, f"No {opts.verbose_name} with ID “{key}” is open to you here: it belongs "
                                   "to another exercise, or to a procedure your office takes no part in, or there "
                                   "is none.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return bound_integer_field(db_field, super().formfield_for_dbfield(db_field, request, **kwargs))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Offer only rows of the user's exercises, of the kind the model field declares (``limit_choices_to``).

        Every picker of every admin comes through here (the add forms of ``ServiceAddMixin`` too): a
        man's picker offers the men of the exercise, a work unit's its work units. A posted id outside
        that choice is refused with a form error naming the field, however the request was made.
        """
        kwargs.setdefault("form_class", BoundedModelChoiceField)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is not None:
            field.queryset = scoped_choices(db_field, field.queryset, request.user)
            if db_field.related_model is Exercise and field.required:
                only = list(field.queryset.values_list("pk", flat=True)[:2])
                field.initial = only[0] if len(only) == 1 else None  # a student's one exercise, chosen already
            where = "of your exercise, " if of_exercise(db_field.related_model) else ""
            field.error_messages["invalid_choice"] = (
                f"Choose one of the {db_field.verbose_name} choices listed ({where}of the right kind): the one "
                "sent is not among them.")
        return field


def _refused_key(case: Case) -> str:
    return f"bd-refused-step-{case.pk}"


def _keep_refused_step(request: HttpRequest, case: Case, step_name: str) -> None:
    """Keep what was typed into a refused step's form for the case page the refusal redirects to (once)."""
    prefix = f"{step_name}-"
    typed = [(key, values) for key, values in request.POST.lists() if key.startswith(prefix)]
    request.session[_refused_key(case)] = {"step": step_name, "typed": typed}


def _refused_step(request: HttpRequest, case: Case) -> tuple[str, QueryDict] | None:
    """Return the step refused on this case a moment ago and what was typed into it, and forget them."""
    kept = request.session.pop(_refused_key(case), None) if hasattr(request, "session") else None
    if not isinstance(kept, dict) or not isinstance(kept.get("step"), str):
        return None
    typed = QueryDict(mutable=True)
    for key, values in kept.get("typed", []):
        typed.setlist(str(key), [str(v) for v in values])
    return kept["step"], typed


def step_form_class(model: type[Case], option: StepOption) -> type[forms.Form]:
    """Build the form a step needs: its declared fields (from the model), a reason, a note."""
    meta = option.meta
    base = (modelform_factory(model, fields=list(meta.fields), formfield_callback=bounded_formfield)
            if meta.fields else forms.ModelForm)
    attrs: dict[str, Any] = {}
    if meta.reason_required:
        attrs["reason"] = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="Reason (recorded on the case)"
        )
    else:
        attrs["note"] = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 1}), max_length=2000, required=False, label="Note"
        )
    # The Meta the form is made with decides its fields' callback: without it here, the step's fields were made
    # by the model's defaults (text unbounded), not by bounded_formfield as the base's were.
    meta_cls = type("Meta", (), {"model": model, "fields": list(meta.fields),
                                 "formfield_callback": staticmethod(bounded_formfield)})
    form_cls = type(f"{option.name}Form", (base,), {**attrs, "Meta": meta_cls})
    for name in meta.fields:
        field = form_cls.base_fields[name]
        # Text and choice inputs of a step are required; a checkbox answers yes/no either way.
        if not isinstance(field, forms.BooleanField | forms.NullBooleanField):
            field.required = True
        elif isinstance(field, forms.NullBooleanField):
            form_cls.base_fields[name] = forms.BooleanField(required=False, label=field.label)
    return form_cls


def _wall_heading() -> str:
    return f"Wall time ({settings.WALL_TIME_ZONE})"


class WallTimeShown:
    """For the admin of rows with a ``wall_time``: it is read on the room's clock, not in Beijing time.

    The list column ``wall_time_shown`` and, on the row's page, that field in place of the raw one
    (:func:`cases.wording.wall_clock`); the heading names the zone.
    """

    @admin.display(description=lazy(_wall_heading, str)(), ordering="wall_time")
    def wall_time_shown(self, obj: Any) -> str:
        return wall_clock(obj.wall_time)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))  # type: ignore[misc]
        if "wall_time" in fields:
            return [("wall_time_shown" if f == "wall_time" else f) for f in fields]
        return [*fields, "wall_time_shown"]  # a wall time not editable is not in the form: shown last


class ReadOnlyAdmin(ExerciseScopedAdmin):
    """The one read-only base: rows that services write, shown and never changed by hand.

    No add page (a subclass that adds through a service uses ``ServiceAddMixin``), no change; delete is
    the superuser's only where ``superuser_deletes`` says so (never for the append-only event log).
    Every field of the fieldsets is shown read-only, display methods included.
    """

    superuser_deletes: bool = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Fields never change by hand; steps do. Viewing is enough to reach the page.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.superuser_deletes and bool(request.user.is_superuser)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.fieldsets:
            return [f for fs in self.fieldsets for f in fs[1]["fields"]]
        return super().get_readonly_fields(request, obj)


class StateFilter(admin.SimpleListFilter):
    """Filter by state, named as the procedure names it (every procedure's states in the inbox)."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from cases.procedures import all_procedures

        model = model_admin.model
        procs = [p for p in all_procedures() if p.model is model]
        if not procs:  # the inbox: offer the states of the procedure chosen in the procedure filter
            kind = request.GET.get("kind")
            procs = [p for p in all_procedures() if p.kind == kind]
        seen: dict[str, str] = {}
        for proc in procs:
            for value, label in proc.states.choices:
                seen.setdefault(value, str(label))
        return list(seen.items())

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset.filter(state=self.value()) if self.value() else queryset


class CaseAdmin(ReadOnlyAdmin):
    """Base admin of every procedure: case page with state, next office, steps, diagram, timeline."""

    change_form_template = "admin/cases/case_change_form.html"
    list_display = ("reference", "title", "state_display", "next_office", "next_rules_display", "waiting_since")
    list_display_links = ("reference", "title")
    list_filter = ("exercise", StateFilter, "next_office")
    search_fields = ("reference", "title")
    list_select_related = ("next_office", "exercise")
    list_per_page = 50

    # --- Lists: the student's own queue first ----------------------------------------------------

    show_full_result_count = False  # one count per page view is enough at a province's scale

    @admin.display(description="procedure", ordering="variant")
    def variant_shown(self, obj: Case) -> str:
        """The case's variant in words (``Case.variant_label``), not its code."""
        return obj.variant_label

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["state_since", "id"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        """Scope to the user's exercises; the list of every kind shows a student only their procedures."""
        qs = super().get_queryset(request)
        view = student_view(request.user)
        if view is not None and not self.model.PROCEDURE_KIND:
            qs = qs.filter(kind__in=view.kinds)
        return qs

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type:
        return MineFirstChangeList

    def get_paginator(
        self, request: HttpRequest, queryset: Any, per_page: int, orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> Any:
        """Put the user's own queue first, unless they sorted by a column themselves; count with a cap.

        The count reads at most ``COUNT_CAP`` rows (further when the page asked for is deep), so a
        list of a province's cases costs what a list of a thousand does; the page says "more than".
        """
        if not issubclass(getattr(queryset, "model", object), Case):
            # Not the case list (the history page pages LogEntry rows): Django's own paginator.
            return Paginator(queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page)
        limit = count_limit(request, per_page)
        if ORDER_VAR in request.GET:
            return CappedPaginator(queryset, per_page, limit=limit, orphans=orphans,
                                   allow_empty_first_page=allow_empty_first_page)
        object_list = mine_first(queryset, held_office_ids(request.user), limit)
        return MineFirstPaginator(object_list, per_page, orphans=orphans,
                                  allow_empty_first_page=allow_empty_first_page)

    @admin.display(description="state", ordering="state")
    def state_display(self, obj: Case) -> str:
        mine = getattr(obj, "awaiting_me", 1) == 0
        label = obj.state_label()
        return format_html("<strong>▶ {}</strong>", label) if mine else label

    @admin.display(description="next step under")
    def next_rules_display(self, obj: Case) -> str:
        return ", ".join(next_rules_now(obj)) or "—"

    @admin.display(description="waiting since (simulated)", ordering="state_since")
    def waiting_since(self, obj: Case) -> str:
        return short_date(obj.state_since)

    # --- Case page: read-only fields, steps through services ------------------------------------

    superuser_deletes = True

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/step/<str:step_name>/",
                self.admin_site.admin_view(self.step_view),
                name="{}_{}_step".format(*info),
            ),
            *super().get_urls(),
        ]

    def case_context(self, request: HttpRequest, case: Case) -> dict[str, Any]:
        """Build what the case page shows above the fields.

        A step refused a moment ago comes back as it was typed, its errors beside its fields
        (:func:`_keep_refused_step`): the student corrects it instead of typing it all again.
        """
        options = step_options(case, request.user)
        model = type(case)
        refused = _refused_step(request, case)
        steps = []
        for option in options:
            if not option.enabled:
                form = None
            elif refused is not None and refused[0] == option.name:
                form = step_form_class(model, option)(refused[1], prefix=option.name)
                form.is_valid()  # the errors beside the fields (a service refusal has none: the values stay)
            else:
                form = step_form_class(model, option)(prefix=option.name)
            steps.append(
                {
                    "option": option,
                    "form": form,
                    "url": reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_step", args=[case.pk, option.name]
                    ),
                }
            )
        events = case_timeline(case)
        next_rules = [get_rule(r) for r in next_rules_now(case)]
        # Every rule the page cites, once, for the folded full text under the steps: the next step's, the
        # steps', and those the timeline cites (a closed case has no steps left, only its history).
        cited = [*next_rules, *(r for o in options for r in o.rules), *(r for e in events for r, _n, _a in e.dated)]
        page_rules = list({r.id: r for r in cited}.values())
        return {
            "case": case,
            "state_label": case.state_label(),
            "next_rules": next_rules,
            # What the dates of those rules mean on the case's date (not yet in force, read back as an
            # assumption), as each step card says of its own rules.
            "next_rule_notes": rule_date_notes(case, [r.id for r in next_rules]),
            "page_rules": page_rules,
            "steps": steps,
            "my_steps": [s for s in steps if s["option"].allowed],
            # What a pause holds back: the steps the office could take now, its guards met.
            "my_open_steps": [s for s in steps if s["option"].allowed and not s["option"].blocked_by],
            "other_steps": [s for s in steps if not s["option"].allowed],
            "events": events,
            "deadlines": [(d, deadline_moved_past(d, case), deadline_action_label(d, type(case)))
                          for d in case.deadlines.all()],
            "diagram": mark_safe(procedure_svg(case)),
            "regime": case.regime_obj,
        }

    object_history_template = "admin/cases/case_history.html"

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        """Show the case's own timeline (its events) above Django's log of admin changes."""
        case = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if case is not None:
            extra_context["case_events"] = case_timeline(case)
        return super().history_view(request, object_id, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        case = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if case is not None:
            extra_context.update(self.case_context(request, case))
        return super().change_view(request, object_id, form_url, extra_context)

    def take_step(self, request: HttpRequest, case: Case, step_name: str, *, note: str,
                  data: dict[str, Any]) -> Case:
        """Take the step through the service (a procedure whose step writes more than the case names its own)."""
        return case_transition(case=case, transition=step_name, actor=request.user, note=note, data=data)

    def step_view(self, request: HttpRequest, object_id: str, step_name: str) -> HttpResponse:
        """Take one step on POST, through the service; report the outcome as a message."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        case = get_object_or_404(self.get_queryset(request), pk=db_id(object_id) or -1)
        if not self.has_view_permission(request, case):
            raise PermissionDenied  # a procedure this student's admin does not offer (cases.admin.scope)
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[case.pk])
        option = next((o for o in step_options(case, request.user) if o.name == step_name), None)
        data: dict[str, Any] = {}
        note = ""
        if option is not None and option.enabled:
            form = step_form_class(type(case), option)(request.POST, prefix=step_name)
            if not form.is_valid():
                messages.error(request, f"'{option.meta.label}' was not taken: {form_errors_text(form)}")
                _keep_refused_step(request, case, step_name)
                return HttpResponseRedirect(change_url)
            data = {f: form.cleaned_data[f] for f in option.meta.fields}
            if option.meta.reason_required:
                data["reason"] = form.cleaned_data["reason"]
            note = form.cleaned_data.get("note", "")
        # Whatever the page showed, the service decides: it re-checks office, state and guards.
        try:
            updated = self.take_step(request, case, step_name, note=note, data=data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            if option is not None and option.enabled:
                _keep_refused_step(request, case, step_name)
        else:
            messages.success(
                request, f"Done: {option.meta.label if option else step_name}. Now: {updated.state_label()}."
            )
        return HttpResponseRedirect(change_url)
