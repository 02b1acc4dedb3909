"""Mixed shopper traffic against the stack's nginx: browsing visitors and logged-in buyers.

Run by ``scripts/loadtest/run.py`` (library mode, with the fault phases); it also works alone:

    LOADTEST_DATA=var/loadtest/data.json locust -f scripts/loadtest/locustfile.py \
        --headless -u 50 -r 50 -t 60s -H http://127.0.0.1:8080

``LOADTEST_DATA`` is what ``prepare.py`` wrote: buyers' session keys, products, search words.
Each simulated user starts tasks at ``LOADTEST_USER_RPS`` per second on average, at random
moments (a Poisson process: a shopper clicks, reads, clicks), so latencies are measured at a
known offered load, not at saturation.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import Counter
from http.cookiejar import Cookie
from urllib.parse import urlparse

import traffic
from locust import FastHttpUser, task

DATA = json.loads(open(os.environ.get("LOADTEST_DATA", "var/loadtest/data.json")).read())
USER_RPS = float(os.environ.get("LOADTEST_USER_RPS", "5"))
BUYERS = int(os.environ.get("LOADTEST_BUYERS", "15"))

# Outcomes that are not errors but worth telling apart (reset by run.py between phases).
OUTCOMES: Counter = Counter()

_CHECKOUT_TOKEN = re.compile(r'name="checkout_token" value="([0-9a-f-]{36})"')
_CART_LINE = re.compile(r'name="size_id" value="(\d+)"')
_ORDER_LINK = re.compile(r'href="/cart/orders/(\d+)/" data-test="order-link"')
# Card payments at the local test provider: most cards pay, some are declined (then paid
# again), a few paid orders are cancelled and refunded.
CARD_SHARE = 0.5
DECLINE_SHARE = 0.2
CANCEL_SHARE = 0.1
TEST_CARD_SUCCEEDS = "4242 4242 4242 4242"
TEST_CARD_DECLINES = "4000 0000 0000 0002"
_buyer_sessions = itertools.cycle(DATA["buyers"])
# Per buyer, the products they received and may review (prepare.py), each written once.
_to_review = {buyer["username"]: list(buyer.get("reviewable", [])) for buyer in DATA["buyers"]}
REVIEW_WORDS = ("Soft fabric", "Colour as shown", "Stitching is neat", "Washed well", "Good value",
                "Comfortable all day", "Thin material", "Looks premium", "Arrived quickly")
FITS = ("small", "true", "large", "")


def poisson_pacing(tasks_per_second: float):
    """Task starts as a Poisson process: exponential gaps between scheduled starts.

    Independent shoppers click at independent moments. Locust's ``constant_throughput``
    gives every user the same fixed beat instead: after one slow moment all of them fall
    into step and reach the server in bursts of 50 at once, a crowd no shop sees. A user
    behind schedule (a slow answer) starts at once and does not catch up on the backlog.
    """

    def wait_time(user) -> float:
        now = time.monotonic()
        scheduled = getattr(user, "_next_start", now) + random.expovariate(tasks_per_second)
        user._next_start = max(scheduled, now)
        return user._next_start - now

    return wait_time


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
    )


class _ShopUser(FastHttpUser):
    """What both kinds of shopper do; the concrete classes below choose how often."""

    abstract = True
    wait_time = poisson_pacing(USER_RPS)

    def random_product(self) -> dict:
        return random.choice(DATA["products"])

    def csrf_token(self) -> str:
        """The CSRF cookie; a visitor who has it not yet opens a product page (its form sets it)."""
        for _ in range(2):
            for cookie in self.client.cookiejar:
                if cookie.name == "csrftoken":
                    return cookie.value
            self.product_page()
        return ""

    def post_form(self, path: str, data: dict, *, name: str, expect: tuple[int, ...] = (302,)):
        data = {"csrfmiddlewaretoken": self.csrf_token(), **data}
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code in expect:
                response.success()
            else:
                response.failure(f"{name}: HTTP {response.status_code}")
            return response

    def home(self):
        self.client.get("/", name="home")

    def catalog_facets(self):
        self.client.get(traffic.catalog_url(DATA), name="catalog (facets)")

    def search(self):
        self.client.get(traffic.search_url(DATA), name="search")

    def product_page(self):
        self.client.get(traffic.product_url(self.random_product()), name="product")

    def reviews_page(self):
        self.client.get(traffic.reviews_url(self.random_product()), name="reviews")

    def category_prediction(self):
        with self.client.get(
            traffic.category_prediction_url(DATA),
            name="api category-prediction",
            catch_response=True,
        ) as response:
            if response.status_code == 404:
                OUTCOMES["api 404 (endpoint not there yet)"] += 1
                response.success()
            elif response.status_code == 429:
                OUTCOMES["api 429 (rate limited)"] += 1
                response.success()

    def add_to_cart(self):
        """Pick a size (one in stock when prepare.py looked) and add one of it."""
        path, form = traffic.cart_add(self.random_product())
        self.post_form(path, form, name="cart add")


class Shopper(_ShopUser):
    """An anonymous visitor: home, catalog facets, search, product pages, the category API."""

    weight = 7

    @task(2)
    def t_home(self):
        self.home()

    @task(3)
    def t_catalog(self):
        self.catalog_facets()

    @task(3)
    def t_search(self):
        self.search()

    @task(10)
    def t_product(self):
        self.product_page()

    @task(3)
    def t_category_prediction(self):
        self.category_prediction()

    @task(1)
    def t_reviews(self):
        self.reviews_page()

    @task(1)
    def t_add_to_cart(self):
        self.add_to_cart()


class Buyer(_ShopUser):
    """A logged-in buyer (a session opened by prepare.py): browses, fills the cart, checks out."""

    weight = 3
    fixed_count = BUYERS

    def on_start(self):
        buyer = next(_buyer_sessions)
        self.username = buyer["username"]
        host = urlparse(self.host).hostname
        self.client.cookiejar.set_cookie(_cookie("sessionid", buyer["sessionid"], host))

    @task(5)
    def t_product(self):
        self.product_page()

    @task(1)
    def t_home(self):
        self.home()

    @task(2)
    def t_catalog(self):
        self.catalog_facets()

    @task(1)
    def t_search(self):
        self.search()

    @task(2)
    def t_add_to_cart(self):
        self.add_to_cart()
        self.client.get("/cart/", name="cart")

    @task(1)
    def t_reviews(self):
        self.reviews_page()

    @task(1)
    def t_write_review(self):
        """A verified buyer reviews a product they received (the form, then the post)."""
        waiting = _to_review.get(self.username) or []
        if not waiting:
            OUTCOMES["reviews skipped (nothing left to review)"] += 1
            return
        product_pk = waiting.pop()
        path = f"/reviews/products/{product_pk}/write/"
        self.client.get(path, name="review form")
        words = random.sample(REVIEW_WORDS, 2)
        data = {"csrfmiddlewaretoken": self.csrf_token(), "rating": random.randint(1, 5),
                "fit": random.choice(FITS), "title": words[0], "body": f"{words[0]}. {words[1]}."}
        with self.client.post(path, data=data, name="review write", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code == 302:
                OUTCOMES["reviews written"] += 1
                response.success()
            elif response.status_code == 400 and "already reviewed" in (response.text or ""):
                # Another load-test user with the same buyer's session wrote it first.
                OUTCOMES["reviews refused (already reviewed)"] += 1
                response.success()
            else:
                response.failure(f"review write: HTTP {response.status_code}")

    @task(1)
    def t_checkout(self):
        self.add_to_cart()
        with self.client.get("/cart/checkout/", name="checkout form", catch_response=True) as page:
            match = _CHECKOUT_TOKEN.search(page.text or "")
            if page.status_code == 200 and not match and "Your cart is empty" in (page.text or ""):
                # The add just before found the product sold out: checkout sends to the cart page.
                OUTCOMES["checkouts skipped (cart empty: sold out)"] += 1
                page.success()
                return
            if page.status_code != 200 or not match:
                page.failure(f"checkout form: HTTP {page.status_code}, token found: {bool(match)}")
                return
        response = self.post_form(
            "/cart/checkout/",
            {
                "full_name": "Load Test",
                "line1": "1 Benchmark Road",
                "city": "Bengaluru",
                "pin_code": "560001",
                "country": "India",
                "phone": "9876543210",
                "payment_method": "card" if random.random() < CARD_SHARE else "cod",
                "checkout_token": match.group(1),
            },
            name="checkout",
        )
        location = response.headers.get("Location", "") if response.status_code == 302 else ""
        if location.endswith("/cart/orders/"):
            OUTCOMES["checkouts placed (cash on delivery)"] += 1
        elif "/cart/pay/" in location:
            OUTCOMES["checkouts placed (card)"] += 1
            self.pay_by_card(urlparse(location).path)
        elif location:
            OUTCOMES["checkouts refused (stock)"] += 1
            self.empty_cart()

    def pay_by_card(self, pay_path: str):
        """The provider's page: a declined card first, sometimes; then the card that pays."""
        cards = (
            [TEST_CARD_DECLINES, TEST_CARD_SUCCEEDS]
            if random.random() < DECLINE_SHARE
            else [TEST_CARD_SUCCEEDS]
        )
        for card in cards:
            with self.client.get(
                pay_path, name="card pay", allow_redirects=False, catch_response=True
            ) as start:
                card_page = start.headers.get("Location", "") if start.status_code == 302 else ""
                if "/cart/pay/test-card/" not in card_page:
                    start.failure(f"card pay: HTTP {start.status_code} to {card_page!r}")
                    return
            self.client.get(urlparse(card_page).path, name="test card page")
            self.post_form(
                urlparse(card_page).path,
                {"card_number": card, "expiry": "12/30", "cvc": "123"},
                name="test card submit",
            )
            OUTCOMES["card payments declined" if card == TEST_CARD_DECLINES else "card payments made"] += 1
        if random.random() < CANCEL_SHARE:
            self.cancel_latest_order()

    def cancel_latest_order(self):
        """Change of mind: the newest order is cancelled (a paid one is refunded)."""
        page = self.client.get("/cart/orders/", name="orders")
        found = _ORDER_LINK.search(page.text or "")
        if found:
            self.client.get(f"/cart/orders/{found.group(1)}/cancel/", name="cancel form")
            self.post_form(f"/cart/orders/{found.group(1)}/cancel/", {"confirm": "on"}, name="cancel")
            OUTCOMES["orders cancelled"] += 1

    def empty_cart(self):
        """A shopper told an item sold out gives this basket up (else every later checkout
        would fail on it, and the cart would grow run after run)."""
        page = self.client.get("/cart/", name="cart")
        for size_id in set(_CART_LINE.findall(page.text or "")):
            self.post_form("/cart/remove/", {"size_id": size_id}, name="cart remove")
