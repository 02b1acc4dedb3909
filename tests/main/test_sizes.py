"""Sizes: the scale of each article type, the demo catalog's per-size stock, the product page."""

from __future__ import annotations

import re

import pytest
from django.db.models import F

from cart.models import CartItem
from main.catalog_import import demo_stock
from main.models import Product, ProductSize
from main.sizes import (
    APPAREL,
    FOOTWEAR,
    KIDS_APPAREL,
    KIDS_FOOTWEAR,
    ONE_SIZE,
    parse_stock_by_size,
    size_scale,
    split_stock,
)


@pytest.mark.parametrize(
    ("master", "article", "gender", "scale"),
    [
        ("Apparel", "Tshirts", "Men", APPAREL),
        ("Apparel", "Kurtas", "Women", APPAREL),
        ("Apparel", "Tshirts", "Boys", KIDS_APPAREL),
        ("Apparel", "Dresses", "Girls", KIDS_APPAREL),
        ("Apparel", "Sarees", "Women", (ONE_SIZE,)),
        ("Footwear", "Casual Shoes", "Men", FOOTWEAR),
        ("Footwear", "Sandals", "Boys", KIDS_FOOTWEAR),
        ("Accessories", "Watches", "Men", (ONE_SIZE,)),
        ("Personal Care", "Deodorant", "Women", (ONE_SIZE,)),
    ],
)
def test_the_scale_follows_the_article_type_and_gender(master, article, gender, scale):
    assert size_scale(master_category=master, article_type=article, gender=gender) == scale


def test_scales_read_as_shoppers_expect():
    assert APPAREL == ("XS", "S", "M", "L", "XL", "XXL")
    assert FOOTWEAR[0] == "UK 5" and FOOTWEAR[-1] == "UK 12"
    assert KIDS_APPAREL[0] == "2-3Y" and KIDS_APPAREL[-1] == "13-14Y"


@pytest.mark.parametrize("seed", [0, 1, 7, 15970, 39386])
@pytest.mark.parametrize("total", [0, 1, 5, 49])
def test_a_split_keeps_the_total_and_sells_out_some_sizes(seed, total):
    stock = split_stock(total=total, sizes=APPAREL, seed=seed)
    assert list(stock) == list(APPAREL) and sum(stock.values()) == total
    sold_out = [i for i, size in enumerate(APPAREL) if (seed + i) % 5 == 0]
    assert all(stock[APPAREL[i]] == 0 for i in sold_out)
    assert split_stock(total=total, sizes=(ONE_SIZE,), seed=seed) == {ONE_SIZE: total}


def test_stock_by_size_is_read_and_checked():
    assert parse_stock_by_size(text="S:3; M:5", sizes=APPAREL) == {
        "XS": 0,
        "S": 3,
        "M": 5,
        "L": 0,
        "XL": 0,
        "XXL": 0,
    }
    assert parse_stock_by_size(text="7", sizes=(ONE_SIZE,)) == {ONE_SIZE: 7}
    assert sum(parse_stock_by_size(text="12", sizes=APPAREL).values()) == 12
    with pytest.raises(ValueError, match="not one of"):
        parse_stock_by_size(text="XXXL:2", sizes=APPAREL)
    with pytest.raises(ValueError, match="whole number"):
        parse_stock_by_size(text="S:two", sizes=APPAREL)


def test_the_import_gives_every_product_its_sizes_and_the_demo_stock(catalog):
    products = Product.objects.select_related("article_type__sub_category__master_category", "gender")
    for product in products:
        sizes = list(product.sizes.all())
        assert tuple(s.label for s in sizes) == product.size_scale
        assert sum(s.stock for s in sizes) == product.stock == demo_stock(product.dataset_id)
        expected = split_stock(total=product.stock, sizes=product.size_scale, seed=product.dataset_id)
        assert {s.label: s.stock for s in sizes} == expected


def _sized_product() -> Product:
    """A catalog product with several sizes, one of them sold out and one in stock."""
    for product in Product.objects.filter(is_active=True, stock__gt=0, master_category__name="Apparel"):
        stocks = list(product.sizes.values_list("stock", flat=True))
        if len(stocks) > 1 and 0 in stocks:
            return product
    raise AssertionError("no sized product with a sold-out size in the fixture catalog")


def test_the_product_page_offers_sizes_and_disables_sold_out_ones(client, catalog):
    product = _sized_product()
    html = client.get(product.get_absolute_url()).content.decode()
    for size in product.sizes.all():
        radio = re.search(rf'<input type="radio" name="size" id="size-{size.pk}"[^>]*>', html)[0]
        assert ("disabled" in radio) == (size.stock == 0)
        assert "required" in radio
    assert 'data-test="size-chart-link"' in html and "/size-charts/apparel/" in html
    assert 'data-test="delivery-returns"' in html and "Returns" in html


def test_a_sold_out_size_cannot_be_added(buyer_client, buyer, catalog):
    product = _sized_product()
    gone = product.sizes.filter(stock=0).first()
    response = buyer_client.post(f"/cart/add/{product.pk}/", {"size": gone.pk}, follow=True)
    assert f"out of stock in size {gone.label}" in response.content.decode()
    assert not CartItem.objects.filter(cart__user=buyer).exists()
    # Nor a size of another product, nor no size at all for a sized product.
    other = ProductSize.objects.exclude(product=product).first()
    response = buyer_client.post(f"/cart/add/{product.pk}/", {"size": other.pk}, follow=True)
    assert "Pick a size" in response.content.decode()
    response = buyer_client.post(f"/cart/add/{product.pk}/", {}, follow=True)
    assert "Pick a size" in response.content.decode()


def test_the_cart_carries_the_size(buyer_client, buyer, catalog):
    product = _sized_product()
    size = product.sizes.filter(stock__gt=0).first()
    buyer_client.post(f"/cart/add/{product.pk}/", {"size": size.pk})
    html = buyer_client.get("/cart/").content.decode()
    assert f'data-test="line-size">Size: {size.label}<' in html


def test_the_breadcrumb_does_not_repeat_a_subcategory_named_like_its_type(client, catalog):
    product = Product.objects.filter(is_active=True, sub_category__name=F("article_type__name")).first()
    if product is None:
        pytest.skip("no product whose subcategory is named like its article type in the fixture catalog")
    html = client.get(product.get_absolute_url()).content.decode()
    crumbs = re.findall(r'class="breadcrumb-item[^"]*"[^>]*>(?:<a [^>]*>)?([^<]+)<', html)
    name = product.article_type.name
    assert crumbs.count(name) == 1, crumbs


def test_every_size_chart_page_opens(client):
    for slug in ("apparel", "kids-apparel", "footwear", "kids-footwear"):
        response = client.get(f"/size-charts/{slug}/")
        assert response.status_code == 200 and 'data-test="size-chart"' in response.content.decode()
    assert client.get("/size-charts/hats/").status_code == 404
