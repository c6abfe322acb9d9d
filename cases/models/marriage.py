"""Marriage of a Chinese man and a Korean woman: the 1958 procedure of D2 and the older referral to
the Central Committee (MAR-0 ... MAR-9).

Transition bodies only set fields in memory; services save, log and check permissions.
Assumptions (the sources are silent): the order in which the Embassy copy and the woman's DPRK
application travel, that the county public security bureau decides the special circumstances of
MAR-9, and that county civil affairs registers the marriage.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from cases.choices import RESTRICTED_OCCUPATIONS, Nationality, Occupation, OfficeKind, Sex
from cases.engine import guard, step
from cases.models.case import Case
from cases.models.exercise import Office, Person
from cases.wording import short_date

K = OfficeKind
PRE1958 = ("pre1958",)
D1958 = ("1958",)


class MarriageState(models.TextChoices):
    ILLEGAL_ENTRY = "illegal_entry", "Woman crossed illegally: public security decides"
    FILED = "filed", "Application filed with the work unit (two copies)"
    DISSUASION = "dissuasion", "Work unit trying to dissuade the man"
    EXAMINATION = "examination", "Work unit examining the application"
    LEADER_REVIEW = "leader_review", "Awaiting the unit leader's approval"
    PROVINCE_REVIEW = "province_review", "With the province, to be referred up"
    CENTRE_REVIEW = "centre_review", "With the Central Committee"
    CHINA_APPROVED = "china_approved", "Approved in China; one copy back to the man"
    COPY_TO_EMBASSY = "copy_to_embassy", "Second copy with the MFA Beijing office for the Embassy"
    WOMAN_APPLYING = "woman_applying", "Woman applying to the DPRK SPA Standing Committee"
    DPRK_APPROVED = "dprk_approved", "DPRK approval and passport granted"
    VISA_ISSUED = "visa_issued", "Entry visa issued by the Embassy"
    SPECIAL_APPROVED = "special_approved", "Allowed to marry and stay (special circumstances)"
    MARRIED = "married", "Marriage registered in China"
    REGISTERED = "registered", "Wife registered as a foreign national"
    EXIT_APPLICATION = "exit_application", "Man applying for exit permission to settle in the DPRK"
    AWAITING_DPRK_ENTRY = "awaiting_dprk_entry", "Man awaiting DPRK entry approval"
    SETTLED_IN_DPRK = "settled_in_dprk", "Man settles in the DPRK"
    WITHDRAWN = "withdrawn", "Withdrawn after dissuasion"
    REFUSED = "refused", "Refused in China"
    REFUSED_DPRK = "refused_dprk", "Refused by the DPRK"
    REPATRIATED = "repatriated", "Woman repatriated"


S = MarriageState


@guard("MAR-1: the man is military, diplomatic or vital-department personnel, who may not marry foreigners.")
def man_post_restricted(case: MarriageCase) -> bool:
    return case.man.occupation in RESTRICTED_OCCUPATIONS


@guard("MAR-1: military, diplomatic and vital-department personnel may not marry foreigners.")
def man_post_not_restricted(case: MarriageCase) -> bool:
    return case.man.occupation not in RESTRICTED_OCCUPATIONS


@guard("MAR-2: dissuasion is for staff of organisations, schools, factories and contract groups.")
def man_is_unit_staff(case: MarriageCase) -> bool:
    return case.man.occupation == Occupation.UNIT_STAFF


@guard("MAR-2: staff of organisations, schools, factories and contract groups must first be dissuaded.")
def man_needs_no_dissuasion(case: MarriageCase) -> bool:
    # A restricted post is MAR-1's (man_post_not_restricted), not a want of dissuasion.
    return case.man.occupation != Occupation.UNIT_STAFF


@guard("MAR-3: the unit leader may approve only after the examination found the man truthful.")
def guard_truthful(case: MarriageCase) -> bool:
    return bool(case.found_truthful)


@guard("MAR-3: the examination found the man's post not compatible with marrying a foreigner.")
def guard_post_compatible(case: MarriageCase) -> bool:
    return bool(case.post_compatible)


@guard("MAR-4: the application must be one form in two copies.")
def two_copies(case: MarriageCase) -> bool:
    return case.copies == 2


@guard("MAR-8: settling in the DPRK is for couples where she has work there or he can find work there.")
def work_in_dprk(case: MarriageCase) -> bool:
    return case.woman_has_work_in_dprk or case.man_can_find_work_in_dprk


@guard("MAR-6: the Embassy issues the visa only with the Chinese approval copy on file.")
def embassy_has_copy(case: MarriageCase) -> bool:
    return case.embassy_copy_at is not None


@guard("MAR-6: the woman must first hold DPRK marriage approval and a passport.")
def has_dprk_papers(case: MarriageCase) -> bool:
    return bool(case.dprk_approval_ref and case.passport_number)


# The pre-1958 route's provincial stage (MAR-0): D2 names only the Central Committee.
VIA_PROVINCE = ("D2 says only that many localities asked the Central Committee for approval; the provincial "
                "committee on the way up is an assumption.")


class MarriageCase(Case):
    """A Chinese man's application to marry a Korean woman."""

    PROCEDURE_KIND = "marriage"
    VARIANT_LABELS = {"pre1958": "Pre-1958 referral up to the Central Committee (MAR-0)",
                      "1958": "October 1958 notification: the work unit decides (D2)"}
    REFERENCE_PREFIX = "MAR"
    State = MarriageState
    OFFICE_FIELDS: ClassVar[dict[str, str]] = {K.WORK_UNIT: "work_unit"}

    # The pickers offer whom ``marriage_file`` accepts (D2: a Chinese man, a Korean woman of the DPRK).
    man = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="marriages_as_man",
                            limit_choices_to={"sex": Sex.MALE,
                                              "nationality__in": [Nationality.HAN, Nationality.CN_KOREAN]})
    woman = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="marriages_as_woman",
                              limit_choices_to={"sex": Sex.FEMALE, "nationality": Nationality.DPRK})
    work_unit = models.ForeignKey(
        Office,
        on_delete=models.RESTRICT,
        related_name="marriage_cases",
        limit_choices_to={"kind": OfficeKind.WORK_UNIT},
        help_text="The man's work unit, which examines and approves under D2.",
    )
    copies = models.PositiveSmallIntegerField(default=2, help_text="MAR-4: one form in two copies.")
    woman_crossed_illegally = models.BooleanField(default=False)
    woman_has_work_in_dprk = models.BooleanField("woman has work in the DPRK", default=False)
    man_can_find_work_in_dprk = models.BooleanField("man can find work in the DPRK", default=False)
    applications = models.PositiveSmallIntegerField(
        default=1, help_text="MAR-0: how many times the man has had to apply."
    )
    found_truthful = models.BooleanField("man found truthful", null=True, blank=True)
    remarrying = models.BooleanField("man is remarrying", null=True, blank=True)
    post_compatible = models.BooleanField("post compatible with a foreign wife", null=True, blank=True)
    copy_returned_at = models.DateTimeField("copy back to the man (simulated)", null=True, blank=True)
    embassy_copy_at = models.DateTimeField("copy at the Embassy (simulated)", null=True, blank=True)
    dprk_approval_ref = models.CharField("DPRK approval reference", max_length=60, blank=True)
    passport_number = models.CharField(max_length=40, blank=True)
    visa_number = models.CharField(max_length=40, blank=True)
    marriage_certificate = models.CharField("marriage certificate no.", max_length=40, blank=True)
    foreign_resident_number = models.CharField("foreign resident registration no.", max_length=40, blank=True)
    reason = models.TextField("reason given", blank=True)

    class Meta:
        verbose_name = "marriage case"

    @property
    def counterfactual_label(self) -> str:
        """Say so when an application filed after D2 (18 Oct 1958) still goes up the pre-1958 referral (MAR-0).

        Filed before D2, such a case only finishes on its old route (an assumption the step notes give);
        filed on or after it, it is a what-if for comparison, and its page says so at the top.
        """
        label = super().counterfactual_label
        if label or self.variant not in PRE1958 or self.filed_at is None:
            return label
        from cases.rules.in_force import DOCUMENTS, calendar_date

        replaced = DOCUMENTS["D2"].effective
        if calendar_date(self.filed_at) < replaced:
            return ""
        return (f"COUNTERFACTUAL: this application, filed on {short_date(calendar_date(self.filed_at))}, goes up "
                f"the pre-1958 referral to the Central Committee (MAR-0), which D2 had replaced on "
                f"{short_date(replaced)}; it is run for comparison with the work unit's route.")

    # --- Special case: the woman already crossed illegally (MAR-9) ------------------------------

    @step(source=S.ILLEGAL_ENTRY, target=S.REPATRIATED, office=K.COUNTY_PSB, rules=["MAR-9"],
          label="Repatriate the woman", style="refuse")
    def repatriate(self) -> None:
        """Send back a woman who crossed illegally to marry, the rule in principle (MAR-9)."""

    @step(source=S.ILLEGAL_ENTRY, target=S.SPECIAL_APPROVED, office=K.COUNTY_PSB, rules=["MAR-9", "MAR-1"],
          label="Allow marriage and residence (special circumstances)", guards=[man_post_not_restricted],
          reason_required=True,
          assumption="The county public security bureau decides; D2 does not name the office.")
    def approve_special_circumstances(self, *, reason: str) -> None:
        """Let her marry and stay when she cannot be sent back (MAR-9)."""
        self.reason = reason

    # --- Pre-1958: referral to the Central Committee (MAR-0) ------------------------------------

    @step(source=S.FILED, target=S.PROVINCE_REVIEW, office=K.WORK_UNIT, rules=["MAR-0"], variants=PRE1958,
          label="Forward the application up to the province", guards=[two_copies],
          assumption=VIA_PROVINCE)
    def forward_to_province(self) -> None:
        """Refer the case upwards, as many localities did before D2 (MAR-0)."""

    @step(source=S.PROVINCE_REVIEW, target=S.CENTRE_REVIEW, office=K.PROVINCIAL_COMMITTEE, rules=["MAR-0"],
          variants=PRE1958, label="Refer to the Central Committee",
          assumption=VIA_PROVINCE)
    def refer_to_centre(self) -> None:
        """Send the papers on to the Centre (MAR-0)."""

    @step(source=S.PROVINCE_REVIEW, target=S.FILED, office=K.PROVINCIAL_COMMITTEE, rules=["MAR-0"],
          variants=PRE1958, label="Send back: the man must apply again", reason_required=True,
          assumption=VIA_PROVINCE)
    def return_to_unit(self, *, reason: str) -> None:
        """Return the papers; the man files a fresh application (MAR-0's repeated applications)."""
        self.reason = reason
        self.applications += 1

    @step(source=S.CENTRE_REVIEW, target=S.PROVINCE_REVIEW, office=K.CENTRAL_COMMITTEE, rules=["MAR-0"],
          variants=PRE1958, label="Ask the province for more reports", reason_required=True)
    def request_more_reports(self, *, reason: str) -> None:
        """Send the case back down for more reports, the back-and-forth of MAR-0."""
        self.reason = reason

    @step(source=S.CENTRE_REVIEW, target=S.CHINA_APPROVED, office=K.CENTRAL_COMMITTEE, rules=["MAR-0", "MAR-4"],
          variants=PRE1958, label="Approve (Central Committee)")
    def central_approve(self) -> None:
        """Approve at the Centre; the approval goes back down to the man (MAR-0)."""
        self.copy_returned_at = self.exercise.clock

    @step(source=S.CENTRE_REVIEW, target=S.REFUSED, office=K.CENTRAL_COMMITTEE, rules=["MAR-0"],
          variants=PRE1958, label="Refuse (Central Committee)", reason_required=True, style="refuse")
    def central_refuse(self, *, reason: str) -> None:
        """Refuse at the Centre (MAR-0)."""
        self.reason = reason

    # --- 1958: the work unit decides (MAR-1 ... MAR-4) ------------------------------------------

    @step(source=S.FILED, target=S.REFUSED, office=K.WORK_UNIT, rules=["MAR-1"], variants=D1958,
          label="Refuse: restricted post", guards=[man_post_restricted], style="refuse")
    def refuse_restricted_post(self) -> None:
        """Refuse soldiers, diplomats and vital-department staff outright (MAR-1)."""
        self.reason = "MAR-1: the man's post forbids marrying a foreigner."

    @step(source=S.FILED, target=S.DISSUASION, office=K.WORK_UNIT, rules=["MAR-2"], variants=D1958,
          label="Try to dissuade him", guards=[two_copies, man_is_unit_staff])
    def begin_dissuasion(self) -> None:
        """Start dissuading a staff member of an ordinary unit (MAR-2)."""

    @step(source=S.FILED, target=S.EXAMINATION, office=K.WORK_UNIT, rules=["MAR-3", "MAR-2", "MAR-1"],
          variants=D1958, label="Examine the application",
          guards=[two_copies, man_post_not_restricted, man_needs_no_dissuasion],
          assumption="Men outside the categories of D2 §1-2 (peasants, others) go straight to examination.")
    def begin_examination(self) -> None:
        """Take up the application of a man D2 does not ask to dissuade (MAR-3)."""

    @step(source=S.DISSUASION, target=S.WITHDRAWN, office=K.WORK_UNIT, rules=["MAR-2"], variants=D1958,
          label="He withdraws", style="close")
    def record_withdrawal(self) -> None:
        """Dissuasion worked: the application is withdrawn (MAR-2)."""

    @step(source=S.DISSUASION, target=S.EXAMINATION, office=K.WORK_UNIT, rules=["MAR-2", "MAR-3"],
          variants=D1958, label="He insists: examine the application")
    def record_insistence(self) -> None:
        """Dissuasion failed and he insists, so the marriage may proceed to examination (MAR-2)."""

    @step(source=S.EXAMINATION, target=S.LEADER_REVIEW, office=K.WORK_UNIT, rules=["MAR-3"], variants=D1958,
          label="Record the examination", fields=["found_truthful", "remarrying", "post_compatible"])
    def complete_examination(self, *, found_truthful: bool, remarrying: bool, post_compatible: bool) -> None:
        """Record truthfulness, remarriage and post compatibility (MAR-3)."""
        self.found_truthful = found_truthful
        self.remarrying = remarrying
        self.post_compatible = post_compatible

    @step(source=S.LEADER_REVIEW, target=S.CHINA_APPROVED, office=K.WORK_UNIT, rules=["MAR-3", "MAR-4", "MAR-1"],
          variants=D1958, label="Approve (unit leader); return one copy to the man",
          guards=[man_post_not_restricted, guard_truthful, guard_post_compatible])
    def leader_approve(self) -> None:
        """Approve as unit leader; one of the two copies goes back to the man at once (MAR-3, MAR-4)."""
        self.copy_returned_at = self.exercise.clock

    @step(source=[S.EXAMINATION, S.LEADER_REVIEW], target=S.REFUSED, office=K.WORK_UNIT, rules=["MAR-3"],
          variants=D1958, label="Refuse after examination", reason_required=True, style="refuse")
    def refuse_after_examination(self, *, reason: str) -> None:
        """Refuse when the examination or the leader finds against the application (MAR-3)."""
        self.reason = reason

    # --- Shared tail: the woman comes to China (MAR-4 ... MAR-7) or the man goes (MAR-8) -------

    @step(source=S.CHINA_APPROVED, target=S.COPY_TO_EMBASSY, office=K.WORK_UNIT, rules=["MAR-4", "MAR-5"],
          label="Copy to the man for the woman; second copy to the MFA")
    def send_copies(self) -> None:
        """The man sends his copy to the woman; the other copy goes to the MFA Beijing office (MAR-4)."""

    @step(source=S.COPY_TO_EMBASSY, target=S.WOMAN_APPLYING, office=K.MFA, rules=["MAR-5"],
          label="Forward the copy to the Embassy in Pyongyang",
          assumption="The Embassy copy is forwarded before the woman's application is decided.")
    def forward_copy_to_embassy(self) -> None:
        """Send the copy, addressed from the MFA Beijing office to the Embassy (MAR-5)."""
        self.embassy_copy_at = self.exercise.clock

    @step(source=S.WOMAN_APPLYING, target=S.DPRK_APPROVED, office=K.DPRK_SPA, rules=["MAR-5", "MAR-6"],
          label="Approve the marriage; issue a passport", fields=["dprk_approval_ref", "passport_number"])
    def dprk_approve(self, *, dprk_approval_ref: str, passport_number: str) -> None:
        """Grant the woman DPRK marriage approval and a passport (MAR-5, MAR-6)."""
        self.dprk_approval_ref = dprk_approval_ref
        self.passport_number = passport_number

    @step(source=S.WOMAN_APPLYING, target=S.REFUSED_DPRK, office=K.DPRK_SPA, rules=["MAR-5"],
          label="Refuse (DPRK)", reason_required=True, style="refuse")
    def dprk_refuse(self, *, reason: str) -> None:
        """Refuse on the DPRK side, which controlled such marriages strictly for want of labour (MAR-5)."""
        self.reason = reason

    @step(source=S.DPRK_APPROVED, target=S.VISA_ISSUED, office=K.EMBASSY, rules=["MAR-6"],
          label="Issue the entry visa", fields=["visa_number"], guards=[has_dprk_papers, embassy_has_copy])
    def issue_visa(self, *, visa_number: str) -> None:
        """Issue her entry visa on the strength of the Chinese approval (MAR-6)."""
        self.visa_number = visa_number

    @step(source=[S.VISA_ISSUED, S.SPECIAL_APPROVED], target=S.MARRIED, office=K.CIVIL_AFFAIRS,
          rules=["MAR-7"], label="Register the marriage", fields=["marriage_certificate"],
          assumption="County civil affairs registers marriages under the 1950 Marriage Law.")
    def register_marriage(self, *, marriage_certificate: str) -> None:
        """Register the marriage in China under Chinese marriage law (MAR-7)."""
        self.marriage_certificate = marriage_certificate

    @step(source=S.MARRIED, target=S.REGISTERED, office=K.COUNTY_PSB, rules=["MAR-7"],
          label="Register her as a foreign national", fields=["foreign_resident_number"])
    def register_foreign_national(self, *, foreign_resident_number: str) -> None:
        """Register and manage the wife as a foreign national (MAR-7)."""
        self.foreign_resident_number = foreign_resident_number

    @step(source=S.CHINA_APPROVED, target=S.EXIT_APPLICATION, office=K.WORK_UNIT, rules=["MAR-8"],
          label="Encourage him to settle in the DPRK", guards=[work_in_dprk])
    def choose_settlement_in_dprk(self) -> None:
        """Steer the couple to the DPRK where there is work for them there (MAR-8)."""

    @step(source=S.EXIT_APPLICATION, target=S.AWAITING_DPRK_ENTRY, office=K.COUNTY_PSB, rules=["MAR-8"],
          label="Grant exit permission")
    def grant_exit_permission(self) -> None:
        """Local public security lets the man leave China (MAR-8)."""

    @step(source=S.EXIT_APPLICATION, target=S.REFUSED, office=K.COUNTY_PSB, rules=["MAR-8"],
          label="Refuse exit permission", reason_required=True, style="refuse")
    def refuse_exit(self, *, reason: str) -> None:
        """Refuse the man's exit (MAR-8)."""
        self.reason = reason

    @step(source=S.AWAITING_DPRK_ENTRY, target=S.SETTLED_IN_DPRK, office=K.DPRK_SAFETY, rules=["MAR-8"],
          label="Approve his entry to the DPRK")
    def approve_entry(self) -> None:
        """The DPRK admits the man, who may now travel (MAR-8)."""

    @step(source=S.AWAITING_DPRK_ENTRY, target=S.REFUSED_DPRK, office=K.DPRK_SAFETY, rules=["MAR-8"],
          label="Refuse his entry", reason_required=True, style="refuse")
    def refuse_entry(self, *, reason: str) -> None:
        """The DPRK does not admit the man (MAR-8)."""
        self.reason = reason
