"""The client address that login throttling counts failures for."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

TOO_MANY_REQUESTS = 429
SECONDS_PER_MINUTE = 60


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind ``NUM_PROXIES`` proxies (nginx) the address the first of them saw.

    Same rule as the API's rate limits (DRF ``NUM_PROXIES``): without a proxy the
    X-Forwarded-For header is the client's own word and is ignored, else anyone could get
    a fresh address per try.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """The lock-out page (429): what happened, for how long, and the way out (a reset)."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cool_off.total_seconds() // SECONDS_PER_MINUTE) if cool_off else None,
    }
    return render(request, "accounts/locked_out.html", context, status=TOO_MANY_REQUESTS)
