"""An A/B experiment end to end in headless Chromium: shoppers browse the product pages of the
live test server (each a new browser, so a new visitor), which assigns them and logs their
exposures and views; a staff member then opens the results page and sees the counts and the
chart drawn from those stored rows, and stops the experiment with its button. Screenshots at
desktop and phone size go to /tmp/experiments-shots/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/experiments-shots")
SHOPPERS = 12  # enough for both variants to have visitors, few enough to stay quick
SKIPPER_EVERY = 3  # in each variant, the 2nd of every 3 shoppers opens no other product


@pytest.fixture(autouse=True)
def _fresh_experiments():
    """No plan memoised or exposure queued before or after: the next test's database has
    neither this experiment nor its variants."""
    from experiments.selectors import surface_plans_forget
    from experiments.services import exposures_forget

    surface_plans_forget()
    exposures_forget()
    yield
    surface_plans_forget()
    exposures_forget()


def _shop(browser, live_server, first_url: str, second_url: str, clicks) -> str:
    """One new visitor opens ``first_url``; ``clicks(visitor)`` decides whether they go on to
    ``second_url`` (the outcome)."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(first_url)
    visitor = next(c["value"] for c in context.cookies() if c["name"] == "visitor").split(":")[0]
    if clicks(visitor):
        page.goto(second_url)
    context.close()
    return visitor


def test_staff_see_an_experiment_measured_on_real_traffic(
    browser, live_server, e2e_catalog, page, page_errors, password
):
    from experiments.models import Experiment, Exposure, Variant
    from experiments.selectors import variant_for
    from experiments.services import experiment_start, exposures_flush
    from main.models import Product
    from recommendations.models import ProductEvent
    from recommendations.services import views_flush
    from tests.conftest import _user

    staff = _user("exp-staff", is_staff=True, is_superuser=True)
    experiment = Experiment.objects.create(
        key="carousel-order-e2e", title="Carousel order", surface="carousels", outcome="view"
    )
    Variant.objects.create(experiment=experiment, key="control", value="similar-first", is_control=True)
    Variant.objects.create(experiment=experiment, key="look-first", value="look-first")
    experiment_start(experiment=experiment)

    first, second = Product.objects.filter(is_active=True)[:2]
    # Each variant gets clickers and shoppers who do not click, whichever way the visitors'
    # ids fall: a control whose every shopper converted has no base rate to plan from.
    seen: dict[int, int] = {}
    clickers: list[str] = []

    def clicks(visitor: str) -> bool:
        variant = variant_for(experiment=experiment, unit=visitor).pk
        seen[variant] = seen.get(variant, 0) + 1
        if seen[variant] % SKIPPER_EVERY == 2:
            return False
        clickers.append(visitor)
        return True

    visitors = []
    while len(visitors) < SHOPPERS or len(seen) < 2 or min(seen.values()) < 2:
        visitors.append(
            _shop(browser, live_server, first.get_absolute_url(), second.get_absolute_url(), clicks)
        )
    shoppers, clicked = len(visitors), len(clickers)
    assert 0 < clicked < shoppers
    # The first half of the shoppers came yesterday: their stored rows are dated so (the chart
    # then has two days to draw; every row was made by the pages above).
    exposures_flush()
    views_flush()  # the live server runs in this process: its queued views are here
    yesterday = visitors[: shoppers // 2]
    for row in Exposure.objects.filter(unit__in=yesterday):
        row.exposed_at -= timedelta(days=1)
        row.save(update_fields=["exposed_at"])
    for event in ProductEvent.objects.filter(session_key__in=yesterday):
        event.created_at -= timedelta(days=1)
        event.save(update_fields=["created_at"])

    page.goto("/accounts/login/?next=/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator('[data-test="login"]').click()
    page.goto(f"/admin/experiments/experiment/{experiment.pk}/results/")

    exposures = [int(t) for t in page.locator('[data-test="exposures"]').all_inner_texts()]
    conversions = [int(t) for t in page.locator('[data-test="conversions"]').all_inner_texts()]
    assert sum(exposures) == shoppers and all(exposures)  # every shopper once, both variants used
    assert sum(conversions) == clicked
    chart = page.locator('[data-test="daily-chart"]')
    assert chart.is_visible()
    assert chart.locator("polyline").count() == 2 and chart.locator("circle").count() == 4  # 2 days x 2
    assert "Sample ratio" in page.locator('[data-test="srm"]').inner_text()
    assert page.locator('[data-test="still-needed"]').inner_text().count("more exposures") == 1

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / "results-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / "results-phone.png"), full_page=True)
    # the wide table scrolls inside its box; the page itself does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.set_viewport_size(DESKTOP)

    with page.expect_navigation():
        page.locator('[data-test="stop"]').click()
    assert "Stopped" in page.locator('[data-test="experiment-status"]').inner_text()
    assert page.locator('[data-test="ship"]').is_visible()
    assert page_errors == []
