"""Session safety: a new session id at login (no fixation), logout ends the session on the
server, and a stolen cookie of a logged-out session is worth nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def session_id(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def user_of(client):
    return client.get("/cart/").wsgi_request.user


def test_login_rotates_the_session_id(client, buyer, seller, password, make_product):
    # A visitor's session from before logging in (here: a cart), the id an attacker may know.
    product = make_product(seller=seller, stock=5)
    client.post(f"/cart/add/{product.pk}/", {"quantity": 1})
    before = session_id(client)
    assert Session.objects.filter(session_key=before).exists()
    assert client.post(LOGIN, {"username": buyer.username, "password": password}).status_code == 302
    after = session_id(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()  # the old id is dead
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = before
    assert not user_of(attacker).is_authenticated
    assert user_of(client) == buyer


def test_a_planted_session_id_is_never_adopted(client, buyer, password):
    planted = "fixatedsessionid0123456789abcdef"
    client.cookies[settings.SESSION_COOKIE_NAME] = planted
    client.get(LOGIN)
    client.post(LOGIN, {"username": buyer.username, "password": password})
    assert session_id(client) != planted
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert not user_of(attacker).is_authenticated


def test_logout_ends_the_session_on_the_server(client, buyer, password):
    client.post(LOGIN, {"username": buyer.username, "password": password})
    stolen = session_id(client)
    assert client.get("/accounts/logout/").status_code == 405  # a link or image cannot log you out
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert not user_of(replay).is_authenticated


def test_logout_needs_the_csrf_token(buyer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(buyer)
    assert browser.post("/accounts/logout/").status_code == 403
    assert user_of(browser) == buyer
