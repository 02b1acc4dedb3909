"""Query and product words as search compares them (the categorizer's normalised, singular
words, with apostrophes and hyphens joining: "t-shirt" is one word, "tshirt")."""

from __future__ import annotations

import re

from ml.catalog.text import singular_words

_JOINED = re.compile(r"(?<=\w)['’\-](?=\w)")

# Words that carry no product meaning in a query ("kurta for men", "shoes with laces"...).
STOP_WORDS = frozenset(
    {"a", "an", "the", "for", "with", "and", "or", "of", "in", "on", "to", "by", "from", "at",
     "my", "me", "i", "under", "buy", "online", "new", "latest", "best", "good", "cheap", "some"}
)


# Words that say "clothes" without saying which ("gym wear", "winter clothes"): the query asks
# for apparel (the master category :data:`APPAREL`), and the word names no article type.
GARMENT_WORDS = frozenset({"wear", "clothes", "clothing", "cloth", "outfit", "apparel", "garment"})
APPAREL = "Apparel"  # the catalog's master category of clothes


def search_words(text: str) -> list[str]:
    """Lower-case singular words; apostrophes and hyphens join ("t-shirt" -> "tshirt")."""
    return singular_words(_JOINED.sub("", text))
