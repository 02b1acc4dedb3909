"""Each carousel tile says why it is there: "Similar items" what it shares with the product
(from the two products' rows), "Looks like this" that it looks alike."""

import pytest

from main.models import Product
from recommendations.selectors import LOOKS_ALIKE, carousels_for, shared_attributes


def test_the_shared_attributes_are_named_type_first():
    shirt = Product(article_type_id=1, sub_category_id=1, base_colour="Blue", brand="Nike", usage="Casual")
    twin = Product(article_type_id=1, sub_category_id=1, base_colour="Blue", brand="NIKE", usage="Casual")
    cousin = Product(article_type_id=2, sub_category_id=1, base_colour="Red", brand="Puma", usage="Casual")
    stranger = Product(article_type_id=3, sub_category_id=3, base_colour="Red", brand="Puma", usage="Formal")
    assert shared_attributes(product=shirt, other=twin) == "same type, same colour, same brand"
    assert shared_attributes(product=shirt, other=cousin) == "same category, both casual"
    assert shared_attributes(product=shirt, other=stranger) == ""


@pytest.mark.usefixtures("catalog", "trained_models")
def test_similar_items_on_the_page_say_what_they_share(client, django_assert_max_num_queries):
    product = Product.objects.filter(article_type__name="Tshirts", is_active=True).first()
    carousels = carousels_for(product=product)
    assert carousels.similar
    for item in carousels.similar:
        assert item.reason == (shared_attributes(product=product, other=item.product) or item.reason)
        if item.product.article_type_id == product.article_type_id:
            assert item.reason.startswith("same type")
    # The attributes come with the tiles' one query: none is loaded tile by tile (product,
    # sizes, the carousels' products, once the taxonomy rows are cached by a first page; the
    # view is queued).
    client.get(Product.objects.exclude(pk=product.pk).first().get_absolute_url())
    with django_assert_max_num_queries(3):
        client.get(product.get_absolute_url())
    assert all(item.reason == LOOKS_ALIKE for item in carousels.looks_like)
