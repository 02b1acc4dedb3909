"""A page cached for every anonymous shopper (core/page_cache.py) while an experiment runs: each
variant gets its own page, and a shopper served from the cache is still counted as exposed."""

from __future__ import annotations

import pytest
from django.test import Client

from experiments import services
from experiments.models import Exposure
from experiments.selectors import surface_plan
from main.models import Product

pytestmark = pytest.mark.usefixtures("catalog")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True


def visitors_by_variant(url: str) -> dict[int, list[tuple[Client, str]]]:
    """Shoppers who opened ``url`` once, by the variant they were assigned."""
    plan = surface_plan(surface="carousels").running
    found: dict[int, list[tuple[Client, str]]] = {}
    for _ in range(40):
        client = Client()
        response = client.get(url)
        unit = client.cookies["visitor"].value.split(":")[0]
        found.setdefault(plan.variant_of(unit)[0], []).append((client, response["X-Page-Cache"]))
        if len(found) == 2 and all(len(shoppers) >= 2 for shoppers in found.values()):
            break
    return found


def test_each_variant_has_its_page_and_every_reader_is_exposed(make_experiment):
    experiment = services.experiment_start(experiment=make_experiment())
    url = Product.objects.filter(is_active=True).first().get_absolute_url()
    found = visitors_by_variant(url)
    assert len(found) == 2, "both variants assigned"
    for shoppers in found.values():
        first, *later = [cache for _, cache in shoppers]
        assert first == "miss" and later and all(cache == "hit" for cache in later)
    services.exposures_flush()
    exposed = Exposure.objects.filter(experiment=experiment)
    assert exposed.count() == sum(len(shoppers) for shoppers in found.values())
    assert {e.variant_id for e in exposed} == set(found)
