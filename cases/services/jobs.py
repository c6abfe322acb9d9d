"""The job row of long work: claimed once with one conditional update, its progress, its end."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cases.models import Job, JobStatus


def job_claim(job_id: int) -> Job | None:
    """Claim a queued job (queued -> running in one conditional update); None when another worker has it.

    Two workers handed the same message both try; exactly one gets the row, the other leaves it alone,
    and a job that started or finished is never run again.
    """
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, updated_at=timezone.now())
    if not claimed:
        return None
    return Job.objects.get(pk=job_id)


def job_progress(job_id: int, *, done: int, total: int, message: str) -> None:
    """Record how far a running job has got (the page polls it)."""
    Job.objects.filter(pk=job_id).update(done=done, total=total, message=message[:2000], updated_at=timezone.now())


def job_finish(job_id: int, *, message: str, result: dict[str, Any] | None = None, **fields: Any) -> None:
    """Mark a job done with what it produced."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, message=message[:2000], result=result or {},
                                         updated_at=timezone.now(), **fields)


def job_fail(job_id: int, *, message: str) -> None:
    """Mark a job failed with the reason a person can read (what it refused, nothing changed)."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, message=message[:2000], updated_at=timezone.now())
