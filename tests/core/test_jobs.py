"""The job ledger: a task's work runs once per key, a failure can be retried, a dead worker's
claim is taken over; a broker that is down does not fail the page that queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import shared_task
from django.test import TestCase
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.jobs import STALE_CLAIM, enqueue_on_commit, job_run_once
from core.models import JobRun


def test_a_key_runs_once_and_its_result_is_kept(db):
    calls = []

    def work():
        calls.append(1)
        return {"trained": ["categorizer"]}

    assert job_run_once(key="k", work=work) == (True, {"trained": ["categorizer"]})
    assert job_run_once(key="k", work=work) == (False, {"trained": ["categorizer"]})
    assert len(calls) == 1 and JobRun.objects.get(key="k").finished is not None


def test_a_failed_job_releases_its_key_for_the_retry(db):
    def fail():
        raise OSError("mail server down")

    with pytest.raises(OSError):
        job_run_once(key="k", work=fail)
    assert not JobRun.objects.filter(key="k").exists()
    assert job_run_once(key="k", work=lambda: 1) == (True, 1)


def test_a_claim_in_progress_is_left_alone_and_a_stale_one_taken_over(db):
    JobRun.objects.create(key="running")
    assert job_run_once(key="running", work=lambda: 1) == (False, None)
    JobRun.objects.filter(key="running").update(started=timezone.now() - STALE_CLAIM - timedelta(minutes=1))
    assert job_run_once(key="running", work=lambda: 2) == (True, 2)


@shared_task
def _unreachable(value):  # a task whose broker is down
    raise AssertionError("never runs")


def test_a_broker_that_is_down_is_logged_not_raised(db, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(_unreachable, "delay", refuse)
    with TestCase.captureOnCommitCallbacks(execute=True):
        enqueue_on_commit(_unreachable, 1)
        assert "the broker is unreachable" not in caplog.text  # nothing is sent before the commit
    assert "the broker is unreachable" in caplog.text
