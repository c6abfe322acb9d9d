"""OTH rules: naturalisation, detention of Korean nationals, and stray property (D10 Art. 1(2), D11 §4, §9)."""

from cases.rules import Rule, register

D10 = "D10, 9 Jun 1964 Protocol, PRC MFA 106-01434-04"
D11 = "D11, 19 Aug 1970, Hebei Prov. Archives 1057-2-1"

register(
    Rule(
        "OTH-1",
        "A Korean national's application for Chinese citizenship is reviewed by the provincial (municipal, "
        "autonomous-region) revolutionary committee and sent to the Ministry of Public Security, which "
        "issues the letter of naturalisation.",
        f"{D11} §9",
    ),
    Rule(
        "OTH-2",
        "Public security handles a Korean national who breaks a decree by the rules for Korean nationals; "
        "detaining or sentencing him must be reported for approval, and work units and street masses may "
        "not detain him at all.",
        f"{D11} §4",
    ),
    Rule(
        "OTH-3",
        "Stray vessels, livestock, poultry and other property of the other side are kept safe, the other "
        "side is told, and it fetches them as soon as it can.",
        f"{D10} Art. 1(2)",
    ),
)
