"""The staff's results page: the figures from stored exposures and events, its buttons, and
what shipping does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment, Exposure, SurfaceDefault
from recommendations.models import ProductEvent

pytestmark = pytest.mark.usefixtures("catalog")


def _results_url(experiment) -> str:
    return reverse("admin:experiments_experiment_results", args=[experiment.pk])


def _traffic(experiment, *, exposed: dict[str, int], converted: dict[str, int], days_ago: int = 0):
    """Stored exposures and view events, as the pages would have logged them."""
    from main.models import Product

    product = Product.objects.filter(is_active=True).first()
    at = timezone.now() - timedelta(days=days_ago)
    for variant in experiment.variants.all():
        for i in range(exposed[variant.key]):
            unit = f"{variant.key}-{days_ago}-{i}"
            Exposure.objects.create(experiment=experiment, variant=variant, unit=unit, exposed_at=at)
            if i < converted[variant.key]:
                ProductEvent.objects.create(
                    session_key=unit, product=product, kind="view", created_at=at + timedelta(minutes=1)
                )


def test_results_show_rates_intervals_test_and_sample_checks(client, staff, make_experiment):
    from experiments.services import experiment_start

    experiment = experiment_start(experiment=make_experiment())
    _traffic(
        experiment,
        exposed={"control": 400, "look-first": 420},
        converted={"control": 40, "look-first": 63},
        days_ago=1,
    )
    _traffic(
        experiment, exposed={"control": 100, "look-first": 80}, converted={"control": 10, "look-first": 12}
    )
    client.force_login(staff)
    response = client.get(_results_url(experiment))
    assert response.status_code == 200
    results = response.context["results"]
    control, treatment = results.variants
    assert (control.rate.exposures, control.rate.conversions) == (500, 50)
    assert (treatment.rate.exposures, treatment.rate.conversions) == (500, 75)
    assert treatment.comparison.difference == pytest.approx(0.05)
    assert treatment.comparison.p_value == pytest.approx(0.0168, abs=1e-4)  # pooled 12.5%: z = 2.39
    assert treatment.comparison.significant
    assert results.sample_ratio.p_value == pytest.approx(1.0) and not results.sample_ratio.alarm
    # base 10% (the control's observed rate), +20%: 3,835 per arm by the arcsine formula
    assert control.required == treatment.required == 3835
    assert results.still_needed == 2 * (3835 - 500)
    html = response.content.decode()
    assert "10.00%" in html and "15.00%" in html and "+5.00 pp" in html and "0.0168" in html
    assert 'data-test="daily-chart"' in html and html.count("<polyline") == 2
    assert [p.rates[treatment.variant.pk] for p in results.daily] == [pytest.approx(63 / 420), 0.15]


def test_a_broken_split_raises_the_sample_ratio_alarm(client, staff, make_experiment):
    experiment = make_experiment()
    _traffic(
        experiment, exposed={"control": 1000, "look-first": 1200}, converted={"control": 0, "look-first": 0}
    )
    client.force_login(staff)
    response = client.get(_results_url(experiment))
    assert response.context["results"].sample_ratio.alarm
    assert "mismatch" in response.content.decode()


def test_the_page_and_its_buttons_are_for_staff_only(client, buyer, make_experiment):
    experiment = make_experiment()
    client.force_login(buyer)
    assert client.get(_results_url(experiment)).status_code == 302  # to the admin's login
    start = reverse("admin:experiments_experiment_start", args=[experiment.pk])
    assert client.post(start).status_code == 302
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.DRAFT


def test_start_stop_and_ship_a_strategy(client, staff, make_experiment):
    from experiments.selectors import surface_plan

    experiment = make_experiment()
    client.force_login(staff)
    client.post(reverse("admin:experiments_experiment_start", args=[experiment.pk]))
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING and surface_plan(surface="carousels").running
    client.post(reverse("admin:experiments_experiment_stop", args=[experiment.pk]))
    experiment.refresh_from_db()
    assert (
        experiment.status == Experiment.Status.STOPPED and surface_plan(surface="carousels").running is None
    )
    winner = experiment.variants.get(key="look-first")
    client.post(reverse("admin:experiments_experiment_ship", args=[experiment.pk]), {"variant": winner.pk})
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.SHIPPED and experiment.shipped_variant == winner
    assert SurfaceDefault.objects.get(surface="carousels").strategy == "look-first"
    assert surface_plan(surface="carousels").default == "look-first"


def test_the_buttons_need_the_csrf_token(staff, make_experiment):
    from django.test import Client

    experiment = make_experiment()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(reverse("admin:experiments_experiment_start", args=[experiment.pk])).status_code == 403


def test_a_second_experiment_on_a_running_surface_is_refused(client, staff, make_experiment):
    from experiments.services import experiment_start

    experiment_start(experiment=make_experiment())
    second = make_experiment(key="another")
    client.force_login(staff)
    response = client.post(reverse("admin:experiments_experiment_start", args=[second.pk]), follow=True)
    second.refresh_from_db()
    assert second.status == Experiment.Status.DRAFT
    assert "Another experiment is running" in response.content.decode()


def test_a_shipped_strategy_is_what_every_shopper_then_gets(client, make_experiment, trained_models):
    from experiments.services import experiment_ship
    from main.models import Product

    experiment = make_experiment()
    experiment_ship(experiment=experiment, variant=experiment.variants.get(key="look-first"))
    html = client.get(Product.objects.filter(article_type__name="Tshirts").first().get_absolute_url()).content
    html = html.decode()
    assert html.find('data-test="complete-the-look"') < html.find('data-test="similar"')


def test_shipping_a_categorizer_version_asks_the_registry(
    make_experiment, django_capture_on_commit_callbacks
):
    from experiments.services import experiment_ship
    from experiments.signals import experiment_shipped

    experiment = make_experiment(
        key="categorizer-v2",
        surface="categorizer",
        outcome="corrected",
        variants=[("current", "cat-v1", 1), ("candidate", "cat-v2", 1)],
    )
    heard = []
    experiment_shipped.connect(
        lambda sender, experiment, variant, **kw: heard.append(variant.value),
        weak=False,
        dispatch_uid="test-heard",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            experiment_ship(experiment=experiment, variant=experiment.variants.get(key="candidate"))
    finally:
        experiment_shipped.disconnect(dispatch_uid="test-heard")
    assert heard == ["cat-v2"]
    assert not SurfaceDefault.objects.exists()  # no strategy to serve: the registry promotes the model


def test_a_categorizer_experiment_counts_listings_the_seller_corrected(
    client, staff, seller, make_experiment
):
    from main.models import Product
    from seller_accounts.models import ListingCategorization

    experiment = make_experiment(
        key="categorizer-v2",
        surface="categorizer",
        outcome="corrected",
        variants=[("current", "cat-v1", 1), ("candidate", "cat-v2", 1)],
    )
    from experiments.services import experiment_start

    experiment_start(experiment=experiment)
    products = list(Product.objects.all()[:10])
    for n, product in enumerate(products):
        ListingCategorization.objects.create(
            product=product,
            model_version="cat-v1" if n < 6 else "cat-v2",
            text=product.name,
            confidence=0.9,
            article_type_corrected=n in (0, 1, 2, 6),
        )
    client.force_login(staff)
    current, candidate = client.get(_results_url(experiment)).context["results"].variants
    assert (current.rate.exposures, current.rate.conversions) == (6, 3)
    assert (candidate.rate.exposures, candidate.rate.conversions) == (4, 1)


def test_a_running_categorizer_experiment_gives_each_seller_one_version(make_experiment):
    from experiments.selectors import categorizer_version_for
    from experiments.services import experiment_start, experiment_stop

    experiment = make_experiment(
        key="categorizer-v2",
        surface="categorizer",
        outcome="corrected",
        variants=[("current", "cat-v1", 1), ("candidate", "cat-v2", 1)],
    )
    assert categorizer_version_for(seller_id=1) == ""  # a draft: the live version for everyone
    experiment_start(experiment=experiment)
    versions = [categorizer_version_for(seller_id=i) for i in range(200)]
    assert versions == [categorizer_version_for(seller_id=i) for i in range(200)]  # sticky per seller
    assert 60 < versions.count("cat-v2") < 140  # about half of the sellers (p < 1e-7 outside)
    experiment_stop(experiment=experiment)
    assert categorizer_version_for(seller_id=1) == ""


def test_results_read_an_experiment_larger_than_a_query_can_list(make_experiment):
    """40,000 exposed visitors: more than SQLite takes as parameters of one query (32,766)."""
    from experiments.selectors import experiment_results
    from main.models import Product

    many = 40_000
    experiment = make_experiment()
    control = experiment.variants.get(is_control=True)
    at = timezone.now() - timedelta(hours=1)
    Exposure.objects.bulk_create(
        Exposure(experiment=experiment, variant=control, unit=f"v{i}", exposed_at=at) for i in range(many)
    )
    product = Product.objects.filter(is_active=True).first()
    ProductEvent.objects.bulk_create(
        ProductEvent(session_key=f"v{i}", product=product, kind="view", created_at=at + timedelta(minutes=1))
        for i in range(0, many, 100)
    )
    row = experiment_results(experiment=experiment).variants[0]
    assert (row.rate.exposures, row.rate.conversions) == (many, many // 100)


def test_a_started_experiments_variants_and_key_are_fixed_in_the_admin(client, staff, make_experiment):
    from experiments.services import experiment_start

    experiment = make_experiment()
    client.force_login(staff)
    change = reverse("admin:experiments_experiment_change", args=[experiment.pk])
    assert 'name="key"' in client.get(change).content.decode()
    experiment_start(experiment=experiment)
    html = client.get(change).content.decode()
    assert 'name="key"' not in html and 'name="variants-0-weight"' not in html


def test_a_feed_experiment_serves_trending_to_its_treatment(client, make_experiment, trained_models):
    """The feed's "trending" strategy ignores the shopper's history: shipped, everyone gets it."""
    from experiments.services import experiment_ship
    from main.models import Product

    for product in Product.objects.filter(article_type__name="Watches")[:3]:
        client.get(product.get_absolute_url())
    assert 'data-test="feed-title">Picked for you<' in client.get("/").content.decode()
    experiment = make_experiment(
        key="feed-trending",
        surface="feed",
        variants=[("control", "personal", 1), ("trending", "trending", 1)],
    )
    experiment_ship(experiment=experiment, variant=experiment.variants.get(key="trending"))
    assert 'data-test="feed-title">Trending now<' in client.get("/").content.decode()
