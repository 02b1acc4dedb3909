"""Retraining as a task: it runs train_models for the kinds asked, once per delivery; the
beat's entry follows RETRAIN_SCHEDULE."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from retraining import services, tasks
from retraining.schedule import PERIODIC_TASK_NAME, TASK, ScheduleError, retrain_schedule_sync


@pytest.fixture
def trainings(monkeypatch):
    """train_models as called by the service: the kinds, in order (no real training)."""
    calls = []

    def fake_call_command(name, *, only, by, stdout):
        assert by in ("schedule:retrain", "command:retrain", "test")  # who asked, for the registry
        calls.append((name, *only))  # train_models --only takes a list
        stdout.write(f"{' '.join(only)}: trained")

    monkeypatch.setattr(services, "call_command", fake_call_command)
    return calls


def test_the_task_trains_the_kinds_asked_and_says_what(trainings, db):
    result = tasks.retrain.apply(kwargs={"kinds": ["categorizer", "search"]}, task_id="r-1").get()
    assert trainings == [("train_models", "categorizer"), ("train_models", "search")]
    assert result["trained"] == ["categorizer", "search"]
    assert result["output"]["search"] == "search: trained"


def test_a_retrain_delivered_twice_trains_once(trainings, db):
    first = tasks.retrain.apply(kwargs={"kinds": ["categorizer"]}, task_id="r-2").get()
    second = tasks.retrain.apply(kwargs={"kinds": ["categorizer"]}, task_id="r-2").get()
    assert trainings == [("train_models", "categorizer")] and second == first


def test_the_default_kinds_are_the_setting(trainings, db, settings):
    settings.RETRAIN_KINDS = ["recommenders"]
    assert tasks.retrain.delay().get()["trained"] == ["recommenders"]


def test_an_unknown_kind_is_refused(trainings, db):
    with pytest.raises(ValueError, match="Unknown model kinds"):
        services.models_retrain(kinds=["horoscope"], by="test")
    assert trainings == []


def test_the_command_runs_it_by_hand(trainings, db):
    out = StringIO()
    call_command("retrain", "--kind", "photo", stdout=out)
    assert trainings == [("train_models", "photo")] and "trained: photo" in out.getvalue()


def test_migrate_registered_the_nightly_retrain_with_the_configured_crontab(db, settings):
    task = PeriodicTask.objects.get(name=PERIODIC_TASK_NAME)
    minute, hour, day_of_month, month, day_of_week = settings.RETRAIN_SCHEDULE.split()
    assert task.task == TASK and task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == (minute, hour, day_of_month)
    assert (task.crontab.month_of_year, task.crontab.day_of_week) == (month, day_of_week)
    assert json.loads(task.kwargs) == {"kinds": list(settings.RETRAIN_KINDS)}


def test_a_new_schedule_replaces_the_entry_and_syncing_twice_changes_nothing(db, settings):
    settings.RETRAIN_SCHEDULE = "0 4 * * 1"
    settings.RETRAIN_KINDS = ["categorizer", "photo"]
    retrain_schedule_sync()
    retrain_schedule_sync()
    (task,) = PeriodicTask.objects.filter(task=TASK)
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "4", "1")
    assert json.loads(task.kwargs) == {"kinds": ["categorizer", "photo"]}


def test_a_schedule_that_is_not_a_crontab_is_refused(db, settings):
    settings.RETRAIN_SCHEDULE = "nightly"
    with pytest.raises(ScheduleError, match="five crontab fields"):
        retrain_schedule_sync()
