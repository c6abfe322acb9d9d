"""AUT rules: "authorization letters" and applications to go to the DPRK (D1 §4, D4, D6, D7, D8, D11,
R1959). Paraphrases only; the figures are the sources' own."""

from cases.rules import Rule, register

D1 = "D1, 17 Dec 1957, PRC MFA 118-01026-01"
D4 = "D4, 9 May 1961 (Yanbian report of 12 Mar 1961), PRC MFA 118-01026-04"
D6 = "D6, 23 Mar 1962, PRC MFA 118-01025-02"
D7 = "D7, 24 Mar 1962, PRC MFA 118-01025-02"
D8 = "D8, 8 Aug 1963, PRC MFA 118-01784-01"
D11 = "D11, 19 Aug 1970, Hebei Prov. Archives 1057-2-1"
R1959 = "R1959, 10 Dec 1959, PRC FMA 118-00777-01"

register(
    Rule(
        "AUT-1",
        "The DPRK side sends an \"authorization letter\" to a named person in China; the holder applies to "
        "go and the Chinese local authorities examine the application and approve or refuse it. Letter "
        "holders keep being handled under this arrangement; it is not renegotiated.",
        f"{D6}; {D7} §5",
    ),
    Rule(
        "AUT-2",
        "The 1957 line: approve applications of ethnic Koreans to go to the DPRK leniently; a justified "
        "application is refused only when the applicant has a political issue or a pending civil or "
        "criminal case.",
        f"{D1} §4",
    ),
    Rule(
        "AUT-3",
        "In 1961 local authorities handled applications too strictly, too restrictively and too slowly. "
        "Yanbian received 2,667 letters that year; about 1,778 holders applied, 1,053 were approved and "
        "735 were not.",
        D6,
    ),
    Rule(
        "AUT-4",
        "The correction of 24 March 1962: be much more lenient from now on, deal with letter holders as "
        "soon as possible and let them go with their property; relatives of DPRK cadres going for "
        "reunions are to be dealt with promptly (the DPRK had asked for 35 such family members; most "
        "had gone, some were still waiting).",
        f"{D6}; {D7} §3",
    ),
    Rule(
        "AUT-5",
        "Family members in China of people already settled in the DPRK may in principle go to join them "
        "and deal with property left behind; because this touches local work and production it is "
        "processed gradually.",
        f"{D7} §4b",
    ),
    Rule(
        "AUT-6",
        "August 1963: ethnic Koreans with social ties to the DPRK who apply to take part in its "
        "development are in general allowed to move, without further restrictions; every Korean national "
        "asking to return to the DPRK is approved.",
        f"{D8} §2",
    ),
    Rule(
        "AUT-7",
        "Family members (Chinese nationals or residents) of Korean People's Army officers are put through "
        "quickly, as State Council Foreign Affairs Telegram 182 instructs.",
        f"{D8} §3",
    ),
    Rule(
        "AUT-8",
        "Before leaving, an approved applicant settles with the commune (shares, production investments, "
        "labour returns) and deals with personal property, under the MPS provisions of 8 June 1958 on "
        "exit and entry for private matters.",
        f"{R1959} §3(3)",
    ),
    Rule(
        "AUT-9",
        "1970: a Korean national who holds an authorization letter, applies to return home and is not a "
        "suspect in a serious political case is approved by the provincial (municipal, autonomous-region) "
        "revolutionary committee.",
        f"{D11} §7",
    ),
    Rule(
        "AUT-10",
        "1970: applications to go to South Korea, Hong Kong, Macau or other capitalist countries are "
        "refused; whoever insists is reported to the MFA and the MPS for review and instructions.",
        f"{D11} §8",
    ),
    Rule(
        "AUT-11",
        "Border residents with a proper reason (a sick relative, going to their children or to a husband) "
        "are cleared to visit and told to be back by a set date; proper travel is kept strictly apart "
        "from improper departure.",
        f"{D4} measure (4) and reasons (3)",
    ),
    Rule(
        "AUT-12",
        "The 1959 organised relocation: provinces worked to control figures (Jilin planned 7,000 "
        "households and 20,000 applied); those not chosen were given persuasion education; in all "
        "10,297 households, 52,014 people went.",
        R1959,
    ),
)
