"""Similar items, complete the look and the feed, as the shop shows them."""

import pytest

from main.models import Gender, Product
from recommendations.models import ProductNeighbours
from tests.conftest import sell_out

pytestmark = pytest.mark.usefixtures("catalog", "trained_models")


def test_product_page_shows_both_carousels_with_reasons(client, django_assert_max_num_queries):
    product = Product.objects.filter(article_type__name="Tshirts").first()
    client.get(Product.objects.exclude(pk=product.pk).first().get_absolute_url())  # a returning visitor
    # product, its sizes, event insert, both carousels' products in one query.
    with django_assert_max_num_queries(4):
        response = client.get(product.get_absolute_url())
    similar = response.context["carousels"].similar
    look = response.context["carousels"].complete_the_look
    assert 0 < len(similar) <= 10 and 0 < len(look) <= 8
    assert product not in [s.product for s in similar]
    assert all(s.reason for s in [*similar, *look])
    # Complete the look brings other kinds of items, never more of the same subcategory.
    assert all(s.product.sub_category_id != product.sub_category_id for s in look)
    page = response.content.decode()
    assert 'data-test="similar"' in page and 'data-test="complete-the-look"' in page


def test_similar_items_share_type_and_gender_first(client):
    product = Product.objects.filter(article_type__name="Tshirts", gender__name="Men").first()
    similar = client.get(product.get_absolute_url()).context["carousels"].similar
    same = [s for s in similar if s.product.article_type_id == product.article_type_id]
    assert len(same) >= len(similar) // 2
    assert {s.product.gender.name for s in similar[:5]} <= {"Men", "Unisex"}


def test_a_product_listed_after_the_build_gets_neighbours_on_save(seller_client):
    tshirt = Product.objects.filter(article_type__name="Tshirts", gender__name="Men").first()
    response = seller_client.post(
        "/seller/products/new/",
        {
            "name": "Brandnew Men Black Printed Round Neck Tshirt",
            "gender": Gender.objects.get(name="Men").pk,
            "article_type": tshirt.article_type_id,
            "base_colour": "Black",
            "usage": "Casual",
            "price": "499",
            "stock": "3",
        },
    )
    assert response.status_code == 302
    new = Product.objects.get(name="Brandnew Men Black Printed Round Neck Tshirt")
    stored = ProductNeighbours.objects.get(product=new)
    assert len(stored.neighbour_ids) > 0 and new.pk not in stored.neighbour_ids
    similar = seller_client.get(new.get_absolute_url()).context["carousels"].similar
    assert similar and all(s.product.article_type_id == new.article_type_id for s in similar[:3])


def test_home_feed_is_trending_for_a_new_visitor_and_personal_after_views(client):
    response = client.get("/")
    assert len(response.context["feed"]) == 12 and response.context["trending"]
    html = response.content.decode()
    assert 'data-test="feed-title">Trending now<' in html
    assert 'class="reason"' not in html  # the title says why, not every card
    watches = list(Product.objects.filter(article_type__name="Watches")[:3])
    for product in watches:
        client.get(product.get_absolute_url())
    response = client.get("/")
    feed = response.context["feed"]
    assert sum(s.product.article_type_id == watches[0].article_type_id for s in feed) >= 4
    assert not response.context["trending"]
    assert 'data-test="feed-title">Picked for you<' in response.content.decode()


def test_bought_items_leave_the_feed(buyer_client, buyer):
    from recommendations.models import ProductEvent

    product = Product.objects.filter(article_type__name="Watches", stock__gt=0).first()
    buyer_client.get(product.get_absolute_url())
    ProductEvent.objects.create(user=buyer, product=product, kind=ProductEvent.Kind.PURCHASE)
    feed = buyer_client.get("/").context["feed"]
    assert product not in [s.product for s in feed]


def test_carousels_and_feed_leave_out_what_cannot_be_bought(client):
    product = Product.objects.filter(article_type__name="Tshirts").first()
    shown = [s.product for s in client.get(product.get_absolute_url()).context["carousels"].similar]
    sold_out, unlisted = shown[0], shown[1]
    sell_out(sold_out)
    Product.objects.filter(pk=unlisted.pk).update(is_active=False)
    from django.core.cache import cache

    cache.clear()  # rendered carousels are cached
    after = [s.product for s in client.get(product.get_absolute_url()).context["carousels"].similar]
    assert sold_out not in after and unlisted not in after
    assert after[: len(shown) - 2] == shown[2:]  # the rest keep their order
    assert len(after) == len(shown)  # spares fill the gaps
    feed = [s.product for s in client.get("/").context["feed"]]
    assert feed and all(p.stock > 0 and p.is_active for p in feed)


def test_a_product_page_reads_neighbours_but_never_stores_them(client, seller, make_product):
    """A product the index has not seen and whose neighbours were never stored (saved without
    the listing services) still shows similar items; showing them writes nothing."""
    tshirt = Product.objects.filter(article_type__name="Tshirts", gender__name="Men").first()
    unseen = make_product(seller=seller, name="Unindexed Men Blue Round Neck Tshirt",
                          article_type=tshirt.article_type, gender=tshirt.gender, base_colour="Blue")
    similar = client.get(unseen.get_absolute_url()).context["carousels"].similar
    assert similar and all(s.product.pk != unseen.pk for s in similar)
    assert not ProductNeighbours.objects.filter(product=unseen).exists()
