"""Order emails to the buyer (placed, shipped, cancelled), text and HTML, through Django's
email backend. Sent by a task after the transaction commits (``tasks.order_email_on_commit``):
a rolled-back change mails nobody, and the request does not wait for the mail server."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import Order

PLACED = "placed"
SHIPPED = "shipped"
CANCELLED = "cancelled"
SUBJECTS = {
    PLACED: "Your Threadline order #{pk} is placed",
    SHIPPED: "Your Threadline order #{pk} has shipped",
    CANCELLED: "Your Threadline order #{pk} is cancelled",
}


def order_email_send(*, order_id: int, kind: str) -> None:
    order = Order.objects.select_related("buyer", "seller").prefetch_related("items").get(pk=order_id)
    if not order.buyer.email:
        return
    context = {"order": order, "kind": kind}
    message = EmailMultiAlternatives(
        subject=SUBJECTS[kind].format(pk=order.pk),
        body=render_to_string(f"orders/email/order_{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.buyer.email],
    )
    message.attach_alternative(render_to_string(f"orders/email/order_{kind}.html", context), "text/html")
    message.send(fail_silently=True)  # a mail server down must not fail the order
