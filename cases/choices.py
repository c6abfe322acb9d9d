"""Enumerations shared by every procedure: sides, office kinds, people."""

from django.db import models


class Side(models.TextChoices):
    CHINA = "CN", "China (PRC)"
    DPRK = "KP", "North Korea (DPRK)"


class OfficeKind(models.TextChoices):
    """The offices of PROCEDURES.md actors A-2 ... A-10 that students play."""

    WORK_UNIT = "work_unit", "Work unit (leader / personnel department)"
    COMMUNE = "commune", "People's commune"
    COUNTY_PSB = "county_psb", "County / city public security bureau"
    BORDER_STATION = "border_station", "Local public security or border work station"
    BORDER_DEFENCE = "border_defence", "Deputy representative of border defence"
    CIVIL_AFFAIRS = "civil_affairs", "County civil affairs bureau (marriage registration)"
    PROVINCIAL_PSB = "provincial_psb", "Provincial public security department"
    PROVINCIAL_COMMITTEE = "provincial_committee", "Provincial party / revolutionary committee"
    MPS = "mps", "Ministry of Public Security"
    MFA = "mfa", "Ministry of Foreign Affairs (Consular Affairs, Beijing office)"
    INTERIOR = "interior", "Ministry of the Interior"
    STATE_COUNCIL = "state_council", "State Council"
    CENTRAL_COMMITTEE = "central_committee", "CCP Central Committee"
    EMBASSY = "embassy", "Chinese Embassy in Pyongyang"
    BORDER_REPRESENTATIVE = "border_representative", "Border Area Public Security Representative"
    DPRK_SPA = "dprk_spa", "DPRK Supreme People's Assembly Standing Committee"
    DPRK_SAFETY = "dprk_safety", "DPRK Social Safety Ministry (Internal Affairs)"
    DPRK_INSPECTION = "dprk_inspection", "DPRK border inspection body"
    DPRK_RECEPTION = "dprk_reception", "DPRK reception station"
    DPRK_LABOUR = "dprk_labour", "DPRK Labour Bureau"


def office_kind_label(kind: str) -> str:
    """Return the name of an office kind ("Provincial party / revolutionary committee"), or the code if unknown."""
    try:
        return str(OfficeKind(kind).label)
    except ValueError:
        return kind


DPRK_OFFICE_KINDS = frozenset(
    {
        OfficeKind.DPRK_SPA,
        OfficeKind.DPRK_SAFETY,
        OfficeKind.DPRK_INSPECTION,
        OfficeKind.DPRK_RECEPTION,
        OfficeKind.DPRK_LABOUR,
    }
)


class Nationality(models.TextChoices):
    CN_KOREAN = "cn_korean", "Chinese citizen of Korean ethnicity"
    KOREAN_IN_CHINA = "korean_in_china", "Korean national residing in China"
    HAN = "han", "Han Chinese"
    DPRK = "dprk", "DPRK citizen"


class Occupation(models.TextChoices):
    """Occupation categories that the 1958 marriage rules (D2 §1-2) distinguish."""

    MILITARY = "military", "Military personnel (active service)"
    DIPLOMATIC = "diplomatic", "Diplomatic personnel"
    VITAL = "vital", "Personnel of a vital department"
    UNIT_STAFF = "unit_staff", "Staff of an organisation, school, factory or contract group"
    PEASANT = "peasant", "Commune member / peasant"
    OTHER = "other", "Other"


# MAR-1: posts whose holders may not marry foreigners at all.
RESTRICTED_OCCUPATIONS = frozenset({Occupation.MILITARY, Occupation.DIPLOMATIC, Occupation.VITAL})


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
