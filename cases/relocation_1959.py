"""The 1959 organised relocation (AUT-12) as data: R1959's totals per province, for debriefs.

R1959 (MFA summary report of 10 December 1959, PRC FMA 118-00777-01) gives what was sent per province
and one control figure (Jilin: 7,000 households planned, 20,000 applied). It says Heilongjiang's
applicants were also double its control figure. The other control figures are not in the source:
the values below marked ``assumed`` take the households actually sent, rounded, as the plan.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProvinceFigures:
    """One province's row of R1959."""

    province: str
    label: str
    control_households: int
    control_assumed: bool
    applied_households: int | None  # None: the source gives no number
    sent_households: int
    sent_people: int


R1959_PROVINCES: dict[str, ProvinceFigures] = {
    p.province: p
    for p in (
        ProvinceFigures("jilin", "Jilin", 7_000, False, 20_000, 7_127, 36_274),
        # "also double the control figure": applied = 2 x control (an assumption on the plan itself).
        ProvinceFigures("heilongjiang", "Heilongjiang", 2_000, True, 4_000, 2_000, 9_817),
        ProvinceFigures("liaoning", "Liaoning", 1_000, True, None, 1_071, 5_383),
        ProvinceFigures("inner_mongolia", "Inner Mongolia", 100, True, None, 99, 540),
    )
}

# R1959 totals: 10,297 households, 52,014 people (1,084 of them Korean nationals), 24,148 labourers.
R1959_TOTAL_HOUSEHOLDS = 10_297
R1959_TOTAL_PEOPLE = 52_014
R1959_KOREAN_NATIONALS = 1_084
R1959_LABOURERS = 24_148
R1959_CITATION = "R1959, 10 Dec 1959, PRC FMA 118-00777-01"

PROVINCE_CHOICES = [(p.province, p.label) for p in R1959_PROVINCES.values()]
