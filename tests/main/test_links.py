"""main.links: memoised routes give what reverse() and {% static %} give."""

from django.template import engines
from django.templatetags.static import static
from django.urls import reverse

from main import links


def test_memoised_routes_equal_reverse():
    assert links.url_of("search:catalog") == reverse("search:catalog")
    for object_id in (1, 42, 918273645, 10**12):
        assert links.url_with_id("main:product", object_id) == reverse("main:product", args=[object_id])
        assert links.url_with_id("cart:add", object_id) == reverse("cart:add", args=[object_id])


def test_template_tags():
    html = engines["django"].from_string(
        "{% load links %}{% link 'cart:detail' %} {% link 'main:listing' 7 %} {% asset 'css/shop.css' %}"
    ).render({})
    assert html == f"{reverse('cart:detail')} {reverse('main:listing', args=[7])} {static('css/shop.css')}"
