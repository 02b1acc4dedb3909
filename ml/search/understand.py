"""What a shopper's query asks for, read with the catalog's own vocabulary.

:class:`QueryUnderstanding` is fitted on the catalog (one row per product: name and labels)
and learns:

- the vocabulary of product words and how many products use each (spelling fixes pick the
  most used word one edit away: "jeens" -> "jean", "hanbag" -> "handbag");
- compounds written apart or together ("t shirt" = "tshirt", "flipflops" = "flip flop");
- which article types each word points at (``P(type | word)`` over the products using it);
- colour words (a word that, in names, nearly always is the product's colour) and brands
  (the words before the gender in a name: "Nike Men Black ..." is Nike; learned by the
  catalog's one :class:`ml.catalog.brands.BrandLexicon`, so a query's brand is spelled as the
  import stores it in ``Product.brand``);
- a semantic neighbourhood for words the catalog never uses ("pullover", "parka"): every word
  of the sentence encoder's vocabulary is embedded at fit time and points at the article types
  of its nearest catalog words and type labels, kept as memory-mapped arrays.

:meth:`QueryUnderstanding.parse` then turns a query into a :class:`ParsedQuery`: the
gender(s) it accepts, the colours, the brand, the article types with weights, and the words a
product's text should contain. Nothing here runs a search: the shop turns the parse into its
database query (``main/search.py``).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jellyfish
import joblib
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ml.catalog.brands import MAX_BRAND_WORDS, BrandLexicon
from ml.catalog.colours import COLOUR_FAMILIES
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, NAME, SUB, UNISEX, USAGE
from ml.catalog.text import normalize, singular
from ml.catalog.vocabulary import (
    GIFT_TYPES,
    GIFT_WORDS,
    PLURAL_GARMENTS,
    PURPOSE_WORDS,
    SLANG,
    TYPES,
    gender_in,
    label_heads,
    label_parts,
    phrases_in,
)

from .text import GARMENT_WORDS, STOP_WORDS, search_words

# Who a gender word asks for (catalog labels); Unisex products are for men and women alike.
GENDER_OF_WORD = {
    "men": ("Men", UNISEX), "man": ("Men", UNISEX), "him": ("Men", UNISEX), "gent": ("Men", UNISEX),
    "male": ("Men", UNISEX),
    "women": ("Women", UNISEX), "woman": ("Women", UNISEX), "lady": ("Women", UNISEX),
    "her": ("Women", UNISEX), "female": ("Women", UNISEX),
    "boy": ("Boys",), "girl": ("Girls",), "kid": ("Boys", "Girls"), "child": ("Boys", "Girls"),
    "children": ("Boys", "Girls"), "unisex": (UNISEX, "Men", "Women"),
    # whom a gift is for ("watch for husband"); not "boyfriend", a cut of women's jeans
    "husband": ("Men", UNISEX), "dad": ("Men", UNISEX), "father": ("Men", UNISEX),
    "brother": ("Men", UNISEX),
    "wife": ("Women", UNISEX), "mom": ("Women", UNISEX), "mum": ("Women", UNISEX),
    "mother": ("Women", UNISEX), "sister": ("Women", UNISEX),
}
TYPO_LABEL_MIN_LENGTH = 3  # "jen" (jeans) is fixed to a type's word, never to any other word
TYPO_MIN_LENGTH = 4  # shorter words are too often a real word one edit from another
SPLIT_MIN_CHARS = 3  # "legins" is not "leg" + "ins"
TYPO_MAX_EDITS = 2  # beyond one edit, a fix is searched among words of the same first letter
TYPO_MIN_DF = 3  # a spelling fix goes only to a word at least this many products use
COMPOUND_MIN_DF = 3  # a joined or split compound must be this common to be taken
COLOUR_SHARE = 0.5  # a word is a colour when at least this share of the names using it are that colour
BRAND_PREFIX_MIN_CHARS = 5  # "us polo" may stand for "U.S. Polo Assn." (joined prefix this long)
TYPE_SMOOTHING = 0.02  # added to each word's type distribution before they are multiplied
SEMANTIC_PRIOR_DF = 30  # a word used by this many products is trusted half lexically, half semantically
TYPE_MIN_SHARE = 0.12  # types below this share of the top type's weight are not boosted
TYPE_MAX = 6
SEMANTIC_NEIGHBOURS = 5  # catalog words and labels a lexicon word borrows its types from
SEMANTIC_MIN_SIMILARITY = 0.45
SEMANTIC_TEMPERATURE = 0.05
SEMANTIC_TYPES_KEPT = 5
ANCHOR_MIN_DF = 5  # catalog words used by fewer products are not semantic anchors
LEXICON_MIN_CHARS = 3
# The words' distributions multiplied (top type = 1) overrule the types a generic word names
# when every named type weighs less than this: "tote bag" (Handbags by the catalog's own use
# of "tote"), while "gym shoes" stays shoes (its other types are not shoes). Types then added: those at
# least TYPE_MATCH_WEIGHT. Dev P@24 best match / price low to high (make evaluate-search): never
# overruled 0.896 / 0.879, 0.1 0.903 / 0.885, 0.3 0.899.
NAMED_OVERRULED_BELOW = 0.1
# A type the words point at below this weight (the words' distributions multiplied, top = 1)
# ranks but does not pull products in; among the types the words name ("shoe": the Shoes), the
# same. Measured on the dev queries (make evaluate-search, this threshold for the named types
# alone): 0.05, 0.1 and 0.3 all give P@24 0.903 best match first; price low to high 0.884,
# 0.884 and 0.885 ("running shoes" drops Formal Shoes at any of them).
TYPE_MATCH_WEIGHT = 0.3
# A price a query states: "under 500", "below rs 1000", "upto 799", "above 2000".
_MAX_PRICE = re.compile(r"\b(?:under|below|less than|lower than|upto|up to|within|max|cheaper than)"
                        r"\s*(?:rs\.?|inr|₹)?\s*(\d{2,6})\b")
_MIN_PRICE = re.compile(r"\b(?:above|over|more than|from|min|starting)\s*(?:rs\.?|inr|₹)?\s*(\d{2,6})\b")

LEXICON_WORDS_FILE = "lexicon_words.json"
LEXICON_TYPES_FILE = "lexicon_types.npy"
LEXICON_WEIGHTS_FILE = "lexicon_weights.npy"
MODEL_FILE = "understanding.joblib"


@dataclass(frozen=True)
class Term:
    """A word a matching product's text contains, in any of its spellings ("tshirt", "t shirt")."""

    word: str
    forms: tuple[str, ...]
    weight: float  # 0..1, rarer words weigh more


