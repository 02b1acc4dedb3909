"""Production settings: ``check --deploy`` is clean and the cookies are Secure.

Run in a subprocess with the production environment (``marketplace.settings``, DEBUG off, a
long random SECRET_KEY, ALLOWED_HOSTS) and none of the test run's relaxations.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RELAXED = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
)


def production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in RELAXED}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="shop.example.com",
        CSRF_TRUSTED_ORIGINS="https://shop.example.com",
    )
    return env


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_harden_cookies_and_transport():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE,"
        "'session_httponly': s.SESSION_COOKIE_HTTPONLY, 'ssl_redirect': s.SECURE_SSL_REDIRECT,"
        "'hsts': s.SECURE_HSTS_SECONDS, 'proxy_ssl': list(s.SECURE_PROXY_SSL_HEADER or ()),"
        "'exempt': s.SECURE_REDIRECT_EXEMPT, 'middleware': s.MIDDLEWARE}))"
    )
    result = run("-c", code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["session_secure"] and values["csrf_secure"] and values["session_httponly"]
    assert values["ssl_redirect"] and values["hsts"] >= 31536000
    assert values["proxy_ssl"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # The probes answer plain HTTP inside the network: exempt from the HTTPS redirect.
    assert r"^healthz$" in values["exempt"] and r"^readyz$" in values["exempt"]
    assert values["middleware"][0] == "marketplace.middleware.RequestIdLogMiddleware"


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_in_responses(client, buyer, password):
    login_page = client.get("/accounts/login/")
    assert login_page.cookies["csrftoken"]["secure"]
    response = client.post("/accounts/login/", {"username": buyer.username, "password": password})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
