"""The historical figures a debrief sets beside the class's own (PROCEDURES.md, "Figures for calibration").

Facts from the sources, cited by document short name, date and archive reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    """One historical figure: what it counts, the numbers, and where it comes from."""

    key: str
    label: str
    text: str
    source: str
    numbers: dict[str, int] = field(default_factory=dict)
    kinds: tuple[str, ...] = ()  # procedures it speaks to


D6_SOURCE = "D6, 23 Mar 1962, MFA and MPS instructions (PRC MFA 118-01025-02)"

YANBIAN_1961 = Figure(
    "yanbian_1961",
    "Yanbian 1961 authorization letters",
    "2,667 letters received; about 1,778 applications; 1,053 approved; 735 not approved. "
    "(1,053 + 735 = 1,788: the source's 'about 1,778' is itself approximate.)",
    D6_SOURCE,
    {"letters": 2667, "applications": 1778, "approved": 1053, "refused": 735},
    ("authorization",),
)

FIGURES: tuple[Figure, ...] = (
    YANBIAN_1961,
    Figure(
        "jilin_1961_crossers",
        "Jilin 1961 border crossers",
        "28,028 crossers found; 7,939 persuaded to return; 7,528 returned on their own; 2,361 sent back by the "
        "DPRK; 7,034 still in the DPRK; in January 1962 a further 2,323 crossed.",
        D6_SOURCE,
        {"found": 28028, "persuaded": 7939, "returned": 7528, "sent_back": 2361, "remaining": 7034},
        ("crosser",),
    ),
    Figure(
        "liaoning_1961_62",
        "Liaoning January 1961 - March 1962",
        "8,237 crossed; 1,266 returned; 213 sent back; 9 drowned.",
        D6_SOURCE,
        {"crossed": 8237, "returned": 1266, "sent_back": 213, "drowned": 9},
        ("crosser",),
    ),
    Figure(
        "jan_apr_1961",
        "Liaoning and Jilin, January - April 1961",
        "4,701 found crossing (1,985 in Liaoning); 3,381 got across (1,439 Liaoning); 1-8 May 1961: 350 stopped.",
        "D3, May 1961 (PRC MFA)",
        {"found": 4701, "across": 3381},
        ("crosser",),
    ),
    Figure(
        "liaoning_households",
        "Liaoning January - April 1961 households",
        "240 households / 1,471 people tried, 715 got across; 1,843 Andong households preparing to go, 153 had "
        "sold their property.",
        "D5, 10 May 1961, MPS Party Committee",
        {"households": 240, "people": 1471, "across": 715},
        ("crosser",),
    ),
    Figure(
        "lishu_requests",
        "Lishu area, Helong County (192 households, 936 people)",
        "Household-move requests: Nov 1960 12, Dec 29, Jan 1961 63, Feb 6. Individual travel applications: "
        "8, 20, 58, 6.",
        "D4 (Lishu figures, early 1961)",
        {"nov": 12, "dec": 29, "jan": 63, "feb": 6},
        ("authorization",),
    ),
    Figure(
        "north_hamgyong_1961",
        "North Hamgyong by 8 November 1961",
        "20,517 crossers arrived; more than 1,500 left their jobs; the Labour Bureau issued 80 travel documents "
        "a day.",
        "E1961, 2 Dec 1961, Chinese Embassy cable (PRC FMA 118-01026-07)",
        {"arrived": 20517, "per_day": 80},
        ("reception", "crosser"),
    ),
    Figure(
        "relocation_1959",
        "1959 organised relocation",
        "10,297 households, 52,014 people (Jilin 7,127 / 36,274; Heilongjiang 2,000 / 9,817; Liaoning 1,071 / "
        "5,383; Inner Mongolia 99 / 540).",
        "R1959, 10 Dec 1959, MFA summary report (PRC FMA 118-00777-01)",
        {"households": 10297, "people": 52014},
        ("relocation",),
    ),
)
