"""Scenario packs: every shipped pack validates; errors name file, line and field; loading builds an exercise."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.classroom.loader import load_pack
from cases.classroom.packs import PackError, get_pack, pack_files, parse_pack
from cases.classroom.timeline import fire_due_events
from cases.errors import ApplicationError
from cases.models import Exercise, MarriageCase, TimedEvent

MARRIAGE = Path(pack_files()[0]).parent / "marriage-1958.yaml"


def test_every_shipped_pack_validates():
    slugs = {parse_pack(p).slug for p in pack_files()}
    assert "marriage-1958" in slugs


def _broken(text_from: str, text_to: str) -> PackError:
    text = MARRIAGE.read_text().replace(text_from, text_to, 1)
    assert text != MARRIAGE.read_text()
    with pytest.raises(PackError) as info:
        parse_pack(MARRIAGE, text)
    return info.value


def _line_of(snippet: str) -> int:
    return next(i for i, line in enumerate(MARRIAGE.read_text().splitlines(), 1) if snippet in line)


def test_schema_error_names_file_line_and_field():
    err = _broken("nationality: dprk, residence: \"Hoeryong", "nationality: martian, residence: \"Hoeryong")
    problem = err.problems[0]
    assert problem.file == "marriage-1958.yaml"
    assert problem.field == "people[6].nationality"
    assert problem.line == _line_of("key: kim,")
    assert "'martian' is not one of" in problem.message
    assert str(problem).startswith(f"marriage-1958.yaml:{problem.line}: people[6].nationality:")


def test_bad_date_and_unknown_field_are_each_reported():
    text = MARRIAGE.read_text().replace("start: 1958-09-01", "start: 1988-09-01").replace(
        "minutes: 50", "minutes: 50\ncolour: red")
    with pytest.raises(PackError) as info:
        parse_pack(MARRIAGE, text)
    fields = {p.field: p for p in info.value.problems}
    assert "start" in fields and "between 1955 and 1970" in fields["start"].message
    assert "" in fields and "colour" in fields[""].message


def test_cross_reference_error_points_at_the_role():
    err = _broken("  - office: centre\n", "  - office: politburo\n")
    assert err.problems[0].field == "roles[1].office"
    assert err.problems[0].line == _line_of("title: Central Committee desk officer") - 1
    assert "no office with key 'politburo'" in err.problems[0].message


def test_yaml_syntax_error_has_a_line():
    err = _broken("procedures: [marriage]", "procedures: [marriage")
    assert err.problems[0].line >= _line_of("procedures: [marriage")
    assert "not valid YAML" in err.problems[0].message


@pytest.mark.django_db
def test_load_builds_exercise_with_seeded_cases_and_timed_events():
    """MAR-0: the pack's first cases run on the pre-1958 referral, one already with the province."""
    seen = []
    exercise = load_pack("marriage-1958", name="Class A", progress=lambda d, t, m: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] == get_pack("marriage-1958").size()
    cases = list(MarriageCase.objects.filter(exercise=exercise).order_by("id"))
    # The pack's two named cases, then the work sized to the class (5 by default), all on the old route.
    assert len(cases) == get_pack("marriage-1958").sizing(5).seeded
    assert {c.variant for c in cases} == {"pre1958"}
    assert cases[0].state == "province_review" and cases[1].state == "filed"
    assert exercise.timed_events.count() == 4
    assert exercise.scenario.seed == 1958


@pytest.mark.django_db
def test_timed_events_switch_regime_and_seed_cases_under_d2():
    """MAR-0 vs D2: after 18 October 1958 new applications go to the work unit (1958 variant)."""
    from cases.classroom.packs import parse_date
    from cases.classroom.timekeeping import time_move

    exercise = load_pack("marriage-1958", name="Class B")
    time_move(exercise=exercise, actor=None, to=parse_date("1958-10-25"))
    exercise.refresh_from_db()
    assert exercise.regime == "1958_marriage"
    new = MarriageCase.objects.filter(exercise=exercise, variant="1958")
    from cases.classroom.packs import entry_count

    pack = get_pack("marriage-1958")
    arrivals = next(e for e in pack.data["events"] if e["at"] == "1958-10-20")["cases"]
    assert new.count() == sum(entry_count(c, pack.seats_for(5)) for c in arrivals) > 3
    assert TimedEvent.objects.filter(exercise=exercise, status="pending").count() == 1
    assert fire_due_events(exercise=exercise) == []  # nothing fires twice


@pytest.mark.django_db
def test_bad_seed_entry_is_reported_with_line_and_nothing_is_left_behind():
    text = MARRIAGE.read_text().replace("params: {man: sun, woman: han", "params: {man: sun, woman: nobody", 1)
    pack = parse_pack(MARRIAGE, text)
    with pytest.raises(PackError) as info:
        load_pack(pack, name="Broken")
    assert "no person with key 'nobody'" in str(info.value)
    assert info.value.problems[0].field == "cases[1].params"
    assert not Exercise.objects.filter(name="Broken").exists()


@pytest.mark.django_db
def test_duplicate_name_and_unknown_slug_are_refused():
    load_pack("marriage-1958", name="Same")
    with pytest.raises(ApplicationError, match="exists already"):
        load_pack("marriage-1958", name="Same")
    with pytest.raises(ApplicationError, match="No scenario pack"):
        load_pack("no-such-pack")


@pytest.mark.django_db
def test_commands_list_and_load(capsys):
    call_command("list_scenarios")
    assert "marriage-1958" in capsys.readouterr().out
    call_command("load_scenario", "marriage-1958", "--name", "From the command line")
    assert "created" in capsys.readouterr().out
    with pytest.raises(CommandError, match="exists already"):
        call_command("load_scenario", "marriage-1958", "--name", "From the command line")


@pytest.mark.django_db
def test_count_creates_numbered_cases_through_the_seeding_hook():
    """MAR-4: a 'count' entry files that many applications, each through marriage_file."""
    text = MARRIAGE.read_text().replace(
        "  - kind: marriage\n    label: A second old-route case, just filed\n",
        "  - kind: marriage\n    count: 25\n    params:\n      man: {name: 'Worker {n}', sex: M, nationality: han,"
        " occupation: peasant}\n      woman: {name: 'Bride {n}', sex: F, nationality: dprk}\n"
        "  - kind: marriage\n    label: A second old-route case, just filed\n", 1)
    pack = parse_pack(MARRIAGE, text)
    exercise = load_pack(pack, name="Big")
    names = set(MarriageCase.objects.filter(exercise=exercise).values_list("man__name", flat=True))
    assert {"Worker 1", "Worker 25"} <= names
    assert MarriageCase.objects.filter(exercise=exercise).count() == pack.sizing(5).seeded
    assert pack.sizing(5).seeded == get_pack("marriage-1958").sizing(5).seeded + 25


def test_a_pack_file_is_parsed_once_per_version(tmp_path, monkeypatch):
    """Timed events ask for their pack again and again: it is parsed once, and again when the file changes."""
    from cases.classroom import packs

    copy = tmp_path / "marriage-1958.yaml"
    copy.write_text(MARRIAGE.read_text())
    monkeypatch.setattr(packs, "SCENARIO_DIR", tmp_path)
    first = get_pack("marriage-1958")
    assert get_pack("marriage-1958") is first
    copy.write_text(MARRIAGE.read_text().replace("title: Marriage", "title: Revised marriage", 1))
    revised = get_pack("marriage-1958")
    assert revised is not first and revised.data["title"].startswith("Revised")
