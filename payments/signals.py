"""What a payment's outcome announces, for the apps that sell (``orders``) to react to:
``payments`` knows nothing of orders.

Both are sent inside the webhook's transaction, with ``payment`` (a locked ``Payment``). A
receiver may return an outcome string, reported to the provider instead of the payment's
status (e.g. "duplicate payment refunded").
"""

from django.dispatch import Signal

payment_succeeded = Signal()
payment_failed = Signal()
