"""The seller's category choices offer only taxonomy paths with real support."""

from __future__ import annotations

import pytest
from django.test.utils import override_settings

from main.models import ArticleType, MasterCategory, SubCategory
from seller_accounts.forms import ProductForm, article_type_choices

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy(make_product, seller):
    """A well-supported path (3 products) and a filing slip (a T-shirt filed under Belts)."""
    accessories = MasterCategory.objects.create(name="Accessories")
    apparel = MasterCategory.objects.create(name="Apparel")
    belts = SubCategory.objects.create(master_category=accessories, name="Belts")
    topwear = SubCategory.objects.create(master_category=apparel, name="Topwear")
    slip = ArticleType.objects.create(sub_category=belts, name="Tshirts")
    tshirts = ArticleType.objects.create(sub_category=topwear, name="Tshirts")
    for n in range(3):
        make_product(seller=seller, name=f"Tee {n}", article_type=tshirts)
    odd = make_product(seller=seller, name="Mr.Men Men's Funny Coral Pink T-shirt", article_type=slip)
    return {"slip": slip, "tshirts": tshirts, "odd": odd}


@override_settings(MIN_PRODUCTS_PER_PATH=3)
def test_a_path_without_support_is_not_offered(taxonomy):
    offered = set(ProductForm().fields["article_type"].queryset)
    assert taxonomy["tshirts"] in offered and taxonomy["slip"] not in offered
    choices, by_path = article_type_choices()
    labels = [label for _, label in choices]
    assert "Tshirts (Apparel / Topwear)" in labels
    assert "Tshirts (Accessories / Belts)" not in labels
    assert "Accessories / Belts / Tshirts" not in by_path


@override_settings(MIN_PRODUCTS_PER_PATH=3)
def test_the_listing_form_refuses_an_unsupported_path(taxonomy, seller_client):
    page = seller_client.get("/seller/products/new/").content.decode()
    assert "Apparel / Topwear / Tshirts" in page
    assert "Accessories / Belts / Tshirts" not in page
    form = ProductForm(data={"article_type": taxonomy["slip"].pk})
    assert not form.is_valid() and "article_type" in form.errors


@override_settings(MIN_PRODUCTS_PER_PATH=3)
def test_editing_a_listing_keeps_its_own_path_offered(taxonomy):
    form = ProductForm(instance=taxonomy["odd"])
    assert taxonomy["slip"] in set(form.fields["article_type"].queryset)


@override_settings(MIN_PRODUCTS_PER_PATH=1)
def test_the_minimum_is_a_setting(taxonomy):
    assert taxonomy["slip"] in set(ProductForm().fields["article_type"].queryset)


@override_settings(MIN_PRODUCTS_PER_PATH=3)
def test_a_new_taxonomy_without_products_offers_every_path(db):
    master = MasterCategory.objects.create(name="Apparel")
    sub = SubCategory.objects.create(master_category=master, name="Topwear")
    shirt = ArticleType.objects.create(sub_category=sub, name="Shirts")
    assert list(ProductForm().fields["article_type"].queryset) == [shirt]
