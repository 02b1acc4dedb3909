"""How experiments follow shoppers without being called: an account keeps the visitor id it
logs in with (so its variants do not change), and a deleted account's unit goes with it."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.signals import account_deleting
from recommendations.visitors import visitor_key

from .services import alias_erase, alias_record


@receiver(user_logged_in, dispatch_uid="experiments.unit_kept")
def _unit_kept(sender, request, user, **kwargs) -> None:
    if request is not None:
        alias_record(user=user, unit=visitor_key(request=request, create=True))


@receiver(account_deleting, dispatch_uid="experiments.unit_erased")
def _unit_erased(sender, user, **kwargs) -> None:
    alias_erase(user=user)
