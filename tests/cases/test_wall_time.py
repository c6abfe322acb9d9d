"""Real (wall-clock) moments are shown on the room's clock, not in the simulation's Beijing time.

Simulated dates are in Beijing time (TIME_ZONE, the hours the sources give). When someone acted is a
moment of the lesson: a teacher in London reading "20:10" for a pause made at 12:10 their time (or a
teacher in New York reading the next day's date) cannot line the log up with the lesson.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse

from cases.models import CaseEvent, ClockMove, ExerciseEvent
from cases.services.exercise import exercise_pause
from cases.wording import wall_clock
from config.wall_zone import wall_time_zone

# 12:10:30 in London on 7 December 2026 is 20:10:30 in Beijing and 07:10:30 in New York.
MOMENT = dt.datetime(2026, 12, 7, 12, 10, 30, tzinfo=dt.UTC)
BEIJING = "7 Dec 2026 20:10:30"


def test_wall_clock_reads_the_moment_on_the_room_s_clock():
    with override_settings(WALL_TIME_ZONE="Europe/London"):
        assert wall_clock(MOMENT) == "7 Dec 2026 12:10:30"
    with override_settings(WALL_TIME_ZONE="America/New_York"):
        assert wall_clock(MOMENT) == "7 Dec 2026 07:10:30"
    with override_settings(WALL_TIME_ZONE="Asia/Seoul"):
        assert wall_clock(MOMENT) == "7 Dec 2026 21:10:30"


def test_the_room_s_zone_is_the_laptop_s_unless_set_and_a_wrong_name_is_refused_clearly(monkeypatch):
    import tzlocal

    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Europe/Berlin")
    assert wall_time_zone("") == "Europe/Berlin"
    assert wall_time_zone(" Asia/Seoul ") == "Asia/Seoul"
    with pytest.raises(ImproperlyConfigured, match=r"BORDER_DESK_WALL_TIME_ZONE.*Europe/Londn.*Europe/London"):
        wall_time_zone("Europe/Londn")
    # A machine whose zone cannot be read (or names no known zone) falls back to UTC and says so in the name.
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: None)
    assert wall_time_zone("") == "UTC"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Not/AZone")
    assert wall_time_zone("") == "UTC"


def _teacher_client(desk) -> Client:
    client = Client()
    client.force_login(desk.user("teacher"))
    return client


@override_settings(WALL_TIME_ZONE="Europe/London")
def test_the_console_history_gives_the_wall_time_on_the_room_s_clock(desk):
    exercise_pause(exercise=desk.exercise, actor=desk.user("teacher"))
    ExerciseEvent.objects.filter(exercise=desk.exercise).update(wall_time=MOMENT)  # the row is append-only
    page = _teacher_client(desk).get(reverse("classroom:console", args=[desk.exercise.pk])).content.decode()
    history = page[page.index('id="cr-history"'):]
    history = history[:history.index("</table>")]
    assert "Wall time (Europe/London)" in history
    assert "7 Dec 2026 12:10:30" in history and BEIJING not in history


@override_settings(WALL_TIME_ZONE="Europe/London")
def test_the_clock_page_and_the_clock_moves_list_give_the_wall_time_on_the_room_s_clock(desk):
    start = desk.exercise.clock
    ClockMove.objects.create(exercise=desk.exercise, from_time=start, to_time=start + dt.timedelta(days=3),
                             actor=desk.user("teacher"), wall_time=MOMENT, note="walk")
    client = _teacher_client(desk)
    clock_page = client.get(reverse("admin:cases_exercise_clock", args=[desk.exercise.pk])).content.decode()
    moves = clock_page[clock_page.index("Clock moves"):]
    assert "When (wall time, Europe/London)" in moves
    assert "7 Dec 2026 12:10:30" in moves and BEIJING not in moves
    listing = client.get(reverse("admin:cases_clockmove_changelist")).content.decode()
    assert "7 Dec 2026 12:10:30" in listing and BEIJING not in listing
    assert "Wall time (Europe/London)" in listing


@override_settings(WALL_TIME_ZONE="America/New_York")
def test_a_case_event_s_page_gives_its_wall_time_on_the_room_s_clock(desk):
    first = CaseEvent.objects.filter(exercise=desk.exercise).order_by("pk").first()
    event = CaseEvent.objects.create(  # the log is append-only: a new row carries the moment
        exercise=desk.exercise, case=first.case, kind=first.kind, label="Walk", sim_time=first.sim_time,
        wall_time=MOMENT, source_state=first.source_state, target_state=first.target_state)
    page = _teacher_client(desk).get(reverse("admin:cases_caseevent_change", args=[event.pk])).content.decode()
    assert "Wall time (America/New_York)" in page
    assert "7 Dec 2026 07:10:30" in page and BEIJING not in page


@override_settings(WALL_TIME_ZONE="Europe/London")
def test_the_rows_names_read_each_clock_in_its_own_zone(desk):
    """An exercise event is named by its wall time (the room's clock); a clock move by its simulated dates (Beijing)."""
    exercise_pause(exercise=desk.exercise, actor=desk.user("teacher"))
    ExerciseEvent.objects.filter(exercise=desk.exercise).update(wall_time=MOMENT)
    assert "(7 Dec 2026 12:10:30)" in str(ExerciseEvent.objects.get(exercise=desk.exercise))
    # 00:30 in Beijing on 2 March 1959 is still 1 March in UTC, where the row holds it.
    just_after_midnight = dt.datetime(1959, 3, 1, 16, 30, tzinfo=dt.UTC)
    move = ClockMove(exercise=desk.exercise, from_time=just_after_midnight, to_time=just_after_midnight)
    assert str(move).endswith("2 Mar 1959 -> 2 Mar 1959")


def test_the_processes_a_start_spawns_read_the_laptop_s_zone_not_django_s_tz(tmp_path):
    """Django sets TZ to TIME_ZONE (Beijing) in its process once the settings are read, and the room's web
    server, worker and beat, started from it, inherit TZ: tzlocal there read Asia/Shanghai, and the
    served console's log said "Wall time (Asia/Shanghai)". The first process hands its zone down."""
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings

    report = ("import django, json, os, subprocess, sys; django.setup(); from django.conf import settings; "
              "print(json.dumps([settings.WALL_TIME_ZONE, os.environ.get('TZ')]))")
    spawn = report.replace("print(", "child = subprocess.run([sys.executable, '-c', sys.argv[1]], "
                                     "capture_output=True, text=True, check=True).stdout; print(child, ")
    env = {k: v for k, v in os.environ.items() if k not in ("TZ", "BORDER_DESK_WALL_TIME_ZONE")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    out = subprocess.run([sys.executable, "-c", spawn, report], capture_output=True, text=True, check=True,
                         env=env, cwd=settings.BASE_DIR).stdout.split("\n")
    child_zone, child_tz = json.loads(out[0])
    parent_zone = json.loads(out[1].strip())[0]
    assert child_tz == "Asia/Shanghai"  # what Django hands down, and what tzlocal would read in the child
    assert child_zone == parent_zone == wall_time_zone("")  # the laptop's zone, read before Django set TZ


def test_a_wrong_zone_name_stops_the_start_with_one_line_not_a_traceback(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "BORDER_DESK_WALL_TIME_ZONE": "Europe/Londn", "BORDER_DESK_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    done = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env,
                          cwd=settings.BASE_DIR)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Border Desk cannot start: BORDER_DESK_WALL_TIME_ZONE='Europe/Londn' names no time zone. Give one such as "
        "Europe/London, America/New_York or Asia/Seoul, or leave it unset to use this computer's own.")


@override_settings(WALL_TIME_ZONE="Europe/London")
def test_the_admin_s_history_pages_give_each_change_s_time_on_the_room_s_clock(desk):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from cases.models import MarriageCase

    case = MarriageCase.objects.filter(exercise=desk.exercise).first()
    for obj in (desk.exercise, case):
        entry = LogEntry.objects.create(user=desk.user("teacher"), content_type=ContentType.objects.get_for_model(obj),
                                        object_id=str(obj.pk), object_repr=str(obj)[:200], action_flag=CHANGE,
                                        change_message="Walk")
        LogEntry.objects.filter(pk=entry.pk).update(action_time=MOMENT)
    client = _teacher_client(desk)
    for url in (reverse("admin:cases_exercise_history", args=[desk.exercise.pk]),
                reverse("admin:cases_marriagecase_history", args=[case.pk])):
        page = client.get(url).content.decode()
        assert "7 Dec 2026 12:10:30" in page and BEIJING not in page, url
        assert "Wall time (Europe/London)" in page, url
