"""The Yanbian 1961 model against D6 (AUT-3), and the same letters under the March 1962 correction (AUT-4)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cases.analytics import calibration_aut as cal
from cases.analytics.runs import compare


def test_aut3_yanbian_1961_reproduces_d6_within_two_percent_over_seeds():
    """AUT-3 (D6): 2,667 letters, about 1,778 applications, 1,053 approved, 735 not approved."""
    result = cal.calibrate(tuple(range(1, 11)))
    for key, error in result.errors.items():
        assert abs(error) < 0.02, (key, result.means[key])
    assert result.mean_abs_error < 0.02
    # Out of sample: seeds the parameters were not fitted on.
    assert cal.calibrate(tuple(range(101, 111))).mean_abs_error < 0.02


def test_same_seed_same_run_other_seed_other_run():
    a = cal.letters_cohort(5)
    assert cal.timeline(a, cal.CALIBRATED_1961) == cal.timeline(cal.letters_cohort(5), cal.CALIBRATED_1961)
    assert cal.timeline(cal.letters_cohort(6), cal.CALIBRATED_1961) != cal.timeline(a, cal.CALIBRATED_1961)


def test_aut4_correction_on_the_same_letters_approves_more_and_faster():
    """AUT-4: from 24 March 1962 significantly more lenient and prompt; AUT-2: refusals only on its grounds."""
    comparison = compare(cal.YanbianModelRunner(), regimes=("1961_strict", "1962_correction"), seed=3)
    strict, lenient = comparison.summaries
    assert strict.filed == lenient.filed == 2667
    assert dict(lenient.funnel)["Approved"] > dict(strict.funnel)["Approved"]
    assert dict(lenient.funnel)["Not approved"] < dict(strict.funnel)["Not approved"]
    assert lenient.peak_open < strict.peak_open
    assert lenient.little.W < strict.little.W
    steps = cal.timeline(cal.letters_cohort(3), cal.CORRECTION_1962)
    assert all(s.political_issue for s in steps if s.target == "refused")


def test_aut2_grounds_are_refused_under_every_line():
    """AUT-2: a political issue or a pending case is a ground to refuse in 1961 as in 1962."""
    for model in (cal.CALIBRATED_1961, cal.CORRECTION_1962):
        steps = cal.timeline(cal.letters_cohort(4, size=400), model)
        decided = {s.index: s.target for s in steps if s.source == "decision"}
        grounds = {s.index for s in steps if s.target == "decision" and s.political_issue}
        assert grounds and all(decided[i] == "refused" for i in grounds if i in decided)


def test_model_log_feeds_the_dashboard_metrics():
    result = cal.YanbianModelRunner().run(cohort=cal.letters_cohort(2, size=300), regime="1961_strict", seed=2)
    counts = cal.d6_counts(result.log)
    assert counts["letters"] == 300
    assert counts["applications"] >= counts["approved"] + counts["refused"]


def test_fit_derives_the_stored_parameters_from_d6():
    model = cal.fit(seeds=(1, 2, 3), rounds=2)
    assert model.apply_share == pytest.approx(cal.CALIBRATED_1961.apply_share, abs=0.02)
    assert model.strict_refusal == pytest.approx(cal.CALIBRATED_1961.strict_refusal, abs=0.03)


def test_assumptions_are_written_with_sources():
    items = cal.assumptions(cal.CALIBRATED_1961)
    topics = {a.topic for a in items}
    assert {"arrival pattern", "processing capacity", "refusal rules"} <= topics
    assert any("PRC MFA 118-01025-02" in a.source for a in items)


def test_aut2_aut6_other_regimes_are_read_from_their_authorization_policy():
    """AUT-2 (1957) and AUT-6 (1963): lenient lines refuse only on AUT-2's grounds; their rates come from the policy."""
    from cases.regimes import get_regime

    for code in ("1957_lenient", "1963_august"):
        policy = get_regime(code).param("authorization")
        model = cal.model_for(code)
        assert model.strict_refusal == 0 and policy.refuse_only_for_grounds
        assert model.apply_share == policy.application_rate
        assert model.examination_days == policy.examination_days


@pytest.mark.django_db
def test_aut3_services_replay_matches_the_model_exactly():
    """AUT-1, AUT-3: the model's timeline replayed through the real steps gives the same D6 funnel."""
    cohort = cal.letters_cohort(3, size=40)
    model_log = cal.YanbianModelRunner().run(cohort=cohort, regime="1961_strict", seed=3).log
    db = cal.AuthorizationServicesRunner().run(cohort=cohort, regime="1961_strict", seed=3)
    assert cal.d6_counts(db.log) == cal.d6_counts(model_log)
    assert db.exercise_id is not None
    assert db.log.now == model_log.now == cal.D6_DATE
    assert sorted(c.state for c in db.log.cases) == sorted(c.state for c in model_log.cases)


def test_calibrate_command_prints_d6_beside_the_model(capsys):
    call_command("compare_regimes", "calibrate", "--seeds", "3")
    out = capsys.readouterr().out
    assert "D6  2,667" in out and "mean absolute error" in out and "processing capacity" in out


def test_compare_command_prints_the_yanbian_regimes(capsys):
    call_command("compare_regimes", "yanbian", "--seed", "2", "--size", "300")
    out = capsys.readouterr().out
    assert "1961_strict" in out and "1962_correction" in out and "Queue growth" in out
