"""How reviews follow the accounts: a deleted account's reviews and votes go."""

from django.dispatch import receiver

from accounts.signals import account_deleting

from .services import reviews_erase


@receiver(account_deleting, dispatch_uid="reviews.erased")
def _reviews_erased(sender, user, **kwargs) -> None:
    reviews_erase(user=user)
