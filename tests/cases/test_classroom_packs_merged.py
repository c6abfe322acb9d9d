"""The PER and RET/MEET packs load through their procedures' services once those are merged."""

from __future__ import annotations

from collections import Counter

import pytest

from cases.classroom.loader import load_pack
from cases.classroom.packs import entry_count, get_pack
from cases.classroom.timekeeping import fast_forward
from cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def test_permit_pack_files_with_the_letters_of_per_4_and_the_station_forwards():
    """PER-4, PER-5: each applicant brings the relatives' and commune letters, so the station forwards."""
    exercise = load_pack("permits-1963", name="Helong")
    cases = [c.specific() for c in Case.objects.filter(exercise=exercise)]
    # 20 commune members and the work sized to a class of 5 (per_seat): more at the station, state employees.
    assert len(cases) == get_pack("permits-1963").sizing(5).seeded > 20
    filed = sum(c.state == "filed" for c in cases)
    assert all(c.documents.count() == 2 for c in cases)
    fast_forward(exercise=exercise, actor=None, days=20)
    states = Counter(Case.objects.filter(exercise=exercise).values_list("state", flat=True))
    # The station turns no one away (the county/city bureau may refuse some at the regime's rate, PER-7).
    assert not CaseEvent.objects.filter(exercise=exercise, transition="reject_at_station").exists()
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
