"""Free-text search that forgives case, plurals and punctuation.

Products store ``search_text``: the normalised words of their name and category path,
each preceded by a space. A query matches when every normalised query word starts a
word of that text, so "Men's T-Shirts" finds "Tshirts for men" but "men" never matches "women".
"""

from __future__ import annotations

import re

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
