"""MAR rules: marriage of a Chinese man and a Korean woman (D2, Ministry of the Interior notification
(58) Internal Civil No. 750 of 18 October 1958, Hubei Provincial Archives SZ67-01-0540)."""

from cases.rules import Rule, register

D2 = "D2, 18 Oct 1958, Hubei Prov. Archives SZ67-01-0540"

register(
    Rule(
        "MAR-0",
        "Before October 1958 many localities referred such marriages up to the Central Committee; papers "
        "went back and forth and some applicants applied several times. D2 hands approval to the man's "
        "work unit.",
        f"{D2}, covering notice",
    ),
    Rule(
        "MAR-1",
        "Soldiers, diplomats and staff of vital departments may not marry foreigners: refuse.",
        f"{D2} §1",
    ),
    Rule(
        "MAR-2",
        "Staff of other bodies (schools, factories, contract groups, demobilised soldiers among them) "
        "are first talked out of it; if the man insists, the marriage may go ahead.",
        f"{D2} §2",
    ),
    Rule(
        "MAR-3",
        "The work unit checks that the man told the truth, whether he is remarrying and whether his post "
        "allows a foreign wife; the unit leader approves.",
        f"{D2} §4",
    ),
    Rule(
        "MAR-4",
        "The application is one form in two copies; once the leader approves, one copy goes straight "
        "back to the man, who sends it to the woman.",
        f"{D2} §4",
    ),
    Rule(
        "MAR-5",
        "With that copy the woman applies to the DPRK Supreme People's Assembly Standing Committee; the "
        "other copy goes from the MFA Beijing office to the Chinese Embassy in the DPRK.",
        f"{D2} §4",
    ),
    Rule(
        "MAR-6",
        "When she holds DPRK marriage approval and a passport, the Embassy issues her entry visa on the "
        "strength of the Chinese approval.",
        f"{D2} §4",
    ),
    Rule(
        "MAR-7",
        "In China she registers the marriage under Chinese marriage law and is then registered and "
        "managed as a foreign national.",
        f"{D2} §4 (final paragraph) and §3",
    ),
    Rule(
        "MAR-8",
        "Where she has work in the DPRK or he can find work there, the man is encouraged to settle in the "
        "DPRK: he asks local public security for exit permission and goes once the DPRK admits him.",
        f"{D2} §3",
    ),
    Rule(
        "MAR-9",
        "A Korean woman who crossed illegally to marry is in principle sent back; in special "
        "circumstances she may be allowed to marry and stay, registered as a foreign national.",
        f"{D2} §3",
    ),
)
