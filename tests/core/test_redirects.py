"""``next`` parameters send the browser back to this site only."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.redirects import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/cart/wishlist/", "/cart/wishlist/"),
        ("/products/?q=kurta&page=2", "/products/?q=kurta&page=2"),
        ("http://testserver/cart/", "http://testserver/cart/"),
        ("https://evil.example/", ""),
        ("//evil.example/phish", ""),
        ("///evil.example/", ""),
        ("javascript:alert(1)", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_only_this_host_is_a_safe_next(target, expected):
    assert safe_next(request=RequestFactory().get("/"), target=target) == expected


def test_a_secure_page_does_not_send_back_to_plain_http():
    request = RequestFactory().get("/", secure=True)
    assert safe_next(request=request, target="http://testserver/cart/") == ""
    assert safe_next(request=request, target="https://testserver/cart/") == "https://testserver/cart/"
