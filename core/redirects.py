"""Where a ``next`` parameter may send the browser: only back to this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(*, request: HttpRequest, target: str | None) -> str:
    """``target`` if it stays on this host ("" otherwise).

    Refused: another host, a scheme-relative ``//evil.example``, a ``javascript:`` URL, and
    plain HTTP from a page served over HTTPS.
    """
    if not target:
        return ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""
