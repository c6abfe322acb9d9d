"""Measure Border Desk's speed as ratios to floors measured in the same run (lower is better)."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

from cases.bench.data import bench_exercise, insert_marriage_cases
from cases.bench.figures import (
    Figure,
    bulk_transition_figure,
    single_case_figure,
    sweep_figure,
)
from cases.bench.jilin import jilin_figure

# "classroom" runs a real server with simulated students (cases/bench/classroom.py) in a data folder of
# its own, so it is measured on its own, outside the throwaway database the other groups share.
FIGURE_GROUPS = ["bulk", "sweep", "single", "pages", "admin", "exports", "packs", "jilin", "classroom"]


def _journal() -> str:
    if connection.vendor != "sqlite":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return f", journal {cursor.fetchone()[0]}"


class Command(BaseCommand):
    help = "Print one line per figure, 'NAME ratio R target T', then a summary line. Uses a throwaway database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", type=int, default=10_000, help="Cases for the bulk figures.")
        # Five: a 10,000-case step takes well under a second, and the machine's speed moves on that scale,
        # so the median of three interleaved pairs still swings with one slow pair.
        parser.add_argument("--repeats", type=int, default=5,
                            help="Interleaved measured/floor pairs per bulk figure (the median is printed).")
        parser.add_argument("--quick", action="store_true", help="Small sizes, for a smoke run.")
        parser.add_argument("--only", choices=FIGURE_GROUPS, action="append",
                            help="Measure only these figures (repeatable). 'pages' (alias 'admin'): the students' "
                                 "inbox, dashboard, debrief, console, admin lists and case page at 100k vs 1k "
                                 "cases, and the exports' peak memory; 'packs': each shipped pack a year; "
                                 "'classroom' (measured alone): a served class of students.")
        parser.add_argument("--jilin-scale", type=float, default=None,
                            help="Share of the Jilin 1961 year to run for figure 5 (default 1, --quick 0.02).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["only"] and "classroom" in options["only"]:
            # A real server in a data folder of its own (cases/bench/classroom.py), not the throwaway DB.
            from cases.bench.classroom import classroom_figures

            figures = classroom_figures(quick=options["quick"], say=self.stdout.write)
            for figure in figures:
                self.stdout.write(figure.line())
            self.stdout.write(f"summary: {sum(f.met for f in figures)}/{len(figures)} figures within target")
            return
        size = 500 if options["quick"] else options["size"]
        repeats = 1 if options["quick"] else options["repeats"]
        # DEBUG off as in production: with it on, Django keeps every query's SQL, which costs time and
        # memory that a served page does not pay (the page figures capture their queries themselves).
        setup_test_environment(debug=False)
        old_name = connection.settings_dict["NAME"]
        workdir = None
        if connection.vendor == "sqlite":
            # A file in WAL mode, as the product runs (the settings' init_command sets WAL on connecting),
            # not the in-memory database Django's test runner would make.
            workdir = tempfile.mkdtemp(prefix="bd-bench-")
            connection.settings_dict.setdefault("TEST", {})["NAME"] = os.path.join(workdir, "bench.sqlite3")
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            self.stdout.write(f"database: {connection.vendor} ({test_db}{_journal()})")
            jilin_scale = options["jilin_scale"] or (0.02 if options["quick"] else 1.0)
            figures = self.run_figures(size=size, repeats=repeats, only=set(options["only"] or ()),
                                       jilin_scale=jilin_scale, quick=options["quick"])
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
            if workdir:
                shutil.rmtree(workdir, ignore_errors=True)
        for figure in figures:
            self.stdout.write(figure.line())
        met = sum(f.met for f in figures)
        self.stdout.write(f"summary: {met}/{len(figures)} figures within target on {connection.vendor}")

    def run_figures(self, *, size: int, repeats: int, only: set[str], jilin_scale: float,
                    quick: bool = False) -> list[Figure]:
        exercise = bench_exercise("Bench")
        actor = exercise.memberships.get(office__kind="work_unit").user
        counter = itertools.count()

        def make_cases(n: int) -> list[int]:
            return insert_marriage_cases(exercise, n, start=next(counter) * 1_000_000)

        def wanted(name: str) -> bool:
            return not only or name in only

        figures = []
        if wanted("bulk"):
            figures.append(bulk_transition_figure(exercise=exercise, make_cases=make_cases, actor=actor, size=size,
                                                  repeats=repeats))
        if wanted("sweep"):
            figures.append(sweep_figure(exercise=exercise, make_cases=make_cases, size=size, repeats=repeats))
        if wanted("single"):
            figures.append(single_case_figure(exercise=exercise, make_cases=make_cases, actor=actor,
                                              count=200 if size > 1000 else 50))
        if wanted("pages") or (only and "admin" in only):
            from cases.bench.pages import page_figures

            figures += page_figures(small=max(size // 10, 100), large=size * 10, repeats=max(repeats, 5))
        if only and "exports" in only and not (only & {"pages", "admin"}):
            from cases.bench.pages import exports_figures

            figures += exports_figures(small=max(size // 10, 100), large=size * 10)
        if wanted("packs"):
            from cases.bench.packs import pack_figures

            figures += pack_figures(days=60 if quick else 365)
        if wanted("jilin"):
            figures.append(jilin_figure(template=exercise, scale=jilin_scale))
        return figures
