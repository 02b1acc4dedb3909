"""Request id and one structured (JSON) access-log line per request.

The id comes from the ``X-Request-ID`` header that nginx sets (or a client sent, if it looks
like an id), else a fresh one is made; it is returned in the response's ``X-Request-ID`` and
is on ``request.request_id`` for views and error reports. The log line goes to the
``marketplace.access`` logger, which ``settings.LOGGING`` writes as bare JSON.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger("marketplace.access")

REQUEST_ID_HEADER = "X-Request-ID"
# Anything else (too long, spaces, quotes, newlines...) is replaced: it ends up in logs.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
# Paths whose log line leaves out the user: resolving it may touch the database.
_NO_USER_PATHS = ("/healthz", "/readyz")


def request_id_for(request) -> str:
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if _VALID_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def _user_id(request) -> int | None:
    if request.path in _NO_USER_PATHS:
        return None
    user = getattr(request, "user", None)
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        # Nothing in the request looked at the user: only resolve it if a session exists.
        if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # the database may be the reason the request failed
        return None


class RequestIdLogMiddleware:
    """First in ``MIDDLEWARE``: it times and logs everything, redirects and errors included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_for(request)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        duration_ms = (time.perf_counter() - started) * 1000
        if logger.isEnabledFor(logging.INFO):
            record = {
                "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "level": "error" if response.status_code >= 500 else "info",
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(duration_ms, 2),
                "request_id": request.request_id,
                "user_id": _user_id(request),
                "remote_addr": request.META.get("REMOTE_ADDR"),
                "pid": os.getpid(),  # which worker answered
                "forwarded_for": request.META.get("HTTP_X_FORWARDED_FOR"),
            }
            logger.info(json.dumps(record, separators=(",", ":")))
        return response
