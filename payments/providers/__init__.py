"""Card payment providers, one module each; importing this package registers them all.

A real provider plugs in as another module here: a ``PaymentProvider`` (``base``) decorated
with ``@register``, named by ``PAYMENT_PROVIDER``, whose webhook calls ``payments:webhook``.
"""

from . import local_test  # noqa: F401  (registers the provider)
from .base import PROVIDERS, PaymentProvider, StartedPayment, provider, provider_named

__all__ = ["PROVIDERS", "PaymentProvider", "StartedPayment", "provider", "provider_named"]
