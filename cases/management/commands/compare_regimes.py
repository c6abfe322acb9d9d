"""Run one cohort under two regimes and print them side by side; or calibrate the Yanbian 1961 model."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.analytics.registry import RUNNERS
from cases.regimes import REGIMES


class Command(BaseCommand):
    help = (
        "Compare regimes on the same cohort (runners: " + ", ".join(RUNNERS) + "), or with 'calibrate' check the "
        "Yanbian 1961 model against D6 over several seeds."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("runner", choices=[*RUNNERS, "calibrate"])
        parser.add_argument("--seed", type=int, default=1, help="Seed of the cohort and the decisions.")
        parser.add_argument("--size", type=int, help="Number of cases in the cohort (default: the runner's).")
        parser.add_argument("--regimes", nargs=2, metavar=("A", "B"), help="The two regimes to compare.")
        parser.add_argument("--seeds", type=int, default=10, help="calibrate: how many seeds, from --seed on.")
        parser.add_argument("--fit", action="store_true", help="calibrate: derive the parameters from D6 again.")

    def handle(self, *args: Any, **options: Any) -> None:
        from cases.analytics.calibration_aut import RunnerUnavailable

        if options["runner"] == "calibrate":
            self._calibrate(options)
            return
        from cases.analytics.runs import compare

        entry = RUNNERS[options["runner"]]
        try:
            regimes = entry.regimes_for(*(options["regimes"] or ()))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for r in regimes:
            if r not in REGIMES:
                raise CommandError(f"Unknown regime {r!r}; known: {', '.join(REGIMES)}.")
        try:
            result = compare(entry.make(), regimes=regimes, seed=options["seed"],  # type: ignore[arg-type]
                             size=options["size"] or entry.default_size)
        except RunnerUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.text())
        for r in result.results:
            if r.exercise_id:
                self.stdout.write(f"Exercise {r.exercise_id} holds the {r.regime} run (open its dashboard).")

    def _calibrate(self, options: dict[str, Any]) -> None:
        from cases.analytics.calibration_aut import assumptions, calibrate, describe, fit

        seeds = tuple(range(options["seed"], options["seed"] + options["seeds"]))
        if options["fit"]:
            model = fit(seeds)
            self.stdout.write("Fitted parameters: " + ", ".join(f"{k}={v}" for k, v in describe(model).items()))
            cal = calibrate(seeds, model)
        else:
            cal = calibrate(seeds)
            from cases.analytics.calibration_aut import CALIBRATED_1961 as model
        self.stdout.write(cal.text())
        self.stdout.write("Per seed: " + "; ".join(
            f"{s}: {r['applications']}/{r['approved']}/{r['refused']}" for s, r in zip(seeds, cal.runs, strict=True)))
        self.stdout.write("Assumptions:")
        for a in assumptions(model):
            self.stdout.write(f"  - {a.topic}: {a.text} [{a.source}]")
