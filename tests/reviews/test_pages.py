"""The review pages: the product page's section (summary, bars, fit, newest and most helpful,
why one cannot write), writing through the form (a refusal is a 400 with its reason), the
review list, staff hiding from the product page, the seller's page."""

from __future__ import annotations

import pytest

from reviews.models import Review
from reviews.services import review_create, review_vote_helpful
from tests.conftest import _user
from tests.reviews.orders import order_of


@pytest.fixture
def product(make_product, seller):
    return make_product(seller=seller, name="Roadster Men Blue Slim Fit Jeans")


def reviewed(product, *ratings) -> list[Review]:
    found = []
    for i, rating in enumerate(ratings):
        person = _user(f"reviewer{i}")
        order_of(buyer=person, product=product)
        found.append(review_create(author=person, product=product, rating=rating, fit="true",
                                   title=f"Title {i}", body=f"Body {i}"))
    return found


def test_the_product_page_shows_the_summary_and_the_newest_reviews(client, product):
    reviewed(product, 5, 4, 4, 2)
    html = client.get(product.get_absolute_url()).content.decode()
    assert 'data-test="rating-average">3.8<' in html
    assert "4 verified reviews" in html
    assert 'data-test="stars-4">2<' in html and 'data-test="stars-3">0<' in html
    assert "Fit: true to size" in html
    assert html.count('data-test="review"') == 3  # the newest three, and a link to them all
    assert "Body 3" in html and "Body 0" not in html
    assert "See all 4 reviews" in html
    assert "Log in to review" in html


def test_most_helpful_first_on_the_product_page_and_the_review_list(client, product):
    reviews = reviewed(product, 5, 4, 3, 2)
    review_vote_helpful(review=reviews[0], voter=_user("fan"))
    html = client.get(product.get_absolute_url() + "?reviews=helpful").content.decode()
    assert html.index("Body 0") < html.index("Body 3")
    listing = client.get(f"/reviews/products/{product.pk}/?sort=helpful").content.decode()
    assert listing.count('data-test="review"') == 4 and listing.index("Body 0") < listing.index("Body 3")


def test_a_verified_buyer_writes_a_review_through_the_form(client, buyer, product):
    order_of(buyer=buyer, product=product)
    client.force_login(buyer)
    assert 'data-test="write-review-link"' in client.get(product.get_absolute_url()).content.decode()
    response = client.post(f"/reviews/products/{product.pk}/write/",
                           {"rating": "4", "fit": "large", "title": "Roomy", "body": "Comfortable."})
    assert response.status_code == 302 and response["Location"].endswith("#reviews")
    review = Review.objects.get()
    assert (review.rating, review.fit, review.author) == (4, "large", buyer)


@pytest.mark.parametrize(("data", "message"), [
    ({"rating": "4", "body": "<b>bold</b>"}, "plain text"),
    ({"rating": "4", "body": ""}, "empty review"),
    ({"body": "No stars"}, "1 to 5 stars"),
    ({"rating": "9", "body": "Nine"}, "1 to 5 stars"),
])
def test_bad_input_in_the_form_is_a_400_with_its_reason(client, buyer, product, data, message):
    order_of(buyer=buyer, product=product)
    client.force_login(buyer)
    response = client.post(f"/reviews/products/{product.pk}/write/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Review.objects.exists()


def test_without_a_delivered_order_the_form_says_why(client, buyer, product):
    client.force_login(buyer)
    assert "verified buyers" in client.get(product.get_absolute_url()).content.decode()
    response = client.post(f"/reviews/products/{product.pk}/write/", {"rating": "5", "body": "Great"})
    assert response.status_code == 400 and "verified buyers" in response.content.decode()


def test_a_second_review_through_the_form_is_refused(client, buyer, product):
    order_of(buyer=buyer, product=product)
    client.force_login(buyer)
    client.post(f"/reviews/products/{product.pk}/write/", {"rating": "5", "body": "Great"})
    response = client.post(f"/reviews/products/{product.pk}/write/", {"rating": "1", "body": "Again"})
    assert response.status_code == 400 and "already reviewed" in response.content.decode()
    assert Review.objects.count() == 1


def test_staff_hide_from_the_product_page_others_cannot(client, buyer, staff, product):
    review = reviewed(product, 1)[0]
    client.force_login(buyer)
    client.post(f"/reviews/{review.pk}/hide/", {"reason": "spam"})
    review.refresh_from_db()
    assert not review.hidden  # a shopper is sent to the admin's log-in
    client.force_login(staff)
    assert 'data-test="hide-form"' in client.get(product.get_absolute_url()).content.decode()
    response = client.post(f"/reviews/{review.pk}/hide/", {"reason": "Spam link"}, follow=True)
    assert "no longer shows" in response.content.decode()
    review.refresh_from_db()
    assert review.hidden and review.hidden_reason == "Spam link"
    assert "Body 0" not in client.get(product.get_absolute_url()).content.decode()


def test_staff_hide_from_the_admin_with_a_reason(client, staff, product):
    review = reviewed(product, 2)[0]
    client.force_login(staff)
    url = "/admin/reviews/review/"
    asked = client.post(url, {"action": "hide_selected", "_selected_action": [review.pk]})
    assert asked.status_code == 200 and "Why are they hidden" in asked.content.decode()
    client.post(url, {"action": "hide_selected", "_selected_action": [review.pk], "reason": "Off topic"})
    review.refresh_from_db()
    assert review.hidden and review.hidden_reason == "Off topic" and review.hidden_by == staff


def test_the_seller_sees_reviews_of_their_products(client, seller, product):
    reviewed(product, 3)
    client.force_login(seller)
    html = client.get("/seller/reviews/").content.decode()
    assert 'data-test="seller-review"' in html and "Body 0" in html
    assert "No reviews with 5 stars" in client.get("/seller/reviews/?rating=5").content.decode()
    assert client.get("/seller/reviews/?rating=abc").status_code == 200


def test_helpful_needs_a_log_in_and_a_post(client, product):
    review = reviewed(product, 4)[0]
    assert client.get(f"/reviews/{review.pk}/helpful/").status_code in (302, 405)
    client.force_login(_user("fan"))
    client.post(f"/reviews/{review.pk}/helpful/", {"next": "https://evil.example/"})
    review.refresh_from_db()
    assert review.helpful_count == 1
