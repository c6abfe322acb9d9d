"""The border geography as plain data, loaded into the database by a data migration.

Why global rows rather than per exercise: the nine cities and counties, the crossing points and the
crossing hours are historical facts shared by every exercise (and every test), and no exercise edits
them. What an exercise *does* change is membership of the border region (D10 Art. 6): that is kept
per exercise as ``BorderRegionChange`` rows over this base, each with its notification to the other
side, so one class can redraw the region without touching another's.

Sources: D9 §2 (the nine Jilin cities and counties), ART (the 1955 entry and exit points Ji'an,
Linjiang, Tumen, Kaishantun, Sanhechun, Nanping), D10 Art. 3(4) (the hours). The DPRK counties facing
each Chinese one and the names of the inspection bodies are not in the sources: each such row says so
in its ``assumption`` text. Everything here is data: edit it and write a new data migration.
"""

from __future__ import annotations

import datetime as dt

D9 = "D9 §2, 10 Sep 1963, PRC MFA 118-01342-04"
ART = "ART (1955 entry and exit points)"

# (name, other names, side, province, kind, facing DPRK counties, source, assumption)
CN_COUNTIES: list[tuple[str, str, str, str, str, tuple[str, ...], str, str]] = [
    ("Ji'an County", "Jian, Ji'an", "CN", "Jilin", "county", ("Manpo County",), D9, ""),
    ("Hunjiang City", "Baishan (later name)", "CN", "Jilin", "city", ("Chunggang County",), D9,
     "Hunjiang City is taken to face Chunggang across the Yalu (with Linjiang); the sources name no county."),
    ("Changbai County", "Zhangbai", "CN", "Jilin", "county", ("Hyesan County",), D9, ""),
    ("Antu County", "", "CN", "Jilin", "county", ("Samjiyon County",), D9,
     "Antu is taken to face Samjiyon County near Mount Paektu; the sources name no county."),
    ("Helong County", "", "CN", "Jilin", "county", ("Musan County",), D9, ""),
    ("Yanji County", "", "CN", "Jilin", "county", ("Hoeryong County", "Onsong County"), D9,
     "Yanji County (later Longjing and Tumen) is taken to face Hoeryong and Onsong."),
    ("Yanji City", "", "CN", "Jilin", "city", (), D9,
     "Yanji City lies inland: in the region as a municipality near the border (D10 Art. 6), facing no county."),
    ("Wangqing County", "", "CN", "Jilin", "county", ("Onsong County",), D9,
     "Wangqing is taken to face Onsong; its frontage on the Tumen is short and the sources name no county."),
    ("Hunchun County", "", "CN", "Jilin", "county", ("Kyongwon County", "Kyonghung County"), D9,
     "Hunchun is taken to face Kyongwon and Kyonghung on the lower Tumen."),
]

KP_COUNTIES: list[tuple[str, str, str, str, str, tuple[str, ...], str, str]] = [
    ("Manpo County", "Manpo", "KP", "Chagang", "county", (), "", ""),
    ("Chunggang County", "Junggang", "KP", "Chagang", "county", (), "", "Facing county assumed (see Hunjiang City)."),
    ("Hyesan County", "Hyesan", "KP", "Ryanggang", "county", (), "", ""),
    ("Samjiyon County", "", "KP", "Ryanggang", "county", (), "", "Facing county assumed (see Antu County)."),
    ("Musan County", "", "KP", "North Hamgyong", "county", (), "", ""),
    ("Hoeryong County", "", "KP", "North Hamgyong", "county", (), "", ""),
    ("Onsong County", "", "KP", "North Hamgyong", "county", (), "", ""),
    ("Kyongwon County", "", "KP", "North Hamgyong", "county", (), "", "Facing county assumed (see Hunchun)."),
    ("Kyonghung County", "", "KP", "North Hamgyong", "county", (), "", "Facing county assumed (see Hunchun)."),
]

# (name, Chinese county, DPRK county, Chinese inspection body, DPRK inspection body, source, assumption)
CROSSING_POINTS: list[tuple[str, str, str, str, str, str, str]] = [
    ("Ji'an - Manpo", "Ji'an County", "Manpo County", "Ji'an Border Inspection Station",
     "Manpo Border Inspection Post", ART, "Names of the inspection bodies are ours."),
    ("Linjiang - Chunggang", "Hunjiang City", "Chunggang County", "Linjiang Border Inspection Station",
     "Chunggang Border Inspection Post", ART,
     "Linjiang is not among D9's nine; its point is attached to Hunjiang City. Inspection body names are ours."),
    ("Changbai - Hyesan", "Changbai County", "Hyesan County", "Changbai Border Inspection Station",
     "Hyesan Border Inspection Post", "", "This point is not named in the sources; inspection body names are ours."),
    ("Nanping - Musan", "Helong County", "Musan County", "Nanping Border Inspection Station",
     "Musan Border Inspection Post", ART, "Names of the inspection bodies are ours."),
    ("Sanhechun - Hoeryong", "Yanji County", "Hoeryong County", "Sanhechun Border Inspection Station",
     "Hoeryong Border Inspection Post", ART, "Attached to Yanji County; inspection body names are ours."),
    ("Kaishantun - Sambong", "Yanji County", "Onsong County", "Kaishantun Border Inspection Station",
     "Sambong Border Inspection Post", ART, "Attached to Yanji County; inspection body names are ours."),
    ("Tumen - Namyang", "Yanji County", "Onsong County", "Tumen Border Inspection Station",
     "Namyang Border Inspection Post", ART, "Attached to Yanji County; inspection body names are ours."),
    ("Shatuozi - Kyongwon", "Hunchun County", "Kyongwon County", "Shatuozi Border Inspection Station",
     "Kyongwon Border Inspection Post", "", "This point is not named in the sources; inspection body names are ours."),
]

D10_HOURS = "D10 Art. 3(4), 9 Jun 1964"

# (label, first month, last month, opens, closes) in Beijing time; Pyongyang is one hour later.
CROSSING_HOURS: list[tuple[str, int, int, dt.time, dt.time]] = [
    ("Summer (April to September)", 4, 9, dt.time(8, 0), dt.time(17, 0)),
    ("Winter (October to March)", 10, 3, dt.time(9, 0), dt.time(16, 0)),
]
PYONGYANG_OFFSET_HOURS = 1
