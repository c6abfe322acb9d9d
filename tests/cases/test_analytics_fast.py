"""The analytics derive what they need once per log and sweep the cumulative flow, and the pages are cached
behind a version of the log: the numbers stay exactly those of the full computation (tests/cases/
reference_metrics.py, the metrics as they were), on hand-built logs and on autopilot-made ones."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.analytics import dashboard as dash
from cases.analytics import metrics as m
from cases.analytics.log import CaseRow, EventRow, Log, load_log
from cases.log_cache import log_version
from tests.cases import reference_metrics as ref
from tests.cases.analytics_logs import five_marriages

T0 = dt.datetime(1961, 1, 1, tzinfo=dt.UTC)
KINDS = {
    "marriage": (["filed", "dissuasion", "examination", "china_approved"], ["approved", "refused", "withdrawn"]),
    "authorization": (["letter", "application", "review"], ["approved", "not_approved"]),
}
OFFICES = ["Works", "Bureau", "Helong desk", ""]


def random_log(seed: int, n_cases: int = 60) -> Log:
    """A log with ties in time, notes, steps that stay put, and cases closed before their last event."""
    rng = random.Random(seed)
    cases, events = [], []
    for cid in range(1, n_cases + 1):
        kind = rng.choice(sorted(KINDS))
        open_states, closing = KINDS[kind]
        t = T0 + dt.timedelta(hours=rng.randrange(0, 24 * 60, 6))
        filed, state = t, open_states[0]
        path = [(t, state, "filed")]
        for _ in range(rng.randrange(0, 6)):
            t += dt.timedelta(hours=rng.choice([0, 0, 6, 24, 24 * 3, 24 * 10]))
            roll = rng.random()
            if roll < 0.15:
                path.append((t, "", "note"))  # a note: no target state
            elif roll < 0.25:
                path.append((t, state, "transition"))  # a step that stays put
            else:
                state = rng.choice(open_states)
                path.append((t, state, "transition"))
        closed_at = None
        if rng.random() < 0.5:
            t += dt.timedelta(hours=rng.choice([0, 12, 48]))
            state = rng.choice(closing)
            path.append((t, state, "transition"))
            closed_at = t - dt.timedelta(hours=rng.choice([0, 0, 0, 30]))  # sometimes before the last step
        prev = ""
        for when, target, ev_kind in path:
            events.append(EventRow(
                id=rng.randrange(10**6) * 1000 + len(events), case_id=cid, case_kind=kind, reference=f"R{cid}",
                kind=ev_kind, activity=f"to {target}", transition=target, source_state=prev, target_state=target,
                office=rng.choice(OFFICES), sim_time=when, rules=rng.choice(["", "MAR-1", "AUT-1,AUT-2"]),
            ))
            prev = target or prev
        cases.append(CaseRow(
            id=cid, kind=kind, reference=f"R{cid}", state=state, filed_at=filed, state_since=t, closed_at=closed_at,
            next_office="" if closed_at else rng.choice(OFFICES), next_rules="" if closed_at else "MAR-2,MAR-3",
            title=f"Case {cid}",
        ))
    now = T0 + dt.timedelta(days=rng.choice([30, 90, 200]))
    return Log(cases=cases, events=events, now=now, exercise_name=f"random {seed}")


def _copy(log: Log) -> Log:
    return Log(cases=list(log.cases), events=list(log.events), now=log.now, exercise_name=log.exercise_name,
               exercise_id=log.exercise_id, regime=log.regime)


def _without_log(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "log"}


# --- The figures issue 17 added, computed the plain way: every stay of the reference, no memo, no summary ---


def _lengths(log: Log, keep: Callable[[ref.Stay], bool]) -> tuple[list[float], list[float]]:
    picked = [s for s in ref.stays(log) if keep(s)]
    return ([s.length(log.now) for s in picked if s.end is not None],
            [s.length(log.now) for s in picked if s.end is None])


def full_time_in_step(log: Log) -> list[m.StepTime]:
    rows = []
    for k, st in sorted({(s.kind, s.state) for s in ref.stays(log)}):
        done, running = _lengths(log, lambda s, k=k, st=st: (s.kind, s.state) == (k, st))
        waited = sum((log.now - s.start for s in ref.stays(log) if (s.kind, s.state) == (k, st) and s.end is None),
                     dt.timedelta(0))
        rows.append(m.StepTime(k, st, len(done), ref.percentile(done, 50), ref.percentile(done, 90), len(running),
                               max(running) if running else None, ref.percentile(running, 50), ref.days(waited),
                               ref.percentile(done + running, 50)))
    return rows


def full_wait_by_office(log: Log) -> list[m.OfficeWait]:
    rows = []
    for office in {s.office for s in ref.stays(log) if s.office}:
        done, running = _lengths(log, lambda s, o=office: s.office == o)
        rows.append(m.OfficeWait(office, len(done), ref.percentile(done, 50), len(running),
                                 ref.percentile(running, 50), max(running) if running else None,
                                 ref.percentile(done + running, 50)))
    return sorted(rows, key=lambda r: (-(r.median_all or 0), r.office))


def full_bottleneck(log: Log) -> m.Bottleneck | None:
    wip = dict(ref.wip_by_office(log))
    if not wip:
        return None
    running = [s for s in ref.stays(log) if s.end is None]

    def held(office: str, step: tuple[str, str] | None = None) -> float:
        return ref.days(sum((log.now - s.start for s in running if (s.office or "(no office)") == office
                             and (step is None or (s.kind, s.state) == step)), dt.timedelta(0)))

    office = min(wip, key=lambda o: (-held(o), -wip[o], o))
    here = [c for c in ref.open_cases(log) if (c.next_office or "(no office)") == office]
    counts = Counter((c.kind, c.state) for c in here)
    step = min(counts, key=lambda ks: (-held(office, ks), -counts[ks], ks))
    ages = [s.length(log.now) for s in running if (s.office or "(no office)") == office and (s.kind, s.state) == step]
    row = next((t for t in full_time_in_step(log) if (t.kind, t.state) == step), None)
    rules: list[str] = []  # the waiting cases' rule lists, the most common first (ties by text)
    cited = Counter(c.next_rules for c in here if (c.kind, c.state) == step)
    for text, _n in sorted(cited.items(), key=lambda kv: (-kv[1], kv[0])):
        rules.extend(r for r in text.split(",") if r and r not in rules)
    return m.Bottleneck(office, wip[office], *step, counts[step], row.median if row else None, tuple(rules),
                        done=row.done if row else 0, waiting_median=ref.percentile(ages, 50),
                        oldest_wait=max(ages) if ages else None, waiting_days=held(office))


def full_longest_median_wait(log: Log) -> m.StepTime | None:
    rows = [t for t in full_time_in_step(log) if t.median_all is not None]
    return max(rows, key=lambda t: (t.median_all, t.total)) if rows else None


def full_applied_rules(log: Log) -> list[str]:
    cited = Counter(r for e in log.events for r in e.rules.split(",") if r)
    return [r for r, _n in sorted(cited.items(), key=lambda kv: (-kv[1], kv[0]))]


NEW = {"time_in_step": full_time_in_step, "wait_by_office": full_wait_by_office, "bottleneck": full_bottleneck,
       "longest_median_wait": full_longest_median_wait, "applied_rules": full_applied_rules,
       "open_count": lambda log: len(ref.open_cases(log)), "filed_count": lambda log: len(log.cases)}
# The reference metrics with issue 17's figures: what the pages must equal.
FULL = SimpleNamespace(**{**{k: getattr(ref, k) for k in dir(ref) if not k.startswith("__")}, **NEW,
                          "StepTime": m.StepTime, "OfficeWait": m.OfficeWait, "Bottleneck": m.Bottleneck})
OLD_STEP_FIELDS = ("kind", "state", "done", "median", "p90", "waiting", "oldest_wait")


def assert_same_as_full_computation(log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every metric and both pages' data equal those of the reference metrics, on a fresh copy of the log."""
    fast, full = _copy(log), _copy(log)
    assert repr(m.stays(fast)) == repr(ref.stays(full))
    for points in (1, 2, 40):
        for bands in (1, 3, 8):
            assert repr(m.cumulative_flow(fast, points, bands)) == repr(ref.cumulative_flow(full, points, bands))
    for name in ("case_days_by_office", "throughput_by_week", "littles_law", "outcomes", "wip_by_office",
                 "wip_by_state", "kinds"):
        assert repr(getattr(m, name)(fast)) == repr(getattr(ref, name)(full)), name
    for name, plain in NEW.items():
        assert repr(getattr(m, name)(fast)) == repr(plain(full)), name
    # What the reference already computed is unchanged: finished stays, and who waits where.
    assert [tuple(getattr(t, f) for f in OLD_STEP_FIELDS) for t in m.time_in_step(fast)] == [
        tuple(getattr(t, f) for f in OLD_STEP_FIELDS) for t in ref.time_in_step(full)]
    assert {(w.office, w.done, w.median) for w in m.wait_by_office(fast) if w.done} == set(ref.wait_by_office(full))
    for kind in m.kinds(fast):
        assert m.funnel(fast, kind) == ref.funnel(full, kind)
        assert m.state_counts(fast, kind) == ref.state_counts(full, kind)
    fast_pages = (repr(_without_log(dash.dashboard_data(None, _copy(log)))),  # type: ignore[arg-type]
                  repr(_without_log(dash.debrief_data(None, _copy(log)))))  # type: ignore[arg-type]
    monkeypatch.setattr(dash, "m", FULL)
    full_pages = (repr(_without_log(dash.dashboard_data(None, _copy(log)))),  # type: ignore[arg-type]
                  repr(_without_log(dash.debrief_data(None, _copy(log)))))  # type: ignore[arg-type]
    monkeypatch.undo()
    assert fast_pages == full_pages


