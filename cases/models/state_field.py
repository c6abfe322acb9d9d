"""The case's state field: django_fsm's ``FSMField``, reading a loaded state without building a descriptor per read."""

from __future__ import annotations

from typing import Any

from django_fsm import FSMField


class StateField(FSMField):
    """``FSMField`` whose state read takes the loaded value straight from the instance.

    django_fsm reads the state through a new ``DeferredAttribute`` on every access (a transition reads
    it several times, the services more); a bulk step on ten thousand cases pays that tens of
    thousands of times. The value is the same: the one in the instance's ``__dict__`` when loaded, and
    the deferred load (through django_fsm's own read) otherwise. Migrations see a plain ``FSMField``.
    """

    def get_state(self, instance: Any) -> Any:
        try:
            return instance.__dict__[self.attname]
        except KeyError:  # deferred: loaded on demand, as django_fsm does
            return super().get_state(instance)

    def deconstruct(self) -> tuple[str, str, Any, dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django_fsm.FSMField", args, kwargs
