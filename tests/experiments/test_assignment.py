"""Who sees which variant: the same answer every time, in the planned proportions, and the
same variant after logging in."""

from __future__ import annotations

from collections import Counter

import pytest
from scipy.stats import chisquare

from experiments.assignment import bucket, pick

UNITS = 20_000  # enough for a split to be checked to within about a point


def test_a_unit_gets_the_same_variant_every_time():
    picks = {pick(experiment_key="exp", unit=f"visitor-{i}", weights=[1, 1]) for _ in range(5) for i in [7]}
    assert len(picks) == 1
    assert bucket(experiment_key="exp", unit="v") == bucket(experiment_key="exp", unit="v")


@pytest.mark.parametrize("weights", [[1, 1], [1, 3], [2, 1, 1]])
def test_units_split_in_the_planned_proportions(weights):
    counts = Counter(pick(experiment_key="split", unit=f"unit-{i}", weights=weights) for i in range(UNITS))
    expected = [UNITS * w / sum(weights) for w in weights]
    assert chisquare([counts[i] for i in range(len(weights))], f_exp=expected).pvalue > 0.001


def test_experiments_split_independently():
    """Being in one experiment's treatment says nothing about another's."""
    pairs = Counter(
        (
            pick(experiment_key="first", unit=f"u{i}", weights=[1, 1]),
            pick(experiment_key="second", unit=f"u{i}", weights=[1, 1]),
        )
        for i in range(UNITS)
    )
    assert chisquare([pairs[(a, b)] for a in (0, 1) for b in (0, 1)]).pvalue > 0.001


def _variant_seen(client, product) -> str:
    """Which carousel came first on the page: the variant the shopper was assigned."""
    html = client.get(product.get_absolute_url()).content.decode()
    return (
        "look-first"
        if html.find('data-test="complete-the-look"') < html.find('data-test="similar"')
        else ("similar-first")
    )


def test_a_shopper_keeps_their_variant_after_logging_in(client, catalog, buyer, password, make_experiment):
    from experiments.models import UnitAlias
    from experiments.selectors import shopper_unit, surface_plan
    from experiments.services import experiment_start
    from main.models import Product

    experiment_start(experiment=make_experiment())
    product = Product.objects.filter(is_active=True).first()
    client.get(product.get_absolute_url())
    visitor = client.cookies["visitor"].value.split(":")[0]
    plan = surface_plan(surface="carousels").running
    before = plan.variant_of(visitor)

    client.post("/accounts/login/", {"username": buyer.username, "password": password})
    assert UnitAlias.objects.get(user=buyer).unit == visitor

    # On another device (a new visitor cookie), the account still keeps the first one.
    from django.test import Client, RequestFactory

    other = Client()
    other.post("/accounts/login/", {"username": buyer.username, "password": password})
    request = RequestFactory().get("/")
    request.user = buyer
    assert shopper_unit(request=request) == visitor
    assert plan.variant_of(shopper_unit(request=request)) == before
    assert UnitAlias.objects.filter(user=buyer).count() == 1


def test_the_page_shows_each_shopper_their_assigned_strategy(catalog, make_experiment, trained_models):
    """Two visitors in different variants see the carousels in their variant's order, from the
    same product page (its cached fragments are kept per strategy)."""
    from django.test import Client

    from experiments.selectors import surface_plan
    from experiments.services import experiment_start
    from main.models import Product

    experiment_start(experiment=make_experiment())
    product = Product.objects.filter(article_type__name="Tshirts").first()
    seen = {}
    for _ in range(20):
        shopper = Client()
        order = _variant_seen(shopper, product)
        visitor = shopper.cookies["visitor"].value.split(":")[0]
        _, value = surface_plan(surface="carousels").running.variant_of(visitor)
        assert order == value
        assert _variant_seen(shopper, product) == value  # and again: sticky
        seen[value] = seen.get(value, 0) + 1
    assert set(seen) == {"similar-first", "look-first"}
