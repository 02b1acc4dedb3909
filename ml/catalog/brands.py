"""The brand a product name starts with: the one brand lexicon of the project.

Catalog names are shaped "Brand Gender descriptors Noun" ("Nike Men Black Polo T-shirt",
"Gini and Jony Girls Pink Top"): the words before the gender word are the brand. A name
without a gender word ("Nike Black Backpack", or a seller's "nike running shoes") gets a
brand only if it starts with one already known.

:class:`BrandLexicon` learns the brands from the catalog's names with one rule, and every
user reads brands through it: the import (``Product.brand``), the listing form (through the
brands the shop stores), the search's query reader (``ml.search.understand``) and the
categorizer's seller-style copies (``ml.categorize.augment``), so a name gets the same brand
everywhere. The rule: a leading phrase is a brand once :data:`BRAND_MIN_NAMES` names start
with it before their gender word, unless names use it more often as an ordinary word, after
their start ("Puma Men Black Ferrari T-shirt", "Spykar Men Black and White Shirt"): a query
"ferrari shoes" or "black and white shirt" must not be read as a brand.

Spellings differ ("ADIDAS" 1,639 times, "Adidas" 9; "Ray-Ban" and "Rayban"): brands are
compared by :func:`brand_key` and written as most names write them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from ml.catalog.text import GENDER_WORDS, normalize, singular

MAX_BRAND_WORDS = 4  # "United Colors of Benetton"
# A leading phrase fewer names start with (before their gender word) is not taken for a brand.
# At two, half the catalog's 63 such phrases are a brand plus a line or a word ("ADIDAS Black
# Men Cap", "Casio Youth Digital Men ...") or a plain word ("Strapless Unisex Flip Flops",
# read into the query "strapless bra"); at three such names fall back to the brand they start
# with ("ADIDAS").
BRAND_MIN_NAMES = 3
# ... nor one that fewer than this share of the names using its words use as their brand (the
# others use them as ordinary words, after their start): at least as many brand uses as others.
BRAND_SHARE = 0.5


def brand_key(brand: str) -> str:
    """How brands are compared: normalised words, joined, so that "Reid & Taylor" and
    "Reid&Taylor", "Ray-Ban" and "Rayban", "U.S. Polo Assn." and "US Polo Assn" are one."""
    return "".join(normalize(brand).split())


def leading_brand(name: str) -> str:
    """The words before the gender word of a catalog-style name, as written; "" if none."""
    words = name.split()
    for position, word in enumerate(words[: MAX_BRAND_WORDS + 1]):
        if normalize(word) in GENDER_WORDS:
            return " ".join(words[:position])
    return ""


def known_brand(name: str, known: Mapping[str, str]) -> str:
    """The longest known brand ``name`` starts with (``known``: brand key -> spelling); "" if
    none. A name that is nothing but a brand has none: "Puma" alone is no product of Puma's."""
    size = _known_brand_words(name.split(), known)
    return known[brand_key(" ".join(name.split()[:size]))] if size else ""


def _known_brand_words(tokens: list[str], known: Mapping[str, str]) -> int:
    """How many of ``tokens`` the longest known brand they start with spans (0: none)."""
    for size in range(min(MAX_BRAND_WORDS, len(tokens) - 1), 0, -1):
        if known.get(brand_key(" ".join(tokens[:size]))):
            return size
    return 0


def _word_use_key(words: Iterable[str]) -> str:
    """A phrase as the word-use count compares it: singular words, joined ("basics" = "basic")."""
    return "".join(singular(word) for word in words)


class BrandLexicon:
    """Brands learned from catalog names (scikit-learn style: ``fit`` sets the attributes
    ending in ``_``).

    Fitted attributes, by brand key (:func:`brand_key`):

    - ``spellings_``: the spelling most names use ("ADIDAS"); ties go to the first in sort order;
    - ``counts_``: how many names start with the brand before their gender word;
    - ``variants_``: every spelling names use, most used first ("ADIDAS", "Adidas").
    """

    def __init__(self, min_names: int = BRAND_MIN_NAMES, min_share: float = BRAND_SHARE):
        self.min_names = min_names
        self.min_share = min_share

    def get_params(self, deep: bool = True) -> dict:
        return {"min_names": self.min_names, "min_share": self.min_share}

    def set_params(self, **params) -> BrandLexicon:
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def fit(self, names: Iterable[str], y=None) -> BrandLexicon:
        names = [str(name) for name in names]
        spellings: defaultdict[str, Counter] = defaultdict(Counter)
        for name in names:
            brand = leading_brand(name)
            if brand_key(brand):
                spellings[brand_key(brand)][brand] += 1
        candidates = {
            key: counts for key, counts in spellings.items() if sum(counts.values()) >= self.min_names
        }
        # Each candidate's words as the word-use count compares them, from its usual spelling.
        phrases = {key: _word_use_key(normalize(max(counts, key=counts.get)).split())
                   for key, counts in candidates.items()}
        sizes = {len(normalize(spelling).split()) for counts in candidates.values() for spelling in counts}
        ordinary = self._ordinary_uses(names, set(phrases.values()), sizes)
        self.spellings_, self.counts_, self.variants_ = {}, {}, {}
        for key, counts in candidates.items():
            total = sum(counts.values())
            if total < self.min_share * (total + ordinary[phrases[key]]):
                continue
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            self.spellings_[key] = ranked[0][0]
            self.counts_[key] = total
            self.variants_[key] = tuple(spelling for spelling, _ in ranked)
        return self

    @staticmethod
    def _ordinary_uses(names: list[str], phrases: set[str], sizes: set[int]) -> Counter:
        """How many names use each phrase (by :func:`_word_use_key`) after their start, as an
        ordinary word ("Puma Men Red Ferrari T-shirt" uses "ferrari")."""
        uses: Counter = Counter()
        for name in names:
            words = [singular(word) for word in normalize(name).split()]
            found = {"".join(words[start:start + size])
                     for size in sizes for start in range(1, len(words) - size + 1)}
            uses.update(found & phrases)
        return uses

    # ------------------------------------------------------------------ reading names

    def __contains__(self, brand: str) -> bool:
        return brand_key(brand) in self.spellings_

    def __len__(self) -> int:
        return len(self.spellings_)

    def spelling(self, brand: str) -> str:
        """The lexicon's spelling of ``brand`` (any spelling of it); "" if it is no brand."""
        return self.spellings_.get(brand_key(brand), "")

    def read(self, name: str) -> str:
        """The brand of a name: the longest brand it starts with (the words before its gender
        word when they are one, "Mr. Men" in "Mr. Men Men Blue Tshirt" though "Mr." is one
        too); "" if none. :meth:`strip` drops the same words."""
        return known_brand(name, self.spellings_)

    def read_all(self, names: Iterable[str]) -> list[str]:
        return [self.read(name) for name in names]

    def strip(self, tokens: list[str]) -> list[str]:
        """``tokens`` without a leading known brand (longest match first; a name that is
        nothing but a brand keeps it)."""
        return tokens[_known_brand_words(tokens, self.spellings_):]


def brand_lexicon(names: Iterable[str], min_count: int = BRAND_MIN_NAMES) -> dict[str, str]:
    """Brands learned from catalog names: key -> spelling (:class:`BrandLexicon`)."""
    return dict(BrandLexicon(min_names=min_count).fit(names).spellings_)


def read_brands(names: list[str], min_count: int = BRAND_MIN_NAMES) -> list[str]:
    """The brand of each catalog name ("" where none is known), learned from the names
    themselves (:class:`BrandLexicon`)."""
    return BrandLexicon(min_names=min_count).fit(names).read_all(names)
