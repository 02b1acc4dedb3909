"""Password reset by email (Django's views, the shop's templates) and password change."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client, TestCase

NEW_PASSWORD = "brand-New-password-77"
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")


def request_reset(client, email):
    """Ask for a reset; the mail is queued on commit (the test's transaction never commits, so
    the commit callbacks run here, as they would after the request's commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/accounts/password-reset/", {"email": email}, follow=True)


def test_reset_round_trip(client, buyer, password):
    page = client.get("/accounts/password-reset/")
    assert page.status_code == 200 and "Reset your password" in page.content.decode()
    response = request_reset(client, buyer.email)
    assert response.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    assert "Check your email" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [buyer.email] and message.subject == "Reset your Threadline password"
    link = LINK.search(message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]  # Django moves the token into the session
    assert "set-password" in set_password_url
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/done/"
    buyer.refresh_from_db()
    assert buyer.check_password(NEW_PASSWORD) and not buyer.check_password(password)

    # The link worked once: a second use, even from a fresh browser, is refused.
    again = Client().get(link, follow=True)
    assert again.status_code == 200 and not again.context["validlink"]
    assert "This link no longer works" in again.content.decode()
    Client().post(link, {"new_password1": "x-Other-pass-1", "new_password2": "x-Other-pass-1"})
    buyer.refresh_from_db()
    assert buyer.check_password(NEW_PASSWORD)
    # The old password is gone, the new one logs in.
    fresh = Client()
    login = "/accounts/login/"
    assert fresh.post(login, {"username": buyer.username, "password": password}).status_code == 200
    assert fresh.post(login, {"username": buyer.username, "password": NEW_PASSWORD}).status_code == 302


def test_an_unknown_address_gets_the_same_answer(client, buyer):
    known = request_reset(Client(), buyer.email)
    unknown = request_reset(Client(), "nobody-here@example.com")
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.status_code == known.status_code == 200
    strip_csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip_csrf.sub("", unknown.content.decode()) == strip_csrf.sub("", known.content.decode())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [buyer.email]


def test_a_reset_link_expires(client, buyer, monkeypatch):
    request_reset(client, buyer.email)
    link = LINK.search(mail.outbox[0].body).group(1)
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = client.get(link, follow=True)
    assert not response.context["validlink"]


def test_the_reset_timeout_is_short(settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 60 * 60


def test_a_reset_logs_out_other_sessions(client, buyer):
    elsewhere = Client()
    elsewhere.force_login(buyer)
    request_reset(client, buyer.email)
    form_page = client.get(LINK.search(mail.outbox[0].body).group(1), follow=True)
    new = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    client.post(form_page.redirect_chain[-1][0], new)
    assert not elsewhere.get("/cart/").wsgi_request.user.is_authenticated


def test_an_account_without_a_usable_password_gets_no_mail(client, buyer):
    buyer.set_unusable_password()
    buyer.save()
    request_reset(client, buyer.email)
    assert mail.outbox == []


def test_login_page_links_to_the_reset(client, db):
    assert 'href="/accounts/password-reset/"' in client.get("/accounts/login/").content.decode()


def test_password_change(client, buyer, password):
    elsewhere = Client()
    elsewhere.force_login(buyer)
    client.force_login(buyer)
    assert client.get("/accounts/password/").status_code == 200
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong-one-1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    response = client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    buyer.refresh_from_db()
    assert buyer.check_password(NEW_PASSWORD)
    assert client.get("/accounts/").status_code == 200  # this session stays
    assert not elsewhere.get("/cart/").wsgi_request.user.is_authenticated  # the others end


def test_password_change_needs_a_login(client, db):
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
