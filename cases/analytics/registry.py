"""The runners a teacher can compare regimes with, by name (commands and the admin page use this)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cases.analytics.runs import Runner


@dataclass(frozen=True)
class RunnerEntry:
    """A runner and the two regimes it compares by default."""

    name: str
    make: Callable[[], Runner]
    regimes: tuple[str, str]
    help: str
    default_size: int | None = None

    def regimes_for(self, a: str = "", b: str = "") -> tuple[str, str]:
        """Return the two regimes to run, either one left empty being the runner's default for that side.

        Raises ValueError for one regime on both sides: the comparison would set a run beside itself.
        """
        pair = (a or self.regimes[0], b or self.regimes[1])
        if pair[0] == pair[1]:
            raise ValueError(f"Both sides would run {pair[0]}: choose two different regimes to compare.")
        return pair


def _marriage() -> Runner:
    from cases.analytics.marriage_run import MarriageRunner

    return MarriageRunner()


def _yanbian_model() -> Runner:
    from cases.analytics.calibration_aut import YanbianModelRunner

    return YanbianModelRunner()


def _yanbian_services() -> Runner:
    from cases.analytics.calibration_aut import AuthorizationServicesRunner

    return AuthorizationServicesRunner()


RUNNERS: dict[str, RunnerEntry] = {
    e.name: e
    for e in (
        RunnerEntry("marriage", _marriage, ("1957_lenient", "1958_marriage"),
                    "Couples through the marriage services: pre-1958 referral vs the 1958 procedure (MAR-0).", 40),
        RunnerEntry("yanbian", _yanbian_model, ("1961_strict", "1962_correction"),
                    "Yanbian 1961 letters, calibrated model: 1961 strict vs March 1962 correction (AUT-3, AUT-4)."),
        RunnerEntry("yanbian-services", _yanbian_services, ("1961_strict", "1962_correction"),
                    "The same letters replayed through the authorization procedure (needs it installed).", 60),
    )
}
