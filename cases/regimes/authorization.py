"""How each policy regime handles authorization letters and applications to go to the DPRK (AUT-1 ... AUT-11).

Plain data, referenced from ``cases/regimes/__init__.py`` as the ``authorization`` parameter of each regime.
Guards and deadlines of ``cases/models/authorization.py`` read it through ``case.regime_obj``.

What the sources state is cited per field. The numbers of days, the refusal propensities (except the
1961 one, which is Yanbian's 735 of 1,778) and the lists of documents are assumptions a historian
would find plausible: the sources say "too strict, overly restrictive and sluggish" (D6) and
"as soon as possible" (D7 §3), never how many days. They drive the later autopilot and the
escalation deadlines, and a teacher may change them here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# Documents a regime may demand beyond the authorization letter itself. The sources do not list
# them; these mirror the papers D9 §4 names for border permits (commune and relatives' introduction
# letters) plus the political clearance that a "too strict" 1961 practice plausibly demanded.
DOCUMENTS: dict[str, str] = {
    "commune_introduction": "introduction letter from the commune or work unit",
    "relative_letter": "letter from the relatives in the DPRK",
    "political_clearance": "political clearance from the public security station",
}


@dataclass(frozen=True)
class AuthorizationPolicy:
    """The authorization-letter rules of one regime."""

    line: str  # which line of policy this is, shown in the admin
    rules: tuple[str, ...]
    # The line's name and its document, shown for the letters wherever the regime is named (the console's
    # Regime card, an AUT case page): a regime is named after one procedure's document (the October 1958
    # regime after D2, on marriages), which says nothing of letters.
    label: str = ""
    citation: str = ""
    # Office kind that decides an ordinary application, and one that decides a Korean national's
    # return home (AUT-9: from 1970 the provincial revolutionary committee).
    decider: str = "county_psb"
    return_home_decider: str = "county_psb"
    required_documents: tuple[str, ...] = ("commune_introduction",)
    # AUT-2: refuse only for a political issue or a pending civil or criminal case.
    refuse_only_for_grounds: bool = True
    # AUT-4: letter holders may travel with their property; AUT-8 settlement happens in any case.
    property_may_travel: bool = True
    # AUT-5: family of people settled in the DPRK may follow them.
    family_may_follow: bool = False
    # AUT-4: relatives of DPRK cadres handled promptly; AUT-7: KPA officers' families expedited.
    cadre_relatives_prompt: bool = False
    kpa_family_expedited: bool = False
    # AUT-6: every Korean national asking to return home is approved.
    return_home_always_approved: bool = False
    # AUT-10: insistent applicants for capitalist destinations are reported to the MFA and MPS.
    report_insistent_to_ministries: bool = False
    # Simulated days a clerk takes to examine (for the autopilot) and after which a wait escalates.
    examination_days: int = 10
    escalate_after_days: int = 30
    expedited_escalate_after_days: int = 3
    # Share of examined applications the office refuses (for the autopilot).
    refusal_rate: float = 0.1
    # Share of letter holders who go on to apply (for the autopilot); Yanbian 1961: 1,778 of 2,667.
    application_rate: float = 0.67
    # AUT-11: longest visit the county clears (assumption: one month, like the PER-7 transit pass).
    visit_max_days: int = 31


LENIENT_1957 = AuthorizationPolicy(
    line="Approve leniently; refuse only for a political issue or a pending case (D1 §4).",
    rules=("AUT-2",),
    label="1957 lenient line",
    citation="D1 §4, 17 Dec 1957, PRC MFA 118-01026-01",
    examination_days=10,
    escalate_after_days=30,
    refusal_rate=0.1,
)

STRICT_1961 = AuthorizationPolicy(
    line="Too strict, overly restrictive and slow (D6, D7); modelled (an assumption) as more papers, refusal "
    "on any ground and property kept back.",
    rules=("AUT-3",),
    label="1961 strict practice",
    citation="D6, 23 Mar 1962, PRC MFA 118-01025-02 (describing 1961)",
    required_documents=("commune_introduction", "relative_letter", "political_clearance"),
    refuse_only_for_grounds=False,
    property_may_travel=False,
    examination_days=60,
    escalate_after_days=30,
    # Yanbian 1961 (D6): 735 not approved of about 1,778 applications.
    refusal_rate=round(735 / 1778, 3),
    application_rate=round(1778 / 2667, 3),
)

CORRECTION_1962 = AuthorizationPolicy(
    line="Be significantly more lenient; process letter holders at once and let property go (D6, D7 §3).",
    rules=("AUT-4", "AUT-5"),
    label="24 March 1962 correction",
    citation="D7 §3-4, 24 Mar 1962, PRC MFA 118-01025-02 (after D6, 23 Mar 1962)",
    property_may_travel=True,
    family_may_follow=True,
    cadre_relatives_prompt=True,
    examination_days=5,
    escalate_after_days=10,
    refusal_rate=0.05,
    application_rate=0.9,
)

AUGUST_1963 = AuthorizationPolicy(
    line="Allow ethnic Koreans with ties to move, approve every Korean national's return; expedite KPA "
    "officers' families (D8 §2-3).",
    rules=("AUT-6", "AUT-7", "AUT-5"),
    label="August 1963 instructions",
    citation="D8 §2-3, 8 Aug 1963, PRC MFA 118-01784-01; D7 §4b",
    family_may_follow=True,
    cadre_relatives_prompt=True,
    kpa_family_expedited=True,
    return_home_always_approved=True,
    examination_days=5,
    escalate_after_days=10,
    refusal_rate=0.03,
    application_rate=0.9,
)

STATE_COUNCIL_1970 = AuthorizationPolicy(
    line="Provincial revolutionary committee approves Korean nationals' returns; capitalist destinations "
    "refused and the insistent reported (D11 §7-8).",
    rules=("AUT-9", "AUT-10"),
    label="1970 State Council opinions",
    citation="D11 §7-8, 19 Aug 1970, Hebei Prov. Archives 1057-2-1",
    return_home_decider="provincial_committee",
    family_may_follow=True,
    cadre_relatives_prompt=True,
    kpa_family_expedited=True,
    report_insistent_to_ministries=True,
    examination_days=20,
    escalate_after_days=30,
    refusal_rate=0.1,
    application_rate=0.8,
)

# Before D1 (17 Dec 1957) the sources give no rule for these applications; ART reports that China approved the
# Koreans' requests to return at once in May 1954 and consented in August 1955, and that in April 1957 the MFA
# told the provinces it would not stop them. The project applies D1's line then (assumption), and says so.
LENIENT_BEFORE_D1 = replace(
    LENIENT_1957,
    citation="D1 §4, 17 Dec 1957, applied before its date (assumption: ART reports requests to return approved "
    "at once in 1954-1957)",
)
