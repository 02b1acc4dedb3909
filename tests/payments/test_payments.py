"""Payment: cash on delivery, card through the local test provider, and its signed webhook."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from django.conf import settings

from cart.models import Cart
from main.models import ProductSize
from orders.models import Order
from payments import webhooks
from payments.models import Payment, WebhookEvent
from payments.providers import PROVIDERS, local_test
from tests.conftest import CHECKOUT_ADDRESS, cart_line

ADDRESS = CHECKOUT_ADDRESS


def place(client, buyer, products, *, method: str) -> list[Order]:
    cart, _ = Cart.objects.get_or_create(user=buyer)
    for product in products:
        cart_line(cart, product, 1)
    token = client.get("/cart/checkout/").context["form"].initial["checkout_token"]
    response = client.post("/cart/checkout/", {**ADDRESS, "payment_method": method, "checkout_token": token})
    assert response.status_code == 302
    return list(Order.objects.filter(checkout_token=token).order_by("pk"))


def signed(body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> dict:
    header = webhooks.sign(body=body, secret=secret or settings.PAYMENT_WEBHOOK_SECRET, timestamp=timestamp)
    return {"HTTP_THREADLINE_SIGNATURE": header}


def webhook(client, body: bytes, **headers):
    return client.post("/cart/payments/webhook/", body, content_type="application/json", **headers)


@pytest.fixture
def card_order(buyer_client, buyer, seller, other_seller, make_product):
    """A card checkout of two shops' products, sent to the test card page."""
    products = [
        make_product(seller=seller, price="700.00"),
        make_product(seller=other_seller, price="300.00"),
    ]
    orders = place(buyer_client, buyer, products, method="card")
    response = buyer_client.get(f"/cart/pay/{orders[0].checkout_token}/")
    assert response.status_code == 302 and response["Location"].startswith("/cart/pay/test-card/")
    payment = Payment.objects.get(checkout_token=orders[0].checkout_token)
    return orders, payment


def test_cash_on_delivery_places_the_order_unpaid(buyer_client, buyer, seller, make_product):
    (order,) = place(buyer_client, buyer, [make_product(seller=seller)], method="cod")
    assert (order.payment_method, order.payment_status) == ("cod", "pending")
    assert not Payment.objects.exists()
    assert "Cash on delivery · Payment: Pending" in buyer_client.get("/cart/orders/").content.decode()


def test_a_card_checkout_goes_to_the_provider_for_the_whole_checkout(card_order, buyer_client):
    orders, payment = card_order
    assert [o.payment_status for o in orders] == ["pending", "pending"]
    assert payment.amount == sum(o.total for o in orders) and payment.status == "pending"
    page = buyer_client.get(f"/cart/pay/test-card/{payment.reference}/")
    assert page.status_code == 200 and "₹1,000" in page.content.decode()


