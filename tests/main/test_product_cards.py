"""The product tile drawn by ``{% product_card %}`` in listings, feeds and carousels."""

from decimal import Decimal

import pytest
from django.template import engines

from main.money import rupees
from main.templatetags.product_cards import product_card

TILE = engines["django"].from_string("{% load product_cards %}{% product_card product reason %}")


def test_a_tile_links_the_product_and_escapes_what_sellers_and_models_write(seller, make_product):
    product = make_product(seller=seller, name='Tee <script>alert("x")</script> & co', price="1299.50")
    html = TILE.render({"product": product, "reason": "same type, <b>blue</b>"})
    assert f'href="{product.get_absolute_url()}"' in html
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert '<div class="reason">same type, &lt;b&gt;blue&lt;/b&gt;</div>' in html
    assert "₹1,300<" in html  # rounded half up, grouped, as |rupees writes it on every page
    assert "No photo" in html and "Out of stock" not in html


def test_a_tile_says_out_of_stock_and_shows_no_empty_reason(seller, make_product):
    html = product_card(make_product(seller=seller, stock=0, price="10.49"))
    assert "Out of stock" in html and 'class="reason"' not in html and "₹10<" in html


@pytest.mark.parametrize(
    ("amount", "written"),
    [("0", "₹0"), ("999", "₹999"), ("1299.50", "₹1,300"), ("12499", "₹12,499"), ("100000", "₹1,00,000"),
     ("12345678.49", "₹1,23,45,678"), ("-2500", "-₹2,500")],
)
def test_amounts_are_whole_rupees_grouped_the_indian_way(amount, written):
    assert rupees(Decimal(amount)) == written


def test_a_tile_drawn_before_shows_what_changed_since_and_its_own_reason_and_source(seller, make_product):
    product = make_product(seller=seller, price="499.00")
    first = product_card(product, "same colour", "similar")
    assert "₹499<" in first and "same colour" in first and "?from=similar" in first
    again = product_card(product, "", "")
    assert "same colour" not in again and "?from=" not in again and 'class="reason"' not in again
    product.price, product.stock, product.rating_count, product.rating_average = Decimal("399"), 0, 2, 4.5
    changed = product_card(product, "looks alike", "looks")
    assert "₹399<" in changed and "Out of stock" in changed and "4.5 (2)" in changed
    assert changed.index("4.5 (2)") < changed.index("looks alike") < changed.index("Out of stock")
