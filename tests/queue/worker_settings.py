"""The worker's settings in tests/queue: the test settings, with mail written to files the
test reads (the worker is another process: its locmem outbox is out of reach)."""

import os

from tests.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TEST_MAIL_DIR"]
CELERY_TASK_ALWAYS_EAGER = False  # a task a task sends goes through the broker too