@dataclass(frozen=True)
class ParsedQuery:
    """A query as the catalog understands it. Empty fields ask for nothing."""

    text: str
    genders: tuple[str, ...] = ()  # stated, or implied by a garment word (ml.catalog.vocabulary.GENDERS)
    colours: tuple[str, ...] = ()
    brand: str = ""  # spelled as the import stores it in Product.brand ("U.S. Polo Assn.")
    brand_prefixes: tuple[str, ...] = ()  # every spelling names start with ("Red Tape", "Redtape")
    types: dict[str, float] = field(default_factory=dict)  # article type -> weight (top = 1)
    terms: tuple[Term, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, meant)
    unknown: tuple[str, ...] = ()  # words neither the catalog nor the lexicon knows
    semantic: tuple[str, ...] = ()  # words read through the sentence encoder only
    corrected: str = ""  # the query with its spelling fixed ("" when nothing was fixed)
    named: tuple[str, ...] = ()  # article types the query's words name (catalog labels, vocabulary)
    colour_words: tuple[str, ...] = ()  # the colours as typed ("blue", "navy blue")
    min_price: int | None = None  # rupees, as stated ("above 2000")
    max_price: int | None = None  # rupees, as stated ("under 500")
    apparel: bool = False  # a word says clothes without saying which ("gym wear"): see GARMENT_WORDS
    # The types the named ones' other label words head ("Kurta Sets": Kurtas): what a search
    # shows instead when the named types have nothing for the query's gender.
    related: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        """Whether every word was the catalog's own, as typed."""
        return not (self.corrections or self.unknown or self.semantic)

    @property
    def asks_for_something(self) -> bool:
        return bool(self.genders or self.colours or self.brand or self.types or self.terms or self.apparel
                    or self.min_price is not None or self.max_price is not None)

    @property
    def asked_types(self) -> tuple[str, ...]:
        """The article types the result set is narrowed to: those the words name, else the
        types the words' distributions point at firmly enough (:data:`TYPE_MATCH_WEIGHT`)."""
        return self.named or tuple(t for t, w in self.types.items() if w >= TYPE_MATCH_WEIGHT)


