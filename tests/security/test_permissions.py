"""Who may open what: every seller and buyer page as anonymous, as a buyer, as another seller,
and the admin for staff only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

pytestmark = pytest.mark.django_db


def _as(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _seller_routes() -> dict[str, URLPattern]:
    resolver = get_resolver()
    (_, namespace_resolver) = resolver.namespace_dict["seller_accounts"]
    return {p.name: p for p in namespace_resolver.url_patterns if isinstance(p, URLPattern)}


# Seller pages that take an object id, and which of the other seller's objects to try them on.
OBJECT_ROUTES = {
    "product_edit": "product",
    "product_unlist": "product",
    "product_stock": "product",
    "order": "order",
}
POST_ONLY = {"product_unlist"}


def _seller_urls(shop) -> list[tuple[str, str, str]]:
    """(name, method, url) of every seller page, objects being those of the first seller."""
    urls = []
    for name, pattern in sorted(_seller_routes().items()):
        method = "post" if name in POST_ONLY else "get"
        if pattern.pattern.converters:
            assert name in OBJECT_ROUTES, (
                f"seller_accounts:{name} takes an object id: add it to OBJECT_ROUTES so that its "
                "ownership check is tested"
            )
            urls.append(
                (name, method, reverse(f"seller_accounts:{name}", args=[shop[OBJECT_ROUTES[name]].pk]))
            )
        else:
            urls.append((name, method, reverse(f"seller_accounts:{name}")))
    return urls


def test_every_seller_page_sends_anonymous_visitors_to_login(shop):
    for name, method, url in _seller_urls(shop):
        response = getattr(_as(), method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/?next="), name


def test_every_seller_page_is_404_for_a_buyer(shop, buyer):
    client = _as(buyer)
    for name, method, url in _seller_urls(shop):
        assert getattr(client, method)(url).status_code == 404, name


def test_another_sellers_product_and_order_are_404(shop, other_seller, seller):
    intruder = _as(other_seller)
    product, order = shop["product"], shop["order"]
    assert intruder.get(f"/seller/products/{product.pk}/edit/").status_code == 404
    assert intruder.post(f"/seller/products/{product.pk}/edit/", {"name": "Hijacked"}).status_code == 404
    assert intruder.post(f"/seller/products/{product.pk}/unlist/").status_code == 404
    assert intruder.get(f"/seller/products/{product.pk}/unlist/").status_code == 404
    assert intruder.post(f"/seller/products/{product.pk}/stock/", {}).status_code == 404
    assert intruder.get(f"/cart/orders/{order.pk}/").status_code == 404
    assert intruder.get(f"/seller/orders/{order.pk}/").status_code == 404
    assert (
        intruder.post(
            f"/seller/orders/{order.pk}/", {"status": "cancelled", "payment_status": "paid"}
        ).status_code
        == 404
    )
    product.refresh_from_db()
    order.refresh_from_db()
    assert product.name == "Northwind Tee" and product.is_active and order.status == "placed"
    # Their own lists do not show it either.
    assert "Northwind Tee" not in intruder.get("/seller/products/").content.decode()
    assert f"#{order.pk}" not in intruder.get("/seller/orders/").content.decode()
    # The owner reaches the same pages: the 404s are about ownership, not broken pages.
    owner = _as(seller)
    assert owner.get(f"/seller/products/{product.pk}/edit/").status_code == 200
    assert owner.get(f"/seller/orders/{order.pk}/").status_code == 200


def test_buyer_pages_send_anonymous_visitors_to_login(shop):
    for url in ("/cart/checkout/", "/cart/orders/"):
        response = _as().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url
    response = _as().post("/cart/checkout/", {"full_name": "A"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_buyer_sees_only_their_own_orders(shop, buyer, other_buyer):
    order = shop["order"]
    mine = _as(buyer).get("/cart/orders/")
    theirs = _as(other_buyer).get("/cart/orders/")
    assert mine.status_code == 200 and theirs.status_code == 200
    assert order in list(mine.context["orders"])
    assert order not in list(theirs.context["orders"])


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/orders/order/", "/admin/accounts/user/", "/admin/catalog_audit/catalogsuspect/"],
)
def test_the_admin_is_for_staff_only(shop, buyer, seller, staff, path):
    for user in (None, buyer, seller):
        response = _as(user).get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), (user, path)
    assert _as(staff).get(path).status_code == 200


# ---- the matrix: every URL of the shop × every kind of user ----
#
# Every route the URL resolver knows (the admin apart: it is checked below, model by model)
# must have an entry in ROUTES, so a new URL without a stated expectation fails this test.
# Each request runs in its own rolled-back transaction, from a fresh logged-in client: what one
# role did (a delete, a logout) never changes what the next one sees.

ROLES = ("anonymous", "buyer", "other_buyer", "seller", "other_seller", "admin")
TO_LOGIN = "login"  # a 302 to the login page, with ?next=

# Expectation shorthands: the status per role.
PUBLIC = dict.fromkeys(ROLES, 200)
LOGGED_IN = {**dict.fromkeys(ROLES, 200), "anonymous": TO_LOGIN}
SELLERS = {
    "anonymous": TO_LOGIN,
    "buyer": 404,
    "other_buyer": 404,
    "seller": 200,
    "other_seller": 200,
    "admin": 404,
}
SELLERS_OWN = {**SELLERS, "other_seller": 404}  # the first seller's objects
BUYERS_OWN = {**dict.fromkeys(ROLES, 404), "anonymous": TO_LOGIN, "buyer": 200}  # the buyer's objects
STAFF = {**dict.fromkeys(ROLES, 302), "admin": 200}  # the admin's own pages: others to its log-in


def _post(expected: dict, success: int = 302) -> dict:
    """A POST-only action: where the GET page would be 200, the action redirects."""
    return {role: success if status == 200 else status for role, status in expected.items()}


# route name → (method, URL arguments (names of objects in the fixture), expected per role)
ROUTES = {
    "healthz": ("get", {}, PUBLIC),
    "readyz": ("get", {}, dict.fromkeys(ROLES, 503)),  # no trained models in these tests
    "accounts:account": ("get", {}, LOGGED_IN),
    "accounts:signup": ("get", {}, PUBLIC),
    "accounts:seller_signup": ("get", {}, PUBLIC),
    "accounts:login": ("get", {}, PUBLIC),
    "accounts:logout": ("post", {}, dict.fromkeys(ROLES, 302)),
    "accounts:logout_everywhere": ("post", {}, _post(LOGGED_IN)),
    "accounts:password_reset": ("get", {}, PUBLIC),
    "accounts:password_reset_done": ("get", {}, PUBLIC),
    "accounts:password_reset_confirm": ("get", {"uidb64": "uid", "token": "reset_token"}, PUBLIC),
    "accounts:password_reset_complete": ("get", {}, PUBLIC),
    "accounts:password_change": ("get", {}, LOGGED_IN),
    "accounts:address_create": ("get", {}, LOGGED_IN),
    "accounts:address_edit": ("get", {"pk": "address"}, BUYERS_OWN),
    "accounts:address_delete": ("post", {"pk": "address"}, _post(BUYERS_OWN)),
    "accounts:seller_details": ("get", {}, SELLERS),
    "accounts:verification_resend": ("post", {}, _post(SELLERS)),
    "accounts:verify_email": ("get", {"token": "bad_token"}, dict.fromkeys(ROLES, 400)),
    "accounts:account_delete": ("get", {}, LOGGED_IN),
    "cart:detail": ("get", {}, PUBLIC),
    "cart:add": ("post", {"product_id": "product"}, dict.fromkeys(ROLES, 302)),
    "cart:update": ("post", {}, dict.fromkeys(ROLES, 302)),
    # Only the buyer has something in the cart; an empty cart is sent back to the cart page.
    "orders:checkout": ("get", {}, {**dict.fromkeys(ROLES, 302), "anonymous": TO_LOGIN, "buyer": 200}),
    "orders:list": ("get", {}, LOGGED_IN),
    "cart:remove": ("post", {}, dict.fromkeys(ROLES, 302)),
    "cart:move_to_wishlist": ("post", {}, dict.fromkeys(ROLES, 302)),
    "orders:detail": ("get", {"pk": "order"}, BUYERS_OWN),
    "orders:cancel": ("get", {"pk": "order"}, BUYERS_OWN),
    # A cash order has nothing to pay by card: everyone logged in is sent to their orders.
    "orders:pay": ("get", {"token": "checkout_token"}, {**dict.fromkeys(ROLES, 302), "anonymous": TO_LOGIN}),
    "payments:test_card": ("get", {"reference": "payment_ref"}, BUYERS_OWN),
    "payments:webhook": ("post", {}, dict.fromkeys(ROLES, 400)),  # unsigned: refused, whoever sends it
    "cart:wishlist": ("get", {}, PUBLIC),
    "cart:wishlist_toggle": ("post", {"product_id": "product"}, dict.fromkeys(ROLES, 302)),
    "main:size_chart": ("get", {"slug": "size_chart"}, PUBLIC),
    "seller_accounts:product_stock": ("get", {"pk": "product"}, SELLERS_OWN),
    "seller_accounts:dashboard": ("get", {}, SELLERS),
    "seller_accounts:products": ("get", {}, SELLERS),
    "seller_accounts:product_create": ("get", {}, SELLERS),
    "seller_accounts:product_edit": ("get", {"pk": "product"}, SELLERS_OWN),
    "seller_accounts:product_unlist": ("post", {"pk": "product"}, _post(SELLERS_OWN)),
    "seller_accounts:bulk_upload": ("get", {}, SELLERS),
    "seller_accounts:bulk_review": ("get", {}, _post(SELLERS)),  # nothing staged: back to the upload
    "seller_accounts:bulk_fix_row": ("post", {}, _post(SELLERS)),  # no row to fix: back to the review
    "seller_accounts:orders": ("get", {}, SELLERS),
    "seller_accounts:order": ("get", {"pk": "order"}, SELLERS_OWN),
    "seller_accounts:reviews": ("get", {}, SELLERS),
    "reviews:list": ("get", {"product_pk": "product"}, PUBLIC),
    # Logged in, everyone sees the form or why they may not write (the buyer's order is not delivered).
    "reviews:write": ("get", {"product_pk": "product"}, LOGGED_IN),
    "reviews:helpful": ("post", {"pk": "review"}, _post(LOGGED_IN)),
    # Staff only: the others are sent to the admin's log-in; staff are sent back to the product
    # (without a reason, with the message that one is needed).
    "reviews:hide": ("post", {"pk": "review"}, dict.fromkeys(ROLES, 302)),
    "reviews:unhide": ("post", {"pk": "review"}, dict.fromkeys(ROLES, 302)),
    "api-schema": ("get", {}, PUBLIC),
    "api-category-prediction": ("get", {}, dict.fromkeys(ROLES, 400)),  # no name given
    "api-similar": ("get", {"dataset_id": "dataset_id"}, PUBLIC),
    "api-recommendations": ("get", {}, PUBLIC),
    "api-search": ("get", {}, PUBLIC),
    "api-reviews": ("get", {"dataset_id": "dataset_id"}, PUBLIC),
    "api-photo-search": ("post", {}, dict.fromkeys(ROLES, 400)),  # no photo given
    "search:photo_search": ("get", {}, PUBLIC),
    "main:home": ("get", {}, PUBLIC),
    "search:catalog": ("get", {}, PUBLIC),
    "search:suggest": ("get", {}, PUBLIC),
    "main:product": ("get", {"dataset_id": "dataset_id"}, PUBLIC),
    "main:listing": ("get", {"pk": "listing"}, PUBLIC),
    "monitoring:dashboard": ("get", {}, STAFF),
}


def _shop_routes() -> dict[str, object]:
    """Every named route outside the admin, as ``namespace:name``."""
    from django.urls import URLResolver

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                yield from walk(pattern.url_patterns, inner)
            else:
                assert pattern.name, f"unnamed route {pattern.pattern}: name it and add it to ROUTES"
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern

    return dict(walk(get_resolver().url_patterns, None))


# Private data of each user, and who may see it on the shop's pages (the admin, on the shop
# pages, is a customer like the others). Each appears on a page of its owner's.
SECRETS = {
    "alice@example.com": {"buyer"},
    "221B Saved Street": {"buyer"},  # the buyer's saved address
    "Alice Shipname": {"buyer", "seller"},  # the buyer's order: its seller ships it
    "mallory@example.com": {"other_buyer"},
    "99 Other Private Road": {"other_buyer"},
    "northwind@okhdfc": {"seller"},  # payout details
    "southwind@okaxis": {"other_seller"},
    "Northwind Secret Prototype": {"seller"},  # an unlisted listing
}


@pytest.fixture
def matrix(shop, buyer, other_buyer, seller, other_seller, staff, make_product):
    from accounts.services import address_create
    from orders.models import Order

    seller.payout_upi_id, other_seller.payout_upi_id = "northwind@okhdfc", "southwind@okaxis"
    seller.save()
    other_seller.save()
    line = {"phone": "9876543210", "city": "Pune", "state": "Maharashtra", "pin_code": "411001"}
    address = address_create(owner=buyer, full_name="Alice R", line1="221B Saved Street", **line)
    address_create(owner=other_buyer, full_name="Mallory M", line1="99 Other Private Road", **line)
    Order.objects.filter(pk=shop["order"].pk).update(full_name="Alice Shipname")
    make_product(seller=seller, name="Northwind Secret Prototype", is_active=False)
    catalogued = make_product(seller=other_seller, name="Catalogued Kurta", dataset_id=424242)
    from payments.models import Payment

    payment = Payment.objects.create(
        buyer=buyer,
        checkout_token=shop["order"].checkout_token,
        provider="local-test",
        reference="pay_matrix",
        amount=shop["order"].total,
    )
    from reviews.models import Review

    reviewer = type(buyer).objects.create(username="reviewer", email="reviewer@example.com")
    review = Review.objects.create(product=shop["product"], author=reviewer, rating=4, body="Fits well")
    users = {
        "buyer": buyer,
        "other_buyer": other_buyer,
        "seller": seller,
        "other_seller": other_seller,
        "admin": staff,
    }
    objects = {
        "address": address.pk,
        "product": shop["product"].pk,
        "listing": shop["product"].pk,
        "order": shop["order"].pk,
        "dataset_id": catalogued.dataset_id,
        "uid": "MQ",
        "reset_token": "set-password-bogus",
        "bad_token": "not-a-token",
        "checkout_token": shop["order"].checkout_token,
        "payment_ref": payment.reference,
        "size_chart": "apparel",
        "review": review.pk,
    }
    return users, objects


def _status_ok(response, expected) -> bool:
    if expected == TO_LOGIN:
        return response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    return response.status_code == expected


def test_every_url_has_an_expectation():
    missing = sorted(set(_shop_routes()) - set(ROUTES))
    assert not missing, f"routes without an expectation in ROUTES: {missing}"
    stale = sorted(set(ROUTES) - set(_shop_routes()))
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


def test_the_permission_matrix(matrix):
    from django.db import transaction

    users, objects = matrix
    failures, leaks = [], []
    for name, (method, args, expected) in sorted(ROUTES.items()):
        url = reverse(name, kwargs={key: objects[obj] for key, obj in args.items()})
        for role in ROLES:
            with transaction.atomic():
                response = getattr(_as(users.get(role)), method)(url)
                transaction.set_rollback(True)
            if not _status_ok(response, expected[role]):
                location = response.get("Location", "")
                failures.append(f"{role} {method.upper()} {url}: {response.status_code} {location}")
            for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
                if header not in response:
                    failures.append(f"{role} {method.upper()} {url}: no {header}")
            body = response.content.decode(errors="replace")
            leaks += [
                f"{role} {method.upper()} {url} shows {secret!r}"
                for secret, allowed in SECRETS.items()
                if role not in allowed and secret in body
            ]
    assert failures == [], "\n".join(failures)
    assert leaks == [], "\n".join(leaks)


def test_each_secret_is_on_a_page_of_its_owner(matrix):
    """The leak check above would pass vacuously if the secrets were on no page at all."""
    users, objects = matrix
    pages = [
        "/accounts/",
        "/cart/orders/",
        "/seller/orders/",
        "/seller/products/",
        f"/seller/orders/{objects['order']}/",
    ]
    seen = {
        role: "".join(_as(user).get(page).content.decode() for page in pages) for role, user in users.items()
    }
    for secret, allowed in SECRETS.items():
        assert any(secret in seen[role] for role in allowed), secret


def test_the_admin_is_for_staff_only_model_by_model(matrix):
    from django.contrib import admin

    users, _ = matrix
    urls = ["/admin/"] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    staff = _as(users["admin"])
    for url in urls:
        assert staff.get(url).status_code == 200, url
        for role in ("anonymous", "buyer", "other_buyer", "seller", "other_seller"):
            response = _as(users.get(role)).get(url)
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), (
                role,
                url,
            )
