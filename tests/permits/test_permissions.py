"""Only the acting office moves a permit case: every other office is refused and nothing changes."""

import pytest

from cases.engine import acting_office, meta_of, transitions_from, unmet_guards
from cases.errors import ApplicationError
from cases.models import Case, Membership
from cases.services.steps import case_transition
from permits.models import DocumentKind
from permits.services.permit import permit_document_add
from tests.security.step_data import step_values


def _snapshot(case):
    row = Case.objects.get(pk=case.pk)
    return row.state, row.next_office_id, row.events.count()


def test_per5_per6_per7_only_the_acting_office_moves_a_permit_case(helong):
    """PER-5/PER-6/PER-7: station or special personnel, county bureau and border defence take only their steps."""
    helong.add_resident_documents(helong.case_of("Han Sun-ok"))
    for name, kinds in (("Pak Yong-nam", (DocumentKind.NATIONAL_CREDENTIALS, DocumentKind.DEPARTMENT_LETTER)),
                        ("Zhao Lixin", (DocumentKind.UNIT_LETTER, DocumentKind.EMPLOYEE_APPLICATION))):
        for kind in kinds:
            permit_document_add(case=helong.case_of(name), kind=kind, issued_by="x", actor=helong.user("nanping"))
    students = list(Membership.objects.filter(exercise=helong.exercise, office__isnull=False).select_related("user"))
    seen, refusals = set(), 0
    for case in Case.objects.filter(exercise=helong.exercise).order_by("pk"):
        case = case.specific()
        for _ in range(10):
            open_steps = [t for t in transitions_from(case) if not unmet_guards(case, t)]
            for t in transitions_from(case):
                for m in students:
                    if acting_office(m.user, case, meta_of(t).office) is not None and t in open_steps:
                        continue
                    before = _snapshot(case)
                    with pytest.raises(ApplicationError):
                        case_transition(case=case, transition=t.name, actor=m.user, data=step_values(case, meta_of(t)))
                    assert _snapshot(case) == before
                    refusals += 1
            if not open_steps:
                break
            t = open_steps[0]
            actor = next(m.user for m in students if acting_office(m.user, case, meta_of(t).office) is not None)
            case = case_transition(case=case, transition=t.name, actor=actor, data=step_values(case, meta_of(t)))
            seen.add(t.name)
    assert {"forward_to_county", "issue_transit_pass", "police_approve", "defence_approve"} <= seen
    assert refusals > 100
