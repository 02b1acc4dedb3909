"""The load test's stale-page check (scripts/loadtest/stale.py) reads the pages as drawn: a
sold-out size, an in-stock one, a tile's price and the cart badge are found in real pages, so
that a template change cannot make the check pass by finding nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from main.money import rupees
from tests.conftest import set_stock

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "loadtest"))
stale = pytest.importorskip("stale")


def test_a_sold_out_size_and_a_buyable_one_are_told_apart(client, seller, make_product):
    shirt = make_product(seller=seller, name="Checked Stale Shirt", sizes={"S": 2, "M": 3})
    small, medium = shirt.sizes.get(label="S"), shirt.sizes.get(label="M")
    set_stock(shirt, 0, size=small)
    html = client.get(shirt.get_absolute_url()).content.decode()
    assert not stale.size_buyable(html, small.pk)
    assert stale.size_buyable(html, medium.pk)


def test_a_one_size_product_is_buyable_until_sold_out(client, seller, make_product):
    from main.models import ArticleType, MasterCategory, SubCategory

    master = MasterCategory.objects.create(name="Accessories")
    watches = ArticleType.objects.create(
        sub_category=SubCategory.objects.create(master_category=master, name="Watches"), name="Watches"
    )
    cap = make_product(seller=seller, name="Checked Stale Watch", stock=1, article_type=watches)
    (size,) = cap.sizes.all()
    assert cap.size_scale == ("One size",)
    assert stale.size_buyable(client.get(cap.get_absolute_url()).content.decode(), size.pk)
    set_stock(cap, 0, size=size)
    assert not stale.size_buyable(client.get(cap.get_absolute_url()).content.decode(), size.pk)


def test_a_tiles_price_and_the_badge_are_read(client, seller, make_product):
    shirt = make_product(seller=seller, name="Checked Stale Tee", price="1234.00")
    html = client.get("/catalog/?q=checked+stale+tee").content.decode()
    assert stale.tile_price(html, shirt.get_absolute_url()) == rupees(shirt.price)
    assert stale.BADGE.search(html).group(1) == "0"
    assert stale.TOKEN.search(html)
