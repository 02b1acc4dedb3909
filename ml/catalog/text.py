"""How product text is read, the same way by every model and by the shop's search.

Names are short ("Nike Men Black Polo T-shirt", "blue denim jeans for men"): lower-cased,
punctuation-free words, crudely singularised, are what the categorizer, the product-line key
and the search index all compare.
"""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[\W_]+")  # any script's letters and digits survive
# Words that say who a product is for (singular forms included: features are singularised).
GENDER_WORDS = frozenset(
    {"men", "man", "mens", "women", "woman", "womens", "boy", "boys", "girl", "girls",
     "kid", "kids", "unisex", "ladies", "lady", "teen", "teens"}
)
_OTHER_GENDER_WORDS = frozenset({"him", "her"})  # "for him", "for her"


def normalize(text: str) -> str:
    """Lower-case, drop apostrophes ("men's" -> "mens") and turn other punctuation into spaces."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(_NOT_ALNUM.sub(" ", text).split())


def singular(word: str) -> str:
    """A crude, consistent singular: "watches" -> "watch", "ladies" -> "lady", "shoes" -> "shoe".

    It only has to map the forms sellers and shoppers use onto one token; it need not be
    good English.
    """
    if len(word) <= 3 or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("es") and word[-3] in "hxs":
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def singular_words(text: str) -> list[str]:
    """The normalised, singularised words of a text."""
    return [singular(word) for word in normalize(text).split()]


def mentions_gender(text: str) -> bool:
    """Whether a text says who the product is for ("men's", "for her", "kids" ...)."""
    return any(word in GENDER_WORDS or word in _OTHER_GENDER_WORDS for word in normalize(text).split())
