"""The catalog audit in the shop: the command, the stored suspects, the admin review page, and
accepted fixes becoming training labels."""

from __future__ import annotations

import csv
from io import StringIO

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from catalog_audit.models import CatalogSuspect
from catalog_audit.services import SuspectStale, suspect_accept, suspect_reject, suspects_record
from main.ml_fields import corrected_categories_frame
from main.models import ArticleType, Product
from ml.audit.suspects import CATEGORY, SUSPECT_COLUMNS
from ml.catalog.schema import ARTICLE, COLOUR, ID, NAME, category_label

CHANGELIST = "/admin/catalog_audit/catalogsuspect/"


def _path(article_type: ArticleType) -> str:
    sub = article_type.sub_category
    return category_label(sub.master_category.name, sub.name, article_type.name)


def _sibling(product: Product) -> ArticleType:
    """Another article type of the product's subcategory (as the audit would suggest)."""
    siblings = ArticleType.objects.filter(sub_category=product.sub_category)
    return siblings.exclude(pk=product.article_type_id).first()


def _suspect_frame(rows: list[tuple[Product, str, str, str]]) -> pd.DataFrame:
    """A suspects frame as ml.audit.suspects.find_suspects writes it: (product, level, label, answer)."""
    records = []
    for score, (product, level, label, answer) in zip(range(len(rows), 0, -1), rows, strict=True):
        records.append({ID: product.pk, NAME: product.name, "level": level, "label": label,
                        "name_says": answer, "name_confidence": 0.7, "photo_says": "",
                        "photo_confidence": float("nan"), "answer": answer, "confidence": 0.8,
                        "label_confidence": 0.1, "score": score / 10})
    return pd.DataFrame(records, columns=list(SUSPECT_COLUMNS))


@pytest.fixture
def suspects(catalog):
    """Two category suspects (shoes filed as a sibling type) and one colour suspect."""
    shoes = list(Product.objects.filter(sub_category__name="Shoes").select_related("article_type")[:2])
    colour = Product.objects.exclude(base_colour="").exclude(base_colour="Black").first()
    rows = [(p, CATEGORY, _path(p.article_type), _path(_sibling(p))) for p in shoes]
    rows.append((colour, COLOUR, colour.base_colour, "Black"))
    suspects_record(suspects=_suspect_frame(rows), run="test")
    return list(CatalogSuspect.objects.order_by("-score"))


