"""Login throttling: the client address failures are counted for, the lock rule, the 429 page."""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
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
    whole_address = address_is_throttled(request=request)
    limit = settings.LOGIN_FAILURE_LIMIT_PER_IP if whole_address else settings.AXES_FAILURE_LIMIT
    context = {
        "whole_address": whole_address,
        "failure_limit": limit,
        "cooloff_minutes": int(cool_off.total_seconds() // SECONDS_PER_MINUTE) if cool_off else None,
    }
    return render(request, "accounts/locked_out.html", context, status=TOO_MANY_REQUESTS)


class AccountAtAddressHandler(AxesDatabaseHandler):
    """Locks an (account, address) pair at ``AXES_FAILURE_LIMIT`` failures, and an address as a
    whole only at ``LOGIN_FAILURE_LIMIT_PER_IP``.

    Axes has one limit for every lock-out parameter; locking each account and each address at
    the same 10 let one person's typos (or a stranger who knows a username) lock everyone behind
    the same office or carrier NAT out (OWASP authentication cheat sheet: lock per account,
    throttle per source). The per-address count is every failure from that address within the
    cool-off, whatever the account.
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or address_is_throttled(request=request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and address_is_throttled(request=request):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def address_is_throttled(*, request) -> bool:
    """Whether the failures from the request's address within the cool-off reach the per-IP limit."""
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    failures = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return (failures or 0) >= settings.LOGIN_FAILURE_LIMIT_PER_IP
