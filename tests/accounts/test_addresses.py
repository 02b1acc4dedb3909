"""Saved addresses: Indian PIN and mobile validation, one default, owner-only pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import selectors, services
from accounts.models import Address
from accounts.validators import validate_indian_mobile, validate_pin_code

HOME = {
    "full_name": "Alice Rao",
    "phone": "9876543210",
    "line1": "12 MG Road",
    "line2": "Flat 4B",
    "city": "Bengaluru",
    "state": "Karnataka",
    "pin_code": "560001",
}


@pytest.mark.parametrize("value", ["560001", "110011", "999999"])
def test_valid_pin_codes(value):
    validate_pin_code(value)


@pytest.mark.parametrize("value", ["", "56000", "5600011", "060001", "56O001", "560 01"])
def test_invalid_pin_codes_say_what_is_expected(value):
    with pytest.raises(ValidationError, match="6-digit PIN code"):
        validate_pin_code(value)


@pytest.mark.parametrize("value", ["9876543210", "6000000000", "7012345678"])
def test_valid_mobiles(value):
    validate_indian_mobile(value)


@pytest.mark.parametrize(
    "value", ["", "987654321", "98765432100", "5876543210", "+919876543210", "98765x3210"]
)
def test_invalid_mobiles_say_what_is_expected(value):
    with pytest.raises(ValidationError, match="10-digit mobile number"):
        validate_indian_mobile(value)


def test_the_first_address_is_the_default_and_one_default_at_a_time(buyer):
    first = services.address_create(owner=buyer, **HOME)
    assert first.is_default
    second = services.address_create(owner=buyer, **{**HOME, "city": "Mysuru"})
    assert not second.is_default
    third = services.address_create(owner=buyer, **{**HOME, "city": "Pune"}, is_default=True)
    first.refresh_from_db()
    assert third.is_default and not first.is_default
    assert [a.city for a in selectors.addresses_for(user=buyer)] == ["Pune", "Mysuru", "Bengaluru"]
    assert selectors.default_address_for(user=buyer) == third
    services.address_update(address=second, is_default=True)
    assert list(Address.objects.filter(owner=buyer, is_default=True)) == [second]


def test_deleting_the_default_promotes_the_newest(buyer):
    first = services.address_create(owner=buyer, **HOME)
    second = services.address_create(owner=buyer, **{**HOME, "city": "Mysuru"})
    services.address_delete(address=first)
    second.refresh_from_db()
    assert second.is_default


def test_services_refuse_bad_data(buyer):
    with pytest.raises(ValidationError) as error:
        services.address_create(owner=buyer, **{**HOME, "pin_code": "12345", "phone": "12345"})
    assert set(error.value.message_dict) == {"pin_code", "phone"}
    address = services.address_create(owner=buyer, **HOME)
    with pytest.raises(ValidationError):
        services.address_update(address=address, pin_code="000000")
    with pytest.raises(TypeError):
        services.address_update(address=address, owner_id=1)


def test_addresses_on_the_account_page(buyer_client, buyer):
    assert buyer_client.get("/accounts/addresses/new/").status_code == 200
    response = buyer_client.post(
        "/accounts/addresses/new/", {**HOME, "phone": "+91 98765-43210", "pin_code": "560 001"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    address = Address.objects.get(owner=buyer)
    assert address.phone == "9876543210" and address.pin_code == "560001" and address.is_default
    page = buyer_client.get("/accounts/").content.decode()
    assert "12 MG Road, Flat 4B, Bengaluru, Karnataka 560001" in page
    response = buyer_client.post(f"/accounts/addresses/{address.pk}/edit/", {**HOME, "city": "Mysuru"})
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.city == "Mysuru"
    assert buyer_client.get(f"/accounts/addresses/{address.pk}/delete/").status_code == 405
    assert buyer_client.post(f"/accounts/addresses/{address.pk}/delete/").status_code == 302
    assert not Address.objects.filter(owner=buyer).exists()


def test_the_form_explains_bad_pin_and_mobile(buyer_client):
    response = buyer_client.post("/accounts/addresses/new/", {**HOME, "phone": "12345", "pin_code": "0600"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a 6-digit PIN code" in html and "Enter a 10-digit mobile number" in html
    assert not Address.objects.exists()


def test_someone_elses_address_is_a_404(client, buyer, seller):
    theirs = services.address_create(owner=seller, **HOME)
    client.force_login(buyer)
    assert client.get(f"/accounts/addresses/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/accounts/addresses/{theirs.pk}/edit/", {**HOME, "city": "X"}).status_code == 404
    assert client.post(f"/accounts/addresses/{theirs.pk}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.city == "Bengaluru"
    assert "12 MG Road" not in client.get("/accounts/").content.decode()


def test_address_pages_need_a_login(client, buyer):
    address = services.address_create(owner=buyer, **HOME)
    for url in ("/accounts/", "/accounts/addresses/new/", f"/accounts/addresses/{address.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"/accounts/addresses/{address.pk}/delete/").status_code == 302
    assert Address.objects.filter(pk=address.pk).exists()


def test_a_second_address_made_default_through_the_form(buyer_client, buyer):
    first = services.address_create(owner=buyer, **HOME)
    response = buyer_client.post("/accounts/addresses/new/", {**HOME, "city": "Pune", "is_default": "on"})
    assert response.status_code == 302, response.context["form"].errors
    second = Address.objects.get(owner=buyer, city="Pune")
    first.refresh_from_db()
    assert second.is_default and not first.is_default
    response = buyer_client.post(f"/accounts/addresses/{first.pk}/edit/", {**HOME, "is_default": "on"})
    assert response.status_code == 302, response.context["form"].errors
    assert selectors.default_address_for(user=buyer) == first
