"""RET rules: illegal crossers, returns and repatriation (D1, D5, D6, D7 §4, D10, D11 §6, E1961, R1959 and
the 1961 instructions quoted in ART). Paraphrases only; the figures are the sources' own."""

from cases.rules import Rule, register

D1 = "D1, 17 Dec 1957, PRC MFA 118-01026-01"
D7 = "D7, 24 Mar 1962, PRC MFA 118-01025-02"
D10 = "D10, 9 Jun 1964 Protocol, PRC MFA 106-01434-04"
D11 = "D11, 19 Aug 1970, Hebei Prov. Archives 1057-2-1"
E1961 = "E1961, Embassy cable of 2 Dec 1961, PRC FMA 118-01026-07"

register(
    Rule(
        "RET-1",
        "A resident who crossed illegally into the DPRK is first urged to come back. If he will not and the "
        "DPRK agrees to keep him, he is not sent back: the Embassy investigates and educates him and may then "
        "give him an emigrant passport; a wish to give up PRC citizenship is handled as a renunciation.",
        f"{D1} §1; {E1961} (a renunciation at the Embassy: An Zaixiu, who had come legally with an exit permit "
        "and a passport, on 10 Nov 1961)",
    ),
    Rule(
        "RET-2",
        "A DPRK citizen who crossed illegally into China is in principle sent back; where that is really "
        "impractical he may stay once the DPRK approves, and may still be sent back later.",
        f"{D1} §2",
    ),
    Rule(
        "RET-3",
        "A crosser who committed a crime, or has a civil or criminal case pending at home, is always sent "
        "back, by either side.",
        f"{D1} §3",
    ),
    Rule(
        "RET-4",
        "People driven across by fire, flood, typhoon, a labour incident or another disaster are not illegal "
        "crossers: they are to be assisted (how they go home D10 does not say).",
        f"{D10} Art. 1(1), Art. 4(1)",
    ),
    Rule(
        "RET-5",
        "Illegal crossers go back to the other side together with what is known of their identity and "
        "circumstances; one who commits a crime after crossing may be tried where he committed it, and the "
        "other side is told.",
        f"{D10} Art. 4(2)",
    ),
    Rule(
        "RET-6",
        "Counter-revolutionaries and ordinary criminals who flee across are reported to the other side and "
        "returned; one found to have committed graver crimes in the country that caught him may, if both "
        "sides agree, be kept there for trial.",
        f"{D10} Art. 5(1)",
    ),
    Rule(
        "RET-7",
        "Criminals, illegal crossers, information, materials and property change hands at places the two "
        "sides have agreed on.",
        f"{D10} Art. 9(2)",
    ),
    Rule(
        "RET-8",
        "March 1962: those already in the DPRK may stay there if they wish to and the DPRK is willing to "
        "settle them; if not, the DPRK is asked to help persuade them to come back.",
        f"{D7} §4a",
    ),
    Rule(
        "RET-9",
        "1961: the Embassy does not take up the cases of crossers who now want to come back but asks the "
        "DPRK side for help; it may give an entry permit to one who comes to it in person. Han Chinese whom "
        "the DPRK has settled are left alone.",
        "ART, quoting the MFA Consular Department cable to the Embassy of 9 Aug 1961 (CFMA 118-01026-07, "
        "pp. 118-119)",
    ),
    Rule(
        "RET-10",
        "1961: in Jilin, crossers who came back to China were to be firmly persuaded to go back to the DPRK; "
        "in Liaoning, crossers stopped at the border were given living arrangements and money to go home.",
        "ART, quoting the Jilin Provincial CCP Committee cable of 25 Nov 1961 (CFMA 118-00948-02); "
        "D5 measure (4), 10 May 1961, PRC MFA 118-01026-03",
    ),
    Rule(
        "RET-11",
        "Someone in the DPRK who asks the Embassy to go back to China to settle money or property must first "
        "bring a certification letter from the former commune or local government; the Embassy is strict.",
        "R1959 §3(2), 10 Dec 1959, PRC FMA 118-00777-01",
    ),
    Rule(
        "RET-12",
        "1970: Koreans who crossed illegally into China are in general sent back, promptly; a special "
        "situation is reported up for instructions.",
        f"{D11} §6",
    ),
    Rule(
        "RET-13",
        "DPRK reception stations: a files check, then travel money and ration coupons, fifteen days at the "
        "station (washing, disinfection, vaccination, medical examination), then work assigned through a "
        "Labour Bureau; only holders of diplomas or technical certificates go to central departments. "
        "(North Hamgyong, 8 Nov 1961: 20,517 arrivals; over 1,500 left their jobs.)",
        E1961,
    ),
    Rule(
        "RET-14",
        "A corpse found in the border region: nationality and cause of death are investigated; a resident of "
        "the other side is returned; a joint inspection can be conducted where the death is linked to a criminal "
        "case of both countries or nationality is unknown; where nationality or residence cannot be established, "
        "the finding side deals with it. (1961: 243 "
        "corpses in the Yalu and Tumen, 82 Chinese, 11 Korean, 150 unidentified.)",
        f"{D10} Art. 1(5); D6, 23 Mar 1962, PRC MFA 118-01025-02",
    ),
)
