"""The URLs the load test's shoppers open, drawn at random from ``data`` (what prepare.py
wrote): one place for the locustfile and for cpu_by_endpoint.py, so that both measure the
same traffic."""

from __future__ import annotations

import random
from urllib.parse import quote_plus

SORTS = ["newest", "price_asc", "price_desc", "name", "rating"]
RATING_FLOORS = ["4", "3"]  # the rating facet's values
REVIEW_ORDERS = ["newest", "helpful"]


def catalog_url(data: dict) -> str:
    """A catalog page: a sort, often a gender and a category, sometimes a later page."""
    params = {"sort": random.choice(SORTS)}
    if random.random() < 0.6:
        params["gender"] = random.choice(data["genders"])
    if random.random() < 0.6:
        params["master"] = random.choice(data["masters"])
    if random.random() < 0.15:
        params["rating"] = random.choice(RATING_FLOORS)
    if random.random() < 0.3:
        params["page"] = random.randint(2, 4)
    return "/catalog/?" + "&".join(f"{k}={v}" for k, v in params.items())


def search_url(data: dict) -> str:
    """A search of one or two words of the catalog's names."""
    words = random.sample(data["search_words"], random.choice([1, 1, 2]))
    return f"/catalog/?q={quote_plus(' '.join(words))}"


def product_url(product: dict) -> str:
    return f"/products/{product['dataset_id']}/"


def category_prediction_url(data: dict) -> str:
    return f"/api/v1/category-prediction?name={quote_plus(random.choice(data['names']))}"


def reviews_url(product: dict) -> str:
    """A product's review page, newest or most helpful first."""
    return f"/reviews/products/{product['pk']}/?sort={random.choice(REVIEW_ORDERS)}"


def cart_add(product: dict) -> tuple[str, dict]:
    """A cart add: its address and form, one of a size in stock when prepare.py looked."""
    return f"/cart/add/{product['pk']}/", {"quantity": 1, "size": random.choice(product["sizes"])}
