"""A new seller verifies their email before their listings go live: until then listings are
saved, not shown to shoppers, and every page says so with a "resend" button."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client, TestCase

from accounts import services
from accounts.models import User
from main.models import Product
from seller_accounts.services import listing_create

VERIFY_LINK = re.compile(r"https?://[^/\s]+(/accounts/verify-email/[^/\s]+/)")
SIGNUP = {
    "username": "dana",
    "email": "dana@example.com",
    "password1": "velvet-Lantern-42",
    "password2": "velvet-Lantern-42",
    "shop_name": "Dana's Denim",
}


@pytest.fixture
def new_seller(client, db):
    """A seller who just signed up (logged in on ``client``); the verification mail is sent
    (queued on commit: the commit callbacks run as after the request's commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post("/accounts/seller-signup/", SIGNUP).status_code == 302
    return User.objects.get(username="dana")


def list_product(seller, fields):
    """A listing made as the seller area makes it (``seller_accounts.services``), with a photo:
    since issue 14 a listing without one is a draft whatever its seller."""
    from django.core.files.base import ContentFile

    from tests.conftest import dataset_image

    photo = ContentFile(dataset_image(0).read_bytes(), name="listing.jpg")
    return listing_create(seller=seller, photo=photo, **fields)


@pytest.fixture
def listing_fields(make_product, other_seller):
    """Fields of a valid listing in the test taxonomy (borrowed from a throwaway product)."""
    template = make_product(seller=other_seller)
    return {
        "name": "Indigo Selvedge Jeans",
        "description": "",
        "gender": template.gender,
        "article_type": template.article_type,
        "base_colour": "Blue",
        "usage": "Casual",
        "season": "",
        "price": template.price,
        "stock": 3,
    }


def test_signup_sends_a_verification_link(new_seller):
    assert not new_seller.is_email_verified
    (message,) = mail.outbox
    assert message.to == ["dana@example.com"]
    assert VERIFY_LINK.search(message.body)


def test_an_unverified_sellers_listing_is_saved_but_not_live(client, new_seller, listing_fields):
    product = list_product(new_seller, listing_fields)
    assert Product.objects.filter(pk=product.pk, is_active=False).exists()
    dashboard = client.get("/seller/").content.decode()
    assert 'data-test="verify-banner"' in dashboard and "not live" in dashboard
    # Shoppers do not see it.
    shopper = Client()
    assert shopper.get(f"/listings/{product.pk}/").status_code == 404
    assert "Indigo Selvedge Jeans" not in shopper.get("/catalog/", {"q": "selvedge"}).content.decode()
    # The seller cannot put it live by hand either.
    client.post(f"/seller/products/{product.pk}/unlist/")
    product.refresh_from_db()
    assert not product.is_active


def test_the_link_verifies_and_puts_the_listings_live(client, new_seller, listing_fields):
    product = list_product(new_seller, listing_fields)
    link = VERIFY_LINK.search(mail.outbox[0].body).group(1)
    response = Client().get(link)  # from another browser (say, the phone's mail app)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    new_seller.refresh_from_db()
    product.refresh_from_db()
    assert new_seller.is_email_verified and product.is_active
    assert 'data-test="verify-banner"' not in client.get("/seller/").content.decode()
    assert Client().get(f"/listings/{product.pk}/").status_code == 200
    # New listings are live at once now; using the link again changes nothing.
    assert list_product(new_seller, {**listing_fields, "name": "Second Jeans"}).is_active
    assert client.get(link).status_code == 302


def test_a_forged_or_expired_link_is_refused(client, new_seller, monkeypatch):
    response = client.get("/accounts/verify-email/not-a-real-token/")
    assert response.status_code == 400 and "not valid" in response.content.decode()
    forged = signing.dumps({"user": new_seller.pk, "email": new_seller.email}, salt="another-salt")
    assert client.get(f"/accounts/verify-email/{forged}/").status_code == 400
    link = VERIFY_LINK.search(mail.outbox[0].body).group(1)
    later = time.time() + settings.EMAIL_VERIFICATION_MAX_AGE + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(link)
    assert response.status_code == 400 and "expired" in response.content.decode()
    new_seller.refresh_from_db()
    assert not new_seller.is_email_verified


def test_a_link_for_an_old_email_address_is_refused(client, new_seller):
    link = VERIFY_LINK.search(mail.outbox[0].body).group(1)
    User.objects.filter(pk=new_seller.pk).update(email="dana@elsewhere.example")
    assert client.get(link).status_code == 400


def test_resend_sends_a_fresh_link(client, new_seller, django_capture_on_commit_callbacks):
    assert client.get("/accounts/verify-email/resend/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/verify-email/resend/?next=/seller/products/")
    assert response.status_code == 302 and response["Location"] == "/seller/products/"
    assert len(mail.outbox) == 2 and VERIFY_LINK.search(mail.outbox[1].body)
    client.post("/accounts/verify-email/resend/")
    assert len(mail.outbox) == 2  # one a minute at most
    services.email_verify(token=VERIFY_LINK.search(mail.outbox[1].body).group(1).split("/")[-2])
    client.post("/accounts/verify-email/resend/")
    assert len(mail.outbox) == 2  # verified: nothing more to send


def test_resend_is_for_sellers(buyer_client):
    assert buyer_client.post("/accounts/verify-email/resend/").status_code == 404
    assert mail.outbox == []


def test_existing_and_demo_sellers_are_verified(seller, db):
    from main.catalog_import import demo_sellers

    assert seller.is_email_verified
    assert all(user.is_email_verified for user in demo_sellers())
