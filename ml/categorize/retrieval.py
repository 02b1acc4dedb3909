"""Retrieval evidence beside the cascade's linear heads, and its calibrated fusion.

A name is also read by what it is near in the sentence-embedding space
(:mod:`ml.categorize.embedding`):

- :class:`NameNeighbours`: the article types of its ``k`` nearest training names (each distinct
  training text once, labelled with its commonest type), weighted by similarity, searched in
  the embedding's principal directions. The vectors are one contiguous float32 array,
  memory-mapped when the model is loaded (``ml.categorize.train.load_categorizer``), like the
  photo index;
- :class:`TypeWords`: how close it is to the article types' own names and to the words of
  :mod:`ml.catalog.vocabulary` for each ("Jackets": "jacket", "parka", "anorak", ...), embedded
  once at fit;
- the vocabulary itself: the types :func:`ml.catalog.vocabulary.article_types_in` reads in it.
- the name's head noun (:func:`head_hits`), where it is a vocabulary word: the cascade keeps
  little of the other types (``HEAD_OTHER_TYPES`` in ``ml.categorize.cascade``); where it is
  the catalog's own label noun, the same, but only for a name the fused evidence is unsure of
  (``LABEL_HEAD_UNSURE_BELOW``).

:class:`EvidenceStacker` fuses them with the cascade's article-type probabilities: a
conditional logit (one softmax over the article types) with one weight per kind of evidence,
fitted by maximum likelihood on out-of-fold rows (names the cascade and the neighbours were
not fitted on; see ``CategoryCascade.fit``), so the fused probabilities are calibrated by
measurement rather than weighted by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_softmax

from ml.catalog.vocabulary import (
    TYPES,
    VOCABULARY,
    article_types_in,
    head_entry,
    label_heads,
    whole_label_nouns,
)

# Nearest training names read per name: the photo index's k, not tuned here (see VOCABULARY_COPIES
# in ml.categorize.cascade for what the retrieval and the vocabulary changed together).
NEIGHBOURS = 10
# The neighbours are searched in the embedding's first principal directions: the full 384
# dimensions over ~40,000 training texts cost 5.7 ms of CPU per name (one thread, median of
# 50: a 64 MB scan), a third of them a third of that, inside the 10 ms budget of one
# categorization (ml.evaluate.vocabulary.CPU_BUDGET_MS).
SEARCH_DIMENSIONS = 128
_BASIS_SAMPLE = 20_000  # training vectors the principal directions are computed from
# Names whose neighbours are searched at once: bounds the (names x training names) matrix.
_SEARCH_CHUNK = 256
_LOG_FLOOR = 1e-9  # the cascade's probability floor (cascade._PROBABILITY_FLOOR)
# L2 penalty on the stacker's weights, per out-of-fold row: keeps them finite when a kind of
# evidence separates the rows it fires on perfectly (the vocabulary on its own copies).
STACKER_PENALTY = 1e-3
FEATURES = ("cascade log-probability", "neighbour share", "type-word similarity", "vocabulary")
# The least weight the vocabulary's evidence gets when names are read. The stacker learns its
# weight on the vocabulary copies, catalog rows with one noun swapped, where the cascade and the
# neighbours already read the rest of the name well; on names sellers write, the fashion word is
# often the only garment noun and the fitted 1.06 lets a modifier ("denim", "football",
# "women") decide. Chosen on the 277 dev names of ml/evaluate/vocabulary_names.csv with the
# served model (`python -m ml.evaluate.vocabulary --served ...`), before the head-noun rule:
# article type 85.2% at the fitted 1.06, 87.4% at 2, 87.7% at 3, 88.5% at 4, 88.8% at 6
# (master filled in wrongly 4, 4, 3, 3, 3); 3, the least of the best, keeps the catalog
# hold-out of a model fitted on the train split at 97.69% (see README, evaluation figures).
VOCABULARY_WEIGHT_FLOOR = 3.0


class NameNeighbours:
    """``shares(vectors) -> (n, types)``: the similarity-weighted share of each article type
    among a name's ``k`` nearest training texts.

    After ``fit``: ``vectors_`` ((texts, dimensions) float32) and ``types_`` (each text's type
    index).
    """

    def __init__(self, k: int = NEIGHBOURS, dimensions: int = SEARCH_DIMENSIONS):
        self.k = k
        self.dimensions = dimensions

    def fit(self, texts: Sequence[str], types: Sequence[int], vectors: np.ndarray,
            n_types: int) -> NameNeighbours:
        """``texts`` with their type indices and embeddings (one row per text, repeats
        allowed: a text keeps its commonest type)."""
        votes: dict[str, Counter[int]] = {}
        first: dict[str, int] = {}
        for row, (text, kind) in enumerate(zip(texts, types, strict=True)):
            votes.setdefault(text, Counter())[int(kind)] += 1
            first.setdefault(text, row)
        vectors = np.asarray(vectors[list(first.values())], dtype=np.float32)
        sample = vectors[np.random.default_rng(0).permutation(len(vectors))[:_BASIS_SAMPLE]]
        directions = np.linalg.svd(sample, full_matrices=False)[2][: self.dimensions]
        self.basis_ = np.ascontiguousarray(directions.T, dtype=np.float32)
        self.vectors_ = np.ascontiguousarray(self._projected(vectors))
        self.types_ = np.array([votes[text].most_common(1)[0][0] for text in first], dtype=np.int32)
        self.n_types_ = n_types
        return self

    def _projected(self, vectors: np.ndarray) -> np.ndarray:
        """Unit vectors in the search directions (their dot product is a cosine)."""
        projected = np.asarray(vectors, dtype=np.float32) @ self.basis_
        norms = np.linalg.norm(projected, axis=1, keepdims=True)
        return projected / np.maximum(norms, np.float32(1e-12))

    def shares(self, vectors: np.ndarray) -> np.ndarray:
        shares = np.zeros((len(vectors), self.n_types_))
        k = min(self.k, len(self.vectors_))
        for start in range(0, len(vectors), _SEARCH_CHUNK):
            block = self._projected(vectors[start:start + _SEARCH_CHUNK])
            similarity = block @ self.vectors_.T
            nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
            weights = np.maximum(np.take_along_axis(similarity, nearest, axis=1), 0.0)
            rows = np.repeat(np.arange(len(block)), k)
            np.add.at(shares[start:start + len(block)], (rows, self.types_[nearest].ravel()),
                      weights.ravel())
        totals = shares.sum(axis=1, keepdims=True)
        return np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0)


def type_words(types: Sequence[str]) -> list[tuple[str, int]]:
    """(text, type index) for each article type: its own name and its vocabulary words."""
    index = {kind: i for i, kind in enumerate(types)}
    pairs = [(kind.lower(), i) for i, kind in enumerate(types)]
    pairs += [(word, index[kind]) for word, kind in VOCABULARY.items() if kind in index]
    return pairs


class TypeWords:
    """``closeness(vectors) -> (n, types)``: a name's cosine to each type's nearest word,
    minus its best over all types (0 for the closest type, negative for the others)."""

    def fit(self, vectors: np.ndarray, types: Sequence[int], n_types: int) -> TypeWords:
        self.vectors_ = np.ascontiguousarray(vectors, dtype=np.float32)
        self.types_ = np.asarray(types, dtype=np.int32)
        self.n_types_ = n_types
        return self

    def closeness(self, vectors: np.ndarray) -> np.ndarray:
        similarity = np.asarray(vectors, dtype=np.float32) @ self.vectors_.T
        # Each type's best word in one reduction over the words grouped by type (a loop over
        # the words was a third of a name's retrieval time).
        order = np.argsort(self.types_, kind="stable")
        grouped = np.asarray(self.types_)[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
        best = np.full((len(similarity), self.n_types_), -1.0)
        if len(order):
            best[:, grouped[starts]] = np.maximum(
                np.maximum.reduceat(similarity[:, order], starts, axis=1), -1.0)
        return best - best.max(axis=1, keepdims=True)


def vocabulary_hits(names: Sequence[str], types: Sequence[str]) -> np.ndarray:
    """(n, types) 1 where the name's vocabulary words name the type (a word for a whole kind
    of clothing only where no catalog label noun names something narrower)."""
    index = {kind: i for i, kind in enumerate(types)}
    nouns = label_heads(tuple(types))
    hits = np.zeros((len(names), len(types)))
    for row, name in enumerate(names):
        for kind in article_types_in(name, nouns):
            if kind in index:
                hits[row, index[kind]] = 1.0
    return hits


def _crosses_masters(named: Sequence[int], before: Sequence[str], nouns, index: dict[str, int],
                     masters: Sequence[int]) -> bool:
    """Whether a catalog noun ``before`` the head names a type of another master category than
    the head's types (``named``): "nail polish coat", "denim jacket light wash" stay open."""
    own = {masters[i] for i in named}
    return any(masters[index[kind]] not in own for noun in before for kind in nouns[noun])


