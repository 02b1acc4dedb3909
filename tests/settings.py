"""Settings of the test run: production-like (DEBUG off) with a throwaway secret key.

pytest-django imports the settings in its ``pytest_load_initial_conftests`` hook, before any
``conftest.py`` is loaded, so environment set in ``tests/conftest.py`` (even in
``pytest_configure``) comes too late: ``marketplace.settings`` refuses to load without
SECRET_KEY or DEBUG. This module is the test run's DJANGO_SETTINGS_MODULE (pyproject.toml):
it supplies test defaults, unless the environment already says otherwise, then loads the
real settings unchanged.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DEBUG", "0")
# The test client and the live server speak plain HTTP; TLS is nginx's job (tests/stack).
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("PAYMENT_WEBHOOK_SECRET", "test-only-webhook-secret")

from marketplace.settings import *  # noqa: E402,F403
from marketplace.settings import STORAGES  # noqa: E402

# The test catalog is 300 products, where a path with one product is as much support as the
# real catalog's thousands (tests/seller_accounts/test_supported_paths.py sets the real rule).
MIN_PRODUCTS_PER_PATH = 1
# No collectstatic before the tests: templates resolve {% static %} without a manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Hashing with the production hasher costs ~0.3 s per login; the tests log in a lot.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No model-poller thread in tests: they call serving.registry.swap_if_moved() when they mean to.
MODEL_POLL_SECONDS = 0
# Pages are drawn for each request, so that a test reads the response's context; the tests of
# the shared page cache (tests/core/test_page_cache.py) switch it on.
PAGE_CACHE = False
# Tasks run in the test's process, whatever broker the environment names (tests/queue starts a
# Redis and a worker of its own).
CELERY_TASK_ALWAYS_EAGER = True
