"""Sign-up for buyers and sellers, log in and out, and redirects that stay on the site."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

User = get_user_model()
NEW_PASSWORD = "velvet-Lantern-42"


def signup_data(username="carol", **extra):
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }


def logged_in_user(client):
    return client.get("/cart/").wsgi_request.user


def test_buyer_signup(client, db):
    assert client.get("/accounts/signup/").status_code == 200
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="carol")
    assert user.role == User.Role.BUYER and not user.is_seller
    assert user.email == "carol@example.com"
    assert user.check_password(NEW_PASSWORD) and user.password != NEW_PASSWORD
    assert logged_in_user(client) == user


def test_seller_signup_goes_to_the_dashboard(client, db):
    response = client.post("/accounts/seller-signup/", signup_data("dana", shop_name="Dana's Denim"))
    assert response.status_code == 302 and response["Location"] == "/seller/"
    user = User.objects.get(username="dana")
    assert user.role == User.Role.SELLER and user.is_seller
    assert user.shop_name == "Dana's Denim"
    dashboard = client.get("/seller/")
    assert dashboard.status_code == 200
    assert "Dana&#x27;s Denim" in dashboard.content.decode()


def test_seller_signup_requires_a_shop_name(client, db):
    response = client.post("/accounts/seller-signup/", signup_data("erin"))
    assert response.status_code == 200
    assert response.context["form"].errors["shop_name"]
    assert not User.objects.filter(username="erin").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password2": "something-else-99"}, "password2"),
        ({"password1": "password", "password2": "password"}, "password2"),
        ({"email": "not-an-email"}, "email"),
        ({"username": "bad name!"}, "username"),
    ],
)
def test_signup_validation(client, db, changes, field):
    response = client.post("/accounts/signup/", {**signup_data("frank"), **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == 0


def test_username_must_be_unique(client, buyer):
    response = client.post("/accounts/signup/", signup_data(buyer.username))
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username=buyer.username).count() == 1


def test_login_and_logout(client, buyer, password):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": buyer.username, "password": password})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user(client) == buyer
    html = client.get("/cart/").content.decode()
    assert f"Log out ({buyer.username})" in html
    assert client.get("/accounts/logout/").status_code == 405  # logging out takes a POST
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not logged_in_user(client).is_authenticated


def test_wrong_password_is_refused(client, buyer):
    response = client.post("/accounts/login/", {"username": buyer.username, "password": "nope-nope-1"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not logged_in_user(client).is_authenticated


def test_login_follows_a_local_next(client, buyer, password):
    response = client.post(
        "/accounts/login/?next=/cart/orders/", {"username": buyer.username, "password": password}
    )
    assert response["Location"] == "/cart/orders/"
    # The form carries `next` along too (the header link puts it in the query string).
    page = client.get("/accounts/login/?next=/catalog/%3Fq%3Dshirt")
    assert 'name="next" value="/catalog/?q=shirt"' in page.content.decode()


def test_a_seller_logs_in_to_the_dashboard_unless_next_says_otherwise(client, seller, password):
    """Regression: sellers were sent to the shop's home page, buyers still are (test above)."""
    credentials = {"username": seller.username, "password": password}
    response = client.post("/accounts/login/", credentials)
    assert response.status_code == 302 and response["Location"] == "/seller/"
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/?next=/cart/orders/", credentials)
    assert response["Location"] == "/cart/orders/"
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {**credentials, "next": "https://evil.example/"})
    assert response["Location"] == "/seller/"


def test_the_home_pages_login_link_has_no_next(client, db):
    """``next=/`` would send a seller logging in from the home page back to it."""
    assert 'href="/accounts/login/"' in client.get("/").content.decode()
    html = client.get("/catalog/?q=shirt").content.decode()
    assert 'href="/accounts/login/?next=/catalog/%3Fq%3Dshirt"' in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "///evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        "/\\evil.example",
    ],
)
def test_login_never_redirects_off_site(client, buyer, password, target):
    credentials = {"username": buyer.username, "password": password}
    response = client.post("/accounts/login/", {**credentials, "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_signup_never_redirects_off_site(client, db, target):
    response = client.post(f"/accounts/signup/?next={target}", signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_signup_follows_a_local_next(client, db):
    response = client.post("/accounts/signup/?next=/cart/", signup_data())
    assert response["Location"] == "/cart/"


def test_header_links_for_visitors_buyers_and_sellers(client, buyer, seller):
    html = client.get("/cart/").content.decode()
    assert "Log in" in html and "Sell with us" in html
    assert "/accounts/login/?next=/cart/" in html
    client.force_login(buyer)
    html = client.get("/cart/").content.decode()
    assert "My orders" in html and "Seller dashboard" not in html
    client.force_login(seller)
    assert "Seller dashboard" in client.get("/cart/").content.decode()


def test_seller_area_is_for_sellers_only(client, buyer):
    response = client.get("/seller/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/seller/")
    client.force_login(buyer)
    assert client.get("/seller/").status_code == 404
    assert client.get("/seller/products/new/").status_code == 404


def test_admin_is_for_staff(client, staff, buyer, catalog):
    client.force_login(buyer)
    assert client.get("/admin/main/product/").status_code == 302
    client.force_login(staff)
    response = client.get("/admin/main/product/", {"q": "tshirt"})
    assert response.status_code == 200
    assert client.get("/admin/orders/order/").status_code == 200