class QueryUnderstanding(BaseEstimator):
    """Fitted on a catalog frame (name, gender, subCategory, articleType, baseColour, usage).

    Parameters:
        encoder: SentenceEncoder-like, ``encode(texts)`` -> (n, d) normalised rows; None: no
            semantic lexicon (words the catalog never uses stay unknown).
        lexicon_words: words read semantically besides the catalog's; None: the encoder's
            vocabulary.

    After ``fit``: ``types_`` (article types), ``n_products_``, ``df_`` (word -> products
    using it), ``type_dist_``, ``splits_``, ``deletes_``, ``by_initial_``, ``shades_``,
    ``colour_words_``, ``brand_lexicon_``, ``brands_``, ``brand_singulars_`` and ``lexicon_``
    (None without an encoder).
    """

    def __init__(self, encoder=None, lexicon_words=None):
        self.encoder = encoder
        self.lexicon_words = lexicon_words

    # ------------------------------------------------------------------ fitting

    def fit(self, X: pd.DataFrame, y=None) -> QueryUnderstanding:
        """Learn the vocabulary, compounds, types, colours, brands (and lexicon) of the
        catalog ``X``, one row per product; ``y`` is ignored."""
        catalog = X
        names = catalog[NAME].fillna("").astype(str)
        types = catalog[ARTICLE].fillna("").astype(str)
        self.types_ = sorted(set(types))
        type_index = {t: i for i, t in enumerate(self.types_)}
        df: Counter = Counter()
        type_counts: dict[str, Counter] = defaultdict(Counter)
        bigrams: Counter = Counter()
        colour_hits: Counter = Counter()
        name_df: Counter = Counter()
        columns = [catalog[c].fillna("").astype(str) for c in (SUB, GENDER, COLOUR, USAGE)]
        for name, article, sub, gender, colour, usage in zip(names, types, *columns, strict=True):
            name_words = search_words(name)
            words = name_words + search_words(f"{article} {sub} {gender} {colour} {usage}")
            bigrams.update(zip(words, words[1:], strict=False))
            colour_words = set(search_words(colour))
            for word in set(name_words):
                name_df[word] += 1
                colour_hits[word] += word in colour_words
            for word in set(words):
                df[word] += 1
                type_counts[word][type_index[article]] += 1
        self.n_products_ = len(catalog)
        self.df_ = dict(df)
        self.type_dist_ = {
            word: {t: n / df[word] for t, n in counts.items()} for word, counts in type_counts.items()
        }
        self.splits_ = self._learn_splits(bigrams)
        self.deletes_ = self._learn_deletes()
        self.by_initial_ = self._learn_initials()
        colour_labels = sorted({c for c in catalog[COLOUR].fillna("").astype(str) if c and c != "NA"})
        self.shades_ = {" ".join(search_words(c)): c for c in colour_labels if len(search_words(c)) == 2}
        self.colour_words_ = self._learn_colours(colour_labels, colour_hits, name_df)
        self.brand_lexicon_ = BrandLexicon().fit(names)
        self.brands_ = self._brand_index(self.brand_lexicon_)
        self.brand_singulars_ = {singular(key): key for key in self.brands_}
        self.lexicon_ = None
        if self.encoder is not None:
            self.lexicon_ = self._learn_lexicon(type_index)
        return self

    def _learn_splits(self, bigrams: Counter) -> dict[str, tuple[str, ...]]:
        """Compounds the catalog writes both ways: ``{"tshirt": ("t shirt",)}``."""
        splits: dict[str, set[str]] = defaultdict(set)
        for (a, b), n in bigrams.items():
            joined = singular(a + b)
            if n >= COMPOUND_MIN_DF and self.df_.get(joined, 0) >= COMPOUND_MIN_DF:
                splits[joined].add(f"{a} {b}")
        return {word: tuple(sorted(forms)) for word, forms in splits.items()}

    def _learn_deletes(self) -> dict[str, tuple[str, ...]]:
        """Each common word under every one-letter deletion (for spelling fixes)."""
        deletes: dict[str, list[str]] = defaultdict(list)
        for word, n in self.df_.items():
            if n >= TYPO_MIN_DF and len(word) >= TYPO_MIN_LENGTH - 1 and word.isalpha():
                for variant in _deletions(word):
                    deletes[variant].append(word)
        return {variant: tuple(words) for variant, words in deletes.items()}

    def _learn_initials(self) -> dict[str, tuple[str, ...]]:
        """Common words by first letter (a two-edit spelling fix looks only there)."""
        initials: dict[str, list[str]] = defaultdict(list)
        for word, n in self.df_.items():
            if n >= TYPO_MIN_DF and len(word) >= TYPO_MIN_LENGTH and word.isalpha():
                initials[word[0]].append(word)
        return {letter: tuple(words) for letter, words in initials.items()}

    @staticmethod
    def _learn_colours(labels: list[str], hits: Counter, name_df: Counter) -> dict[str, tuple[str, ...]]:
        """Colour word -> the colour labels it stands for ("blue": Blue, Navy Blue, Teal ...)."""
        result = {}
        for label in labels:
            for word in search_words(label):
                if name_df[word] and hits[word] / name_df[word] >= COLOUR_SHARE:
                    family = COLOUR_FAMILIES.get(word, set())
                    members = {c for c in labels if word in search_words(c)} | (family & set(labels))
                    result[word] = tuple(sorted(members))
        return result

    @staticmethod
    def _brand_index(lexicon: BrandLexicon) -> dict[str, dict]:
        """Brand key (``ml.catalog.brands.brand_key``: "uspoloassn") -> its spelling (the one
        the import stores in ``Product.brand``), the spellings names start with (for
        ``ParsedQuery.brand_prefixes``) and how many names it starts."""
        return {
            key: {"name": spelling, "prefixes": lexicon.variants_[key], "products": lexicon.counts_[key]}
            for key, spelling in lexicon.spellings_.items()
        }

    def _learn_lexicon(self, type_index: dict[str, int]) -> dict:
        """Every lexicon word's article types, borrowed from its nearest catalog words."""
        # Shoppers' words are embedded as written ("loafers" reads better than "loafer"),
        # and looked up by their singular, as a query's words are.
        surface = {w: w for w in self.df_}
        extra = _encoder_vocabulary(self.encoder) if self.lexicon_words is None else self.lexicon_words
        for word in extra:
            surface.setdefault(singular(word), word)
        words = sorted(w for w in surface if len(w) >= LEXICON_MIN_CHARS and w.isalpha())
        row_of = {w: i for i, w in enumerate(words)}
        anchors = [w for w in words if self.df_.get(w, 0) >= ANCHOR_MIN_DF]
        labels = [t.lower() for t in self.types_]
        vectors = self.encoder.encode([surface[w] for w in words])
        anchor_vectors = np.vstack([vectors[[row_of[a] for a in anchors]], self.encoder.encode(labels)])
        anchor_dists = [self.type_dist_[a] for a in anchors] + [{i: 1.0} for i in range(len(labels))]
        anchor_names = anchors + [f"<{label}>" for label in labels]
        kept_types = np.zeros((len(words), SEMANTIC_TYPES_KEPT), dtype=np.int16)
        kept_weights = np.zeros((len(words), SEMANTIC_TYPES_KEPT), dtype=np.float32)
        n_types = len(self.types_)
        for start in range(0, len(words), 2048):
            sims = vectors[start:start + 2048] @ anchor_vectors.T
            for row, word in enumerate(words[start:start + 2048]):
                similarity = sims[row]
                order = np.argsort(-similarity)
                order = [j for j in order[: SEMANTIC_NEIGHBOURS + 1] if anchor_names[j] != word]
                order = order[:SEMANTIC_NEIGHBOURS]
                order = [j for j in order if similarity[j] >= SEMANTIC_MIN_SIMILARITY]
                if not order:
                    continue
                weights = np.exp((similarity[order] - similarity[order[0]]) / SEMANTIC_TEMPERATURE)
                dist = np.zeros(n_types)
                for j, w in zip(order, weights, strict=True):
                    for t, p in anchor_dists[j].items():
                        dist[t] += w * p
                dist /= dist.sum()
                top = np.argsort(-dist)[:SEMANTIC_TYPES_KEPT]
                kept_types[start + row] = top
                kept_weights[start + row] = dist[top]
        return {"words": {w: i for i, w in enumerate(words)}, "types": kept_types, "weights": kept_weights}

    # ------------------------------------------------------------------ saving

    def save(self, folder: Path) -> None:
        """The lexicon's arrays as .npy (memory-mapped on load), the rest as one joblib file
        (without the encoder: a loaded reader parses with the saved lexicon alone)."""
        check_is_fitted(self)
        folder = Path(folder)
        lexicon = self.lexicon_
        if lexicon is not None:
            words = sorted(lexicon["words"], key=lexicon["words"].get)
            (folder / LEXICON_WORDS_FILE).write_text(json.dumps(words))
            np.save(folder / LEXICON_TYPES_FILE, lexicon["types"])
            np.save(folder / LEXICON_WEIGHTS_FILE, lexicon["weights"])
        encoder, self.encoder, self.lexicon_ = self.encoder, None, None
        try:
            joblib.dump(self, folder / MODEL_FILE)
        finally:
            self.encoder, self.lexicon_ = encoder, lexicon

    @classmethod
    def load(cls, folder: Path) -> QueryUnderstanding:
        folder = Path(folder)
        model = joblib.load(folder / MODEL_FILE)
        if (folder / LEXICON_WORDS_FILE).is_file():
            words = json.loads((folder / LEXICON_WORDS_FILE).read_text())
            model.lexicon_ = {
                "words": {w: i for i, w in enumerate(words)},
                "types": np.load(folder / LEXICON_TYPES_FILE, mmap_mode="r"),
                "weights": np.load(folder / LEXICON_WEIGHTS_FILE, mmap_mode="r"),
            }
        return model

    # ------------------------------------------------------------------ reading a query

    def parse(self, text: str) -> ParsedQuery:
        """What ``text`` asks for; ``NotFittedError`` before :meth:`fit`."""
        check_is_fitted(self)
        text_for_words, min_price, max_price = _prices(text)
        raw = search_words(text_for_words)
        words, corrections = self._spelled(raw)
        genders: list[str] = []
        colours: list[str] = []
        content: list[str] = []
        brand, brand_words = self._brand(normalize(text).split())
        if brand is None and corrections:
            brand, brand_words = self._brand(words)
        words, shades = self._shades(words)
        words = _vocabulary_phrases(words, ending_in=GARMENT_WORDS)
        colours += shades
        colour_words = [shade.lower() for shade in shades]
        purpose: list[str] = []  # content words after "for" / "with": what the thing goes with
        after_purpose = False
        apparel = False
        category = self._category_positions(words)
        garments = self._plural_garments(text_for_words, words)
        families = [{shade} for shade in shades]  # each colour named, as the labels it stands for
        for position, word in enumerate(words):
            if word in PURPOSE_WORDS:
                after_purpose = True
            if word in STOP_WORDS or word in brand_words:
                continue
            if word in GENDER_OF_WORD:
                genders += [g for g in GENDER_OF_WORD[word] if g not in genders]
            elif word in GARMENT_WORDS:
                apparel = True
            elif word in self.colour_words_ and position not in category and word not in garments:
                colours += [c for c in self.colour_words_[word] if c not in colours]
                colour_words.append(word)
                families.append(set(self.colour_words_[word]))
            else:
                apparel = apparel or word.split()[-1] in GARMENT_WORDS  # "gym wear" (one word here)
                content.append(word)
                if after_purpose:
                    purpose.append(word)
        # A colour inside another one named beside it is its shade: "olive green" is olive (the
        # green family holds Olive); "black and white" keeps both.
        wider = {c for family in families for other in families if other < family for c in family - other}
        colours = [c for c in colours if c not in wider]
        # "leggings for kurti": the head is before "for"; the words after it only modify.
        main_words = [w for w in content if w not in purpose]
        named = self._named_types(main_words, purpose) if main_words else self._named_types(content)
        named = named or {kind for word in garments for kind in garments[word] if kind in self.types_}
        types, unknown, semantic = self._types(content, named, purpose if main_words else ())
        named = set(types) if named else set()  # as _types kept (and perhaps overruled) them
        if not genders:  # a garment word that says who wears it: "kurta pajama", "palazzo"
            implied = gender_in(" ".join(content))
            genders = list(GENDER_OF_WORD[implied.lower()]) if implied else []
        terms = tuple(self._term(word) for word in content if word in self.df_)
        corrected = " ".join(words) if corrections else ""
        return ParsedQuery(
            text=text,
            genders=tuple(genders),
            colours=tuple(colours),
            brand=brand["name"] if brand else "",
            brand_prefixes=brand["prefixes"] if brand else (),
            types=types,
            terms=terms,
            corrections=tuple(corrections),
            unknown=tuple(unknown),
            semantic=tuple(semantic),
            corrected=corrected,
            named=tuple(t for t in types if t in named),
            colour_words=tuple(colour_words),
            min_price=min_price,
            max_price=max_price,
            apparel=apparel,
            related=self._related_types(named),
        )

    def _plural_garments(self, text: str, words: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The words typed in a plural that names a garment, a colour in the singular
        (:data:`ml.catalog.vocabulary.PLURAL_GARMENTS`: "khakis"), by their singular, when no
        other word of the query names a type ("khakis for men"; "khaki pants" is the colour)."""
        garments = {singular(w): PLURAL_GARMENTS[w] for w in normalize(text).split() if w in PLURAL_GARMENTS}
        others = [w for w in words if w not in garments and w not in STOP_WORDS and w not in GENDER_OF_WORD]
        if any(self._types_named_by(w)[1] for w in others):
            return {}
        return garments

    def _related_types(self, named: Collection[str]) -> tuple[str, ...]:
        """The types the other words of the ``named`` types' labels head ("Kurta Sets": Kurtas;
        "Shoe Laces": the Shoes), not themselves named."""
        heads = self._label_words()[0]
        related = {kind for label in named for part in label_parts(label)
                   for word in search_words(part)[:-1] for kind in heads.get(word, ())}
        return tuple(sorted(related - set(named)))

    def head_siblings(self, types: Collection[str]) -> tuple[str, ...]:
        """The other types whose label ends in the same noun as one of ``types``' ("Trolley
        Bag": Duffel, Laptop and Messenger Bag; "Rain Jacket": Jackets, Nehru Jackets)."""
        heads = self._label_words()[0]
        siblings = {kind for label in types for part in label_parts(label)
                    for words in [search_words(part)] if words for kind in heads.get(words[-1], ())}
        return tuple(sorted(siblings - set(types)))

    # ------------------------------------------------------------------ types the words name

    def _named_types(self, content: list[str], purpose: Sequence[str] = ()) -> set[str]:
        """The article types the query names: a type's own label word ("blazer" -> Blazers,
        "shoe" -> every Shoes type) or a vocabulary word the catalog never uses ("joggers").
        The last word that names types is the head ("formal shirt": a shirt); an earlier one
        narrows it when they share types ("casual shoes": Casual Shoes), replaces it when it
        heads fewer types ("patiala pants": Patiala, not every Pants), and is a mere modifier
        otherwise ("sports bra": a bra). A word names the types it heads ("shoe": the Shoes,
        not Shoe Accessories); one that heads none names those it modifies. The ``purpose``
        words ("shoes for saree") only narrow, never replace, unless nothing else names a type."""
        named: set[str] = set()
        words = [*reversed(_vocabulary_phrases(content)), *reversed(_vocabulary_phrases(list(purpose)))]
        # A slang word ("shades") names its type only where no other word names one ("lipstick shades").
        words = [w for w in words if w not in SLANG] + [w for w in words if w in SLANG]
        for word in words:
            if word in SLANG and named:
                break
            heads, every = self._types_named_by(word)
            if not every:
                continue
            if not named:
                named = set(heads or every)
            elif named & every:
                named &= every
            elif heads and len(heads) < len(named) and word not in purpose:
                named = set(heads)
        return named

    def _types_named_by(self, word: str) -> tuple[set[str], set[str]]:
        """The types ``word`` heads and every type it names (catalog labels first, else the
        shared vocabulary)."""
        heads, every = self._label_words()
        if word in GIFT_WORDS:  # "gift for him": the giftable types; "gift set": the gift sets
            gifts = {t for t in GIFT_TYPES if t in self.types_}
            return gifts, set(every.get(word, ())) | gifts
        found = _vocabulary_types(word)
        if word in every:  # "pant": the Pants types by their labels, and Trousers by the vocabulary
            return set(heads.get(word, ())) | found, set(every[word]) | found
        return found, found

    def _label_words(self) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
        """Words of the article types' labels: the types each heads
        (:func:`ml.catalog.vocabulary.label_heads`, the categorizer's too) and every type
        whose label has it ("shoe": the Shoes, Shoe Accessories and Shoe Laces). Derived from
        the fitted types (no refit needed)."""
        index = self.__dict__.get("_label_index")
        if index is None:
            every: dict[str, set[str]] = defaultdict(set)
            for label in self.types_:
                for part in label_parts(label):
                    words = search_words(part)
                    if words:
                        every[singular("".join(words))].add(label)  # "tshirt", "nightsuit", "flipflop"
                    for word in words:
                        if word not in STOP_WORDS:
                            every[word].add(label)
            index = (dict(label_heads(tuple(self.types_))), {w: frozenset(t) for w, t in every.items()})
            self.__dict__["_label_index"] = index
        return index

    def _category_positions(self, words: Sequence[str]) -> set[int]:
        """Positions of the words inside a two-word category phrase, a vocabulary phrase ("skin
        care") or an article-type label's ("eye cream"): such a word is read as the category,
        never as a colour (the catalog's colours include Skin and Cream)."""
        phrases = self.__dict__.get("_label_phrases")
        if phrases is None:
            phrases = frozenset(
                " ".join(pair) for label in self.types_ for part in label_parts(label)
                for words_ in [search_words(part)] for pair in zip(words_, words_[1:], strict=False))
            self.__dict__["_label_phrases"] = phrases
        found: set[int] = set()
        for i, pair in enumerate(zip(words, words[1:], strict=False)):
            phrase = " ".join(pair)
            if phrase in phrases or _vocabulary_types(phrase):
                found |= {i, i + 1}
        return found

    def _shades(self, words: list[str]) -> tuple[list[str], list[str]]:
        """A colour named in full ("navy blue") asks for that shade only, not its family."""
        rest, shades, i = [], [], 0
        while i < len(words):
            pair = " ".join(words[i:i + 2])
            if i + 1 < len(words) and pair in self.shades_:
                shades.append(self.shades_[pair])
                i += 2
            else:
                rest.append(words[i])
                i += 1
        return rest, shades

    def _spelled(self, raw: Sequence[str]) -> tuple[list[str], list[tuple[str, str]]]:
        """Join compounds typed apart, split those typed together, fix misspellings."""
        words: list[str] = []
        corrections: list[tuple[str, str]] = []
        i = 0
        while i < len(raw):
            word = raw[i]
            if i + 1 < len(raw) and word not in STOP_WORDS and raw[i + 1] not in STOP_WORDS:
                joined = singular(word + raw[i + 1])
                if self.df_.get(joined, 0) >= COMPOUND_MIN_DF:
                    words.append(joined)
                    i += 2
                    continue
            i += 1
            if (word in self.df_ or word in STOP_WORDS or word in GENDER_OF_WORD or not word.isalpha()
                    or _vocabulary_types(word)):
                words.append(word)
                continue
            split = self._split(word)
            fixed = self._fix(word)
            if split and not (_within_edits(word, fixed, 1) and self.df_[fixed] > self._split_df(split)):
                words += split
                continue
            if fixed:
                corrections.append((word, fixed))
                words.append(fixed)
            else:
                words.append(word)
        return words, corrections

    def _split_df(self, split: Sequence[str]) -> int:
        """How many products use the rarer half of a split ("fast track": fast's 24)."""
        return min(self.df_.get(part, 0) for part in split)

    def _split(self, word: str) -> list[str]:
        best, best_df = [], 0
        for cut in range(SPLIT_MIN_CHARS, len(word) - SPLIT_MIN_CHARS + 1):
            a, b = singular(word[:cut]), singular(word[cut:])
            if a in STOP_WORDS or b in STOP_WORDS:
                continue
            n = min(self.df_.get(a, 0), self.df_.get(b, 0))
            if n >= COMPOUND_MIN_DF and n > best_df:
                best, best_df = [a, b], n
        return best

    def _fix(self, word: str) -> str:
        """The most used catalog word one edit (or a transposition) away; "" if none. A word
        the semantic lexicon knows, or a short one, is fixed only to a word one edit away that
        names an article type ("jens" -> jean, "heals" -> heel: shoppers search for things)."""
        known = self.lexicon_ is not None and word in self.lexicon_["words"]
        if known or len(word) < TYPO_MIN_LENGTH:
            if len(word) < TYPO_LABEL_MIN_LENGTH or _vocabulary_types(word):
                return ""
            label_words = self._label_words()[1]
            near = [w for w in label_words if self.df_.get(w, 0) >= TYPO_MIN_DF and w not in GENDER_OF_WORD
                    and _within_edits(word, w, 1)]
            return min(sorted(near), key=lambda w: -self.df_[w], default="")
        candidates = set(self.deletes_.get(word, ()))
        for variant in _deletions(word):
            if self.df_.get(variant, 0) >= TYPO_MIN_DF:
                candidates.add(variant)
            candidates.update(self.deletes_.get(variant, ()))
        candidates.discard(word)
        if not any(_within_edits(word, c, 1) for c in candidates):
            same_initial = self.by_initial_.get(word[0], ())
            candidates |= {w for w in same_initial if _within_edits(word, w, TYPO_MAX_EDITS)}
        # A gender is fixed from one edit only ("womn"): two edits from "women" lie words that
        # say something else ("woolen"), and a wrong gender filters out most of the answer.
        candidates = {c for c in candidates if c not in GENDER_OF_WORD or _within_edits(word, c, 1)}
        label_words = self._label_words()[1]
        if not candidates:  # spelled by ear, further than two edits: "neckless" -> necklace
            candidates = {w for w in self._sounds().get(jellyfish.metaphone(word), ())
                          if w in label_words and w[0] == word[0]}
        # Closest first (one edit before two), then the same first letter, then a word naming
        # an article type (shoppers search for products: "legins" is leggings, not Levis),
        # then the word typed with an ending ("woolen" is wool, not woven), then the most used.
        return min(sorted(candidates), default="", key=lambda c: (
            not _within_edits(word, c, 1), c[0] != word[0], c not in label_words, not word.startswith(c),
            -self.df_[c]))

    def _sounds(self) -> dict[str, tuple[str, ...]]:
        """The common catalog words by how they sound (their metaphone code), for a word
        spelled by ear. Derived from the fitted vocabulary (no refit needed)."""
        sounds = self.__dict__.get("_sound_index")
        if sounds is None:
            grouped: dict[str, list[str]] = defaultdict(list)
            for word, n in self.df_.items():
                if n >= TYPO_MIN_DF and len(word) >= TYPO_MIN_LENGTH and word.isalpha():
                    grouped[jellyfish.metaphone(word)].append(word)
            sounds = {code: tuple(words) for code, words in grouped.items()}
            self.__dict__["_sound_index"] = sounds
        return sounds

    def _brand(self, words: list[str]) -> tuple[dict | None, set[str]]:
        """The longest run of query words naming a brand, and those words (as search words)."""
        for length in range(min(MAX_BRAND_WORDS, len(words)), 0, -1):
            for start in range(len(words) - length + 1):
                span = words[start:start + length]
                key = "".join(span)
                brand = self.brands_.get(key) or self.brands_.get(self.brand_singulars_.get(key, ""))
                if brand is None and len(key) >= BRAND_PREFIX_MIN_CHARS and length >= 2:
                    matches = [b for k, b in self.brands_.items() if k.startswith(key)]
                    brand = max(matches, key=lambda b: b["products"], default=None)
                if brand is not None:
                    return brand, {singular(w) for w in span}
        return None, set()

    def _types(
        self, content: list[str], named: set[str] | None = None, purpose: Sequence[str] = ()
    ) -> tuple[dict[str, float], list[str], list[str]]:
        """Article types the content words point at (product of their distributions); when
        words name types (``named``), only those, each kept down to ``TYPE_MATCH_WEIGHT``."""
        log_p = np.zeros(len(self.types_))
        log_p_main = np.zeros(len(self.types_))  # without the purpose words ("for saree")
        used = False
        unknown, semantic = [], []
        for word in content:
            if named and word in GIFT_WORDS:  # says why, not what: every gift type stays
                continue
            dist = self._word_types(word)
            if dist is None:
                if not _vocabulary_types(word) and word not in self._label_words()[1]:
                    unknown.append(word)
                continue
            if self.df_.get(word, 0) == 0:
                semantic.append(word)
            # A word that names a type ("dress") outvotes one found across many ("floral").
            log_p += dist.max() * np.log(dist + TYPE_SMOOTHING)
            if word not in purpose:
                log_p_main += dist.max() * np.log(dist + TYPE_SMOOTHING)
            used = True
        if named and used:
            # The words together may point firmly elsewhere than the types they name: a
            # "tote bag" is a handbag (the catalog's word), not a duffel bag.
            # Only a word naming several types (a generic "bag") is overruled, and only by types
            # of the same kind (whose label has that word: Handbags for "bag").
            p = np.exp(log_p_main - log_p_main.max())
            best_named = max((p[i] for i, t in enumerate(self.types_) if t in named), default=0.0)
            shared = set.intersection(*(set(search_words(t)) for t in named))
            if len(named) > 1 and shared and best_named < NAMED_OVERRULED_BELOW:
                named = set(named) | {
                    self.types_[i] for i in np.flatnonzero(p >= TYPE_MATCH_WEIGHT)
                    if any(word in "".join(search_words(self.types_[i])) for word in shared)}
        if named:
            index = {t: i for i, t in enumerate(self.types_)}
            rows = [index[t] for t in sorted(named) if t in index]
            p = np.exp(log_p[rows] - log_p[rows].max()) if used else np.ones(len(rows))
            kept = sorted(((float(w), self.types_[i]) for i, w in zip(rows, p, strict=True)), reverse=True)
            types = {t: round(w, 3) for w, t in kept if w >= TYPE_MATCH_WEIGHT}
            return types, unknown, semantic
        if not used:
            return {}, unknown, semantic
        p = np.exp(log_p - log_p.max())
        order = [i for i in np.argsort(-p)[:TYPE_MAX] if p[i] >= TYPE_MIN_SHARE]
        return {self.types_[i]: round(float(p[i]), 3) for i in order}, unknown, semantic

    def _word_types(self, word: str) -> np.ndarray | None:
        n = self.df_.get(word, 0)
        lexical = None
        if n:
            lexical = np.zeros(len(self.types_))
            for t, share in self.type_dist_[word].items():
                lexical[t] = share
        semantic = self._semantic_types(word)
        if semantic is None:
            return lexical
        if lexical is None:
            return semantic
        trust = n / (n + SEMANTIC_PRIOR_DF)
        return trust * lexical + (1 - trust) * semantic

    def _semantic_types(self, word: str) -> np.ndarray | None:
        lexicon = self.lexicon_
        if lexicon is None or word not in lexicon["words"]:
            return None
        row = lexicon["words"][word]
        weights = np.asarray(lexicon["weights"][row], dtype=float)
        if not weights.any():
            return None
        dist = np.zeros(len(self.types_))
        dist[np.asarray(lexicon["types"][row], dtype=int)] = weights
        return dist

    def _term(self, word: str) -> Term:
        idf = math.log(self.n_products_ / self.df_[word])
        weight = min(1.0, max(0.25, idf / math.log(self.n_products_)))
        return Term(word=word, forms=(word, *self.splits_.get(word, ())), weight=round(weight, 3))


