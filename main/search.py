"""Free-text search that forgives case, plurals and punctuation.

Products store ``search_text``: the normalised words of their name and category path,
each preceded by a space. A query matches when every normalised query word starts a
word of that text, so "Men's T-Shirts" finds "Tshirts for men" but "men" never matches "women".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ml.catalog.schema import ARTICLE, GENDER, SUB
from ml.catalog.text import mentions_gender, singular_words

_JOINED = re.compile(r"(?<=\w)['’\-](?=\w)")  # "t-shirt" is one word to a shopper: "tshirt"


def normalise_words(text: str) -> list[str]:
    """Lower-case singular words (:mod:`ml.catalog.text`, as the categorizer reads them);
    apostrophes and hyphens join ("t-shirt" → "tshirt")."""
    return singular_words(_JOINED.sub("", text))


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
    from .ml_bridge import SURE_ENOUGH, categorizer

    model = categorizer()
    if model is None or not normalise_words(q):
        return QueryIntent()
    prediction = model.predict_one(q)

    def sure(level: str) -> str:
        answer = prediction.levels[level]
        return answer.label if answer.confidence >= SURE_ENOUGH else ""

    sub_category = sure(SUB)
    return QueryIntent(
        gender=sure(GENDER) if mentions_gender(q) else "",
        sub_category=sub_category,
        article_type=sure(ARTICLE) if sub_category else "",
    )


@dataclass(frozen=True)
class QuerySummary:
    """What a results page (and the search API's ``understood``) says about a search: the
    labels the query was read as, a spelling correction to offer, and whether anything
    matched the words exactly (if not, the page says so above the closest products)."""

    understood: dict[str, str]
    did_you_mean: str = ""
    exact: bool = True


def query_summary(*, q: str) -> QuerySummary:
    intent = query_intent(q=q)
    understood = {GENDER: intent.gender, SUB: intent.sub_category, ARTICLE: intent.article_type}
    return QuerySummary(understood={level: label for level, label in understood.items() if label})