def test_the_command_writes_ranked_suspects_and_stores_them(catalog, tmp_path):
    output = tmp_path / "suspects.csv"
    out = StringIO()
    call_command("audit_catalog", "-o", str(output), "--limit", "25", stdout=out)
    with open(output, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert 0 < len(rows) <= 25
    assert list(rows[0]) == ["product_id", "dataset_id", *SUSPECT_COLUMNS[1:]]
    scores = [float(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(row["answer"] != row["label"] and row["photo_says"] == "" for row in rows)
    for row in rows:
        product = Product.objects.get(pk=row["product_id"])
        assert int(row["dataset_id"]) == product.dataset_id
        current = _path(product.article_type) if row["level"] == CATEGORY else product.base_colour
        assert row["label"] == current
    assert CatalogSuspect.objects.count() == len(rows)
    assert f"{len(rows)} suspects written" in out.getvalue()
    # A second run updates the same suspects instead of adding copies.
    call_command("audit_catalog", "-o", str(output), "--limit", "25", stdout=StringIO())
    assert CatalogSuspect.objects.count() == len(rows)


def test_the_command_refuses_bad_options(catalog, tmp_path):
    with pytest.raises(CommandError, match="folds"):
        call_command("audit_catalog", "-o", str(tmp_path / "s.csv"), "--folds", "1")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("audit_catalog", "-o", str(tmp_path / "s.csv"), "--photo-probabilities",
                     str(tmp_path / "missing.npz"))


def test_a_rejected_suspect_is_not_raised_again(suspects, staff):
    first = suspects[0]
    suspect_reject(suspect=first, reviewer=staff)
    frame = _suspect_frame([(first.product, first.level, first.label, first.answer)])
    report = suspects_record(suspects=frame, run="again")
    assert report.already_decided == 1 and report.created == 0
    # The pending suspects this run did not raise are withdrawn; the decided one stays.
    assert report.withdrawn == 2
    assert list(CatalogSuspect.objects.values_list("status", flat=True)) == ["rejected"]


def test_the_admin_lists_suspects_with_photos_and_evidence(suspects, client, staff):
    client.force_login(staff)
    page = client.get(CHANGELIST).content.decode()
    for suspect in suspects:
        assert suspect.product.name in page and suspect.answer in page
    with_photo = [s for s in suspects if s.product.image]
    assert with_photo and with_photo[0].product.image.url in page
    assert page.count(">Accept</button>") == len(suspects)


def test_accepting_one_fixes_the_product_and_makes_a_training_label(suspects, client, staff):
    client.force_login(staff)
    suspect = suspects[0]
    product = suspect.product
    response = client.post(f"{CHANGELIST}{suspect.pk}/accept/")
    assert response.status_code == 302
    product.refresh_from_db()
    suspect.refresh_from_db()
    assert _path(product.article_type) == suspect.answer
    assert product.sub_category_id == product.article_type.sub_category_id  # saved through product_save
    assert suspect.status == "accepted" and suspect.reviewed_by == staff
    assert product.stock == sum(size.stock for size in product.sizes.all())
    training = corrected_categories_frame()
    assert list(training[ID]) == [product.dataset_id]
    assert training[ARTICLE].iloc[0] == product.article_type.name
    # Accepting twice is refused, with a message, and changes nothing.
    response = client.post(f"{CHANGELIST}{suspect.pk}/accept/", follow=True)
    assert "already" in response.content.decode()


def test_accept_is_post_only_and_for_staff(suspects, client, staff, buyer):
    suspect = suspects[0]
    client.force_login(buyer)
    response = client.post(f"{CHANGELIST}{suspect.pk}/accept/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(staff)
    assert client.get(f"{CHANGELIST}{suspect.pk}/accept/").status_code == 405
    suspect.refresh_from_db()
    assert suspect.status == "pending"


def test_bulk_actions_accept_and_reject_many(suspects, client, staff):
    client.force_login(staff)
    colour = next(s for s in suspects if s.level == COLOUR)
    categories = [s for s in suspects if s.level == CATEGORY]
    client.post(CHANGELIST, {"action": "reject_selected", "_selected_action": [s.pk for s in categories]})
    client.post(CHANGELIST, {"action": "accept_selected", "_selected_action": [colour.pk]})
    statuses = dict(CatalogSuspect.objects.values_list("pk", "status"))
    assert all(statuses[s.pk] == "rejected" for s in categories) and statuses[colour.pk] == "accepted"
    product = Product.objects.get(pk=colour.product_id)
    assert product.base_colour == "Black"
    for suspect in categories:  # rejected: labels kept
        assert _path(Product.objects.get(pk=suspect.product_id).article_type) == suspect.label


def test_a_suspect_whose_label_changed_since_is_not_applied(suspects, staff):
    suspect = next(s for s in suspects if s.level == COLOUR)
    Product.objects.filter(pk=suspect.product_id).update(base_colour="Olive")
    with pytest.raises(SuspectStale, match="no longer"):
        suspect_accept(suspect=suspect, reviewer=staff)
    assert Product.objects.get(pk=suspect.product_id).base_colour == "Olive"


def test_the_command_adds_the_photos_evidence(catalog, trained_photo_models, tmp_path):
    output = tmp_path / "suspects.csv"
    out = StringIO()
    call_command("audit_catalog", "-o", str(output), "--photo", "--limit", "0", "--no-store", stdout=out)
    assert "name and photo" in out.getvalue()
    with open(output, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(row["photo_says"] and 0 < float(row["photo_confidence"]) <= 1 for row in rows)
    assert CatalogSuspect.objects.count() == 0  # --no-store


def test_the_photo_option_needs_a_photo_model(catalog, tmp_path):
    with pytest.raises(CommandError, match="photo model"):
        call_command("audit_catalog", "-o", str(tmp_path / "s.csv"), "--photo")
