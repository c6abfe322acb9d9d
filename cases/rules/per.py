"""PER rules: border resident crossing permits, transit passes and crossings (D9, Jilin Provincial Public
Security Department report of 10 September 1963, PRC MFA 118-01342-04; D10, Protocol of 9 June 1964,
PRC MFA 106-01434-04, Arts. 3, 4 and 6; the 1953 transit rules as reported in ART)."""

from cases.rules import Rule, register

D9 = "D9, 10 Sep 1963, PRC MFA 118-01342-04"
D10 = "D10, 9 Jun 1964, PRC MFA 106-01434-04"

register(
    Rule("PER-1", "The Jilin border region uses a single permit, the \"Sino-Korean Border Resident Border "
         "Crossing Permit\", in use on both sides since 8 June 1955.", f"{D9} §1-3"),
    # D10 Art. 6 (the region as the municipalities and counties near the border, changes notified) comes in by
    # date: the note of PER-2's row in cases/rules/in_force.py, shown from 9 Jun 1964 (not a 1963 citation).
    Rule("PER-2", "The permit is valid only inside the two sides' border region. In Jilin that is nine cities and "
         "counties (Yanji City, Hunjiang City, Yanji County, Helong, Hunchun, Wangqing, Antu, Changbai, Ji'an).",
         f"{D9} §2"),
    Rule("PER-3", "Who may hold it: border residents, Korean nationals lawfully living in the region, state "
         "employees above commune level who live there, for journeys that are not work.", f"{D9} §2"),
    Rule("PER-4", "Documents: a Chinese applicant brings letters of introduction from the Korean relatives and from "
         "the commune; a Korean national brings national credentials and the supervising department's letter.",
         f"{D9} §4"),
    Rule("PER-5", "One applies, and the permit is handed out, at the local public security or border work "
         "station; a commune without one has designated special personnel.", f"{D9} §4"),
    Rule("PER-6", "A state employee above commune level brings a letter from the unit's human-resources or "
         "protection department and fills in the form for private crossings; both the county/city police and "
         "the deputy representative of border defence must approve.", f"{D9} §4"),
    Rule("PER-7", "To visit relatives the county/city public security bureau issues a border resident transit pass "
         "valid one month; the Chief and Deputy Chief Representatives and public servants get an official permit "
         "valid up to one year.", f"{D10} Art. 3(3)"),
    Rule("PER-8", "Crossing hours, Beijing time: April to September 08:00-17:00, October to March 09:00-16:00 "
         "(Pyongyang one hour later). Outside them no one crosses, unless another agreement allows it or, in an "
         "important situation, the other side's inspection body consents.", f"{D10} Art. 3(4)"),
    Rule("PER-9", "People cross only at the agreed crossing points, where inspection bodies sit, on a permit, "
         "passport, public-affairs permit or other agreed credential.", f"{D10} Art. 3(1)-(2)"),
    Rule("PER-10", "Without a valid document, or at a point the document does not name, the traveller is an illegal "
         "border crosser (taken up by the returns procedure).", f"{D10} Art. 4(1)"),
    Rule("PER-11", "Under the 1953 rules residents of 18 or over could get travel documents to visit relatives and "
         "friends, go to school, see a doctor, or attend weddings and funerals.",
         "ART (July 1953 regulations on Chinese and Korean border transit)"),
    # D10 Art. 3(3)'s one-month pass is PER-7's, cited beside PER-12 from 9 Jun 1964 (cites_while_in_force).
    Rule("PER-12", "The holder must be back by the pass's expiry; one who is not is overdue and followed up.",
         "D4 §4, 9 May 1961, PRC MFA 118-01026-04"),
)
