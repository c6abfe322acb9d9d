"""Rules in force by date (issue 16): the dated table, the regimes' dates, the dated guards, counterfactual runs.

Every rule of the catalogue has in-force dates taken from its document; for every one a day just before and the
day of each of its dates are checked. The defects of the issue are reproduced: the August 1963 instructions and
the 1970 State Council opinions dated by the month, AUT-10 applied under every regime, a regime switch accepted at
any date, and a Korean national's return under the August 1963 instructions stuck when a political issue is found.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.choices import Nationality
from cases.errors import ApplicationError
from cases.models import CaseEvent, EventKind, Exercise
from cases.models.authorization import RETURN_HOME, Destination
from cases.regimes import REGIMES, regime_in_force, regimes_offered
from cases.rules import all_rules
from cases.rules.in_force import (
    DOCUMENTS,
    RULE_DATES,
    date_table,
    date_table_markdown,
    in_force,
    regime_from,
    rules_in_force,
)
from cases.services import authorization as svc
from cases.services.regime import exercise_switch_regime
from cases.services.steps import case_transition
from tests.cases.authorization_helpers import applicant, letter, reload, to_decision
from tests.desks import authorization_desk

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def aut(historical):
    """The historical 1959 desk with the authorization offices: the date tests need a run that is not a what-if."""
    authorization_desk(historical.exercise, historical.suffix)
    return historical


def set_date(exercise: Exercise, day: dt.date, regime: str | None = None) -> None:
    fields = {"clock": dt.datetime.combine(day, dt.time(9, 0), tzinfo=BEIJING)}
    if regime:
        fields["regime"] = regime
    Exercise.objects.filter(pk=exercise.pk).update(**fields)
    exercise.refresh_from_db()


# --- The table --------------------------------------------------------------------------------


def test_every_catalogued_rule_has_in_force_dates():
    """MAR-0 ... OTH-3: every rule of the catalogue is dated, and nothing else is."""
    assert set(RULE_DATES) == set(all_rules())


@pytest.mark.parametrize("rule_id", sorted(RULE_DATES))
def test_each_rule_just_before_and_on_its_dates(rule_id):
    """One day just before and the day of each date: not in force, then in force; at its end the reverse."""
    row = RULE_DATES[rule_id]
    assert not in_force(rule_id, row.start - DAY)
    assert in_force(rule_id, row.start)
    if row.end is not None:
        assert in_force(rule_id, row.end - DAY)
        assert not in_force(rule_id, row.end)
        assert rule_id not in rules_in_force(row.end)


@pytest.mark.parametrize(("rule_id", "start"), [
    ("PER-1", dt.date(1955, 6, 8)),     # D9 §2-3
    ("AUT-2", dt.date(1955, 1, 1)),     # D1's line applied before D1: an assumption, marked
    ("AUT-4", dt.date(1962, 3, 24)),    # D7 "from today onwards"
    ("AUT-6", dt.date(1963, 8, 8)),     # D8
    ("PER-8", dt.date(1964, 6, 9)),     # D10, signed 9 Jun 1964
    ("MEET-1", dt.date(1964, 6, 9)),
    ("AUT-10", dt.date(1970, 8, 19)),   # D11 §8 "from today onwards"
    ("OTH-1", dt.date(1970, 8, 19)),
])
def test_rules_start_on_their_documents_dates(rule_id, start):
    """The dates are the documents': D6 is 23 March 1962, D7 24 March; D8 8 August 1963; D11 19 August 1970."""
    assert RULE_DATES[rule_id].start == start
    assert DOCUMENTS["D6"].date == dt.date(1962, 3, 23) and DOCUMENTS["D7"].date == dt.date(1962, 3, 24)


def test_rules_applied_outside_their_documents_say_why():
    """A rule applied before its document (or after it, PER-11) carries the reason, shown as an assumption."""
    for row in RULE_DATES.values():
        if row.start < row.vouched_from:
            assert "assumption" in row.assumed_before, row.rule
            assert row.note(row.start)
            if row.assumed_from is None or row.assumed_from > row.vouched_from:
                assert not row.note(row.vouched_from), row.rule
    per11 = RULE_DATES["PER-11"]  # the 1953 age limit, kept for the 1955 permit and after D10
    assert per11.note(dt.date(1955, 6, 7)) == ""
    assert "assumption" in per11.note(dt.date(1955, 6, 8)) and "1 Jul 1955" in per11.note(dt.date(1955, 6, 8))
    assert "assumption" in per11.note(dt.date(1964, 6, 9))


