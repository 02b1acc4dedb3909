"""Writing, hiding and voting on reviews: every bad input refused with a message that says
what to change, the summary's arithmetic, the catalog's denormalised rating and the
recommender's event."""

from __future__ import annotations

from decimal import Decimal

import pytest

from main.models import Product
from recommendations.models import ProductEvent
from reviews.models import Review
from reviews.selectors import product_summary, review_eligibility, seller_reviews
from reviews.services import ReviewRefused, review_create, review_hide, review_unhide, review_vote_helpful
from tests.conftest import _user
from tests.reviews.orders import order_of


@pytest.fixture
def product(make_product, seller):
    return make_product(seller=seller, name="Roadster Men Blue Slim Fit Jeans")


@pytest.fixture
def verified(buyer, product):
    order_of(buyer=buyer, product=product)
    return buyer


def buyers(product, n: int) -> list:
    people = [_user(f"buyer{i}") for i in range(n)]
    for person in people:
        order_of(buyer=person, product=product)
    return people


def test_a_verified_buyer_reviews_and_the_catalog_and_the_feed_follow(verified, product):
    review = review_create(author=verified, product=product, rating=4, fit="small",
                           title="  Snug  ", body="  Good denim, order a size up. ")
    assert (review.title, review.body, review.fit) == ("Snug", "Good denim, order a size up.", "small")
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (Decimal("4.00"), 1)
    event = ProductEvent.objects.get(user=verified, product=product)
    assert event.kind == "rated_4"  # explicit feedback, named as ml reads it


@pytest.mark.parametrize("status", ["placed", "packed", "shipped", "cancelled"])
def test_an_order_not_delivered_does_not_make_a_verified_buyer(buyer, product, status):
    order_of(buyer=buyer, product=product, status=status)
    with pytest.raises(ReviewRefused, match="verified buyers"):
        review_create(author=buyer, product=product, rating=5, body="Lovely")
    assert not Review.objects.exists()


def test_a_delivered_order_of_another_product_does_not_count(buyer, product, make_product, seller):
    order_of(buyer=buyer, product=make_product(seller=seller))
    with pytest.raises(ReviewRefused, match="once an order of it has been delivered"):
        review_create(author=buyer, product=product, rating=5, body="Lovely")


@pytest.mark.parametrize(("fields", "message"), [
    ({"body": "<b>Great</b> jeans"}, "plain text"),
    ({"body": "Nice <script>alert(1)</script>"}, "plain text"),
    ({"body": "Nice &lt;3"}, "plain text"),
    ({"title": "<a href=x>spam</a>"}, "plain text"),
    ({"body": ""}, "empty review"),
    ({"body": "   \n  "}, "empty review"),
    ({"rating": 0}, "1 to 5 stars"),
    ({"rating": 6}, "1 to 5 stars"),
    ({"rating": "5"}, "1 to 5 stars"),
    ({"fit": "huge"}, "how it fits"),
    ({"body": "x" * 4001}, "at most 4000"),
])
def test_bad_input_is_refused_with_a_clear_message(verified, product, fields, message):
    with pytest.raises(ReviewRefused, match=message):
        review_create(author=verified, product=product, **{"rating": 4, "body": "Fine", **fields})
    assert not Review.objects.exists()


def test_plain_text_with_angle_brackets_is_not_html(verified, product):
    review = review_create(author=verified, product=product, rating=5, body="Size < M fits me <3")
    assert review.body == "Size < M fits me <3"


def test_a_second_review_of_the_same_product_is_refused(verified, product):
    review_create(author=verified, product=product, rating=4, body="Good")
    with pytest.raises(ReviewRefused, match="already reviewed"):
        review_create(author=verified, product=product, rating=1, body="Changed my mind")
    assert Review.objects.count() == 1


def test_the_summary_counts_the_distribution_the_average_and_the_fit(product):
    ratings = [5, 5, 4, 3, 1]
    fits = ["true", "true", "small", "", "large"]
    for person, rating, fit in zip(buyers(product, 5), ratings, fits, strict=True):
        review_create(author=person, product=product, rating=rating, fit=fit, body="ok")
    summary = product_summary(product_id=product.pk)
    assert summary.count == 5
    assert summary.average == Decimal("3.60")
    assert [(s.stars, s.count, s.percent) for s in summary.distribution] == [
        (5, 2, 40), (4, 1, 20), (3, 1, 20), (2, 0, 0), (1, 1, 20)]
    assert summary.fit_count == 4
    assert summary.fit_verdict.fit == "true" and summary.fit_verdict.percent == 50
    assert summary.fit_position == 50  # one small, one large, two true: in the middle
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (Decimal("3.60"), 5)


