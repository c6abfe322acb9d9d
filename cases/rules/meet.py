"""MEET rules: meetings between the two sides' border public-security representatives (D10, Protocol
between the PRC Ministry of Public Security and the DPRK Social Safety Ministry, 9 June 1964,
PRC MFA 106-01434-04, Arts. 7-9)."""

from cases.rules import Rule, register

D10 = "D10, 9 Jun 1964, PRC MFA 106-01434-04"

register(
    Rule(
        "MEET-1",
        "Before a meeting, the side asking for it must obtain the other side's consent to its time, place "
        "and subject in advance.",
        f"{D10}, Art. 9(3)",
    ),
    Rule(
        "MEET-2",
        "Notice in advance: two months between the ministries' representatives, one month between Chief "
        "Representatives, 15 days for a Representatives' conference and 3 days for a Representatives' "
        "meeting; in an emergency both sides may agree to meet at any time.",
        f"{D10}, Art. 9(3)",
    ),
    Rule(
        "MEET-3",
        "Conferences take place on each side in turn, and a representative of the host side chairs.",
        f"{D10}, Art. 9(3)",
    ),
    Rule(
        "MEET-4",
        "A conference resolution takes effect only once senior authorities on both sides have approved it, "
        "counting from the day the two sides notify each other.",
        f"{D10}, Art. 9(3)",
    ),
    Rule(
        "MEET-5",
        "A Chief or Deputy Chief Representative entering the other side's territory carries a permit from "
        "their own minister; a Representative carries one from their Chief Representative.",
        f"{D10}, Art. 9(4)",
    ),
)
