"""The registry of procedures: every concrete subclass of Case that names a PROCEDURE_KIND."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from cases.engine import all_transitions, terminal_states

if TYPE_CHECKING:
    from django.db.models import TextChoices

    from cases.models import Case


@dataclass(frozen=True)
class Procedure:
    """A procedure: its model, its states and how its references look."""

    kind: str
    model: type[Case]

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name).capitalize()

    @property
    def states(self) -> type[TextChoices]:
        return self.model.State  # type: ignore[attr-defined,no-any-return]

    @property
    def reference_prefix(self) -> str:
        return self.model.REFERENCE_PREFIX  # type: ignore[attr-defined,no-any-return]

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    @cached_property
    def terminal(self) -> set[str]:
        return terminal_states(self.model)

    @cached_property
    def transitions(self) -> list:
        return all_transitions(self.model)


_PROCEDURES: dict[str, Procedure] = {}


def autodiscover() -> None:
    """Register every loaded Case subclass that declares a PROCEDURE_KIND."""
    from cases.models import Case

    def walk(cls: type[Case]) -> None:
        for sub in cls.__subclasses__():
            if sub.PROCEDURE_KIND and not sub._meta.abstract and not sub._meta.proxy:
                _PROCEDURES[sub.PROCEDURE_KIND] = Procedure(sub.PROCEDURE_KIND, sub)
            walk(sub)

    walk(Case)


def get_procedure(kind: str) -> Procedure:
    """Return the registered procedure of this kind."""
    if not _PROCEDURES:
        autodiscover()
    return _PROCEDURES[kind]


def all_procedures() -> list[Procedure]:
    """Return every registered procedure."""
    if not _PROCEDURES:
        autodiscover()
    return list(_PROCEDURES.values())
