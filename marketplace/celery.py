"""The task queue: Celery, configured from Django's settings (the ``CELERY_`` ones).

Workers (``celery -A marketplace worker``) and the one beat (``celery -A marketplace beat``)
import the same settings as the web tier; tasks live in each app's ``tasks.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
