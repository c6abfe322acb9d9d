"""Labels inside sentences keep their names' capitals and take the right article (a probe found "a introduction
letter from korean relatives" and "out of china (to the dprk)" in messages students read)."""

from __future__ import annotations

import pytest

from cases.models.embassy import EmbassyMatter
from cases.wording import clip, in_sentence, with_article
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


def test_a_date_in_a_sentence_reads_as_the_pages_write_it():
    """"1 Sep 1959", as the templates' ``j M Y``: the messages wrote "01 Sep 1959" beside pages saying "1 Sep 1959"."""
    import datetime as dt

    from cases.wording import short_date

    assert short_date(dt.date(1959, 9, 1)) == "1 Sep 1959"
    assert short_date(dt.datetime(1963, 9, 10, 9, 5)) == "10 Sep 1963"
    assert short_date(dt.datetime(1963, 9, 1, 9, 5), time=True) == "1 Sep 1963 09:05"


def test_no_date_format_uses_a_flag_windows_refuses():
    """``%-d`` (no leading zero) is glibc's: on Windows, where many teachers' laptops run, ``strftime`` raises
    ValueError on it, so every page citing a rule's date would fail there. Dates in sentences go through
    ``cases.wording.short_date``; this finds any format string in the code with such a flag."""
    import ast
    import re
    from pathlib import Path

    flag = re.compile(r"%[-#_^]")
    root = Path(__file__).resolve().parents[2]
    found = []
    for package in ("cases", "permits", "config"):
        for path in (root / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                specs = []
                if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
                    specs = [v.value for v in ast.walk(node.format_spec) if isinstance(v, ast.Constant)]
                elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "strftime":
                    specs = [a.value for a in node.args if isinstance(a, ast.Constant)]
                found += [f"{path.relative_to(root)}:{node.lineno}" for s in specs if flag.search(str(s))]
    assert not found, found


def test_a_sentence_cut_to_fit_its_column_ends_at_a_word():
    """A summary stored in a 300-character column was cut wherever the limit fell: the console read
    "... property may not travel with t" (a class top-up refused by AUT-4)."""
    assert clip("Short enough.", 300) == "Short enough."
    text = "Topped up the work: property may not travel with the applicant; record how it is disposed of."
    cut = clip(text, 40)
    assert cut == "Topped up the work: property may not …" and len(cut) <= 40
    assert clip("x" * 50, 10) == "x" * 9 + "…"  # one long word: cut inside it, and said so
    assert clip(text, len(text)) == text


def test_django_s_own_displays_write_a_moment_as_the_pages_do(desk):
    """The admin's lists and view pages wrote "2 Mar 1959, 9 a.m." (en-gb's format) beside pages writing
    "2 Mar 1959 09:00": one way to write a moment, on every page."""
    import datetime as dt

    from django.test import Client
    from django.urls import reverse
    from django.utils import formats, timezone

    from cases.models import ClockMove
    from cases.wording import short_date

    moment = timezone.make_aware(dt.datetime(1959, 3, 2, 9, 0))
    assert formats.localize(moment) == short_date(moment, time=True) == "2 Mar 1959 09:00"
    assert formats.localize(moment.time()) == "09:00"
    ClockMove.objects.create(exercise=desk.exercise, from_time=moment, to_time=moment + dt.timedelta(days=2),
                             actor=desk.user("teacher"))
    client = Client()
    client.force_login(desk.user("teacher"))
    listing = client.get(reverse("admin:cases_clockmove_changelist")).content.decode()
    assert "2 Mar 1959 09:00" in listing and "4 Mar 1959 09:00" in listing and "a.m." not in listing
