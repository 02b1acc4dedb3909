"""The product line: one product in its many colours, sizes and packs.

The catalog lists "Puma Men Black Caliber Shoes" and "Puma Men White Caliber Shoes" as two
products of one line. The categorizer remembers each line's labels and weighs big lines
down; the recommenders show one product per line. Both find the line by the same words.
"""

from __future__ import annotations

from collections.abc import Iterable

from ml.catalog.text import normalize, singular

# Words that tell variants of one product apart besides colours: sizes and packs.
VARIANT_WORDS = frozenset(
    "pack packs set of combo light dark multi coloured colored size xs s m l xl xxl xxxl".split()
)


def colour_words(colours: Iterable[str]) -> frozenset[str]:
    """The words of the colour names ("Navy Blue" -> navy, blue)."""
    return frozenset(word for colour in colours for word in normalize(colour).split())


def line_words(name: str, colours: frozenset[str]) -> list[str]:
    """The words that identify a product's line, in order: the name's singularised words
    without colour words and without words containing digits (model numbers, sizes)."""
    return [
        singular(word)
        for word in normalize(name).split()
        if word not in colours and not any(char.isdigit() for char in word)
    ]


def variant_key(name: str, colours: frozenset[str]) -> str:
    """Equal for variants of one product: the line's words without size and pack words, as a
    set (word order does not matter)."""
    return " ".join(sorted(set(line_words(name, colours)) - VARIANT_WORDS))
