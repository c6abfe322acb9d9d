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
from cases.models import Case, CaseEvent, EventKind, Exercise, ExerciseScenario, Membership, Office
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


def exercise_procedure_kinds(exercise: Exercise) -> set[str]:
    """Return the procedures the exercise uses: its pack's list and the kinds of case it holds.

    One indexed look-up per registered procedure (exercise, kind), not a scan of a province's cases.
    """
    used: set[str] = set()
    slug = ExerciseScenario.objects.filter(exercise=exercise).values_list("slug", flat=True).first()
    if slug:
        used |= _pack_procedures(slug)
    for procedure in all_procedures():
        if procedure.kind not in used and Case.objects.filter(exercise=exercise, kind=procedure.kind).exists():
            used.add(procedure.kind)
    return used


def office_procedure_kinds(office: Office) -> frozenset[str]:
    """Return the procedures of the office's exercise that it takes a step in, or has filed a case of.

    Built once per version of the exercise's log (``cases.log_cache``): a filing is an event.
    """
    def build() -> frozenset[str]:
        used = exercise_procedure_kinds(office.exercise)
        procedures = [p for p in all_procedures() if p.kind in used]
        kinds = {p.kind for p in procedures if office.kind in acting_office_kinds(p)}
        others = [p.kind for p in procedures if p.kind not in kinds]
        if others:  # one query for the procedures the office only files in
            kinds |= set(CaseEvent.objects.filter(office_id=office.pk, kind=EventKind.FILED, case__kind__in=others)
                         .values_list("case__kind", flat=True).distinct())
        return frozenset(kinds)

    return cached_page(f"student-procedures:{office.pk}", office.exercise, build)


def student_view(user: Any) -> StudentView | None:
    """Return what the student's admin shows; None for anyone who is not a student (a teacher, a superuser).

    Read once per request: the result is kept on the request's user object.
    """
    cached = getattr(user, "_bd_student_view", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    view: StudentView | None = None
    if user.is_authenticated and is_student(user):
        kinds: set[str] = set()
        for seat in Membership.objects.filter(user=user, office__isnull=False).select_related("office__exercise"):
            kinds |= office_procedure_kinds(seat.office)
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
