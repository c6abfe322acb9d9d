"""The same cohort of couples under the pre-1958 referral and the 1958 procedure (MAR-0), through the services."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cases.analytics.marriage_run import MarriageRunner, variant_of
from cases.analytics.runs import compare
from cases.models import CaseEvent, Exercise, MarriageCase

pytestmark = pytest.mark.django_db


def run_comparison():
    return compare(MarriageRunner(), regimes=("1957_lenient", "1958_marriage"), seed=7, size=24)


def test_mar0_mar1_same_cohort_under_both_lines():
    """MAR-0: before D2 the papers went up to the Centre and back; the 1958 procedure is decided by the unit.

    MAR-1: men in barred posts never reach approval under either line. The runs are ordinary event logs
    (Little's law holds on them) and the comparison lists its assumptions with sources.
    """
    comparison = run_comparison()
    pre, d1958 = comparison.summaries
    assert pre.filed == d1958.filed == 24
    assert pre.median_days > d1958.median_days
    assert pre.peak_open > d1958.peak_open
    pre_ex, new_ex = (Exercise.objects.get(pk=r.exercise_id) for r in comparison.results)
    assert set(MarriageCase.objects.filter(exercise=pre_ex).values_list("variant", flat=True)) == {"pre1958"}
    assert set(MarriageCase.objects.filter(exercise=new_ex).values_list("variant", flat=True)) == {"1958"}
    assert CaseEvent.objects.filter(exercise=pre_ex, transition="refer_to_centre").exists()
    assert not CaseEvent.objects.filter(exercise=new_ex, transition="refer_to_centre").exists()
    # MAR-2's dissuasion exists only in the 1958 procedure.
    assert not CaseEvent.objects.filter(exercise=pre_ex, transition="begin_dissuasion").exists()
    for result in comparison.results:
        barred = MarriageCase.objects.filter(exercise_id=result.exercise_id,
                                             man__occupation__in=["military", "diplomatic", "vital"])
        for case in barred:
            states = set(case.events.values_list("target_state", flat=True))
            assert "china_approved" not in states
    for result, summary in zip(comparison.results, comparison.summaries, strict=True):
        assert len(result.log.events) == CaseEvent.objects.filter(exercise_id=result.exercise_id).count()
        assert pytest.approx(summary.little.lam * summary.little.W) == summary.little.L
        assert summary.closed + summary.open_at_end == summary.filed
    text = comparison.text()
    assert "1957_lenient" in text and "1958_marriage" in text
    assert "Queue growth" in text and "MAR-0; D2, 18 Oct 1958" in text and "assumption" in text
    assert variant_of("1957_lenient") == "pre1958" and variant_of("1961_strict") == "1958"


def test_same_seed_same_run():
    comparison = run_comparison()
    again = compare(MarriageRunner(), regimes=("1957_lenient", "1958_marriage"), seed=7, size=24)
    assert [s.rows() for s in again.summaries] == [s.rows() for s in comparison.summaries]
    other = MarriageRunner().cohort(seed=8, size=24)
    assert other.arrivals != MarriageRunner().cohort(seed=7, size=24).arrivals


def test_compare_regimes_command_prints_the_marriage_comparison(capsys):
    call_command("compare_regimes", "marriage", "--seed", "2", "--size", "10")
    out = capsys.readouterr().out
    assert "median days to close" in out and "1957_lenient" in out and "1958_marriage" in out