def _within_edits(a: str, b: str, limit: int) -> bool:
    """Whether ``a`` and ``b`` are at most ``limit`` edits apart, a swap of two neighbouring
    letters one edit ("sheo" is one from shoe: Damerau-Levenshtein, jellyfish's)."""
    return abs(len(a) - len(b)) <= limit and jellyfish.damerau_levenshtein_distance(a, b) <= limit


def _prices(text: str) -> tuple[str, int | None, int | None]:
    """The text without the prices it states, and those prices (rupees): "kurti under 500"."""
    lowered = text.lower()
    low = high = None
    found = _MAX_PRICE.search(lowered)
    if found:
        high = int(found.group(1))
        lowered = lowered[: found.start()] + " " + lowered[found.end():]
    found = _MIN_PRICE.search(lowered)
    if found:
        low = int(found.group(1))
        lowered = lowered[: found.start()] + " " + lowered[found.end():]
    return lowered, low, high


def _vocabulary_types(phrase: str) -> set[str]:
    """The article types the shared vocabulary (:mod:`ml.catalog.vocabulary`) gives a word or
    two-word phrase the catalog never uses ("jogger": Track Pants; "gym wear": the several
    types it means), when it is one entry."""
    entries = phrases_in(phrase)
    if len(entries) != 1 or len(entries[0].split()) != len(phrase.split()):
        return set()
    return set(TYPES[entries[0]])


def _vocabulary_phrases(words: list[str], *, ending_in: Collection[str] | None = None) -> list[str]:
    """``words`` with each two-word vocabulary phrase ("gym wear") taken as one word (only those
    ending in a word of ``ending_in``, if given: a garment word, which alone says only
    "clothes", is read with the word before it)."""
    joined: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i:i + 2])
        if (i + 1 < len(words) and (ending_in is None or words[i + 1] in ending_in)
                and _vocabulary_types(pair)):
            joined.append(pair)
            i += 2
        else:
            joined.append(words[i])
            i += 1
    return joined


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _encoder_vocabulary(encoder) -> list[str]:
    """Whole words of the encoder's tokenizer (for MiniLM, BERT's ~20k word pieces)."""
    vocabulary = getattr(encoder, "vocabulary", None)
    return list(vocabulary()) if callable(vocabulary) else []
