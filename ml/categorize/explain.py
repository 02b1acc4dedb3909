"""Why the categorizer chose a category, in one line a seller can read.

The evidence is read off the fitted model, in this order:

1. **memory**: the name is a product line the training rows (catalog and sellers' confirmed
   listings) filed under this article type, and the memory weighs at least as much as the
   model (:mod:`ml.categorize.memory`): "sellers listed “<line>” like this";
2. **meaning**: the sentence-embedding columns argue for the class and no single word does
   by :data:`WORD_EVIDENCE` or more (an unknown noun, "cosy jumper"): "from the name's meaning";
3. **brand**: the name starts with a known brand and the word feature contributing most is
   made of the brand's words only (the word, or its brand-slot token ``^brand``, see
   :func:`ml.categorize.features.edge_tokens`): "the brand <Brand>";
4. **words**: else the word features contributing most: "the words “polo”, “t-shirt”".

A feature's contribution to the chosen path is its TF-IDF value times its weight in the
subcategory head (for the chosen subcategory) plus its weight in that subcategory's article
type head (for the chosen article type). Each weight is taken relative to the mean over the
head's classes: a softmax is unchanged by a constant added to every class, so only a
weight above the others' average argues for this class (and Naive Bayes' log-probabilities,
all negative, become comparable). Only the word block is named; character n-grams and the
embedding are counted for the comparison of step 2, never shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ml.catalog.schema import ARTICLE, SUB
from ml.catalog.text import GENDER_WORDS, normalize, singular
from ml.categorize.features import word_features

REASON_WORDS = 2  # words named at most: a reason stays one short line
# The memory decides when it weighs at least as much as the model: n / (n + prior) >= 1/2.
MEMORY_DECIDES = 0.5
# A word is named when it adds at least this much to the chosen class's score (a softmax
# logit: x1.65 odds); below it the embedding, whose 384 columns always add up to more than
# any one word (2.8-22 logits on the served model against 0.1-2.7 for the best word), is the
# evidence. On the served model "blue denim jeans" (1.24), "leather biker jacket" (2.43) name
# their words; "cosy knitted jumper" (0.35), "Titan Women Analog" (0.09) their meaning.
WORD_EVIDENCE = 0.5


@dataclass(frozen=True)
class Explanation:
    """``kind``: "memory", "meaning", "brand" or "words"; ``text``: the line shown;
    ``evidence``: the line, brand or words it names."""

    kind: str
    text: str
    evidence: tuple[str, ...] = ()


def _centered(head, column: int, rows: np.ndarray) -> np.ndarray:
    """The head's weights of ``rows`` for class ``column``, minus their mean over classes."""
    weights = getattr(head, "weights", None)
    if weights is None:  # a ConstantHead: one class, no evidence either way
        return np.zeros(len(rows))
    block = np.asarray(weights[rows], dtype=float)
    return block[:, column] - block.mean(axis=1)


def _class_index(head, label: str) -> int | None:
    classes = list(getattr(head, "classes_", ()))
    return classes.index(label) if label in classes else None


def _tokens(term: str) -> list[str]:
    """A word feature's words ("^nike:men" -> ["nike"]), gender words left out."""
    return [t for t in term.replace("^", "").replace("$", "").replace(":", " ").split()
            if t not in GENDER_WORDS]


def _readable(term: str, words: list[str]) -> str:
    """A word feature ("^nike", "polo tshirt", "men:shoe$") in the text's own spelling."""
    tokens = _tokens(term)
    spelled = {singular(normalize(word)): word for word in words}
    return " ".join(spelled.get(token, token) for token in tokens)


def explain(model, name: str, description: str = "", prediction=None) -> Explanation:
    """The reason for ``prediction`` (``model.predict_one(name, description)`` if None)."""
    prediction = prediction or model.predict_one(name, description)
    sub, article = prediction.label(SUB), prediction.label(ARTICLE)

    memory = getattr(model, "memory_", None)
    key = memory.key(name) if memory is not None else None
    i = memory.rows_.get(key) if key is not None else None
    if i is not None:
        entries = slice(memory.start_[i], memory.start_[i + 1])
        counts, paths = memory.count_[entries], memory.path_[entries]
        weight = counts.sum() / (counts.sum() + memory.prior)
        if weight >= MEMORY_DECIDES and model.paths_[paths[counts.argmax()]][3] == article:
            line = _readable(key, name.split()) or key  # "adida men tshirt" -> "Adidas Tshirt"
            return Explanation("memory", f"sellers listed “{line}” like this", (line,))

    X = model._features([name], [description] if description else None).tocsr()
    columns, values = X.indices, X.data.astype(float)
    contribution = np.zeros(len(columns))
    sub_head = model.heads_[SUB]
    if (column := _class_index(sub_head, sub)) is not None:
        contribution += values * _centered(sub_head, column, columns)
    branch = model.branches_.get(sub)
    if branch is not None and (column := _class_index(branch, article)) is not None:
        contribution += values * _centered(branch, column, columns)

    word_block = model.featurizer_.blocks_[0].counter.vocabulary_
    n_words = len(word_block)
    n_tfidf = n_words + len(model.featurizer_.blocks_[1].counter.vocabulary_)
    meaning = contribution[columns >= n_tfidf].sum()
    best_word = contribution[columns < n_words].max(initial=0.0)
    if meaning > 0 and best_word < WORD_EVIDENCE:
        return Explanation("meaning", "from the name's meaning")

    terms = {index: term for term in set(word_features(f"{name} {description}"))
             if (index := word_block.get(term)) is not None}
    ranked = sorted(((c, terms[col]) for col, c in zip(columns, contribution, strict=True)
                     if col < n_words and c > 0 and col in terms), reverse=True)
    if not ranked:
        return Explanation("meaning", "from the name as a whole")
    # A model saved before it kept its brand lexicon names no brand: the words before a gender
    # word are not one often enough ("blue denim jeans for men") to guess.
    brands = getattr(model, "brands_", None)
    brand = brands.read(name) if brands is not None else ""
    top = _tokens(ranked[0][1])
    if brand and top and set(top) <= {singular(word) for word in normalize(brand).split()}:
        return Explanation("brand", f"the brand {brand}", (brand,))
    words = name.split() + description.split()
    named: list[str] = []
    for _, term in ranked:
        if any(token in ENGLISH_STOP_WORDS for token in _tokens(term)):
            continue  # "jeans for" says no more than "jeans", and reads worse
        text = _readable(term, words)
        if text and not any(text in other or other in text for other in named):
            named.append(text)
        if len(named) == REASON_WORDS:
            break
    if not named:
        return Explanation("meaning", "from the name as a whole")
    quoted = ", ".join(f"“{word}”" for word in named)
    return Explanation("words", f"the word{'s' if len(named) > 1 else ''} {quoted}", tuple(named))
