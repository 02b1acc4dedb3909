"""The ledger of the task queue's jobs: what makes a task safe to run twice."""

from django.db import models


class JobRun(models.Model):
    """One job, by its idempotency key (``orders.email:12:shipped``, a task id, …).

    A worker claims the key before the work (a unique row, so two deliveries at once run it
    once) and stamps ``finished`` after it; a finished key is not run again.
    """

    key = models.CharField(max_length=200, unique=True)
    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return self.key
