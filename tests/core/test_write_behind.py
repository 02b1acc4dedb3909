"""The write-behind queue: rows wait in memory and are written in one batch when it fills, when
its oldest is old enough, when asked, and at exit; a write that fails does not fail the page."""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.db import OperationalError

from core import write_behind
from core.models import JobRun
from core.write_behind import WriteBehind


def queue(*, flush_every: int = 10, flush_seconds: float = 60.0, fail: Exception | None = None):
    batches: list[list[int]] = []

    def write(rows: list[int]) -> None:
        if fail is not None:
            raise fail
        batches.append(rows)

    rows = WriteBehind(name="rows", write=write, flush_every=flush_every, flush_seconds=flush_seconds)
    return rows, batches


def test_rows_wait_until_the_batch_fills_then_go_in_one_write(db):
    rows, batches = queue(flush_every=3)
    rows.add(1)
    rows.add(2)
    assert batches == [] and len(rows) == 2
    rows.add(3)
    assert batches == [[1, 2, 3]] and len(rows) == 0


def test_the_oldest_row_being_old_enough_writes_the_batch(db):
    rows, batches = queue(flush_every=100, flush_seconds=0.05)
    rows.add(1)
    assert batches == []
    time.sleep(0.06)
    rows.add(2)  # the next row finds the batch due
    assert batches == [[1, 2]]
    rows.add(3)  # a new batch's age starts with its first row
    assert batches == [[1, 2]]


def test_flush_writes_what_is_queued_and_says_how_many(db):
    rows, batches = queue()
    assert rows.flush() == 0 and batches == []  # nothing queued: no write
    rows.add(1)
    rows.add(2)
    assert rows.pending(lambda row: row > 1) == [2]
    assert rows.flush() == 2 and batches == [[1, 2]]
    rows.add(3)
    rows.forget()
    assert rows.flush() == 0 and batches == [[1, 2]]


def test_the_queue_is_written_at_exit(db, monkeypatch):
    registered = []
    monkeypatch.setattr(write_behind.atexit, "register", registered.append)
    rows, batches = queue()
    rows.add(1)
    assert len(registered) == 1
    registered[0]()
    assert batches == [[1]]


def test_rows_added_from_many_threads_are_each_written_once(monkeypatch):
    # Each thread would open its own connection to the test database: the lock is what is tested.
    monkeypatch.setattr(write_behind.transaction, "atomic", contextlib.nullcontext)
    rows, batches = queue(flush_every=50)

    def add(start: int) -> None:
        for n in range(start, start + 100):
            rows.add(n)

    threads = [threading.Thread(target=add, args=(start,)) for start in range(0, 800, 100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows.flush()
    written = [row for batch in batches for row in batch]
    assert sorted(written) == list(range(800))


def test_a_database_down_is_logged_and_the_batch_dropped_not_raised(db, caplog):
    rows, batches = queue(flush_every=2, fail=OperationalError("connection refused"))
    rows.add(1)
    with caplog.at_level(logging.ERROR, logger="core.write_behind"):
        rows.add(2)  # fills the batch: the write fails, the caller does not
    assert "Could not write 2 queued rows: dropped" in caplog.text
    assert len(rows) == 0 and batches == []


def test_a_failed_write_leaves_the_callers_transaction_usable(db):
    JobRun.objects.create(key="taken")
    rows = WriteBehind(name="job runs", write=JobRun.objects.bulk_create, flush_every=10, flush_seconds=60.0)
    rows.add(JobRun(key="taken"))  # a duplicate key: the INSERT fails
    assert rows.flush() == 1
    # The test runs in a transaction, as a page inside one would: it is still usable.
    assert JobRun.objects.filter(key="taken").count() == 1
