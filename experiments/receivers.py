"""How experiments follow shoppers without being called: an account keeps the visitor id it
logs in with (so its variants do not change), a deleted account's unit goes with it, and the
model registry asks which categorizer version a seller gets while an experiment runs."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.signals import account_deleting
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from recommendations.visitors import visitor_key
from serving.registry import choose_versions_with

from .selectors import categorizer_version_for
from .services import alias_erase, alias_record

# A seller's listings are categorized with the version their variant names (none running: "").
choose_versions_with(CATEGORIZER, lambda seller_id: categorizer_version_for(seller_id=seller_id))


@receiver(user_logged_in, dispatch_uid="experiments.unit_kept")
def _unit_kept(sender, request, user, **kwargs) -> None:
    if request is not None:
        alias_record(user=user, unit=visitor_key(request=request, create=True))


@receiver(account_deleting, dispatch_uid="experiments.unit_erased")
def _unit_erased(sender, user, **kwargs) -> None:
    alias_erase(user=user)