@pytest.mark.parametrize("seed", range(12))
def test_random_hand_built_logs_give_the_full_computations_numbers(seed, monkeypatch):
    assert_same_as_full_computation(random_log(seed), monkeypatch)


def test_worked_example_and_empty_log_give_the_full_computations_numbers(monkeypatch):
    assert_same_as_full_computation(five_marriages(), monkeypatch)
    assert_same_as_full_computation(Log(cases=[], events=[], now=T0), monkeypatch)


@pytest.mark.django_db
def test_autopilot_made_logs_give_the_full_computations_numbers(desk, monkeypatch):
    from cases.classroom.loader import load_pack
    from cases.classroom.timekeeping import fast_forward

    fast_forward(exercise=desk.exercise, actor=None, days=300)
    pack = load_pack("marriage-1958", name="Fast analytics", actor=None)
    fast_forward(exercise=pack, actor=None, days=365)
    for exercise in (desk.exercise, pack):
        exercise.refresh_from_db()
        log = load_log(exercise)
        assert len(log.events) > 20
        assert_same_as_full_computation(log, monkeypatch)


@pytest.mark.django_db
def test_pages_are_computed_once_per_version_of_the_log(desk):
    """A second view reads no log; a step, a clock move or a renamed exercise shows the new numbers."""
    from django.contrib.auth import get_user_model

    from cases.classroom.timekeeping import fast_forward

    exercise = desk.exercise
    client = __import__("django.test", fromlist=["Client"]).Client()
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.org", "pw-boss-123"))
    for name in ("dashboard", "debrief"):
        url = reverse(f"admin:cases_exercise_{name}", args=[exercise.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        reads = [q["sql"] for q in ctx.captured_queries if "cases_caseevent" in q["sql"]]
        assert len(reads) == 1 and "LIMIT 1" in reads[0].upper()  # the version only, not the log
    before = log_version(exercise)
    fast_forward(exercise=exercise, actor=None, days=120)
    exercise.refresh_from_db()
    assert log_version(exercise) != before
    page = client.get(reverse("admin:cases_exercise_dashboard", args=[exercise.pk]))
    fresh = dash.dashboard_data(exercise)
    assert page.context["open"] == fresh["open"] and page.context["closed"] == fresh["closed"]
    assert page.context["cfd_chart"] == fresh["cfd_chart"] and page.context["steps"] == fresh["steps"]


@pytest.mark.django_db
def test_console_counts_and_queues_follow_every_step(desk):
    """The console's counts come from the cache of the log's version; a step shows at once."""
    from cases.classroom.timekeeping import fast_forward
    from cases.models import Case
    from cases.selectors import case_counts, office_queues

    exercise = desk.exercise

    def truth():
        cases = Case.objects.filter(exercise=exercise)
        return cases.filter(closed_at__isnull=True).count(), cases.filter(closed_at__isnull=False).count()

    assert case_counts(exercise) == truth()
    waiting = {q.office.pk: q.waiting for q in office_queues(exercise)}
    fast_forward(exercise=exercise, actor=None, days=200)
    exercise.refresh_from_db()
    assert case_counts(exercise) == truth()
    after = {q.office.pk: q.waiting for q in office_queues(exercise)}
    expected = {o.pk: Case.objects.filter(exercise=exercise, next_office=o, closed_at__isnull=True).count()
                for o in exercise.offices.all()}
    assert after == expected and after != waiting
