"""The catalog audit as a task: it runs the command's work once per task; the command can
queue it instead of running inline."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from catalog_audit import tasks
from catalog_audit.models import CatalogSuspect


def test_the_task_runs_the_audit_once_per_delivery(catalog, tmp_path):
    output = tmp_path / "suspects.csv"
    report = tasks.audit_catalog.apply(args=[str(output)], kwargs={"limit": 10}, task_id="audit-1").get()
    assert "suspects written" in report and output.exists()
    stored = CatalogSuspect.objects.count()
    assert 0 < stored <= 10
    output.unlink()
    again = tasks.audit_catalog.apply(args=[str(output)], kwargs={"limit": 10}, task_id="audit-1").get()
    assert again == report and not output.exists()  # the same message again: not audited twice


def test_the_command_can_queue_the_audit(catalog, tmp_path, monkeypatch):
    sent = []

    class Result:
        id = "task-id"

    monkeypatch.setattr(tasks.audit_catalog, "delay", lambda *a, **kw: sent.append((a, kw)) or Result())
    out = StringIO()
    call_command("audit_catalog", "-o", str(tmp_path / "s.csv"), "--limit", "7", "--enqueue", stdout=out)
    ((args, kwargs),) = sent
    assert args == (str(tmp_path / "s.csv"),) and kwargs["limit"] == 7 and kwargs["use_photo"] is False
    assert "Audit queued (task task-id)" in out.getvalue()
    assert not (tmp_path / "s.csv").exists() and not CatalogSuspect.objects.exists()
