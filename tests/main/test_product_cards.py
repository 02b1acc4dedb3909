"""The product tile drawn by ``{% product_card %}`` in listings, feeds and carousels."""

from django.template import engines

from main.templatetags.product_cards import product_card

TILE = engines["django"].from_string("{% load product_cards %}{% product_card product reason %}")


def test_a_tile_links_the_product_and_escapes_what_sellers_and_models_write(seller, make_product):
    product = make_product(seller=seller, name='Tee <script>alert("x")</script> & co', price="1299.50")
    html = TILE.render({"product": product, "reason": "same type, <b>blue</b>"})
    assert f'href="{product.get_absolute_url()}"' in html
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert '<div class="reason">same type, &lt;b&gt;blue&lt;/b&gt;</div>' in html
    assert "₹1300<" in html  # rounded half up, as the product page's |floatformat:0
    assert "No photo" in html and "Out of stock" not in html


def test_a_tile_says_out_of_stock_and_shows_no_empty_reason(seller, make_product):
    html = product_card(make_product(seller=seller, stock=0, price="10.49"))
    assert "Out of stock" in html and 'class="reason"' not in html and "₹10<" in html
