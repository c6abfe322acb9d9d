"""What a student's admin shows: only the procedures of their exercise that their office acts in.

A student is seated in one office of an exercise. The admin's sidebar and index, and the URLs behind
them, offer that student only

- the procedures the exercise uses (its pack's ``procedures`` and the kinds of case it holds) in which
  the student's office takes a step (the registry's transitions, ``cases.procedures``) or has acted
  already (its events: the office that issues authorization letters opens the cases and takes no
  later step), with the models each such procedure lists in its ``student_permissions`` (a permit
  desk's crossings and geography);
- the classroom's list of every case (``CaseProxy``), limited to those procedures.

Everything else a student's group may read (the exercise, its offices and people, the event log, the
deadlines, the clock's moves: what the case page shows in place) is refused at its own admin URLs with
403, and is not listed. The admin hooks that read this are in ``cases.admin.base`` (``SafeListAdmin``
and ``CaseAdmin``) and ``cases.admin.filing`` (``ServiceAddMixin.has_add_permission``); teachers and
superusers are not narrowed here (Django's permissions decide).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.engine import meta_of
from cases.errors import ApplicationError
from cases.log_cache import cached_page
from cases.models import Case, CaseEvent, ExerciseScenario, Membership, Office
from cases.procedures import Procedure, all_procedures
from cases.selectors import is_student

# The classroom's own list of every case (the inbox's "all cases"): every student needs it.
CLASSROOM_MODELS = frozenset({"cases.caseproxy"})


@dataclass(frozen=True)
class StudentView:
    """The procedure kinds and the models ("app_label.model_name") a student's admin shows."""

    kinds: frozenset[str]
    models: frozenset[str]

    def shows(self, model: type[Any]) -> bool:
        """Return whether this student's admin lists the model and answers its URLs."""
        return model._meta.label_lower in self.models


def acting_office_kinds(procedure: Procedure) -> frozenset[str]:
    """Return the office kinds that take a step of the procedure, or that a case names as its office."""
    kinds = {meta_of(t).office for t in procedure.transitions}
    kinds |= set(getattr(procedure.model, "OFFICE_FIELDS", {}))
    return frozenset(kinds)


def _procedure_models(kind: str) -> frozenset[str]:
    """Return the procedure's model and every model it lets its students view (its student_permissions)."""
    procedure = next(p for p in all_procedures() if p.kind == kind)
    labels = {procedure.model._meta.label_lower}
    for name in procedure.student_permissions:
        app_label, codename = name.split(".", 1)
        if codename.startswith("view_"):
            labels.add(f"{app_label}.{codename.removeprefix('view_')}")
    return frozenset(labels)


def _pack_procedures(slug: str) -> set[str]:
    from cases.classroom.packs import get_pack

    try:
        return set(get_pack(slug).procedures)
    except ApplicationError:  # the pack file was removed since the load: its cases still say what it used
        return set()


def exercise_procedure_kinds(exercise_ids: list[int]) -> dict[int, set[str]]:
    """Return, per exercise, the procedures it uses: its pack's list and the kinds of its cases."""
    used: dict[int, set[str]] = {pk: set() for pk in exercise_ids}
    for exercise_id, slug in ExerciseScenario.objects.filter(exercise_id__in=exercise_ids).values_list(
            "exercise_id", "slug"):
        used[exercise_id] |= _pack_procedures(slug)
    for exercise_id, kind in (Case.objects.filter(exercise_id__in=exercise_ids).order_by()
                              .values_list("exercise_id", "kind").distinct()):
        used[exercise_id].add(kind)
    return used


def office_acted_kinds(office: Office) -> frozenset[str]:
    """Return the procedures in which this office has acted (filed or taken a step), once per log version."""
    return cached_page(f"office-acted-kinds:{office.pk}", office.exercise, lambda: frozenset(
        CaseEvent.objects.filter(office_id=office.pk).order_by().values_list("case__kind", flat=True).distinct()))


def student_view(user: Any) -> StudentView | None:
    """Return what the student's admin shows; None for anyone who is not a student (a teacher, a superuser).

    Read once per request: the result is kept on the request's user object.
    """
    cached = getattr(user, "_bd_student_view", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    view: StudentView | None = None
    if user.is_authenticated and is_student(user):
        seats = list(Membership.objects.filter(user=user, office__isnull=False).select_related("office__exercise"))
        used = exercise_procedure_kinds(sorted({seat.exercise_id for seat in seats}))
        kinds: set[str] = set()
        for seat in seats:
            office = seat.office
            acted = office_acted_kinds(office)
            kinds |= {p.kind for p in all_procedures() if p.kind in used[seat.exercise_id]
                      and (office.kind in acting_office_kinds(p) or p.kind in acted)}
        models = set(CLASSROOM_MODELS)
        for kind in kinds:
            models |= _procedure_models(kind)
        view = StudentView(kinds=frozenset(kinds), models=frozenset(models))
    user._bd_student_view = view
    return view


def hidden_from(request: Any, model: type[Any]) -> bool:
    """Return whether the admin refuses this model to the request's user (a student outside its procedures)."""
    view = student_view(request.user)
    return view is not None and not view.shows(model)
