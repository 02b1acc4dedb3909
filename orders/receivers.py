"""Orders react to what other apps announce: a payment's outcome (``payments``), and an
account being deleted (``accounts``)."""

from django.dispatch import receiver

from accounts.signals import account_deleting
from payments.signals import payment_failed, payment_succeeded

from .services import orders_buyer_erase, payment_outcome_apply


@receiver(payment_succeeded)
def _payment_succeeded(sender, payment, **kwargs) -> str:
    return payment_outcome_apply(payment=payment, succeeded=True)


@receiver(payment_failed)
def _payment_failed(sender, payment, **kwargs) -> str:
    return payment_outcome_apply(payment=payment, succeeded=False)


@receiver(account_deleting)
def _account_deleting(sender, user, **kwargs) -> None:
    orders_buyer_erase(buyer=user)
