"""Writes of the catalog audit: recording a run's suspects, and an operator's decisions.

An accepted suspect changes the product (its article type, hence its path, or its colour)
through ``main.services.product_update`` (which saves through ``product_save``), and is from
then on a training label: ``main.ml_fields.corrected_categories_frame`` hands the fixed
products to ``train_models``, which puts them in place of the catalog rows they correct.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from main.inventory import stock_set
from main.models import ArticleType, Product
from main.services import product_update
from main.sizes import split_stock
from ml.audit.suspects import CATEGORY
from ml.catalog.schema import ID, category_label

from .models import CatalogSuspect

# The suspect fields filled from a suspects frame (ml.audit.suspects.SUSPECT_COLUMNS).
EVIDENCE_FIELDS = ("label", "answer", "confidence", "label_confidence", "score", "name_says",
                   "name_confidence", "photo_says", "photo_confidence")


class SuspectStale(Exception):
    """The product's label is no longer the one audited (someone changed it since)."""


@dataclass(frozen=True)
class RecordReport:
    created: int
    updated: int
    already_decided: int
    withdrawn: int


def suspects_record(*, suspects: pd.DataFrame, run: str) -> RecordReport:
    """Store a run's suspects (``id`` = product pk); the pending suspects it no longer raises
    are withdrawn, and those an operator already decided are neither raised again nor changed."""
    existing = {(s.product_id, s.level, s.label, s.answer): s for s in CatalogSuspect.objects.all()}
    products = set(Product.objects.filter(pk__in=suspects[ID].tolist()).values_list("pk", flat=True))
    created, updated, decided, seen = [], [], 0, set()
    for row in suspects.to_dict("records"):
        if row[ID] not in products:
            continue
        key = (int(row[ID]), row["level"], row["label"], row["answer"])
        seen.add(key)
        values = {field: _value(row[field]) for field in EVIDENCE_FIELDS}
        values["photo_says"] = values["photo_says"] or ""
        suspect = existing.get(key)
        if suspect is None:
            created.append(CatalogSuspect(product_id=key[0], level=key[1], audit_run=run, **values))
        elif suspect.status != CatalogSuspect.Status.PENDING:
            decided += 1
        else:
            for field, value in values.items():
                setattr(suspect, field, value)
            suspect.audit_run = run
            updated.append(suspect)
    stale = [s.pk for key, s in existing.items()
             if key not in seen and s.status == CatalogSuspect.Status.PENDING]
    with transaction.atomic():
        CatalogSuspect.objects.bulk_create(created)
        CatalogSuspect.objects.bulk_update(updated, [*EVIDENCE_FIELDS, "audit_run"])
        CatalogSuspect.objects.filter(pk__in=stale).delete()
    return RecordReport(len(created), len(updated), decided, len(stale))


def _value(value):
    """NaN (no photo) as None, numpy scalars as Python ones."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _current_label(product: Product, level: str) -> str:
    if level == CATEGORY:
        sub = product.article_type.sub_category
        return category_label(sub.master_category.name, sub.name, product.article_type.name)
    return product.base_colour


def _article_type(path: str) -> ArticleType:
    master, sub, article = path.split(" / ", 2)
    found = ArticleType.objects.select_related("sub_category__master_category").filter(
        name=article, sub_category__name=sub, sub_category__master_category__name=master
    ).first()
    if found is None:
        raise ValueError(f"The category {path!r} is not in the taxonomy any more.")
    return found


@transaction.atomic
def suspect_accept(*, suspect: CatalogSuspect, reviewer: User) -> Product:
    """Fix the product's label to the audit's answer (the sizes follow a new article type's scale)."""
    suspect = CatalogSuspect.objects.select_for_update().get(pk=suspect.pk)
    if suspect.status != CatalogSuspect.Status.PENDING:
        raise SuspectStale(f"Suspect {suspect.pk} was already {suspect.get_status_display().lower()}.")
    product = Product.objects.select_related("article_type__sub_category__master_category", "gender").get(
        pk=suspect.product_id
    )
    if _current_label(product, suspect.level) != suspect.label:
        raise SuspectStale(
            f"{product.name}: its {suspect.get_level_display().lower()} is no longer {suspect.label!r}."
        )
    if suspect.level == CATEGORY:
        old_scale = product.size_scale
        product = product_update(product=product, article_type=_article_type(suspect.answer))
        if product.size_scale != old_scale:
            stock_set(product=product, stock_by_size=split_stock(total=product.stock,
                                                                         sizes=product.size_scale))
    else:
        product = product_update(product=product, base_colour=suspect.answer)
    _decide(suspect, CatalogSuspect.Status.ACCEPTED, reviewer)
    return product


def suspect_reject(*, suspect: CatalogSuspect, reviewer: User) -> None:
    """Keep the label: the suspect is closed and not raised again."""
    with transaction.atomic():
        suspect = CatalogSuspect.objects.select_for_update().get(pk=suspect.pk)
        if suspect.status != CatalogSuspect.Status.PENDING:
            raise SuspectStale(f"Suspect {suspect.pk} was already {suspect.get_status_display().lower()}.")
        _decide(suspect, CatalogSuspect.Status.REJECTED, reviewer)


def _decide(suspect: CatalogSuspect, status: str, reviewer: User) -> None:
    suspect.status, suspect.reviewed_by, suspect.reviewed_at = status, reviewer, timezone.now()
    suspect.save(update_fields=["status", "reviewed_by", "reviewed_at"])


def suspects_review(*, suspects, accept: bool, reviewer: User) -> tuple[int, list[str]]:
    """Accept or reject many; each on its own (one stale suspect does not stop the others).
    Returns (how many were decided, why the others were not)."""
    done, problems = 0, []
    for suspect in suspects:
        try:
            if accept:
                suspect_accept(suspect=suspect, reviewer=reviewer)
            else:
                suspect_reject(suspect=suspect, reviewer=reviewer)
            done += 1
        except (SuspectStale, ValueError) as error:
            problems.append(str(error))
    return done, problems

