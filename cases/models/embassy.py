"""Cases at the Chinese Embassy in Pyongyang: an emigrant passport for a crosser the DPRK keeps, the
renunciation of PRC citizenship (RET-1; the An Zaixiu case of E1961), and a return to China to settle
money or property, which needs the former commune's certification letter first (RET-11).

Variants (``Case.variant``): ``passport``, ``renunciation``, ``property``.
Assumptions (the sources are silent): a renunciation is forwarded to the MFA Consular Affairs
Department, which decides (E1961 went to it and to the MPS); a commune may instead settle accounts at a
distance, the other ways R1959 §3(1) lists.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from cases.choices import OfficeKind
from cases.engine import guard, step
from cases.errors import ApplicationError
from cases.models.case import Case
from cases.models.crosser import CrosserCase
from cases.models.exercise import Office, Person

K = OfficeKind
PASSPORT = ("passport",)
RENUNCIATION = ("renunciation",)
PROPERTY = ("property",)


class EmbassyMatter(models.TextChoices):
    PASSPORT = "passport", "Emigrant passport for one who stays in the DPRK"
    RENUNCIATION = "renunciation", "Renunciation of PRC citizenship"
    PROPERTY = "property", "Return to China to settle money or property"


class SettlementMethod(models.TextChoices):
    """R1959 §3(1): ways a commune settles with a former member without his travelling."""

    REPRESENTATIVE = "representative", "He sends a representative to receive it"
    RELATIVE = "relative", "A relative or friend is entrusted"
    REMITTANCE = "remittance", "Remittance through a regional representative"


class EmbassyState(models.TextChoices):
    APPLIED = "applied", "Application made at the Embassy"
    CONSENT_ASKED = "consent_asked", "DPRK asked whether it consents to keep him"
    INVESTIGATING = "investigating", "Embassy investigating and educating"
    EDUCATED = "educated", "Investigation and education done: decide"
    WITH_MINISTRY = "with_ministry", "Renunciation with the MFA Consular Affairs Department"
    CERTIFICATE_REQUESTED = "certificate_requested", "Waiting for the former commune's certification letter"
    CERTIFIED = "certified", "Certification letter received"
    PASSPORT_ISSUED = "passport_issued", "Emigrant passport issued"
    RENOUNCED = "renounced", "PRC citizenship renounced"
    RETURNING = "returning", "To return to China"
    TRAVEL_PERMITTED = "travel_permitted", "Allowed to travel to China to settle property"
    SETTLED_REMOTELY = "settled_remotely", "Commune settles without his travelling"
    REFUSED = "refused", "Refused"


S = EmbassyState


@guard("RET-1: an emigrant passport needs the DPRK's consent to keep him; ask the DPRK first.")
def consent_on_file(case: EmbassyCase) -> bool:
    return case.variant != EmbassyMatter.PASSPORT or bool(case.dprk_consent_ref.strip())


@guard("RET-1: the DPRK's consent is already on file.")
def consent_missing(case: EmbassyCase) -> bool:
    return not case.dprk_consent_ref.strip()


@guard("RET-1: the Embassy must investigate and educate him before deciding.")
def investigated(case: EmbassyCase) -> bool:
    return bool(case.investigation_findings.strip())


@guard("RET-11: the Embassy may let him travel to settle money or property only with a certification letter "
       "from his former commune or local government.")
def has_certification_letter(case: EmbassyCase) -> bool:
    return bool(case.certification_letter_ref.strip())


class EmbassyCase(Case):
    """A matter a Chinese citizen in the DPRK brings to the Embassy."""

    PROCEDURE_KIND = "embassy"
    VARIANT_LABELS = dict(EmbassyMatter.choices)
    REFERENCE_PREFIX = "EMB"
    State = EmbassyState
    OFFICE_FIELDS: ClassVar[dict[str, str]] = {K.COMMUNE: "former_commune"}

    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="embassy_cases")
    crosser_case = models.ForeignKey(
        CrosserCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="embassy_cases",
        help_text="The illegal-crosser case this one follows from, if any.",
    )
    papers_held = models.CharField(
        max_length=200, blank=True, help_text="E.g. an exit permit and a Chinese passport (An Zaixiu, E1961).",
    )
    dprk_consent_ref = models.CharField("DPRK consent reference", max_length=80, blank=True)
    investigation_findings = models.TextField(blank=True, help_text="RET-1: investigation and education.")
    passport_number = models.CharField("emigrant passport no.", max_length=40, blank=True)
    renunciation_certificate = models.CharField("renunciation certificate no.", max_length=40, blank=True)
    former_commune = models.ForeignKey(
        Office, on_delete=models.RESTRICT, null=True, blank=True, related_name="embassy_cases",
        limit_choices_to={"kind": OfficeKind.COMMUNE},
        help_text="RET-11: the commune (or local government) that certifies and settles.",
    )
    property_description = models.TextField(blank=True)
    certification_letter_ref = models.CharField("certification letter reference", max_length=80, blank=True)
    settlement_method = models.CharField(max_length=20, choices=SettlementMethod.choices, blank=True)
    travel_permit_number = models.CharField(max_length=40, blank=True)
    reason = models.TextField("reason given", blank=True)

    class Meta:
        verbose_name = "Embassy case"

    # --- Emigrant passport and renunciation (RET-1) -------------------------------------------

    @step(source=S.APPLIED, target=S.CONSENT_ASKED, office=K.EMBASSY, rules=["RET-1"], variants=PASSPORT,
          guards=[consent_missing], label="Ask the DPRK whether it will keep him")
    def ask_dprk_consent(self) -> None:
        """Ask the DPRK side whether it consents to his remaining (RET-1)."""

    @step(source=S.CONSENT_ASKED, target=S.INVESTIGATING, office=K.DPRK_SAFETY, rules=["RET-1"],
          fields=["dprk_consent_ref"], label="Consent to keep him")
    def dprk_consents(self, *, dprk_consent_ref: str) -> None:
        """The DPRK consents to his remaining (RET-1)."""
        self.dprk_consent_ref = dprk_consent_ref

    @step(source=S.CONSENT_ASKED, target=S.RETURNING, office=K.DPRK_SAFETY, rules=["RET-1", "RET-8"],
          reason_required=True, label="Decline: he is to go back", style="refuse")
    def dprk_declines(self, *, reason: str) -> None:
        """Without the DPRK's consent he is not allowed to stay and is to return (RET-1, RET-8)."""
        self.reason = reason

    @step(source=S.APPLIED, target=S.INVESTIGATING, office=K.EMBASSY, rules=["RET-1"],
          variants=PASSPORT + RENUNCIATION, guards=[consent_on_file], label="Begin investigation and education")
    def begin_investigation(self) -> None:
        """Open the Embassy's investigation and education of the applicant (RET-1)."""

    @step(source=S.INVESTIGATING, target=S.EDUCATED, office=K.EMBASSY, rules=["RET-1"],
          fields=["investigation_findings"], label="Record investigation and education")
    def complete_investigation(self, *, investigation_findings: str) -> None:
        """Record what the investigation found and the education given (RET-1)."""
        self.investigation_findings = investigation_findings

    @step(source=S.EDUCATED, target=S.RETURNING, office=K.EMBASSY, rules=["RET-1"],
          variants=PASSPORT + RENUNCIATION, label="He agrees to return to China")
    def agrees_to_return(self) -> None:
        """Education persuaded him to go back, the outcome D1 §1 prefers (RET-1)."""

    @step(source=S.EDUCATED, target=S.PASSPORT_ISSUED, office=K.EMBASSY, rules=["RET-1"], variants=PASSPORT,
          guards=[consent_on_file, investigated], fields=["passport_number"], label="Issue an emigrant passport",
          style="close")
    def issue_emigrant_passport(self, *, passport_number: str) -> None:
        """Issue the emigrant passport after investigation and education (RET-1)."""
        self.passport_number = passport_number

    @step(source=S.EDUCATED, target=S.WITH_MINISTRY, office=K.EMBASSY, rules=["RET-1"], variants=RENUNCIATION,
          guards=[investigated], label="Forward the renunciation to the Consular Affairs Department")
    def forward_renunciation(self) -> None:
        """Send the request to renounce PRC citizenship up for processing (RET-1)."""

    @step(source=S.WITH_MINISTRY, target=S.RENOUNCED, office=K.MFA, rules=["RET-1"],
          fields=["renunciation_certificate"], label="Approve the renunciation", style="close",
          assumption="The MFA Consular Affairs Department decides renunciations made abroad.")
    def approve_renunciation(self, *, renunciation_certificate: str) -> None:
        """Process the renunciation by the principles for renouncing citizenship (RET-1)."""
        self.renunciation_certificate = renunciation_certificate

    @step(source=[S.EDUCATED, S.WITH_MINISTRY], target=S.REFUSED, office=K.EMBASSY, rules=["RET-1"],
          variants=PASSPORT + RENUNCIATION, reason_required=True, label="Refuse", style="refuse")
    def refuse(self, *, reason: str) -> None:
        """Refuse the passport or the renunciation (RET-1)."""
        self.reason = reason

    # --- Return to settle money or property (RET-11) ------------------------------------------

    @step(source=S.APPLIED, target=S.CERTIFICATE_REQUESTED, office=K.EMBASSY, rules=["RET-11"], variants=PROPERTY,
          label="Ask the former commune for a certification letter")
    def request_certification(self) -> None:
        """Tell him a certification letter from his former commune must come first (RET-11)."""

    @step(source=S.CERTIFICATE_REQUESTED, target=S.CERTIFIED, office=K.COMMUNE, rules=["RET-11"],
          fields=["certification_letter_ref"], label="Issue the certification letter")
    def issue_certification_letter(self, *, certification_letter_ref: str) -> None:
        """The former commune or local government certifies the claim (RET-11)."""
        self.certification_letter_ref = certification_letter_ref

    @step(source=S.CERTIFICATE_REQUESTED, target=S.SETTLED_REMOTELY, office=K.COMMUNE, rules=["RET-11"],
          fields=["settlement_method"], label="Settle without his travelling", style="close",
          assumption="R1959 §3(1): the commune may settle through a representative, a relative or a remittance.")
    def settle_remotely(self, *, settlement_method: str) -> None:
        """Settle accounts at a distance instead of bringing him back (R1959 §3(1), beside RET-11)."""
        if settlement_method not in SettlementMethod.values:
            raise ApplicationError("Choose how the commune settles: representative, relative or remittance.")
        self.settlement_method = settlement_method

    @step(source=S.CERTIFICATE_REQUESTED, target=S.REFUSED, office=K.COMMUNE, rules=["RET-11"],
          reason_required=True, label="Decline to certify", style="refuse")
    def decline_certification(self, *, reason: str) -> None:
        """The commune finds nothing owed to him (RET-11)."""
        self.reason = reason

    @step(source=[S.APPLIED, S.CERTIFIED], target=S.TRAVEL_PERMITTED, office=K.EMBASSY, rules=["RET-11"],
          variants=PROPERTY, guards=[has_certification_letter], fields=["travel_permit_number"],
          label="Let him travel to China to settle", style="close")
    def permit_travel(self, *, travel_permit_number: str) -> None:
        """Issue the travel document, strictly on the certification letter (RET-11)."""
        self.travel_permit_number = travel_permit_number
