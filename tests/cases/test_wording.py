"""Labels inside sentences keep their names' capitals and take the right article (a probe found "a introduction
letter from korean relatives" and "out of china (to the dprk)" in messages students read)."""

from __future__ import annotations

import pytest

from cases.models.embassy import EmbassyMatter
from cases.wording import in_sentence, with_article
from permits.models import Direction, DocumentKind


@pytest.mark.parametrize("label,inside", [
    (Direction.EXIT.label, "out of China (to the DPRK)"),
    (DocumentKind.RELATIVES_LETTER.label, "introduction letter from Korean relatives"),
    (DocumentKind.NATIONAL_CREDENTIALS.label, "Korean national credentials"),
    (EmbassyMatter.RENUNCIATION.label, "renunciation of PRC citizenship"),
    ("DPRK Embassy", "DPRK Embassy"),
    ("", ""),
])
def test_a_label_inside_a_sentence_keeps_names_and_acronyms(label, inside):
    assert in_sentence(label) == inside


def test_the_article_follows_the_first_letter():
    assert with_article("introduction letter") == "an introduction letter"
    assert with_article("state employee") == "a state employee"


def test_a_sentence_starts_with_a_capital_and_keeps_the_rest():
    from cases.wording import sentence_start

    assert sentence_start("a meeting of the Chief Representatives") == "A meeting of the Chief Representatives"
