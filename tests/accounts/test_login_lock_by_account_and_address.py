"""One account's failures lock that account from that address only; an address as a whole is
throttled at a much higher limit (LOGIN_FAILURE_LIMIT_PER_IP), so the people behind one office
or carrier NAT are not locked out by one of them, or by someone who knows their username.
"""

from __future__ import annotations

from django.conf import settings
from django.test import Client, override_settings

LOGIN = "/accounts/login/"
WRONG = "not-my-password-1"
SHARED_NAT = "203.0.113.80"
ELSEWHERE = "198.51.100.80"


def attempt(client, username, password, ip=SHARED_NAT):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logs_in(username, password, ip=SHARED_NAT) -> bool:
    client = Client()
    response = attempt(client, username, password, ip=ip)
    return response.status_code == 302 and client.get("/cart/").wsgi_request.user.is_authenticated


def test_the_per_address_limit_is_a_named_setting_well_above_the_per_account_one():
    assert settings.LOGIN_FAILURE_LIMIT_PER_IP >= 5 * settings.LOGIN_FAILURE_LIMIT


def test_one_accounts_failures_do_not_lock_the_others_behind_the_same_address(
    buyer, seller, staff, password
):
    victim = buyer.username
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):  # the walkthrough's 11 wrong passwords
        attempt(Client(), victim, WRONG)
    # That account, from that address, is locked, and gets the 429 page...
    response = attempt(Client(), victim, password)
    assert response.status_code == 429
    assert "Log-in locked for now" in response.content.decode()
    # ...but the seller and the staff member behind the same address log in,
    assert logs_in(seller.username, password)
    assert logs_in(staff.username, password)
    # and so does the account's owner from another address (a known username is no lever).
    assert logs_in(victim, password, ip=ELSEWHERE)


def test_an_address_that_guesses_across_many_accounts_is_throttled(buyer, seller, password):
    attacker = "192.0.2.66"
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_IP):
        # Never more than a few tries per name: the per-account lock alone would not stop this.
        response = attempt(Client(), f"guess{n // 3}", WRONG, ip=attacker)
        assert response.status_code in (200, 429), n
    # The attacker's address is now refused, even for a real account with its password...
    response = attempt(Client(), buyer.username, password, ip=attacker)
    assert response.status_code == 429
    assert "Log-in locked for now" in response.content.decode()
    # ...while everybody else logs in.
    assert logs_in(buyer.username, password, ip=ELSEWHERE)
    assert logs_in(seller.username, password)


def test_below_the_address_limit_other_accounts_still_log_in(buyer, password):
    with override_settings(LOGIN_FAILURE_LIMIT_PER_IP=40):
        for n in range(39):
            attempt(Client(), f"typo{n // 3}", WRONG)
        assert logs_in(buyer.username, password)