def test_the_test_card_pays_every_order_of_the_checkout(card_order, buyer_client):
    orders, payment = card_order
    response = buyer_client.post(
        f"/cart/pay/test-card/{payment.reference}/",
        {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"},
        follow=True,
    )
    assert "Payment received" in response.content.decode()
    assert {o.payment_status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {"paid"}
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def test_the_decline_card_fails_and_the_buyer_can_pay_again(card_order, buyer_client):
    orders, payment = card_order
    buyer_client.post(
        f"/cart/pay/test-card/{payment.reference}/",
        {"card_number": local_test.TEST_CARD_DECLINES, "expiry": "12/30", "cvc": "123"},
    )
    assert {o.payment_status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {"failed"}
    assert 'data-test="pay-now"' in buyer_client.get("/cart/orders/").content.decode()
    retry = buyer_client.get(f"/cart/pay/{orders[0].checkout_token}/")
    second = Payment.objects.exclude(pk=payment.pk).get()
    assert retry["Location"].endswith(f"/{second.reference}/")
    buyer_client.post(
        f"/cart/pay/test-card/{second.reference}/",
        {"card_number": local_test.TEST_CARD_SUCCEEDS, "expiry": "12/30", "cvc": "123"},
    )
    assert {o.payment_status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {"paid"}


def test_another_buyers_payment_page_is_404(card_order, client, seller):
    _, payment = card_order
    client.force_login(seller)
    assert client.get(f"/cart/pay/test-card/{payment.reference}/").status_code == 404


def test_a_signed_webhook_confirms_and_a_replay_changes_nothing(card_order, client):
    orders, payment = card_order
    body = webhooks.event_body(kind=webhooks.PAYMENT_SUCCEEDED, reference=payment.reference)
    first = webhook(client, body, **signed(body))
    assert first.status_code == 200 and json.loads(first.content)["outcome"] == "succeeded"
    assert {o.payment_status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {"paid"}
    replay = webhook(client, body, **signed(body))
    assert replay.status_code == 200 and json.loads(replay.content)["outcome"] == "duplicate"
    # A later, different event of a settled payment does not move it either.
    failed = webhooks.event_body(kind=webhooks.PAYMENT_FAILED, reference=payment.reference)
    assert json.loads(webhook(client, failed, **signed(failed)).content)["outcome"] == "already settled"
    assert {o.payment_status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {"paid"}
    assert WebhookEvent.objects.count() == 2


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_THREADLINE_SIGNATURE": "garbage"},
        {"HTTP_THREADLINE_SIGNATURE": f"t={int(time.time())},v1={'0' * 64}"},
    ],
    ids=["missing", "malformed", "wrong-digest"],
)
def test_an_unsigned_or_badly_signed_webhook_is_refused(card_order, client, headers):
    orders, payment = card_order
    body = webhooks.event_body(kind=webhooks.PAYMENT_SUCCEEDED, reference=payment.reference)
    assert webhook(client, body, **headers).status_code == 400
    assert {o.payment_status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {"pending"}
    assert not WebhookEvent.objects.exists()


def test_a_webhook_signed_with_another_secret_or_too_long_ago_is_refused(card_order, client):
    _, payment = card_order
    body = webhooks.event_body(kind=webhooks.PAYMENT_SUCCEEDED, reference=payment.reference)
    assert webhook(client, body, **signed(body, secret="not-the-secret")).status_code == 400
    old = int(time.time()) - webhooks.SIGNATURE_TOLERANCE_SECONDS - 60
    assert webhook(client, body, **signed(body, timestamp=old)).status_code == 400
    # The body is what is signed: the same signature over a changed body fails.
    other = body.replace(b"succeeded", b"failed")
    assert webhook(client, other, **signed(body)).status_code == 400
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_the_webhook_needs_no_csrf_token_but_only_takes_post(card_order):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    _, payment = card_order
    body = webhooks.event_body(kind=webhooks.PAYMENT_SUCCEEDED, reference=payment.reference)
    assert webhook(strict, body, **signed(body)).status_code == 200
    assert strict.get("/cart/payments/webhook/").status_code == 405


def test_cancelling_a_paid_card_order_refunds_it_and_puts_the_size_back(card_order, buyer_client):
    orders, payment = card_order
    buyer_client.post(
        f"/cart/pay/test-card/{payment.reference}/",
        {"card_number": local_test.TEST_CARD_SUCCEEDS, "expiry": "12/30", "cvc": "123"},
    )
    order = orders[0]
    size = order.items.get().size
    before = ProductSize.objects.get(pk=size.pk).stock
    response = buyer_client.post(f"/cart/orders/{order.pk}/cancel/", {"confirm": "on"}, follow=True)
    assert "cancelled and refunded" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "refunded")
    assert ProductSize.objects.get(pk=size.pk).stock == before + 1
    assert order.items.get().product.__class__.objects.get(pk=size.product_id).stock == before + 1
    # The other shop's order of the same checkout stays paid.
    assert Order.objects.get(pk=orders[1].pk).payment_status == "paid"


def test_a_payment_confirmed_after_the_buyer_cancelled_is_refunded(card_order, buyer_client, client):
    orders, payment = card_order
    for order in orders:
        buyer_client.post(f"/cart/orders/{order.pk}/cancel/", {"confirm": "on"})
    body = webhooks.event_body(kind=webhooks.PAYMENT_SUCCEEDED, reference=payment.reference)
    webhook(client, body, **signed(body))
    assert {o.payment_status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {"refunded"}


def test_signature_round_trip():
    body = json.dumps(
        {"id": f"evt_{uuid.uuid4().hex}", "type": webhooks.PAYMENT_FAILED, "payment": "p"}
    ).encode()
    header = webhooks.sign(body=body, secret="s3cret")
    assert webhooks.verify(body=body, header=header, secret="s3cret")["type"] == webhooks.PAYMENT_FAILED
    with pytest.raises(webhooks.SignatureError):
        webhooks.verify(body=body, header=header, secret="")


def test_a_second_payment_of_a_paid_checkout_is_refunded_whole(card_order, buyer_client):
    orders, first = card_order
    second = Payment.objects.create(
        buyer=first.buyer,
        checkout_token=first.checkout_token,
        provider=first.provider,
        reference="pay_second_tab",
        amount=first.amount,
    )
    for payment in (first, second):
        buyer_client.post(
            f"/cart/pay/test-card/{payment.reference}/",
            {"card_number": local_test.TEST_CARD_SUCCEEDS, "expiry": "12/30", "cvc": "123"},
        )
    second.refresh_from_db()
    assert second.status == "refunded"
    assert {o.payment_status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {"paid"}


class _RecordingProvider:
    """A provider configured after the payment was made; it must not be asked for the refund."""

    name = "other-provider"
    refunds: list[str] = []

    def refund(self, *, reference: str, amount) -> bool:
        _RecordingProvider.refunds.append(reference)
        return False


def test_a_refund_goes_through_the_provider_the_payment_was_made_with(
    card_order, buyer_client, settings, monkeypatch
):
    """Regression: the refund went through the provider configured now (``PAYMENT_PROVIDER``)."""
    orders, payment = card_order
    buyer_client.post(
        f"/cart/pay/test-card/{payment.reference}/",
        {"card_number": local_test.TEST_CARD_SUCCEEDS, "expiry": "12/30", "cvc": "123"},
    )
    monkeypatch.setattr(_RecordingProvider, "refunds", [])
    monkeypatch.setitem(PROVIDERS, _RecordingProvider.name, _RecordingProvider)
    settings.PAYMENT_PROVIDER = _RecordingProvider.name
    buyer_client.post(f"/cart/orders/{orders[0].pk}/cancel/", {"confirm": "on"})
    assert _RecordingProvider.refunds == []
    assert Order.objects.get(pk=orders[0].pk).payment_status == "refunded"