def test_an_average_rounds_half_up_to_two_places(product):
    for person, rating in zip(buyers(product, 3), [5, 4, 4], strict=True):
        review_create(author=person, product=product, rating=rating, body="ok")
    assert product_summary(product_id=product.pk).average == Decimal("4.33")


def test_staff_hide_a_review_with_a_reason_and_it_leaves_the_average(product, staff, buyer):
    good, bad = buyers(product, 2)
    review_create(author=good, product=product, rating=5, body="Great")
    hidden = review_create(author=bad, product=product, rating=1, body="Rude words")
    with pytest.raises(ReviewRefused, match="Say why"):
        review_hide(review=hidden, by=staff, reason="  ")
    with pytest.raises(ReviewRefused, match="Only staff"):
        review_hide(review=hidden, by=buyer, reason="I dislike it")
    review_hide(review=hidden, by=staff, reason="Abusive language")
    hidden.refresh_from_db()
    assert hidden.hidden and hidden.hidden_by == staff and hidden.hidden_reason == "Abusive language"
    assert hidden.hidden_at is not None
    summary = product_summary(product_id=product.pk)
    assert (summary.count, summary.average) == (1, Decimal("5.00"))
    assert Product.objects.get(pk=product.pk).rating_average == Decimal("5.00")
    assert not ProductEvent.objects.filter(user=bad, kind__startswith="rated_").exists()
    with pytest.raises(ReviewRefused, match="already hidden"):
        review_hide(review=hidden, by=staff, reason="again")
    review_unhide(review=hidden, by=staff)
    assert product_summary(product_id=product.pk).average == Decimal("3.00")
    assert ProductEvent.objects.filter(user=bad, kind="rated_1").exists()


def test_a_helpful_vote_counts_once_and_never_for_oneself(verified, product, buyer):
    review = review_create(author=verified, product=product, rating=4, body="Good")
    voter = _user("voter")
    assert review_vote_helpful(review=review, voter=voter) is True
    assert review_vote_helpful(review=review, voter=voter) is False
    review.refresh_from_db()
    assert review.helpful_count == 1
    with pytest.raises(ReviewRefused, match="your own review"):
        review_vote_helpful(review=review, voter=verified)


def test_who_may_write_a_review_and_why_not(product, buyer, seller, verified):
    from django.contrib.auth.models import AnonymousUser

    assert "Log in" in review_eligibility(user=AnonymousUser(), product=product).reason
    assert "Sellers cannot" in review_eligibility(user=seller, product=product).reason
    assert "verified buyers" in review_eligibility(user=_user("nobody"), product=product).reason
    assert review_eligibility(user=verified, product=product).allowed
    review_create(author=verified, product=product, rating=4, body="Good")
    eligibility = review_eligibility(user=verified, product=product)
    assert not eligibility.allowed and eligibility.own_review is not None


def test_a_seller_sees_the_reviews_of_their_products_only(product, verified, make_product, other_seller):
    review_create(author=verified, product=product, rating=2, body="Faded")
    theirs = make_product(seller=other_seller)
    order_of(buyer=verified, product=theirs)
    review_create(author=verified, product=theirs, rating=5, body="Great")
    assert [r.body for r in seller_reviews(seller=product.seller)] == ["Faded"]
    assert [r.body for r in seller_reviews(seller=product.seller, rating=5)] == []


def test_a_deleted_account_takes_its_reviews_and_the_average_follows(product):
    keep, leave = buyers(product, 2)
    review_create(author=keep, product=product, rating=5, body="Great")
    review_create(author=leave, product=product, rating=1, body="Bad")
    from accounts.signals import account_deleting

    account_deleting.send(sender=type(leave), user=leave)
    assert list(Review.objects.values_list("author", flat=True)) == [keep.pk]
    assert Product.objects.get(pk=product.pk).rating_average == Decimal("5.00")


def test_a_tie_on_fit_reads_true_to_size(product):
    for person, fit in zip(buyers(product, 2), ["small", "true"], strict=True):
        review_create(author=person, product=product, rating=4, fit=fit, body="ok")
    summary = product_summary(product_id=product.pk)
    assert summary.fit_verdict.fit == "true" and summary.fit_position == 25
