"""How much of a name the catalog's vocabulary knows, so that a guess on unknown words is
offered as a guess.

"men pullover grey": the model knows "men" and "grey", which say nothing about what the
product is, and has seen "pullover" once. Its character n-grams still vote ("pull", "over"),
and the linear heads turned that into a 72% "Sports Shoes". :class:`WordFamiliarity` counts,
per word, the training catalog names that use it; a name's familiarity is that of its *noun*,
the last of its product words (words that are not a gender word, a colour, a glue word, a
number or the brand before the gender word: "brown suede moccasins for men" -> moccasin),
from 0 (never seen) to 1 (seen in at least ``known_count`` names). Only the noun, because
catalog names are full of words seen once (model lines: "Puma Men Ferrari Drift Cat Shoes"):
on the held-out catalog names, the least known product word is unfamiliar in 20% of the
names, the noun in 0.7%, and flattening the former lost calibration (ECE 0.006 -> 0.065).
The cascade then flattens the probabilities of unfamiliar names (see
``CategoryCascade.unknown_word_temperature``): their likeliest path stays the likeliest,
and their confidence drops.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from ml.catalog.brands import MAX_BRAND_WORDS
from ml.catalog.lines import colour_words
from ml.catalog.text import GENDER_WORDS, normalize, singular

# Glue words and the "for him / for her" gender phrases: they never say what a product is.
GLUE_WORDS = frozenset({"a", "an", "and", "for", "her", "him", "in", "of", "on", "the", "with"})
# A word used by this many training names is fully known (a product line in a few colours
# is already 3-5 names; below that a word is a single line's).
KNOWN_COUNT = 5


class WordFamiliarity:
    """``familiarity(names) -> (n,)`` in [0, 1]; ``fit`` learns the word counts."""

    def __init__(self, colours: Iterable[str] = (), known_count: int = KNOWN_COUNT):
        self.colours = frozenset(colour_words(colours))
        self.known_count = known_count

    def product_words(self, name: str) -> list[str]:
        """The singularised words that may say what the product is."""
        words = normalize(name).split()
        gender = next((i for i, word in enumerate(words) if word in GENDER_WORDS), -1)
        if 0 < gender <= MAX_BRAND_WORDS:  # "Nike Men ...": the brand is not the product
            words = words[gender + 1 :]
        return [
            singular(word) for word in words
            if word not in GENDER_WORDS and word not in GLUE_WORDS and word not in self.colours
            and not any(char.isdigit() for char in word)
        ]

    def fit(self, names: Sequence[str], known: Iterable[str] = ()) -> WordFamiliarity:
        """Count the words of ``names``; the words of the phrases in ``known`` (the fashion
        vocabulary, :mod:`ml.catalog.vocabulary`) are known whatever their count."""
        counts: Counter[str] = Counter()
        for name in names:
            counts.update(set(self.product_words(name)))
        vouched = {word for phrase in known for word in self.product_words(phrase)}
        # Only the counts below known_count matter; every other word is simply "known".
        self.rare_ = {word: count for word, count in counts.items()
                      if count < self.known_count and word not in vouched}
        self.known_ = frozenset(
            {word for word, count in counts.items() if count >= self.known_count} | vouched)
        return self

    def word_familiarity(self, word: str) -> float:
        if word in self.known_:
            return 1.0
        return self.rare_.get(word, 0) / self.known_count

    def familiarity(self, names: Sequence[str]) -> np.ndarray:
        """Per name, the familiarity of its noun (1 if it has no product word: "blue for
        men" is vague, not unknown, and the heads already say so)."""
        nouns = [self.product_words(name)[-1:] for name in names]
        return np.array([self.word_familiarity(noun[0]) if noun else 1.0 for noun in nouns])
