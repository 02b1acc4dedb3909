"""Rows a page must not wait on, queued in this worker's memory and written in batches.

A page view that only records who saw what (an experiment's exposure, a product view) appends
to a :class:`WriteBehind` queue; the queue is written in one ``write(rows)`` call (a
``bulk_create``: one ``INSERT``) once it holds ``flush_every`` rows or its oldest is
``flush_seconds`` old, when a reader asks (:meth:`WriteBehind.flush`), and at exit.

What a worker still holds is not in the database yet: another worker's reader sees it at most
``flush_seconds`` late (later only if no request comes to trigger the age check, until exit),
and a worker killed without its exit hooks loses it. Only behaviour signals belong here,
never money.

A failed write (the database down) is logged, not raised: the page that happened to fill the
batch must not fail for it. The batch is dropped, not kept: it was taken off the queue before
the write (as the exposures' queue always did), so a long outage cannot grow a worker's memory,
and a row written twice is never possible.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import DatabaseError, transaction

Row = TypeVar("Row")

logger = logging.getLogger(__name__)


class WriteBehind(Generic[Row]):
    """A thread-safe queue of rows, written by ``write`` in batches (see the module)."""

    def __init__(
        self, *, name: str, write: Callable[[list[Row]], object], flush_every: int, flush_seconds: float
    ) -> None:
        self.name = name  # in the log of a failed write
        self.write = write
        self.flush_every = flush_every
        self.flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._rows: list[Row] = []
        self._oldest = 0.0
        atexit.register(self._flush_at_exit)

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, row: Row) -> None:
        """Queue ``row``; write the queue now if this fills it or finds it due (the only time a
        page pays for the write)."""
        with self._lock:
            if not self._rows:
                self._oldest = time.monotonic()
            self._rows.append(row)
            due = len(self._rows) >= self.flush_every or time.monotonic() - self._oldest >= self.flush_seconds
        if due:
            self.flush()

    def pending(self, keep: Callable[[Row], bool]) -> list[Row]:
        """The queued rows ``keep`` accepts, oldest first: what a reader adds to the table's."""
        with self._lock:
            return [row for row in self._rows if keep(row)]

    def flush(self) -> int:
        """Write the queued rows (one ``write``); returns how many were taken off the queue.

        Inside a transaction the write is a savepoint of it: a failure leaves the caller's
        transaction usable, and the rows go (or stay) with the caller's commit."""
        with self._lock:
            batch = self._rows[:]
            self._rows.clear()
        if batch:
            try:
                with transaction.atomic():
                    self.write(batch)
            except DatabaseError:
                logger.exception("Could not write %d queued %s: dropped", len(batch), self.name)
        return len(batch)

    def forget(self) -> None:
        """Drop the queue unwritten (tests; a new process starts empty)."""
        with self._lock:
            self._rows.clear()

    def _flush_at_exit(self) -> None:
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - Django may be half torn down at interpreter exit
            pass
