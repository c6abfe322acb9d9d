"""Embassy services: open an emigrant-passport, renunciation or property case (RET-1, RET-11)."""

from __future__ import annotations

from typing import Any

from cases.choices import Nationality, OfficeKind
from cases.errors import ApplicationError
from cases.models import CrosserCase, CrosserState, EmbassyCase, EmbassyState, Exercise, Office, Person
from cases.models.embassy import EmbassyMatter
from cases.services.steps import case_open
from cases.wording import in_sentence

PRC_CITIZENS = frozenset({Nationality.HAN, Nationality.CN_KOREAN})


def embassy_case_open(
    *,
    exercise: Exercise,
    person: Person,
    matter: str,
    actor: Any,
    crosser_case: CrosserCase | None = None,
    papers_held: str = "",
    dprk_consent_ref: str = "",
    former_commune: Office | None = None,
    property_description: str = "",
    note: str = "",
) -> EmbassyCase:
    """Open a case at the Embassy for a Chinese citizen in the DPRK.

    ``passport`` (RET-1): an emigrant passport for one who will not come back; when opened from a
    crosser case the DPRK kept (``settled_in_dprk``), its consent is on file already.
    ``renunciation`` (RET-1): a request to renounce PRC citizenship.
    ``property`` (RET-11): a return to China to settle money or property; names the former commune.
    """
    if person.exercise_id != exercise.pk:
        raise ApplicationError("The person must belong to this exercise.")
    if matter not in EmbassyMatter.values:
        raise ApplicationError("Choose the matter: emigrant passport, renunciation, or property.")
    if person.nationality not in PRC_CITIZENS:
        raise ApplicationError("The Embassy handles these matters for PRC citizens; choose a Chinese citizen.")
    if crosser_case is not None:
        if crosser_case.exercise_id != exercise.pk or crosser_case.person_id != person.pk:
            raise ApplicationError("The crosser case must be this person's, in this exercise.")
        if matter == EmbassyMatter.PASSPORT and crosser_case.state == CrosserState.SETTLED_IN_DPRK:
            dprk_consent_ref = dprk_consent_ref or f"Consent recorded on {crosser_case.reference}"
    if matter == EmbassyMatter.PROPERTY:
        commune_ok = (
            former_commune is not None
            and former_commune.kind == OfficeKind.COMMUNE
            and former_commune.exercise_id == exercise.pk
        )
        if not commune_ok:
            raise ApplicationError("RET-11: name his former commune (a commune office of this exercise).",
                                   rules=("RET-11",))
        if not property_description.strip():
            raise ApplicationError("Describe the money or property he wants to settle.", rules=("RET-11",))
    elif former_commune is not None:
        raise ApplicationError("Only a property case names a former commune.")
    case = EmbassyCase(
        exercise=exercise,
        title=f"{person.name}: {in_sentence(EmbassyMatter(matter).label)}",
        person=person,
        variant=matter,
        crosser_case=crosser_case,
        papers_held=papers_held.strip(),
        dprk_consent_ref=dprk_consent_ref.strip(),
        former_commune=former_commune,
        property_description=property_description.strip(),
        state=EmbassyState.APPLIED,
    )
    rules = ("RET-11",) if matter == EmbassyMatter.PROPERTY else ("RET-1",)
    return case_open(case=case, actor=actor, office_kind=OfficeKind.EMBASSY, rules=rules, note=note)
