"""Headless Chromium against pytest-django's live server (real transactions, test database).

Playwright's sync API keeps an asyncio loop in the test thread, and Django refuses ORM calls
from a thread with a running loop; the loop is Playwright's, not Django's, so the browser
fixtures allow it (DJANGO_ALLOW_ASYNC_UNSAFE) for these tests only, never for the session.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import fashion_data

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
E2E_CATALOG_SIZE = 300


@pytest.fixture(scope="module")
def _async_unsafe_allowed():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed, onnx_text_encoder):
    """Chromium. The sentence encoder is exported first (once per run, shared with the other
    tests): exported on a page's first categorization instead, it held that request ~30 s on a
    busy machine, past a click's wait for its navigation."""
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.skip(f"Chromium not found at {CHROMIUM} (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_errors() -> list[str]:
    """Script errors, failed requests (5xx, 404 of a page's own assets) and anything the
    Content-Security-Policy refused, seen by ``page``."""
    return []


CSP_VIOLATION = "Content Security Policy"  # in Chromium's console message for a refusal


def _open_page(browser, live_server, page_errors, **context_options):
    context = browser.new_context(base_url=live_server.url, locale="en-US", **context_options)
    context.set_default_timeout(15_000)
    page = context.new_page()

    def on_response(response):
        kind = response.request.resource_type
        if kind in {"fetch", "xhr"} and response.status == 503:
            return  # the ML API's documented answer while no model is trained
        if response.status >= 500 or (kind in {"stylesheet", "script", "image"} and response.status >= 400):
            page_errors.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda error: page_errors.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: page_errors.append(f"CSP: {message.text}") if CSP_VIOLATION in message.text else None,
    )
    page.on("response", on_response)
    return context, page


@pytest.fixture
def page(browser, live_server, page_errors):
    context, page = _open_page(browser, live_server, page_errors, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, page_errors):
    """A phone: its width, a touch screen (``tap()``), a mobile browser's viewport rules."""
    context, page = _open_page(
        browser, live_server, page_errors, viewport=PHONE, has_touch=True, is_mobile=True
    )
    yield page
    context.close()


@pytest.fixture
def e2e_catalog(_async_unsafe_allowed, transactional_db, live_server):
    """The small real catalog, committed so the live server's requests see it."""
    from main.catalog_import import import_catalog

    return import_catalog(data_dir=fashion_data(), limit=E2E_CATALOG_SIZE)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
