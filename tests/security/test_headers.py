"""Security headers on the shop's responses: Content-Security-Policy (no inline script
without the nonce, never framed), Referrer-Policy, Permissions-Policy, X-Frame-Options.
(The permission matrix in test_permissions.py checks them on every URL.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from marketplace.headers import permissions_policy_value

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# An inline <script> without a nonce, an on* handler attribute, a style attribute, a <style>.
INLINE_PATTERNS = (r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style")


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_csp_allows_only_the_shops_own_resources(client):
    policy = directives(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in " ".join(sum(policy.values(), []))
    assert "'unsafe-eval'" not in " ".join(sum(policy.values(), []))


def test_an_inline_script_needs_the_requests_nonce(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()


def test_the_templates_have_no_inline_script_handler_or_style():
    """Under the policy an inline script without a nonce, an on* handler or a style
    attribute would be refused by the browser: none may come back into the templates."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern in INLINE_PATTERNS:
            if re.search(pattern, text, flags=re.IGNORECASE):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert offenders == []


def test_framing_referrer_and_permissions_policy(client):
    response = client.get("/catalog/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_headers_on_error_pages_and_the_api(client):
    for response in (client.get("/no-such-page/"), client.get("/api/v1/recommendations")):
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY" and "camera=()" in response["Permissions-Policy"]


def test_permissions_policy_value():
    assert permissions_policy_value({"camera": [], "fullscreen": ["self"]}) == "camera=(), fullscreen=(self)"
