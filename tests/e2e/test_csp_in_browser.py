"""The Content-Security-Policy in a real browser: it is enforced (an injected inline script
does not run), and the shop's own scripts all work under it: the listing form's
categorizer (static/js/categorize.js), the auto-submitting selects, Bootstrap's menu.
Any refusal shows in Chromium's console and fails the test (``page_errors``)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import CSP_VIOLATION, PHONE
from tests.e2e.test_ml_in_browser import log_in, selected_text

pytestmark = pytest.mark.browser


def test_the_policy_is_enforced_in_the_browser(page, page_errors, e2e_catalog):
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # What an XSS would do: put an inline script into the page. The browser refuses it.
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected === undefined")
    assert any(CSP_VIOLATION in error for error in page_errors), page_errors


def test_the_listing_form_works_under_the_policy(
    page, page_errors, e2e_catalog, trained_models, seller, password
):
    log_in(page, seller, password)
    response = page.goto("/seller/products/new/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.locator("#id_name").press_sequentially("blue denim jeans for men", delay=20)
    page.locator('[data-test="suggestions"]').wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('#id_article_type').value !== ''")
    assert selected_text(page, "#id_article_type").endswith("/ Bottomwear / Jeans")
    page.fill("#id_price", "1499")
    page.fill("#id_stock", "4")
    with page.expect_navigation():
        page.click('[data-test="save-product"]')
    assert page.url.endswith("/seller/products/")
    # The status filter submits itself on change (a listener in autosubmit.js, no onchange=).
    with page.expect_navigation():
        page.select_option("#listing-status", value="listed")
    assert "status=listed" in page.url
    assert page_errors == []


def test_the_catalog_sort_and_the_phone_menu_work_under_the_policy(page, page_errors, e2e_catalog):
    page.goto("/catalog/")
    with page.expect_navigation():
        page.select_option("#sort", value="price_asc")
    assert "sort=price_asc" in page.url
    page.set_viewport_size(PHONE)
    page.locator(".navbar-toggler").click()
    page.locator("#nav").wait_for(state="visible")
    assert page_errors == []
