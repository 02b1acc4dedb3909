"""Under load: does a page cached for every shopper ever show a stale price or stock, or
another shopper's cart or CSRF token? Prints one JSON object; ``ok`` is false if it did.

For a few of the load test's products (``--data``, what prepare.py wrote), through nginx as
shoppers: the product page is opened until it is served from the shared cache; then, as a
seller and a checkout would, the price is changed (``product_update``) and one size's whole
stock taken (``inventory.stock_take``), and a new shopper must see the new price on the page
and on the product's catalog tile, and the size sold out; both are put back as they were
(the integrity check's unit count is unchanged). One shopper adds to a cart from a cached
page (its CSRF token must be accepted) and the next must see an empty badge and a token of
its own.

Run with the stack's environment, while the load runs (run.py does).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import random
import re
import urllib.error
import urllib.parse
import urllib.request

import _django

PRODUCTS = 5
HIT_TRIES = 6  # a page is cached after its first drawing; a few tries ride out a worker restart
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BADGE = re.compile(r'data-test="cart-link">Cart <span class="badge text-bg-light">(\d+)</span>')


class Shopper:
    """A browser of its own: cookies kept, redirects not followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str) -> tuple[int, dict, str]:
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path: str, data: dict) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body))

    def _open(self, request) -> tuple[int, dict, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def size_buyable(html: str, size_pk: int) -> bool:
    found = re.search(rf'<input type="radio" name="size" id="size-{size_pk}"[^>]*>', html)
    if found:
        return "disabled" not in found.group(0)
    # One size: a hidden field, and the add form only while it is in stock.
    return f'name="size" value="{size_pk}"' in html and 'data-test="add-to-cart"' in html


def tile_price(html: str, url: str) -> str | None:
    found = re.search(re.escape(f'href="{url}"') + r'.*?<div class="fw-semibold">([^<]+)</div>', html, re.S)
    return found.group(1) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    _django.setup()
    from main import inventory, services
    from main.models import Product, ProductSize
    from main.money import rupees

    base_url = _django.stack_env()["BASE_URL"]
    data = json.loads(open(args.data).read())
    stale: list[str] = []
    hits = checks = 0
    for item in random.Random(22).sample(data["products"], min(PRODUCTS, len(data["products"]))):
        product = Product.objects.get(pk=item["pk"])
        url = product.get_absolute_url()
        size = ProductSize.objects.filter(product=product, stock__gt=0).order_by("-stock").first()
        if size is None:
            continue
        for _ in range(HIT_TRIES):
            status, headers, html = Shopper(base_url).get(url)
            if headers.get("X-Page-Cache") == "hit":
                hits += 1
                break
        listing = "/catalog/?q=" + urllib.parse.quote_plus(product.name)
        for _ in range(2):  # the tile cached too
            Shopper(base_url).get(listing)
        old_price = product.price
        new_price = old_price + 1
        services.product_update(product=product, price=new_price)
        taken = size.stock
        took = inventory.stock_take(product_id=product.pk, size_id=size.pk, quantity=taken)
        try:
            checks += 1
            status, headers, html = Shopper(base_url).get(url)
            if status != 200 or f">{rupees(new_price)}</p>" not in html:
                stale.append(f"{url}: {rupees(old_price)} shown after the change to {rupees(new_price)}")
            if took and size_buyable(html, size.pk):
                stale.append(f"{url}: size {size.label} buyable after its stock was taken")
            shown = tile_price(Shopper(base_url).get(listing)[2], url)
            if shown is not None and shown != rupees(new_price):
                stale.append(f"{listing}: tile of {url} shows {shown}, not {rupees(new_price)}")
        finally:
            if took:
                inventory.stock_return(product_id=product.pk, size_id=size.pk, quantity=taken)
            services.product_update(product=Product.objects.get(pk=product.pk), price=old_price)

    # Cart and CSRF: one shopper adds from a cached page; the next sees neither its cart nor its token.
    item = data["products"][0]
    url = f"/products/{item['dataset_id']}/"
    first, second = Shopper(base_url), Shopper(base_url)
    _, _, html = first.get(url)
    tokens = TOKEN.findall(html)
    added = {"quantity": 1, "size": item["sizes"][0], "csrfmiddlewaretoken": tokens[0] if tokens else ""}
    status, _, _ = first.post(f"/cart/add/{item['pk']}/", added)
    if status != 302:
        stale.append(f"add to cart with the token of a cached page answered {status}")
    first.get(url)  # the "added" message
    _, _, mine = first.get(url)
    _, headers, theirs = second.get(url)
    checks += 1
    if BADGE.search(theirs) is None or BADGE.search(theirs).group(1) != "0":
        stale.append("a new shopper's badge is not 0: " + str(BADGE.search(theirs)))
    if BADGE.search(mine) is None or BADGE.search(mine).group(1) == "0":
        stale.append("the shopper who added sees an empty badge")
    if set(TOKEN.findall(theirs)) & set(TOKEN.findall(mine)):
        stale.append("two shoppers were given the same CSRF token")
    print(json.dumps({"checks": checks, "cache_hits_before_change": hits, "stale": stale, "ok": not stale}))


if __name__ == "__main__":
    main()
