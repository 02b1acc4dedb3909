"""The brand a product name starts with.

Catalog names are shaped "Brand Gender descriptors Noun" ("Nike Men Black Polo T-shirt",
"Gini and Jony Girls Pink Top"): the words before the gender word are the brand. A name
without a gender word ("Nike Black Backpack", or a seller's "nike running shoes") gets a
brand only if it starts with one already known. Spellings differ ("ADIDAS" 1,639 times,
"Adidas" 9): brands are compared by their normalised words and written as most names write them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from ml.catalog.text import GENDER_WORDS, normalize

MAX_BRAND_WORDS = 4  # "United Colors of Benetton"
MIN_BRAND_NAMES = 2  # a brand is believed once two names start with it


def brand_key(brand: str) -> str:
    """How brands are compared: "Reid & Taylor" and "Reid&Taylor" are one brand."""
    return normalize(brand)


def leading_brand(name: str) -> str:
    """The words before the gender word of a catalog-style name, as written; "" if none."""
    words = name.split()
    for position, word in enumerate(words[: MAX_BRAND_WORDS + 1]):
        if normalize(word) in GENDER_WORDS:
            return " ".join(words[:position])
    return ""


def known_brand(name: str, known: Mapping[str, str]) -> str:
    """The longest known brand ``name`` starts with (``known``: key -> spelling); "" if none.
    A name that is nothing but a brand has none: "Puma" alone is no product of Puma's."""
    words = name.split()
    for size in range(min(MAX_BRAND_WORDS, len(words) - 1), 0, -1):
        spelling = known.get(brand_key(" ".join(words[:size])))
        if spelling:
            return spelling
    return ""


def brand_lexicon(names: Iterable[str], min_count: int = MIN_BRAND_NAMES) -> dict[str, str]:
    """Brands learned from catalog names: key -> the most common spelling, for every brand
    that at least ``min_count`` names start with."""
    spellings: defaultdict[str, Counter] = defaultdict(Counter)
    for name in names:
        brand = leading_brand(name)
        if brand_key(brand):
            spellings[brand_key(brand)][brand] += 1
    return {
        key: counts.most_common(1)[0][0]
        for key, counts in spellings.items()
        if sum(counts.values()) >= min_count
    }


def read_brands(names: list[str], min_count: int = MIN_BRAND_NAMES) -> list[str]:
    """The brand of each catalog name ("" where none is known), learned from the names
    themselves: a leading brand that only one name uses is taken for a word, not a brand."""
    lexicon = brand_lexicon(names, min_count=min_count)
    brands = []
    for name in names:
        leading = lexicon.get(brand_key(leading_brand(name)), "")
        brands.append(leading or known_brand(name, lexicon))
    return brands
