"""Seller-style variants of catalog names, for training augmentation and for evaluation.

Catalog titles look like "Flying Machine Men Check Green Shirts"; sellers type things like
"green check shirt for men" or "mens shirts". :func:`seller_variant` rewrites a catalog row
the way a seller might: brand dropped, model numbers dropped, a few words only, lower case,
singular/plural swapped, the gender said as "for men" / "women's" / nothing. A name without
a gender word loses the brand it starts with as the catalog's one brand lexicon reads it
(:class:`ml.catalog.brands.BrandLexicon`, fitted on the training names).

The same generator feeds two separate uses: augmentation of the training rows (inside
``CategoryCascade.fit``) and a seller-style evaluation set built only from the test split.
Because they share the generator, that evaluation measures robustness to these rewrites,
not to every wording a seller may invent; ``ml.evaluate.categorization`` therefore also
scores a short hand-written list of seller phrases.
"""

from __future__ import annotations

import string
import zlib
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ml.catalog.brands import MAX_BRAND_WORDS, BrandLexicon
from ml.catalog.schema import ARTICLE, COLOUR, DESCRIPTION, GENDER, NAME
from ml.catalog.text import GENDER_WORDS, normalize, singular

GENDER_PHRASES = {
    "Men": ("for men", "men's", "mens", "men", "for him"),
    "Women": ("for women", "women's", "womens", "women", "ladies", "for her"),
    "Boys": ("for boys", "boys", "boy's", "kids", "for kids"),
    "Girls": ("for girls", "girls", "girl's", "kids", "for kids"),
    "Unisex": ("unisex", "for men and women"),
}
# Garments that are plural in English whatever their number: never "a jean".
_ALWAYS_PLURAL = frozenset(
    {"jeans", "trousers", "shorts", "pants", "leggings", "tights", "briefs", "boxers",
     "capris", "trunks", "flops", "glasses", "sunglasses", "jeggings", "pyjamas", "stockings"}
)
# Glue words that say nothing about the product on their own ("... with Stitch Bag").
_FILLER_WORDS = frozenset({"a", "and", "for", "her", "him", "in", "of", "on", "the", "with"})


def _first_gender_word(words: list[str]) -> int:
    for position, word in enumerate(words):
        if word in GENDER_WORDS:
            return position
    return -1


def toggle_number(word: str) -> str:
    """"shirt" <-> "shirts", "watch" <-> "watches"; words like "jeans" stay as they are."""
    lower = word.lower()
    if lower in _ALWAYS_PLURAL or len(lower) <= 2:
        return word
    if lower.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return word[:-1]
    if lower.endswith(("ch", "sh", "x", "s")):
        return word + "es"
    return word + "s"


def _word_key(word: str) -> str:
    """"T-shirts" -> "tshirt": how a word is compared with the words of a label."""
    return singular(normalize(word).replace(" ", ""))


def seller_variant(
    name: str,
    *,
    gender: str,
    article_type: str,
    colour: str,
    rng: np.random.Generator,
    brands: BrandLexicon,
) -> str | None:
    """One seller-style rewrite of a catalog ``name``, or None if nothing product-like is left.

    The labels steer what is kept, never what is added: the words of the name that spell the
    article type stay ("Sports Shoes", not "Shoes": a seller says what they sell), and a
    rewrite left with nothing but its colour ("Blue") is dropped.
    """
    tokens = name.split()
    position = _first_gender_word([normalize(token) for token in tokens])
    tokens = tokens[position + 1 :] if 0 <= position <= MAX_BRAND_WORDS else brands.strip(tokens)
    core = [
        token
        for token in tokens
        if normalize(token)
        and normalize(token) not in GENDER_WORDS
        and not any(char.isdigit() for char in token)
    ]
    if not core:
        return None

    # The product noun ends catalog titles ("... Formal Shoes", "... Watch").
    type_words = {_word_key(word) for word in article_type.split()}
    noun_size = min(len(core), int(rng.choice([1, 2])))
    while noun_size < len(core) and _word_key(core[-noun_size - 1]) in type_words:
        noun_size += 1
    noun, descriptors = core[-noun_size:], core[:-noun_size]
    colour_words = set(normalize(colour).split())
    if all(normalize(word) in colour_words for word in noun):
        return None
    if len(noun) > 1 and normalize(noun[0]) in _FILLER_WORDS:
        noun = noun[1:]
    descriptors = [word for word in descriptors if normalize(word) not in _FILLER_WORDS]
    kept = [word for word in descriptors if rng.random() < 0.35][:2]
    if rng.random() < 0.2:
        rng.shuffle(kept)
    if rng.random() < 0.3:
        noun[-1] = toggle_number(noun[-1])
    words = kept + noun

    phrases = GENDER_PHRASES.get(gender)
    if phrases and rng.random() < 0.6:
        phrase = phrases[int(rng.integers(len(phrases)))]
        words = words + [phrase] if phrase.startswith("for ") else [phrase] + words

    text = " ".join(words)
    style = rng.random()
    if style < 0.6:
        return text.lower()
    if style < 0.75:
        return string.capwords(text)
    return text


