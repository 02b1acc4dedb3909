"""A product's search text: the normalised words of its name and category path, each between
spaces (``Product.search_text``, kept by ``main.services.product_save``; the full-text index of
``search.fulltext`` reads it)."""

from __future__ import annotations

from ml.search.text import search_words


def normalise_words(text: str) -> list[str]:
    """Lower-case singular words (:mod:`ml.catalog.text`, as the categorizer reads them);
    apostrophes and hyphens join ("t-shirt" → "tshirt")."""
    return search_words(text)


def search_text_for(product) -> str:
    parts = [product.name, product.article_type.name, product.article_type.sub_category.name]
    parts += [product.gender.name, product.base_colour, product.usage]
    return build_search_text(parts)


def build_search_text(parts: list[str]) -> str:
    words = normalise_words(" ".join(p for p in parts if p))
    return " " + " ".join(dict.fromkeys(words)) + " "