@pytest.mark.parametrize(("rule_id", "before", "documented", "says"), [
    # R1959 §3 is a proposal of 10 Dec 1959: earlier use of its certification letter and settlement is assumed.
    ("RET-11", dt.date(1959, 6, 1), dt.date(1959, 12, 10), "10 Dec 1959"),
    ("AUT-8", dt.date(1959, 3, 2), dt.date(1959, 12, 10), "State Council's provisions"),
    # E1961 (2 Dec 1961) reports the stations as set up once crossings grew, the quarantine as recent.
    ("RET-13", dt.date(1960, 6, 1), dt.date(1961, 12, 2), "first half of 1960"),
    # D5 is of 10 May 1961; the Jilin order ART quotes of 25 Nov 1961.
    ("RET-10", dt.date(1961, 2, 1), dt.date(1961, 5, 10), "25 Nov 1961"),
    # ART reports the June 1955 minutes and the December 1957 meeting before D1.
    ("RET-1", dt.date(1956, 1, 1), dt.date(1957, 12, 17), "8 Jun 1955"),
    ("RET-2", dt.date(1956, 1, 1), dt.date(1957, 12, 17), "ART"),
])
def test_rules_used_before_their_documents_date_tell_the_student_so(rule_id, before, documented, says):
    """A rule applied before the document that states it shows a note saying so, citing what the sources give."""
    row = RULE_DATES[rule_id]
    assert row.vouched_from == documented
    note = row.note(before)
    assert says in note and "assumption" in note
    assert row.note(documented) == ""


def test_the_relocation_starts_with_the_state_council_instruction_of_18_january_1959():
    """AUT-12: R1959 reports the State Council's instruction of 18 Jan 1959; not in force before it."""
    assert not in_force("AUT-12", dt.date(1959, 1, 17))
    assert in_force("AUT-12", dt.date(1959, 1, 18))


def test_the_pre_1958_referral_after_d2_is_marked_for_the_student():
    """MAR-0 after 18 Oct 1958: the referral D2 replaced is shown as a leftover case or a counterfactual."""
    row = RULE_DATES["MAR-0"]
    assert row.note(dt.date(1958, 10, 17)).startswith("MAR-0 before 18 Oct 1958")
    after = row.note(dt.date(1959, 3, 2))
    assert "counterfactual" in after and "assumption" in after


def test_the_date_table_is_ordered_by_date_and_cites_every_source():
    rows = date_table()
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    assert len(rows) == len(RULE_DATES) and all(r["source"] for r in rows)


def test_the_docs_page_matches_the_table():
    """docs/rules-in-force.md is generated from the table (``manage.py rules_in_force --markdown``)."""
    page = Path(__file__).resolve().parents[2] / "docs" / "rules-in-force.md"
    assert page.read_text(encoding="utf-8") == date_table_markdown()


# --- Regimes follow the calendar -----------------------------------------------------------------


@pytest.mark.parametrize(("day", "before", "after"), [
    (dt.date(1963, 8, 8), "1962_correction", "1963_august"),     # D8, 8 Aug 1963 (was 1 Aug)
    (dt.date(1970, 8, 19), "1964_protocol", "1970_state_council"),  # D11, 19 Aug 1970 (was 1 Jan)
    (dt.date(1962, 3, 24), "1961_strict", "1962_correction"),     # D7, 24 Mar 1962
    (dt.date(1964, 6, 9), "1963_august", "1964_protocol"),
])
def test_regimes_start_on_their_documents_dates(day, before, after):
    assert regime_in_force(day - DAY).code == before
    assert regime_in_force(day).code == after
    assert REGIMES[after] not in regimes_offered(day - DAY) and REGIMES[after] in regimes_offered(day)


def test_no_regime_cites_d6_as_24_march():
    """D6 is dated 23 March 1962; 24 March is D7."""
    for regime in REGIMES.values():
        assert "D6, 24 Mar" not in regime.citation


def test_a_switch_to_a_regime_not_yet_in_force_is_refused_unless_counterfactual(aut):
    """A 1959 exercise cannot switch to the March 1962 correction; as a counterfactual it can, and says so."""
    teacher = aut.user("teacher")
    running = letter(aut, regime="")
    before = aut.exercise.regime
    with pytest.raises(ApplicationError, match="comes into force only on 24 Mar 1962"):
        exercise_switch_regime(exercise=aut.exercise, regime="1962_correction", migrate_running=False, actor=teacher)
    aut.exercise.refresh_from_db()
    assert aut.exercise.regime == before and not aut.exercise.counterfactual
    assert not CaseEvent.objects.filter(exercise=aut.exercise, kind=EventKind.REGIME).exists()

    result = exercise_switch_regime(exercise=aut.exercise, regime="1962_correction", migrate_running=False,
                                    actor=teacher, counterfactual=True)
    aut.exercise.refresh_from_db()
    assert result.counterfactual and aut.exercise.counterfactual
    assert aut.exercise.counterfactual_label.startswith("COUNTERFACTUAL")
    event = CaseEvent.objects.get(case=running, kind=EventKind.REGIME)
    assert event.label.startswith("COUNTERFACTUAL") and event.data["counterfactual"] is True


