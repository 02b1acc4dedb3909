"""Probes for the orchestrator and the load balancer.

``/healthz``: the process answers (liveness) — touches neither the database nor the session.
``/readyz``: the process can serve shoppers (readiness) — the database answers a trivial query
and every served model is in the artifact store and loads; otherwise 503 with a JSON reason.
The shared cache is reported but does not decide readiness: without it every lookup is a
miss, and pages still work. Both are exempt from the HTTPS redirect
(``SECURE_REDIRECT_EXEMPT``) so that plain-HTTP probes inside the network work.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from serving import registry


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database_check() -> str | None:
    """None when the database answers ``SELECT 1``, else why not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # A broken persistent connection must not be reused by the next request.
        connection.close_if_unusable_or_obsolete()
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return f"database unreachable: {first_line[:200]}"
    return None


def _cache_check() -> str:
    """Whether the shared cache (memcached) keeps what it is given; "local" without one."""
    if not settings.MEMCACHED_LOCATION:
        return "local"
    cache = caches["default"]
    cache.set("readyz-probe", "ok", 10)  # errors are misses (ignore_exc): read back to know
    return "ok" if cache.get("readyz-probe") == "ok" else "unreachable"


def _not_loaded(names: list[str]) -> list[str]:
    """Of ``names``, the models this process could not load (once per process)."""
    failed = []
    for name in names:
        try:
            model = registry.loaded(name)
        except Exception:  # a corrupt or incompatible artifact: not ready, whatever the reason
            model = None
        if model is None:
            failed.append(name)
    return failed


@never_cache
@require_GET
def readyz(request):
    checks: dict[str, str] = {}
    reasons: list[str] = []
    database_problem = _database_check()
    checks["database"] = "ok" if database_problem is None else "unavailable"
    if database_problem:
        reasons.append(database_problem)
    checks["cache"] = _cache_check()
    missing = registry.store().missing(registry.SERVED_MODELS)
    for name in registry.SERVED_MODELS:
        checks[name] = "missing" if name in missing else "ok"
    if missing:
        reasons.append(
            f"ML artifacts missing in MODELS_DIR: {', '.join(missing)} (run `python manage.py train_models`)"
        )
    else:
        not_loaded = _not_loaded(list(registry.SERVED_MODELS))
        for name in not_loaded:
            checks[name] = "not loaded"
        if not_loaded:
            reasons.append(f"ML artifacts on disk but not loadable by this process: {', '.join(not_loaded)}")
    if reasons:
        return JsonResponse(
            {"status": "not ready", "reason": "; ".join(reasons), "missing": missing, "checks": checks},
            status=503,
        )
    return JsonResponse({"status": "ready", "checks": checks})
