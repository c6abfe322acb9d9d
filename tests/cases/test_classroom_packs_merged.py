"""The PER and RET/MEET packs load through their procedures' services once those are merged."""

from __future__ import annotations

from collections import Counter

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.packs import entry_count, get_pack
from cases.classroom.timekeeping import fast_forward
from cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def test_permit_pack_files_with_the_letters_of_per_4_and_the_station_decides():
    """PER-4, PER-5, PER-11: most applicants bring the relatives' and commune letters, so the station issues or
    forwards; two lack the commune's letter and one is sixteen, so the station has decisions to make."""
    exercise = load_pack("permits-1963", name="Helong")
    cases = [c.specific() for c in Case.objects.filter(exercise=exercise)]
    # 25 at the station and the work sized to a class of 5 (per_seat): more at the station, state employees.
    assert len(cases) == get_pack("permits-1963").sizing(5).seeded > 25
    filed = sum(c.state == "filed" for c in cases)
    lacking = [c for c in cases if c.documents.count() < 2]  # brought only the relatives' letter
    young = [c for c in cases if c.applicant.birth_year == 1947]
    assert len(lacking) == 2 and all(c.documents.count() == 2 for c in cases if c not in lacking)
    assert len(young) == 1
    assert sum(c.variant == "state_employee" and c.state == "filed" for c in cases) == 2  # the station forwards
    fast_forward(exercise=exercise, actor=None, days=20)
    states = Counter(Case.objects.filter(exercise=exercise).values_list("state", flat=True))
    # The station turns away only those the rules refuse: the sixteen-year-old, or one who did not bring the
    # missing letter (the county/city bureau may refuse some at the regime's rate, PER-7).
    turned_away = set(CaseEvent.objects.filter(exercise=exercise, transition="reject_at_station")
                      .values_list("case_id", flat=True))
    assert turned_away <= {c.pk for c in [*lacking, *young]} and young[0].pk in turned_away
    assert states["filed"] < filed


def test_protocol_pack_seeds_crossers_and_a_meeting_with_its_representatives():
    """RET-5, MEET-1: crossers are reported by the station; the meeting is asked for with its representatives."""
    exercise = load_pack("protocol-1964", name="Protocol")
    kinds = Counter(Case.objects.filter(exercise=exercise).values_list("kind", flat=True))
    pack = get_pack("protocol-1964")
    seats = pack.seats_for(5)  # the class a load without a class size is sized for
    expected: Counter[str] = Counter()
    for entry in pack.data["cases"]:
        expected[entry["kind"]] += entry_count(entry, seats)
    assert kinds == expected
    assert expected["crosser"] > 15 and expected["meeting"] > 1
