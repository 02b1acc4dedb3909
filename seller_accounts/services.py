"""Writes of the seller area: listings with their categorization record."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from main import services as catalog_services
from main.ml_bridge import categorizer
from main.models import ArticleType, Gender, Product

from .models import ListingCategorization


@transaction.atomic
def listing_create(*, seller: User, photo=None, **fields) -> Product:
    """List a product and record what the categorizer suggested against what the seller chose.

    A seller who has not verified their email yet gets the listing saved but not live (it
    goes live with the verification, ``accounts.services.email_verify``).
    """
    product = catalog_services.product_create(seller=seller, photo=photo, **fields)
    if not seller.is_email_verified:
        catalog_services.product_unlist(product=product)
    categorization_record(product=product)
    return product


def categorization_record(*, product: Product) -> ListingCategorization | None:
    """Predict from the listing's final text and store it beside the seller's choice.

    The prediction is made again on the server (it takes about a millisecond), so the record
    reflects the model, never what a browser claims it was shown.
    """
    model = categorizer()
    if model is None or not product.name.strip():
        return None
    prediction = model.predict_one(product.name, product.description)
    article = product.article_type
    return ListingCategorization.objects.create(
        product=product,
        model_version=prediction.model_version,
        text=f"{product.name}\n{product.description}".strip(),
        confidence=prediction.confidence,
        confidences={level: p.confidence for level, p in prediction.levels.items()},
        predicted_gender=prediction.label("gender"),
        predicted_sub_category=prediction.label("subCategory"),
        predicted_article_type=prediction.label("articleType"),
        predicted_base_colour=prediction.label("baseColour"),
        predicted_usage=prediction.label("usage"),
        chosen_gender=product.gender.name,
        chosen_sub_category=article.sub_category.name,
        chosen_article_type=article.name,
        chosen_base_colour=product.base_colour,
        chosen_usage=product.usage,
    )


@transaction.atomic
def bulk_publish(*, seller: User, rows: list[dict]) -> list[Product]:
    """Create every reviewed row as a listing, all in one transaction."""
    genders = {g.name: g for g in Gender.objects.all()}
    article_types = ArticleType.objects.select_related("sub_category__master_category").in_bulk(
        [row["article_type"] for row in rows]
    )
    return [
        listing_create(
            seller=seller,
            name=row["name"],
            description=row.get("description") or "",
            gender=genders[row["gender"]],
            article_type=article_types[row["article_type"]],
            base_colour=row.get("base_colour") or "",
            usage=row.get("usage") or "",
            season="",
            price=row["price"],
            stock=row["stock"],
        )
        for row in rows
    ]