def row_rng(seed: int, name: str, copy: int = 0) -> np.random.Generator:
    """The random draws of one row's ``copy``-th rewrite: a function of the seed and the name
    alone, so that a row is rewritten alike whichever frame it is in (the trial fit on the
    train split, the served fit on every row, an inner fold), and its sentence embedding is
    computed once per build."""
    return np.random.default_rng([seed, copy, zlib.crc32(name.encode("utf-8"))])


def seller_style_frame(
    frame: pd.DataFrame, *, brands: BrandLexicon, seed: int, variants_per_row: int = 1
) -> pd.DataFrame:
    """Copies of ``frame``'s rows with the name rewritten by :func:`seller_variant`.

    Labels are kept; rows whose rewrite is empty are dropped. Each row's rewrite depends on
    its name and ``seed`` only (:func:`row_rng`).
    """
    copies = []
    for number in range(variants_per_row):
        copy = frame.copy()
        copy[NAME] = [
            seller_variant(name, gender=gender, article_type=article, colour=colour,
                           rng=row_rng(seed, name, number), brands=brands)
            for name, gender, article, colour in zip(
                frame[NAME], frame[GENDER], frame[ARTICLE], frame[COLOUR], strict=True,
            )
        ]
        if DESCRIPTION in copy.columns:
            copy[DESCRIPTION] = ""
        copies.append(copy[copy[NAME].notna()])
    return pd.concat(copies, ignore_index=True)


def seller_style_test_set(train: pd.DataFrame, test: pd.DataFrame, seed: int = 12345) -> pd.DataFrame:
    """Seller-style phrases made only from ``test`` rows (brands learned from ``train``)."""
    brands = BrandLexicon().fit(train[NAME])
    return seller_style_frame(test, brands=brands, seed=seed)


def vocabulary_variant(name: str, *, article_type: str, word: str) -> str | None:
    """``name`` with the words that spell its article type (the catalog's product noun,
    "Casual Shoes", "Jackets") replaced by ``word``, a vocabulary word for the same type
    ("Puma Men Black Casual Shoes" -> "Puma Men Black boots"); None if the name does not
    spell its type."""
    tokens = name.split()
    type_words = {_word_key(part) for part in article_type.split()}
    spelled = [i for i, token in enumerate(tokens) if _word_key(token) in type_words]
    if not spelled:
        return None
    end = spelled[-1]
    start = end
    while start > 0 and _word_key(tokens[start - 1]) in type_words:
        start -= 1
    return " ".join([*tokens[:start], word, *tokens[end + 1:]])


def vocabulary_frame(frame: pd.DataFrame, *, vocabulary: Mapping[str, str],
                     genders: Mapping[str, str], brands: BrandLexicon, seed: int,
                     copies_per_word: int) -> pd.DataFrame:
    """Seller-style rows for the words the catalog does not use (:mod:`ml.catalog.vocabulary`):
    for each word, up to ``copies_per_word`` rows of its article type (of its gender, if the
    word implies one) with the type's noun replaced by the word, then rewritten by
    :func:`seller_variant`. Labels are the source rows'; the rows are drawn by :func:`row_rng`
    of the word, so a word's copies are the same in every frame that holds their sources."""
    by_type = {article: group for article, group in frame.groupby(ARTICLE, sort=False)}
    parts = []
    for word, article in vocabulary.items():
        group = by_type.get(article)
        if group is None:
            continue
        if word in genders:
            group = group[group[GENDER] == genders[word]]
        if group.empty:
            continue
        order = row_rng(seed, word).permutation(len(group))
        rows, names = [], []
        for position in order:
            row = group.iloc[position]
            swapped = vocabulary_variant(row[NAME], article_type=article, word=word)
            text = swapped and seller_variant(
                swapped, gender=row[GENDER], article_type=word, colour=row[COLOUR],
                rng=row_rng(seed, swapped), brands=brands)
            if text and word in normalize(text):
                rows.append(row)
                names.append(text)
            if len(rows) == copies_per_word:
                break
        if rows:
            part = pd.DataFrame(rows).reset_index(drop=True)
            part[NAME] = names
            parts.append(part)
    if not parts:
        return frame.iloc[:0].copy()
    result = pd.concat(parts, ignore_index=True)
    if DESCRIPTION in result.columns:
        result[DESCRIPTION] = ""
    return result
