"""WSGI entry point for gunicorn: models and templates are loaded here, once per process, not
on the first requests. With ``preload_app`` that process is gunicorn's master, so every worker,
including one that replaces a recycled or killed worker, forks with them ready."""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (needs Django set up)
from django.db import DatabaseError, connections  # noqa: E402
from django.template.loader import get_template  # noqa: E402

from main.catalog_table import catalog_table  # noqa: E402
from serving.registry import warm_up  # noqa: E402

warm_up()
# The catalog table too, so that workers fork with it (read again only once the catalog
# changes); the master's database connection is not shared with them.
try:
    catalog_table()
except DatabaseError:  # not migrated yet, or the database is down: the first request reads it
    pass
finally:
    connections.close_all()
# The cached template loader compiles a template on its first use; compile the shop's now.
for folder in settings.TEMPLATES[0]["DIRS"]:
    for path in sorted(Path(folder).rglob("*.html")):
        get_template(path.relative_to(folder).as_posix())
