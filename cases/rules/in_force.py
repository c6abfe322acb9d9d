"""Which rules are in force on a simulated date: every rule dated by the document that makes it.

PROCEDURES.md names, for every rule, the document it comes from; each document carries a date (the
sources' own, see ``DOCUMENTS``). A rule is in force from the date its document puts it in force until
a later document replaces it. Where the project applies a rule outside what its document covers (for
example the 1957 principles before 17 December 1957, or the 1963 description of the permit procedure
back to 1955) the row says so: ``documented`` is the date from which the source vouches for the rule,
``assumed_before`` (or ``assumed_after``) the reason for applying it earlier (or later). The step a
student sees shows that note (``rule_notes``).

The engine asks :func:`in_force`: a step declared with ``requires=`` is possible only while its rules are
in force on the case's date (``cases.engine.step``); the crossing hours, the county's one-month pass,
the capitalist-destination refusal and the permit itself are dated this way. Every filing is dated by one
check: ``case_open`` and ``case_bulk_open`` ask :func:`case_filing_problem` (the procedure's document,
``FILING_RULES``, and field values that add rules, ``FIELD_RULES``), and the pack check asks the same
:func:`filing_blocker`. A teacher who marks an exercise *counterfactual* ("what if the March 1962 correction
had come in 1960?") runs it under a later regime early: the rules are then read as on the regime's date
(:func:`rule_date`), any procedure may be filed, and every page says the run is counterfactual.

This module is plain data and functions (no models): layers above import it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cases.wording import short_date

if TYPE_CHECKING:
    from cases.models import Case, Exercise

Date = dt.date
BEIJING = ZoneInfo("Asia/Shanghai")  # the documents' dates are Chinese calendar days


@dataclass(frozen=True)
class Document:
    """A dated source document (the short names of sources/README.md and PROCEDURES.md)."""

    code: str
    title: str
    date: Date  # the date the document bears
    citation: str
    effective: Date  # the date it puts its rules in force (usually its own date)
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.code}, {short_date(self.date)}"


def _archived(code: str, title: str, date: Date, archive: str = "", *, effective: Date | None = None,
              note: str = "") -> Document:
    """Build a document cited the usual way ("D7, 24 Mar 1962, PRC MFA 118-01025-02"), in force from its own
    date unless ``effective`` says otherwise."""
    citation = ", ".join(x for x in (code, short_date(date), archive) if x)
    return Document(code, title, date, citation, effective or date, note)


DOCUMENTS: dict[str, Document] = {
    d.code: d
    for d in (
        Document("ART-1953", "Regulations on Chinese and Korean border transit, as ART reports them",
                 dt.date(1953, 7, 1), "ART (July 1953 regulations)", dt.date(1953, 7, 1),
                 "ART gives the month only (July 1953); the 1st is an assumption."),
        Document("J1955", "Records of the joint meeting of the two ministries' representatives and the "
                 "permit agreement", dt.date(1955, 6, 8), "D9 §2-3; D10 Art. 10", dt.date(1955, 6, 8),
                 "The border resident permit in use on both sides from this day (D9 §2); D10 Art. 10 "
                 "ends the 1955 records when the Protocol takes effect."),
        _archived("D1", "MFA opinions on ethnic Koreans going to the DPRK", dt.date(1957, 12, 17),
                  "PRC MFA 118-01026-01", note="§4: from that day onward."),
        Document("MPS1958", "MPS provisions on exit and entry for private matters", dt.date(1958, 6, 8),
                 "R1959 §3(3) (MPS provisions of 8 Jun 1958)", dt.date(1958, 6, 8)),
        _archived("D2", "Ministry of the Interior notification on marriages with Korean women", dt.date(1958, 10, 18),
                  "Hubei Prov. Archives SZ67-01-0540"),
        _archived("R1959", "MFA summary report on the organised relocation", dt.date(1959, 12, 10),
                  "PRC FMA 118-00777-01", effective=dt.date(1959, 1, 18),
                  note="Reports the relocation the State Council instructed on 18 Jan 1959 (carried out February "
                  "to April); applied from that instruction. Its own proposals (§3) are dated 10 Dec 1959."),
        _archived("E1961", "Cable from the Chinese Embassy in the DPRK", dt.date(1961, 12, 2), "PRC FMA 118-01026-07",
                  effective=dt.date(1960, 1, 1),
                  note="Reception stations since the first half of 1960 (the cable's 'last year'); the project "
                  "opens them on 1 January 1960 (assumption: no day is given)."),
        _archived("D4", "MPS 4th Bureau report (Yanbian report of 12 Mar 1961)", dt.date(1961, 5, 9),
                  "PRC MFA 118-01026-04", effective=dt.date(1961, 3, 12)),
        _archived("D5", "MPS report on Liaoning", dt.date(1961, 5, 10), effective=dt.date(1961, 1, 1),
                  note="Describes measures taken in 1961."),
        Document("MFA1961", "MFA Consular Department cable to the Embassy on crossers who want to come back (ART)",
                 dt.date(1961, 8, 9), "ART (MFA Consular Department cable of 9 Aug 1961, CFMA 118-01026-07)",
                 dt.date(1961, 8, 9), "ART quotes it and dates it in its note 84."),
        Document("PRACTICE1961", "The 1961 practice D6 describes", dt.date(1961, 1, 1),
                 "D6, 23 Mar 1962 (describing 1961)", dt.date(1961, 1, 1),
                 "D6 describes the whole of 1961; 1 January 1961 is an assumption."),
        _archived("D6", "MFA/MPS request for instructions", dt.date(1962, 3, 23), "PRC MFA 118-01025-02"),
        _archived("D7", "MFA/MPS telegram to the Embassy", dt.date(1962, 3, 24), "PRC MFA 118-01025-02",
                  note="'From today onwards.'"),
        _archived("D8", "CCP Central Committee instructions", dt.date(1963, 8, 8), "PRC MFA 118-01784-01"),
        _archived("D9", "Jilin report on the border crossing permits", dt.date(1963, 9, 10), "PRC MFA 118-01342-04",
                  effective=dt.date(1955, 6, 8),
                  note="Describes the practice in 1963 of a permit in use since 8 June 1955."),
        _archived("D10", "Protocol of the two ministries on the border areas", dt.date(1964, 6, 9),
                  "PRC MFA 106-01434-04",
                  note="Takes effect on the day of mutual notification after both governments approve (Art. 10); "
                  "that day is not given: the project uses the day of signature (assumption)."),
        _archived("D11", "State Council opinions on the Korean nationals issue", dt.date(1970, 8, 19),
                  "Hebei Prov. Archives 1057-2-1", note="§8: from today onwards."),
    )
}

PERIOD_START = dt.date(1955, 1, 1)  # the first simulated day (cases.models.exercise.SIM_MIN)


@dataclass(frozen=True)
class RuleDates:
    """When one rule is in force, and on whose authority.

    ``start`` is the first day the project applies it, ``end`` the first day it no longer does (None:
    still in force in 1970). Between ``start`` and ``documented`` (the day its source vouches for it) it
    is applied as an assumption for the reason ``assumed_before``; from ``assumed_from`` on it is
    applied past what its source covers, for the reason ``assumed_after``.
    """

    rule: str
    document: str
    start: Date
    end: Date | None = None
    replaced_by: str = ""
    documented: Date | None = None
    assumed_before: str = ""
    assumed_from: Date | None = None
    assumed_after: str = ""

    @property
    def doc(self) -> Document:
        return DOCUMENTS[self.document]

    @property
    def vouched_from(self) -> Date:
        return self.documented or self.start

    def in_force(self, on: Date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)

    def note(self, on: Date) -> str:
        """Return what a student must be told about this rule on ``on`` ('' when the source covers it)."""
        if on < self.start:
            return f"{self.rule} is not yet in force: {self.doc.citation} puts it in force on {short_date(self.start)}."
        if self.end is not None and on >= self.end:
            return (f"{self.rule} is no longer in force: replaced on {short_date(self.end)}"
                    f"{f' by {self.replaced_by}' if self.replaced_by else ''}.")
        if on < self.vouched_from and self.assumed_before:
            return f"{self.rule} before {short_date(self.vouched_from)}: {self.assumed_before}"
        if self.assumed_from is not None and on >= self.assumed_from and self.assumed_after:
            return f"{self.rule} after {short_date(self.assumed_from)}: {self.assumed_after}"
        return ""


_D = DOCUMENTS
D10_EFFECTIVE = _D["D10"].effective
D11_EFFECTIVE = _D["D11"].effective
PERMIT_FROM = _D["J1955"].effective

_BEFORE_D1 = ("the sources do not say what applied before D1 (17 Dec 1957); the project applies the 1957 "
              "principles (assumption).")
_BEFORE_D2 = ("D2 (18 Oct 1958) is the first document to state it; the sources say of the earlier procedure only "
              "that cases went up to the Central Committee, so the project applies it to that procedure too "
              "(assumption).")
_RET_BEFORE_D1 = ("before D1 (17 Dec 1957) ART reports the joint minutes of 8 Jun 1955 (crossers caught without "
                  "criminal intent handed back, the others tried or handed back) and the meeting of 5 Dec 1957 that "
                  "let the DPRK keep those who wished to stay; the project applies D1's principles from the start of "
                  "the period, which those records support only in part (assumption).")
_R1959_PROPOSAL = "R1959 §3 proposes this on 10 Dec 1959, for the State Council's approval"
_D9_BACK = ("D9 describes the permit procedure as practised in September 1963; the project applies it from the "
            "permit's introduction on 8 June 1955 (assumption: the 1955 records themselves are not in the sources).")
_D9_AFTER_D10 = ("D10 Art. 10 ends the 1955 records whose permit procedure D9 describes, and Art. 3(3) names neither "
                 "the letters nor where one applies; the project keeps D9's letters and has the station (or the "
                 "commune's special personnel) take the application for the county/city bureau (assumption).")
_D4_BACK = ("D4 reports this practice in 1961; the project applies it from the permit's introduction "
            "(assumption).")


def _rows() -> list[RuleDates]:
    rows = [RuleDates("MAR-0", "D2", PERIOD_START, documented=_D["D2"].effective,
                      assumed_before="the referral to the Centre predates D2; since when the sources do not say "
                      "(assumption: the whole period before 18 Oct 1958).",
                      assumed_from=_D["D2"].effective,
                      assumed_after="D2 moved the decision to the work unit on 18 Oct 1958. A case still on the "
                      "referral is either one filed before (how those were finished the sources do not say: "
                      "assumption) or a counterfactual for comparison.")]
    rows += [RuleDates(f"MAR-{n}", "D2", PERIOD_START, documented=_D["D2"].effective, assumed_before=_BEFORE_D2)
             for n in range(1, 10)]
    rows += [
        RuleDates("AUT-1", "D6", PERIOD_START, documented=dt.date(1961, 1, 1),
                  assumed_before="D6 and D7 describe the letters in use in 1961; since when the sources do not say "
                  "(assumption: throughout the period)."),
        RuleDates("AUT-2", "D1", PERIOD_START, documented=_D["D1"].effective, assumed_before=_BEFORE_D1),
        RuleDates("AUT-3", "PRACTICE1961", _D["PRACTICE1961"].effective, end=_D["D7"].effective, replaced_by="D7"),
        RuleDates("AUT-4", "D7", _D["D7"].effective),
        RuleDates("AUT-5", "D7", _D["D7"].effective),
        RuleDates("AUT-6", "D8", _D["D8"].effective),
        RuleDates("AUT-7", "D8", _D["D8"].effective),
        RuleDates("AUT-8", "MPS1958", _D["MPS1958"].effective, documented=_D["R1959"].date,
                  assumed_before=f"{_R1959_PROPOSAL}, for departures after it under the MPS provisions of "
                  "8 Jun 1958 (which are not in the sources); the 1959 relocation itself was settled under the "
                  "State Council's provisions (R1959 §1). The project asks for the settlement earlier too "
                  "(assumption)."),
        RuleDates("AUT-9", "D11", D11_EFFECTIVE),
        RuleDates("AUT-10", "D11", D11_EFFECTIVE),
        RuleDates("AUT-11", "D4", PERIOD_START, documented=_D["D4"].effective,
                  assumed_before="D4 reports visits with a proper reason cleared in 1961; the project clears them "
                  "the same way earlier (assumption)."),
        RuleDates("AUT-12", "R1959", _D["R1959"].effective, end=dt.date(1960, 1, 1), replaced_by="the end of the 1959 "
                  "relocation (R1959 reports one organised campaign)"),
        RuleDates("PER-1", "J1955", PERMIT_FROM),
        RuleDates("PER-2", "J1955", PERMIT_FROM, assumed_from=D10_EFFECTIVE,
                  assumed_after="D10 Art. 6 defines the border region as the municipalities and counties near the "
                  "border, each side telling the other promptly of changes, and names none; the project keeps D9's "
                  "nine Jilin cities and counties (assumption)."),
        RuleDates("PER-3", "D9", PERMIT_FROM, documented=_D["D9"].date, assumed_before=_D9_BACK),
        RuleDates("PER-4", "D9", PERMIT_FROM, documented=_D["D9"].date, assumed_before=_D9_BACK,
                  assumed_from=D10_EFFECTIVE, assumed_after=_D9_AFTER_D10),
        # The station's own issue ends with the 1955 records (D10 Art. 10): the county/city bureau issues the
        # transit pass (Art. 3(3), PER-7). A station that still takes applications does so on PER-4's assumption.
        RuleDates("PER-5", "D9", PERMIT_FROM, end=D10_EFFECTIVE, replaced_by="D10 Art. 3(3) (PER-7) and Art. 10",
                  documented=_D["D9"].date, assumed_before=_D9_BACK),
        RuleDates("PER-6", "D9", PERMIT_FROM, documented=_D["D9"].date, assumed_before=_D9_BACK,
                  assumed_from=D10_EFFECTIVE,
                  assumed_after="D10 Art. 10 ends the 1955 records whose procedure D9 describes, and D10 says nothing "
                  "of state employees crossing for private reasons; the project keeps both approvals (assumption)."),
        RuleDates("PER-7", "D10", D10_EFFECTIVE),
        RuleDates("PER-8", "D10", D10_EFFECTIVE),
        RuleDates("PER-9", "D10", PERMIT_FROM, documented=D10_EFFECTIVE,
                  assumed_before="before D10 the project still lets people cross only at the point their permit "
                  "names (assumption: D9 §2 limits the permit's use, the 1955 records are not in the sources)."),
        RuleDates("PER-10", "D10", PERMIT_FROM, documented=D10_EFFECTIVE,
                  assumed_before="before D10 a crossing without a valid permit is treated as illegal too "
                  "(assumption)."),
        RuleDates("PER-11", "ART-1953", _D["ART-1953"].effective, assumed_from=PERMIT_FROM,
                  assumed_after="ART gives the age limit of 18 for the 1953 travel documents; the border permit of "
                  "1955 (D9 dates it from 8 Jun 1955; ART has a new transit system from 1 Jul 1955) and D10, which "
                  "replaced the 1955 records, say nothing of age. The project keeps the limit (assumption)."),
        RuleDates("PER-12", "D4", PERMIT_FROM, documented=_D["D4"].effective, assumed_before=_D4_BACK),
        RuleDates("RET-1", "D1", PERIOD_START, documented=_D["D1"].effective, assumed_before=_RET_BEFORE_D1),
        RuleDates("RET-2", "D1", PERIOD_START, documented=_D["D1"].effective, assumed_before=_RET_BEFORE_D1),
        RuleDates("RET-3", "D1", PERIOD_START, documented=_D["D1"].effective, assumed_before=_RET_BEFORE_D1),
        RuleDates("RET-8", "D7", _D["D7"].effective),
        RuleDates("RET-9", "MFA1961", _D["PRACTICE1961"].effective, end=_D["D7"].effective, replaced_by="D7",
                  documented=_D["MFA1961"].effective,
                  assumed_before="the 1961 practice regime (from 1 Jan 1961, as D6 describes the year) carries the "
                  "Embassy line; the MFA cable ART quotes for it is dated 9 Aug 1961, so applying it earlier in "
                  "1961 is an assumption."),
        RuleDates("RET-10", "D5", _D["D5"].effective, end=_D["D7"].effective, replaced_by="D7",
                  documented=_D["D5"].date,
                  assumed_before="D5 (10 May 1961) reports Liaoning's help for intercepted crossers, and the Jilin "
                  "committee's order to persuade returners firmly is of 25 Nov 1961 (ART); the project applies both "
                  "from the start of 1961, as the year's practice (assumption)."),
        RuleDates("RET-11", "R1959", _D["R1959"].effective, documented=_D["R1959"].date,
                  assumed_before=f"{_R1959_PROPOSAL}; the project asks for the certification letter from the "
                  "relocation on (assumption)."),
        RuleDates("RET-12", "D11", D11_EFFECTIVE),
        RuleDates("RET-13", "E1961", _D["E1961"].effective, documented=_D["E1961"].date,
                  assumed_before="E1961 (2 Dec 1961) says the stations were set up once crossings, begun in the "
                  "first half of 1960, grew (D5 mentions them in May 1961), and reports the 15-day quarantine as "
                  "recent; the project runs the whole reception from 1 Jan 1960 (assumption)."),
        RuleDates("OTH-1", "D11", D11_EFFECTIVE),
        RuleDates("OTH-2", "D11", D11_EFFECTIVE),
        RuleDates("OTH-3", "D10", D10_EFFECTIVE),
    ]
    rows += [RuleDates(f"RET-{n}", "D10", D10_EFFECTIVE) for n in (4, 5, 6, 7, 14)]
    rows += [RuleDates(f"MEET-{n}", "D10", D10_EFFECTIVE) for n in range(1, 6)]
    return rows


RULE_DATES: dict[str, RuleDates] = {r.rule: r for r in _rows()}


def rule_dates(rule_id: str) -> RuleDates:
    """Return the dates of one rule (KeyError names the rule when it is not dated)."""
    try:
        return RULE_DATES[rule_id]
    except KeyError as exc:
        raise KeyError(f"Rule {rule_id} has no in-force dates in cases/rules/in_force.py") from exc


def in_force(rule_id: str, on: Date) -> bool:
    """Return whether the rule is in force on the simulated date ``on``."""
    return rule_dates(rule_id).in_force(on)


def rules_in_force(on: Date) -> list[str]:
    """Return the IDs of every rule in force on ``on``, in catalogue order."""
    return [r.rule for r in RULE_DATES.values() if r.in_force(on)]


def not_in_force_message(rule_id: str, on: Date) -> str:
    """Return why the rule cannot be applied on ``on`` (''), citing its document and dates."""
    row = rule_dates(rule_id)
    return "" if row.in_force(on) else row.note(on)


# --- What a case of each procedure is filed under ----------------------------------------------------

# The rules a case of a procedure cannot be filed without (the document that makes the procedure), and the
# rules certain values of a case's fields add. ``case_open`` and ``case_bulk_open`` (cases/services/steps.py)
# refuse a filing through :func:`case_filing_problem`; the pack check (cases/classroom/anachronisms.py) asks
# :func:`filing_blocker`, the same function, of each seeded case.
FILING_RULES: dict[str, tuple[str, ...]] = {
    "permit": ("PER-1",),
    "meeting": ("MEET-1",),
    "naturalisation": ("OTH-1",),
    "detention": ("OTH-2",),
    "stray": ("OTH-3",),
    "corpse": ("RET-14",),
    "reception": ("RET-13",),
    "relocation": ("AUT-12",),
}
FIELD_RULES: dict[tuple[str, str, str], tuple[str, ...]] = {
    # (case kind, field of the case, value) -> rules
    ("authorization", "variant", "abroad"): ("AUT-10",),
    ("authorization", "variant", "family_join"): ("AUT-5",),
    ("permit", "category", "official"): ("PER-7",),
}


def filing_fields(kind: str) -> tuple[str, ...]:
    """Return the fields of a case of ``kind`` whose values add dated rules (FIELD_RULES)."""
    return tuple(dict.fromkeys(name for k, name, _value in FIELD_RULES if k == kind))


def filing_rules(kind: str, fields: dict[str, Any]) -> tuple[str, ...]:
    """Return the dated rules a case of ``kind`` with these field values is filed under."""
    extra = tuple(r for (k, name, value), rules in FIELD_RULES.items()
                  if k == kind and str(fields.get(name, "")) == value for r in rules)
    return FILING_RULES.get(kind, ()) + extra


def filing_blocker(kind: str, fields: dict[str, Any], on: Date) -> tuple[str, str] | None:
    """Return the first rule a case of ``kind`` is filed under that is not in force on ``on``, and why."""
    for rule_id in filing_rules(kind, fields):
        if why := not_in_force_message(rule_id, on):
            return rule_id, why
    return None


def case_filing_problem(case: Case, exercise: Exercise) -> tuple[str, str] | None:
    """Return (rule, message) when ``case`` (unsaved, its regime set) cannot be filed in ``exercise`` now.

    A run the teacher marked counterfactual files any procedure (every page labels the run); a case under a
    regime brought in early reads its rules on that regime's date. Otherwise the procedure's document must be
    in force on the exercise's date: no meeting before the 1964 Protocol, no naturalisation before 1970.
    """
    if exercise.counterfactual:
        return None
    on = exercise_rule_date(exercise, case.regime or None)
    fields = {name: getattr(case, name, "") for name in filing_fields(case.PROCEDURE_KIND)}
    found = filing_blocker(case.PROCEDURE_KIND, fields, on)
    if found is None:
        return None
    rule_id, why = found
    what = str(case._meta.verbose_name)
    return rule_id, (f"This {what} cannot be filed on {short_date(calendar_date(exercise.clock))}: {why} Nothing was "
                     "filed. (A teacher may run it early only as a counterfactual.)")


# --- The date a case's rules are read on ------------------------------------------------------


def calendar_date(moment: dt.datetime) -> Date:
    """Return the Beijing calendar day of a simulated moment (the documents' dates are Chinese days)."""
    return moment.astimezone(BEIJING).date() if moment.tzinfo else moment.date()


def regime_from(regime_code: str) -> Date:
    """Return the day from which a regime may run historically: its document's date; the first regime (nothing
    earlier is modelled) from the start of the period."""
    from cases.regimes import REGIMES, get_regime

    regime = get_regime(regime_code)
    first = min(REGIMES.values(), key=lambda r: r.effective)
    return PERIOD_START if regime is first else regime.effective


def regime_is_early(exercise: Exercise, regime_code: str | None = None, at: dt.datetime | None = None) -> bool:
    """Return whether the regime (default: the exercise's) is not yet in force on the exercise's date."""
    return regime_from(regime_code or exercise.regime) > calendar_date(at or exercise.clock)


def is_counterfactual(exercise: Exercise, regime_code: str | None = None) -> bool:
    """Return whether rules are read counterfactually: the teacher marked the run, or the case's regime (a
    case filed under a named regime, or the exercise's own) comes into force only after the exercise's date."""
    return bool(getattr(exercise, "counterfactual", False)) or regime_is_early(exercise, regime_code)


def exercise_rule_date(exercise: Exercise, regime_code: str | None = None, at: dt.datetime | None = None) -> Date:
    """Return the date the rules are read on: the exercise's clock (or ``at``); when the regime is not yet in
    force then (a counterfactual run or case), the regime's own date: the what-if brings its rules in early."""
    return max(calendar_date(at or exercise.clock), regime_from(regime_code or exercise.regime))


def rule_date(case: Case) -> Date:
    """Return the date the case's rules are read on (see :func:`exercise_rule_date`)."""
    return exercise_rule_date(case.exercise, case.regime or None)


def case_in_force(case: Case, rule_id: str) -> bool:
    """Return whether ``rule_id`` applies to ``case`` now."""
    return in_force(rule_id, rule_date(case))


def rule_notes(case: Case, rule_ids: tuple[str, ...] | list[str]) -> list[str]:
    """Return, for the rules a step cites, what the student must be told about their dates (assumptions,
    rules not in force); a counterfactual run says so first."""
    notes = []
    if is_counterfactual(case.exercise, case.regime or None):
        notes.append(counterfactual_label(case.exercise, case.regime or None))
    return notes + rule_date_notes(case, rule_ids)


def rule_date_notes(case: Case, rule_ids: tuple[str, ...] | list[str]) -> list[str]:
    """Return what the student must be told about the dates of these rules for this case (assumptions,
    rules not in force), without the counterfactual label :func:`rule_notes` puts first."""
    on = rule_date(case)
    return [text for rule_id in rule_ids if (text := rule_date_note(rule_id, on))]


def rule_date_note(rule_id: str, on: Date) -> str:
    """Return what the student must be told about the date of ``rule_id`` read on ``on`` ("" if nothing)."""
    row = RULE_DATES.get(rule_id)
    if row is None or not (text := row.note(on)):
        return ""
    if not row.in_force(on):
        text += " Where this exercise still offers the step, it applies the rule as an assumption."
    return text


def counterfactual_label(exercise: Exercise, regime_code: str | None = None) -> str:
    """Return the label every page of a counterfactual run (or case) shows."""
    from cases.regimes import get_regime

    regime = get_regime(regime_code or exercise.regime)
    return (f"COUNTERFACTUAL: {regime.label} ({regime.citation}) is applied on {short_date(exercise.clock)}, "
            f"although it came into force only on {short_date(regime.effective)}; its rules are read as on that day."
            if regime_is_early(exercise, regime_code) else
            "COUNTERFACTUAL RUN: the teacher marked this exercise as a what-if; its rules are not the historical ones.")


# --- The date table (admin page and docs/) ------------------------------------------------------


def date_table() -> list[dict[str, Any]]:
    """Return one row per rule, ordered by the date it comes into force, then by document and rule ID."""
    def order(r: RuleDates) -> tuple[Date, Date, str, int]:
        prefix, n = r.rule.split("-")
        return (r.start, r.doc.date, prefix, int(n))

    rows = []
    for r in sorted(RULE_DATES.values(), key=order):
        notes = [x for x in (
            f"Before {short_date(r.vouched_from)}: {r.assumed_before}" if r.assumed_before else "",
            f"From {short_date(r.assumed_from)}: {r.assumed_after}" if r.assumed_from and r.assumed_after else "",
            r.doc.note,
        ) if x]
        rows.append({
            "rule": r.rule, "start": r.start, "end": r.end, "replaced_by": r.replaced_by,
            "document": r.document, "document_date": r.doc.date, "source": r.doc.citation,
            "notes": " ".join(notes),
        })
    return rows


def date_table_markdown() -> str:
    """Render :func:`date_table` as the Markdown page docs/rules-in-force.md."""
    lines = [
        "# Rules in force by date",
        "",
        "Generated from `cases/rules/in_force.py` by `python manage.py rules_in_force --markdown`; a test checks "
        "that this page matches the table. Each rule is in force from the date its document puts it in force "
        "until a later document replaces it; where the project applies a rule outside what its document "
        "covers, the note says why (an assumption).",
        "",
        "| from | until | rule | document | document dated | source | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in date_table():
        until = short_date(row['end']) if row["end"] else "—"
        if row["replaced_by"]:
            until += f" (replaced by {row['replaced_by']})"
        lines.append(f"| {short_date(row['start'])} | {until} | {row['rule']} | {row['document']} | "
                     f"{short_date(row['document_date'])} | {row['source']} | {row['notes'].replace('|', '/')} |")
    return "\n".join(lines) + "\n"