def head_hits(names: Sequence[str], types: Sequence[str], masters: Sequence[int],
              open_masters: Collection[int] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Two (n, types) 0/1 arrays from each name's head noun (:func:`ml.catalog.vocabulary.head_entry`,
    read once per name for both), where no catalog noun before the head names a type of another
    master category (``masters``: each type's; "nail polish coat" stays open):

    - by a vocabulary word the catalog's labels do not end in: the types it names;
    - by the catalog's own label noun (:func:`ml.catalog.vocabulary.label_heads`: "sun hat" ->
      Hat, "wrist band" -> Wristbands, "face scrub" -> the two Scrub types): the types it heads,
      if they lie under one master category ("set" heads gift, jewellery and kurta sets: it
      decides nothing) that is not one of ``open_masters`` (whose types the noun does not tell
      apart), unless the name holds the label whole (:func:`ml.catalog.vocabulary.whole_label_nouns`:
      "sports sandals", "casual shoes").

    Rows of names headed otherwise are 0 in both."""
    index = {kind: i for i, kind in enumerate(types)}
    nouns = label_heads(tuple(types))
    whole = whole_label_nouns(tuple(types))
    by_vocabulary = np.zeros((len(names), len(types)))
    by_label = np.zeros((len(names), len(types)))
    for row, name in enumerate(names):
        entry, others = head_entry(name, nouns)
        if entry is not None and entry not in nouns:
            named = [index[kind] for kind in TYPES[entry] if kind in index]
            if not _crosses_masters(named, others, nouns, index, masters):
                by_vocabulary[row, named] = 1.0
        elif others or entry is not None:
            # A vocabulary word that also heads labels is read as a label noun, naming both
            # ("serum": Face Serum and Gel; "pant": Trousers and the Track and Lounge Pants).
            head = others[-1] if entry is None else entry
            others = others if entry is None else (*others, entry)
            named = sorted({index[kind] for kind in (*nouns[head], *TYPES.get(head, ())) if kind in index})
            own = {masters[i] for i in named}
            opened = own & set(open_masters) and head not in whole
            if len(own) == 1 and not opened and not _crosses_masters(
                    named, others[:-1], nouns, index, masters):
                by_label[row, named] = 1.0
    return by_vocabulary, by_label


def evidence(cascade: np.ndarray, neighbours: np.ndarray, closeness: np.ndarray,
             vocabulary: np.ndarray) -> np.ndarray:
    """(n, types, len(FEATURES)): the stacker's inputs for every (name, type)."""
    return np.stack([np.log(np.maximum(cascade, _LOG_FLOOR)), neighbours, closeness, vocabulary],
                    axis=2)


