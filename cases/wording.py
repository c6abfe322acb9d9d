"""Labels inside a sentence: "Out of China (to the DPRK)" reads "out of China (to the DPRK)", not "... dprk".

Also how a person is named on a page (by the name the teacher gave, else by the login), how a date
reads in a sentence, and a real moment on the room's clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings

# Words a label may start with that keep their capital inside a sentence (peoples and countries).
PROPER_WORDS = frozenset({"China", "Chinese", "Korea", "Korean", "Koreans", "DPRK", "PRC"})


def in_sentence(label: str) -> str:
    """Return ``label`` as it reads inside a sentence: its first letter small, unless its first word is a name.

    Only the first letter changes, so names and acronyms further on ("PRC citizenship", "the DPRK") keep their
    capitals, which ``str.lower()`` took away; a first word that is an acronym or in :data:`PROPER_WORDS` stays.
    """
    if not label:
        return label
    first = label.split(maxsplit=1)[0].strip("(\"'“")
    if first in PROPER_WORDS or (len(first) > 1 and first.isupper()):
        return label
    return label[0].lower() + label[1:]


def with_article(phrase: str) -> str:
    """Return ``phrase`` after "a" or "an" (by its first letter: "an introduction letter", "a state employee")."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def sentence_start(phrase: str) -> str:
    """Return ``phrase`` with its first letter capital and the rest as it is (``str.capitalize`` lowers the rest)."""
    return phrase[:1].upper() + phrase[1:]


def person_name(user: Any) -> str:
    """Return how a page names a user: the name the teacher gave ("Anna Li"), else the login."""
    return user.get_full_name() or user.get_username()


def clip(text: str, limit: int) -> str:
    """Return ``text`` cut to at most ``limit`` characters at a word, ending " …" when anything was left out.

    For a sentence stored in a column of limited length (a summary, a note, a result): a cut wherever
    the limit fell left half a word ("may not travel with t"). Punctuation the cut leaves hanging goes.
    """
    if len(text) <= limit:
        return text
    head = text[:limit - 1]  # room for the "…"
    words = head.rsplit(" ", 1)[0].rstrip(" ,;:(—-") if " " in head else ""
    return f"{words} …" if words else f"{head}…"  # one word longer than the limit is cut inside it


def short_date(moment: dt.date, *, time: bool = False) -> str:
    """Return ``moment`` as a sentence writes it, "1 Sep 1959" (with ``time``, "1 Sep 1959 09:00").

    The day has no leading zero, as the pages' ``j M Y`` writes it. Not ``%-d``: that flag is glibc's, and
    on Windows, where many teachers' laptops run, ``strftime`` refuses it (ValueError). Give a local time
    (``timezone.localtime``) for an aware datetime: this formats the value as it is.
    """
    text = f"{moment.day} {moment:%b %Y}"
    return f"{text} {moment:%H:%M}" if time else text


def wall_date(moment: dt.datetime) -> dt.date:
    """Return the day a real moment falls on by the room's clock (``settings.WALL_TIME_ZONE``): the date a page
    printed now says, which Beijing time (the simulation's zone) may put a day ahead or behind."""
    return moment.astimezone(zoneinfo.ZoneInfo(settings.WALL_TIME_ZONE)).date()


def wall_clock(moment: dt.datetime) -> str:
    """Return a real moment (when someone acted) as the room's clock reads it: "7 Dec 2026 12:10:30".

    Simulated dates are in Beijing time (``TIME_ZONE``); a moment of the lesson is read in the room's own
    zone, ``settings.WALL_TIME_ZONE`` (the serving laptop's unless set: config/wall_zone.py).
    """
    local = moment.astimezone(zoneinfo.ZoneInfo(settings.WALL_TIME_ZONE))
    return f"{short_date(local)} {local:%H:%M:%S}"
