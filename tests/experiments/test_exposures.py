"""Exposures are logged off the page's path (queued, written in batches), once per unit; the
outcomes are the shoppers' own events, counted after their exposure."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from experiments import services
from experiments.models import Exposure
from main.models import Product
from tests.queries import statements

pytestmark = pytest.mark.usefixtures("catalog")


def active():
    return Product.objects.filter(is_active=True)


def test_a_product_page_queues_the_exposure_without_writing_it(make_experiment, django_assert_num_queries):
    from experiments.selectors import surface_plan
    from experiments.services import experiment_start

    experiment = experiment_start(experiment=make_experiment())
    product = active().first()
    client = Client()
    client.get(product.get_absolute_url())  # plans read, visitor made
    surface_plan(surface="carousels")
    other = active()[1]
    with django_assert_num_queries(2):  # the product, its sizes: nothing for the exposure nor the view
        client.get(other.get_absolute_url())
    assert not Exposure.objects.exists()
    assert services.exposures_flush() == 1  # the second page did not queue the same visitor again
    exposure = Exposure.objects.get()
    assert (
        exposure.experiment == experiment and exposure.unit == client.cookies["visitor"].value.split(":")[0]
    )


def test_exposures_are_written_in_one_batch_when_it_fills(make_experiment, monkeypatch):
    from experiments.services import experiment_start

    experiment = experiment_start(experiment=make_experiment())
    variant = experiment.variants.first()
    monkeypatch.setattr(services._queue, "flush_every", 5)
    for i in range(4):
        services.exposure_log(experiment_id=experiment.pk, variant_id=variant.pk, unit=f"v{i}")
    assert not Exposure.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        services.exposure_log(experiment_id=experiment.pk, variant_id=variant.pk, unit="v4")
    assert statements(queries) == ["INSERT"]
    assert Exposure.objects.count() == 5


def test_a_unit_exposed_in_two_workers_is_stored_once(make_experiment):
    experiment = make_experiment()
    variant = experiment.variants.first()
    services.exposure_log(experiment_id=experiment.pk, variant_id=variant.pk, unit="v1")
    services.exposures_flush()
    services.exposures_forget()  # another worker: it has not seen v1
    services.exposure_log(experiment_id=experiment.pk, variant_id=variant.pk, unit="v1")
    services.exposures_flush()
    assert Exposure.objects.count() == 1


def test_no_experiment_running_logs_nothing_and_serves_the_default(make_experiment, client):
    make_experiment()  # a draft
    client.get(active().first().get_absolute_url())
    assert services.exposures_flush() == 0


def test_outcomes_count_after_exposure_and_follow_the_shopper_into_their_account(
    make_experiment, buyer, password
):
    from experiments.selectors import experiment_results
    from experiments.services import experiment_start

    experiment = experiment_start(experiment=make_experiment(outcome="cart"))
    product, other = active()[:2]
    shopper = Client()
    shopper.get(product.get_absolute_url())  # exposed
    services.exposures_flush()
    results = experiment_results(experiment=experiment)
    assert sum(r.rate.exposures for r in results.variants) == 1
    assert sum(r.rate.conversions for r in results.variants) == 0

    shopper.post("/accounts/login/", {"username": buyer.username, "password": password})
    size = other.sizes.filter(stock__gt=0).first()
    response = shopper.post(f"/cart/add/{other.pk}/", {"size": size.pk if size else "", "quantity": 1})
    assert response.status_code in (200, 302)
    results = experiment_results(experiment=experiment)
    assert sum(r.rate.conversions for r in results.variants) == 1  # logged in, still their unit
    assert sum(r.rate.exposures for r in results.variants) == 1
