"""Free-text search that forgives case, plurals and punctuation.

Products store ``search_text``: the normalised words of their name and category path,
each preceded by a space. A query matches when every normalised query word starts a
word of that text, so "Men's T-Shirts" finds "Tshirts for men" but "men" never matches "women".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+")
_IRREGULAR = {"shoes": "shoe", "mens": "men", "womens": "women", "jeans": "jean", "dresses": "dress"}


def singular(word: str) -> str:
    """A cheap English singular: enough for product words (shirts, dresses, watches, caps)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalise_words(text: str) -> list[str]:
    """Lower-case singular words; apostrophes and hyphens join ("t-shirt" → "tshirt")."""
    joined = re.sub(r"(?<=\w)['’\-](?=\w)", "", text.lower())
    return [singular(word) for word in _WORD.findall(joined)]


def search_text_for(product) -> str:
    parts = [product.name, product.article_type.name, product.article_type.sub_category.name]
    parts += [product.gender.name, product.base_colour, product.usage]
    return build_search_text(parts)


def build_search_text(parts: list[str]) -> str:
    words = normalise_words(" ".join(p for p in parts if p))
    return " " + " ".join(dict.fromkeys(words)) + " "


@dataclass(frozen=True)
class QueryIntent:
    """What a search most likely asks for, read by the categorizer ("blue jeans men": Men,
    Bottomwear, Jeans). A level it is not sure of is empty, and so is gender unless the query
    names one (a gender head would otherwise push "jeans" towards men's)."""

    gender: str = ""
    sub_category: str = ""
    article_type: str = ""


def query_intent(*, q: str) -> QueryIntent:
    from ml.categorization_augment import mentions_gender

    from .ml_models import SURE_ENOUGH, categorizer

    model = categorizer()
    if model is None or not normalise_words(q):
        return QueryIntent()
    prediction = model.predict_one(q)

    def sure(level: str) -> str:
        answer = prediction.levels[level]
        return answer.label if answer.confidence >= SURE_ENOUGH else ""

    sub_category = sure("subCategory")
    return QueryIntent(
        gender=sure("gender") if mentions_gender(q) else "",
        sub_category=sub_category,
        article_type=sure("articleType") if sub_category else "",
    )
