"""Login throttling (django-axes): 10 failures lock an account from an address, and
LOGIN_FAILURE_LIMIT_PER_IP failures lock the address, for the cool-off.

The attempts are rows in the database (axes' database handler), so no sleeping: the test
moves them back in time by the cool-off, which is what waiting would do.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.throttling import client_ip

LOGIN = "/accounts/login/"
WRONG = "not-my-password-1"


def attempt(client, username, password, ip="203.0.113.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return client.get("/cart/").wsgi_request.user.is_authenticated


def cool_off_passes():
    """What waiting LOGIN_COOLOFF_MINUTES does to the stored attempts."""
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )


def test_the_limit_and_cool_off_are_named_settings():
    assert settings.AXES_FAILURE_LIMIT == settings.LOGIN_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    # Axes' database handler, with the per-address limit on top (accounts.throttling).
    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)


def test_ten_wrong_passwords_lock_the_account_until_the_cool_off_passes(client, buyer, password):
    for n in range(settings.LOGIN_FAILURE_LIMIT - 1):
        response = attempt(client, buyer.username, WRONG)
        assert response.status_code == 200, n
        assert response.context["form"].non_field_errors()
    response = attempt(client, buyer.username, WRONG)  # the 10th
    assert response.status_code == 429
    # The 11th, with the right password, is refused too, with a clear message.
    response = attempt(client, buyer.username, password)
    assert response.status_code == 429 and not logged_in(client)
    html = response.content.decode()
    assert "Log-in locked for now" in html
    assert f"locked for {settings.LOGIN_COOLOFF_MINUTES} minutes" in html
    assert "/accounts/password-reset/" in html
    # Also from another browser at that address: the pair (account, address) is locked.
    assert attempt(Client(), buyer.username, password).status_code == 429
    cool_off_passes()
    response = attempt(client, buyer.username, password)
    assert response.status_code == 302 and logged_in(client)


def test_many_failures_from_one_address_lock_that_address(client, buyer, seller, password, db):
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_IP):
        attempt(client, f"guess{n}", WRONG, ip="192.0.2.50")
    # Any account from that address is refused, even with the right password...
    assert attempt(Client(), buyer.username, password, ip="192.0.2.50").status_code == 429
    # ...while the same account from elsewhere logs in (the account itself is not locked).
    elsewhere = Client()
    assert attempt(elsewhere, seller.username, password, ip="192.0.2.51").status_code == 302
    assert logged_in(elsewhere)


def test_a_lower_limit_from_settings(client, buyer, password):
    with override_settings(AXES_FAILURE_LIMIT=3):
        for _ in range(3):
            attempt(client, buyer.username, WRONG)
        assert attempt(client, buyer.username, password).status_code == 429


def test_staff_see_and_clear_lock_outs_in_the_admin(client, buyer, staff, password):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(Client(), buyer.username, WRONG)
    assert attempt(Client(), buyer.username, password).status_code == 429
    client.force_login(staff)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and buyer.username in listing.content.decode()
    (row,) = AccessAttempt.objects.filter(username=buyer.username)
    response = client.post(f"/admin/axes/accessattempt/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert attempt(Client(), buyer.username, password).status_code == 302


def test_the_admin_of_lock_outs_is_for_staff_only(client, buyer):
    client.force_login(buyer)
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_password_reset_lifts_the_accounts_lock(client, buyer, password):
    from django.core import mail
    from django.test import TestCase

    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, buyer.username, WRONG)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the reset mail is queued on commit
        client.post("/accounts/password-reset/", {"email": buyer.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    new = "brand-New-password-77"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert attempt(Client(), buyer.username, new).status_code == 302  # from the locked address


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.9", "1.2.3.4", "10.0.0.9"),  # no proxy: the header is the client's own word
        (1, "127.0.0.1", "1.2.3.4", "1.2.3.4"),  # nginx appended the client's address
        (1, "127.0.0.1", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a forged first hop is ignored
        (1, "127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_address_behind_nginx(rf, proxies, remote, forwarded, expected):
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}):
        assert client_ip(request) == expected


def test_a_forged_forwarded_header_does_not_dodge_the_lock(client, buyer, password):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": buyer.username, "password": WRONG},
            REMOTE_ADDR="192.0.2.77",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        )
    response = client.post(
        LOGIN,
        {"username": buyer.username, "password": password},
        REMOTE_ADDR="192.0.2.77",
        HTTP_X_FORWARDED_FOR="10.9.9.200",
    )
    assert response.status_code == 429