class EvidenceStacker:
    """P(type | evidence) = softmax over types of ``features @ weights_``, fitted by maximum
    likelihood (L-BFGS) on out-of-fold rows."""

    def fit(self, features: np.ndarray, truth: np.ndarray) -> EvidenceStacker:
        rows = np.arange(len(truth))

        def loss(weights):
            logp = log_softmax(features @ weights, axis=1)
            probabilities = np.exp(logp)
            expected = np.einsum("nt,ntf->nf", probabilities, features)
            observed = features[rows, truth]
            n = len(truth)
            value = -logp[rows, truth].sum() / n + STACKER_PENALTY * weights @ weights
            gradient = -(observed - expected).sum(axis=0) / n + 2 * STACKER_PENALTY * weights
            return value, gradient

        start = np.zeros(features.shape[2])
        start[0] = 1.0  # the cascade alone
        self.weights_ = minimize(loss, start, jac=True, method="L-BFGS-B").x
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """The fused probabilities, the vocabulary weighted at least
        :data:`VOCABULARY_WEIGHT_FLOOR`."""
        weights = np.array(self.weights_, dtype=float)
        vocabulary = FEATURES.index("vocabulary")
        weights[vocabulary] = max(weights[vocabulary], VOCABULARY_WEIGHT_FLOOR)
        return np.exp(log_softmax(features @ weights, axis=1))
