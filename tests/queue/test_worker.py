"""Tasks through a real broker to a real worker process: what a deployment runs."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from celery import Celery
from celery.result import allow_join_result

from retraining.schedule import PERIODIC_TASK_NAME, TASK
from tests.queue.conftest import ROOT

pytestmark = pytest.mark.queue
RESULT_SECONDS = 60


@pytest.fixture
def client_app(redis_url):
    """A Celery client of the worker's broker (sends tasks by name, reads their results)."""
    app = Celery(broker=redis_url, backend=redis_url)
    app.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json")
    yield app
    app.close()


def _wait(result):
    """The task's result. This process is no worker, but an earlier test in the same run may
    have left Celery's process-wide "inside a task" flag set (gevent, loaded by the load-test
    tests, says joins would block): waiting here is allowed whatever it says."""
    with allow_join_result():
        return result.get(timeout=RESULT_SECONDS)


def _sql(worker, query: str, *params):
    with sqlite3.connect(worker["database"]) as connection:
        return connection.execute(query, params).fetchall()


def test_a_password_reset_mail_is_sent_by_the_worker_once(worker, client_app):
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from accounts.services import user_create; "
         "user_create(username='rita', email='rita@example.com', password='queue-Test-pass-9')"],
        cwd=ROOT, env=worker["env"], check=True, capture_output=True,
    )  # fmt: skip
    args = ["rita@example.com", "shop.example", True]
    _wait(client_app.send_task("accounts.tasks.password_reset_mail", args=args, task_id="reset-q1"))
    (mail_file,) = worker["mail_dir"].iterdir()
    text = mail_file.read_text()
    assert "To: rita@example.com" in text and "https://shop.example/accounts/reset/" in text
    # The same message delivered again (a worker lost before its ack): no second mail.
    _wait(client_app.send_task("accounts.tasks.password_reset_mail", args=args, task_id="reset-q1"))
    assert len(list(worker["mail_dir"].iterdir())) == 1
    rows = _sql(worker, "SELECT finished FROM core_jobrun WHERE key = ?", "accounts.password-reset:reset-q1")
    assert len(rows) == 1 and rows[0][0] is not None


def test_the_beat_schedule_holds_the_retrain_with_the_configured_crontab(worker):
    from django.conf import settings

    rows = _sql(
        worker,
        "SELECT t.task, t.kwargs, c.minute, c.hour, c.day_of_month, c.month_of_year, c.day_of_week "
        "FROM django_celery_beat_periodictask t JOIN django_celery_beat_crontabschedule c "
        "ON t.crontab_id = c.id WHERE t.name = ? AND t.enabled",
        PERIODIC_TASK_NAME,
    )
    ((task, kwargs, *crontab),) = rows
    assert task == TASK and " ".join(crontab) == settings.RETRAIN_SCHEDULE
    assert "categorizer" in kwargs


def test_a_long_job_goes_to_the_long_queue_and_its_result_comes_back(worker, client_app, tmp_path):
    """The catalog audit on an empty catalog: the worker runs the command and reports its refusal."""
    result = client_app.send_task("catalog_audit.tasks.audit_catalog", args=[str(tmp_path / "s.csv")],
                                  queue="long")
    with pytest.raises(Exception, match="catalog is \\(nearly\\) empty"):
        _wait(result)
    assert "catalog_audit.tasks.audit_catalog" in worker["log"].read_text()
