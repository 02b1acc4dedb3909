"""WSGI entry point for gunicorn: models are loaded here, once per process, not per request."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
application = get_wsgi_application()

from main.ml_models import warm_up  # noqa: E402  (needs Django set up)

warm_up()
