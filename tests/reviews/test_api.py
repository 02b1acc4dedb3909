"""The reviews API: a product's summary and its reviews as JSON; bad input a 400 with its reason."""

from __future__ import annotations

import pytest

from reviews.services import review_create, review_hide
from tests.conftest import _user
from tests.reviews.orders import order_of


@pytest.fixture
def product(make_product, seller):
    return make_product(seller=seller, name="Roadster Jeans", dataset_id=777001)


def test_the_summary_and_the_reviews_newest_first_hidden_left_out(client, product, staff):
    people = [_user(f"r{i}") for i in range(3)]
    for person, rating in zip(people, [5, 3, 1], strict=True):
        order_of(buyer=person, product=product)
        review = review_create(author=person, product=product, rating=rating, body=f"{rating} stars")
    review_hide(review=review, by=staff, reason="Abuse")
    found = client.get("/api/v1/products/777001/reviews", {"page_size": 1}).json()
    assert found["summary"]["count"] == 2 and found["summary"]["average"] == "4.00"
    assert [s["count"] for s in found["summary"]["distribution"]] == [1, 0, 1, 0, 0]
    assert [r["body"] for r in found["results"]] == ["3 stars"] and found["num_pages"] == 2
    assert found["results"][0]["author"] == "r1"


@pytest.mark.parametrize(("path", "params", "status", "reason"), [
    ("/api/v1/products/777001/reviews", {"sort": "random"}, 400, "sort"),
    ("/api/v1/products/777001/reviews", {"page": "0"}, 400, "page"),
    ("/api/v1/products/777001/reviews", {"page": "2"}, 400, "past the last page"),
    ("/api/v1/products/777001/reviews", {"colour": "Blue"}, 400, "Unknown parameter"),
    ("/api/v1/products/999999/reviews", {}, 404, "No such product"),
    ("/api/v1/products/abc/reviews", {}, 404, "No such product"),
])
def test_bad_input_is_a_clear_error(client, product, path, params, status, reason):
    response = client.get(path, params)
    assert response.status_code == status
    assert reason in response.content.decode()