def test_a_switch_on_the_documents_day_needs_no_counterfactual(aut):
    set_date(aut.exercise, dt.date(1962, 3, 23), "1961_strict")
    with pytest.raises(ApplicationError, match="counterfactual"):
        exercise_switch_regime(exercise=aut.exercise, regime="1962_correction", migrate_running=False,
                               actor=aut.user("teacher"))
    set_date(aut.exercise, dt.date(1962, 3, 24))
    result = exercise_switch_regime(exercise=aut.exercise, regime="1962_correction", migrate_running=False,
                                    actor=aut.user("teacher"))
    aut.exercise.refresh_from_db()
    assert not result.counterfactual and not aut.exercise.counterfactual and aut.exercise.counterfactual_label == ""


def test_a_switch_back_to_a_replaced_regime_is_a_what_if_refused_unless_counterfactual(aut):
    """On 1 Jan 1965 the 1961 strict practice is history (the 1962 correction replaced it, and the 1964 Protocol is
    in force): putting it back was accepted as a historical run; now it needs the counterfactual box, and says so."""
    from cases.regimes import regime_choices_on

    teacher = aut.user("teacher")
    running = letter(aut, regime="")
    set_date(aut.exercise, dt.date(1965, 1, 1), "1964_protocol")
    with pytest.raises(ApplicationError, match="replaced on 9 Jun 1964 by the 1964 Protocol"):
        exercise_switch_regime(exercise=aut.exercise, regime="1961_strict", migrate_running=False, actor=teacher)
    aut.exercise.refresh_from_db()
    assert aut.exercise.regime == "1964_protocol" and not aut.exercise.counterfactual
    assert not CaseEvent.objects.filter(exercise=aut.exercise, kind=EventKind.REGIME).exists()
    choices = dict(regime_choices_on(dt.date(1965, 1, 1)))
    assert "counterfactual only" in choices["1961_strict"] and "counterfactual only" not in choices["1964_protocol"]

    result = exercise_switch_regime(exercise=aut.exercise, regime="1961_strict", migrate_running=False,
                                    actor=teacher, counterfactual=True)
    aut.exercise.refresh_from_db()
    assert result.counterfactual and aut.exercise.counterfactual
    assert aut.exercise.counterfactual_label.startswith("COUNTERFACTUAL")
    assert CaseEvent.objects.get(case=running, kind=EventKind.REGIME).label.startswith("COUNTERFACTUAL")


def test_the_exercise_form_refuses_a_regime_before_its_date(aut):
    set_date(aut.exercise, dt.date(1963, 8, 7), "1962_correction")
    aut.exercise.regime = "1963_august"
    with pytest.raises(ValidationError, match="8 Aug 1963"):
        aut.exercise.full_clean()
    aut.exercise.counterfactual = True
    aut.exercise.full_clean()


def test_the_case_page_labels_a_counterfactual_run(aut, client):
    case = letter(aut, regime="")
    client.force_login(aut.user("teacher"))
    assert "COUNTERFACTUAL" not in client.get(f"/admin/cases/authorizationcase/{case.pk}/change/").content.decode()
    exercise_switch_regime(exercise=aut.exercise, regime="1963_august", migrate_running=True,
                           actor=aut.user("teacher"), counterfactual=True)
    client.force_login(aut.user("teacher"))
    page = client.get(f"/admin/cases/authorizationcase/{case.pk}/change/").content.decode()
    assert 'id="bd-counterfactual"' in page and "COUNTERFACTUAL" in page and "(counterfactual run)" in page
    for url in (reverse("admin:cases_exercise_debrief", args=[aut.exercise.pk]),
                reverse("admin:cases_exercise_dashboard", args=[aut.exercise.pk]),
                reverse("classroom:console", args=[aut.exercise.pk]), reverse("classroom:inbox")):
        assert "COUNTERFACTUAL" in client.get(url).content.decode(), url


# --- AUT-10 and AUT-6 by date -------------------------------------------------------------------------


def test_aut_10_is_a_1970_rule_not_applied_before_19_august_1970(aut):
    """AUT-10 (D11 §8): on 18 Aug 1970 no application for a capitalist destination is filed; on 19 Aug it is."""
    psb = aut.user("countypsb")
    set_date(aut.exercise, dt.date(1970, 8, 18), "1964_protocol")
    with pytest.raises(ApplicationError, match="AUT-10 is not yet in force"):
        svc.authorization_apply_abroad(exercise=aut.exercise, applicant=applicant(aut, Nationality.KOREAN_IN_CHINA),
                                       destination=Destination.MACAU, actor=psb)
    set_date(aut.exercise, dt.date(1970, 8, 19), "1970_state_council")
    case = svc.authorization_apply_abroad(exercise=aut.exercise, applicant=applicant(aut, Nationality.KOREAN_IN_CHINA),
                                          destination=Destination.MACAU, actor=psb)
    assert case_transition(case=case, transition="refuse_destination", actor=psb).state == "destination_refused"


def test_aut_6_every_korean_nationals_return_is_approved_even_with_a_finding(aut):
    """AUT-6 (D8 §2): under the August 1963 instructions each return request is approved; a political issue or a
    pending case found at the examination does not leave the case stuck (neither approval nor refusal)."""
    set_date(aut.exercise, dt.date(1963, 8, 8), "1963_august")
    for finding in ({"political_issue": True}, {"pending_case": True}):
        case = to_decision(aut, letter(aut, purpose=RETURN_HOME, regime="1963_august"), **finding)
        with pytest.raises(ApplicationError, match="AUT-6"):
            svc.authorization_refuse(case=case, actor=aut.user("countypsb"), reason="Found something")
        case = svc.authorization_approve(case=reload(case), actor=aut.user("countypsb"))
        assert case.state == "approved"
    # The 1957 line still refuses a return for a political issue (AUT-2).
    old = to_decision(aut, letter(aut, purpose=RETURN_HOME, regime="1957_lenient"), political_issue=True)
    with pytest.raises(ApplicationError, match="AUT-2"):
        svc.authorization_approve(case=old, actor=aut.user("countypsb"))


# --- The date table in the admin -----------------------------------------------------------------


def test_the_admin_date_table_lists_every_rule_in_date_order(aut, client):
    """A read-only page: every rule with its dates and source, ordered by date, and the documents in order."""
    client.force_login(aut.user("teacher"))
    response = client.get("/admin/cases/exercise/rules-by-date/")
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(f'data-rule="{row["rule"]}"') for row in date_table()]
    assert positions == sorted(positions) and len(positions) == len(RULE_DATES)
    assert page.index("D6, 23 Mar 1962") < page.index("D7, 24 Mar 1962") < page.index("D8, 8 Aug 1963")
    assert client.post("/admin/cases/exercise/rules-by-date/").status_code == 405
    case = letter(aut, regime="")
    assert "/admin/cases/exercise/rules-by-date/" in client.get(
        f"/admin/cases/authorizationcase/{case.pk}/change/").content.decode()


# --- Paraphrases that say no more than their sources -------------------------------------------------


def test_paraphrases_say_no_more_than_their_sources():
    """RET-4 (D10 Art. 1(1)): disaster crossers are assisted, not 'returned'; RET-14: a joint inspection *can*
    be made; RET-1: An Zaixiu came legally, with an exit permit (E1961)."""
    rules = all_rules()
    assert "assisted" in rules["RET-4"].summary and "returned" not in rules["RET-4"].summary
    assert "can be conducted" in rules["RET-14"].summary
    assert "legally with an exit permit" in rules["RET-1"].source
    assert "D6, 23 Mar 1962" in rules["AUT-3"].source or rules["AUT-3"].source.startswith("D6, 23 Mar 1962")


def test_every_rule_a_regime_applies_is_in_force_throughout_the_regime():
    """A regime's policy tables (authorization, returns) cite rules; each must be in force (with its assumption
    label where the source comes later) on every day the regime runs historically. RET-9 was not: the 1961
    practice (from 1 Jan 1961) applied the Embassy line of the MFA cable of 9 Aug 1961 with no label."""
    regimes = sorted(REGIMES.values(), key=lambda r: r.effective)
    for regime, following in zip(regimes, [*regimes[1:], None], strict=True):
        first = regime_from(regime.code)
        last = (following.effective if following else dt.date(1971, 1, 1)) - DAY
        cited = {rule for value in regime.params.values() for rule in getattr(value, "rules", ()) or ()}
        for rule_id in sorted(cited):
            for day in (first, last):
                assert in_force(rule_id, day), (regime.code, rule_id, day)
    ret9 = RULE_DATES["RET-9"]
    assert "assumption" in ret9.note(dt.date(1961, 3, 1)) and ret9.note(dt.date(1961, 8, 9)) == ""
