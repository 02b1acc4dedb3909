"""Product categorization: suggest gender, category path, colour and usage from a product name.

The model is a **hierarchical cascade** over the catalog taxonomy::

    text --TF-IDF (fitted once, shared)--> X
    X --> gender head              P(gender | x)
    X --> subCategory head         P(sub | x)
    X --> one articleType head per subCategory branch, run only for the top subcategories
                                   P(article | sub, x)
    counts from training           P(master | sub, article)   (Perfumes, Socks are split)
    X --> baseColour, usage heads  (flat, independent of the path)

The four path levels are decoded together: every (master, sub, article) path seen in training,
with each gender, is scored by the product of those probabilities, renormalised over these
paths (a gender never seen with a path in training is down-weighted, not forbidden: gender
is a separate dimension of a product, and "Boys" socks or "Unisex" mufflers exist even when
the training rows lack them), then blended with the paths remembered for the same name in
training (:class:`NameMemory`, for the catalog's many colour variants of one product line),
and the answer is read top-down from that distribution (likeliest master, then sub inside it,
article inside that, then gender). So a prediction's master / sub / article is always a real
taxonomy path, never "Watches / Jeans", each level's label is its most probable one, and the
overall confidence is the probability of the whole chosen path.

``CategoryCascade(estimator="nb")`` is the same cascade with Naive Bayes heads, and
:class:`FlatCategorizer` (one model per level, no cascade) is the baseline it is compared to
in ``python -m ml.evaluate.categorization``.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.preprocessing import normalize as l2_normalize

from ml.catalog.brands import BrandLexicon
from ml.catalog.schema import (
    ARTICLE,
    COLOUR,
    DESCRIPTION,
    FLAT_LEVELS,
    GENDER,
    LEVELS,
    MASTER,
    NAME,
    PATH_LEVELS,
    SUB,
)
from ml.catalog.text import mentions_gender, normalize
from ml.catalog.vocabulary import GENDERS, VOCABULARY
from ml.categorize import embedding, retrieval
from ml.categorize.augment import seller_style_frame, vocabulary_frame
from ml.categorize.explain import Explanation, explain
from ml.categorize.familiarity import WordFamiliarity
from ml.categorize.features import TextFeatures
from ml.categorize.heads import DEFAULT_ESTIMATOR, fit_heads, head_temperatures, make_estimator
from ml.categorize.memory import NameMemory
from ml.embed.text import DIMENSIONS

_DECODING_ORDER = (MASTER, SUB, ARTICLE, GENDER)
TOP_ALTERNATIVES = 3  # each level offers its label and up to two alternatives
DESCRIPTION_WEIGHT = 0.5  # a description is extra evidence; the name stays the main signal
_CHUNK = 2048  # names scored at once: keeps the (names x taxonomy paths) matrices small
_PROBABILITY_FLOOR = 1e-9  # keeps Naive Bayes' underflowing probabilities from zeroing a row
# Weight of a gender never seen with a (master, sub, article) path in training, against 1 for a
# seen one. In 5-fold cross-validation inside the train split, 8 of the 10 names (2 folds) whose
# gender the gender head got right but the strict cascade got wrong were such unseen pairs. Over
# 5 folds 0.1 gets 9 more genders, 1 more subCategory and 10 more article types right (of 36,123
# names; no fold loses) and 15 more seller-style article types; 1.0 (no constraint) loses
# seller-style genders.
UNSEEN_GENDER_WEIGHT = 0.1
# The catalog lists one product line in many colours. In the subCategory and articleType heads
# a training row weighs 1 / copies ** LINE_WEIGHT_POWER, copies being the catalog rows sharing
# its name key (NameMemory.key: the words without colours or numbers), so that the big lines
# do not dominate the decision boundaries (the memory still recalls each line's own labels).
# 5-fold CV inside the train split (36,123 names), errors against unweighted heads (subCategory,
# articleType, seller-style articleType): power 0.25: -6, -11, -6; 0.5: -7, -11, +3;
# 0.75: -3, -4, +34; 1: -1, +3, +58. Class-balanced articleType heads lost (+11 to +61).
LINE_WEIGHT_POWER = 0.25
# The sentence embedding of the name is appended to its TF-IDF row with this weight (the
# TF-IDF row has norm sqrt(2): words and character n-grams, each of norm 1). Fitted on the
# 90% train split, measured on the 10% holdout, against no embedding: catalog article type
# 97.61% either way, seller-style phrases 95.50% -> 95.60%, the names in unusual words of
# ml/evaluate/vocabulary_names.csv 39.4% -> 51.1% (wrongly filled in: 21 -> 13 of 137). The
# training time did not measurably grow (266 s vs 271 s, busy machine); encoding the ~70k
# distinct training texts of a `train_models` run is ~590 CPU-s.
EMBEDDING_WEIGHT = 2.0
# A name whose noun is unknown (familiarity 0, see ml.categorize.familiarity) has its path
# probabilities flattened by the temperature 1 + UNKNOWN_WORD_TEMPERATURE (a known name keeps
# temperature 1). Same protocol: 0 / 1 / 2 / 3 fill in 13 / 9 / 7 / 7 of the 137 unusual
# names wrongly and 2 / 0 / 0 / 0 garments as footwear; their ECE is 0.091 / 0.129 / 0.149 /
# 0.186 (flattening makes them under-confident), holdout ECE 0.006 / 0.005 / 0.006 / 0.007.
# 1 is the smallest that fills no garment in as footwear.
UNKNOWN_WORD_TEMPERATURE = 1.0
# Seller-style copies made for each word of ml.catalog.vocabulary (a row of the word's article
# type with its noun swapped for the word: "Roadster Men Olive Jackets" -> "olive parka for
# men"), so that the heads learn words the catalog never uses. 199 words x 12 ~ 2,300 rows
# beside ~72,000. Not tuned on its own (no time for the ablation): together with the retrieval
# evidence, measured by `python -m ml.evaluate.vocabulary --served` on the served model,
# article type on the seller phrases went dev 58.84% -> 83.75%, test 73.03% -> 84.83%, wrong
# master fill-ins dev 28 -> 5, test 5 -> 1 (master filled in: dev 89.9% -> 93.1%, test 97.8%
# -> 95.5%), catalog hold-out 97.64% -> 97.69%, build-measured seller-style 95.62% -> 96.08%.
VOCABULARY_COPIES = 12
# What a type not named by a name's head fashion word keeps of its fused probability
# (ml.catalog.vocabulary.head_entry; CategoryCascade._fused). Chosen on the 277 dev names of
# ml/evaluate/vocabulary_names.csv with the served model (vocabulary weight floor 3): article
# type 88.1% without the rule (1), 91.0% at 0.05, 91.3% at 0.01, 91.0% at 0.001; master filled
# in wrongly 3, 2, 2, 2 (master filled in 93.5%, 95.3%, 96.0%, 96.0%). Taking it as a share
# instead (the head's types get all the rest, as _decided_by_head does for the label nouns)
# gained one dev name ("passport cover") and lost two hold-out ones: the catalog files its
# passport holders as Wallets.
HEAD_OTHER_TYPES = 0.01
# A name headed by the catalog's own label noun ("women sun hat", "rose water face toner",
# "wrist band sweat absorbent") whose fused evidence is below this confidence has its type
# decided by that noun: the catalog's names rarely use a rare type's noun (its 3 "Hat" rows are
# skull caps, its 7 "hat" names Caps), so the heads give it almost nothing. Only unsure names:
# on the catalog's own names the last label noun is often not the type ("Kurta with Churidar"
# is a Kurta Set, 459 names ending in "flats" are Heels) and the cascade reads those well.
# Chosen on the 292 dev names (served model, share 0.01): article type 91.10% at 0 (no rule),
# 91.10% at 0.4, 93.84% at 0.5, 94.52% from 0.6 to 0.97, 92.81% for every name; master filled
# in wrongly 2, 2, 0, 0, 2. 0.6, the least of the best, is the shop's fill-in threshold
# (SURE_ENOUGH): a name it would not fill in anyway. Swept again on the served model
# (categorizer-20261206232108938719-d7572c1d, branch vocab6): dev 96.58% at 0.6, 96.92% at 0.8,
# 96.58% at 0.9, 96.23% at 0.97, while of the 3,933 hold-out names 6, 10 and 24 changed, every
# one for the worse (the model was fitted on them, so only its unsure names move): kept at 0.6.
LABEL_HEAD_UNSURE_BELOW = 0.6
# The share left to the other types of such a name (_decided_by_head): 0.01 and 0.1 give the
# same dev accuracy (94.52%), 0.01 fills in more masters (96.6% against 96.2%).
LABEL_HEAD_OTHER_SHARE = HEAD_OTHER_TYPES
# Masters whose types the catalog tells apart by what the name does not say: its footwear by
# heel and sole (461 of its 570 names ending in "flats" are Heels; of 1,100 ending in
# "sandals", 249 are Flats and 130 Heels), so a footwear noun decides nothing. Measured with
# the served model on the catalog's 3,933 hold-out names (which it was fitted on, so only its
# unsure names move): the rule changed 9 names, 8 of them for the worse, 6 of those footwear;
# without footwear 2 (a sling bag, a bangle), dev unchanged at 95.21%. A name holding a label of
# two or more words whole decides all the same (retrieval.head_hits): of the catalog's names
# holding "casual shoe", "sports shoe", "flip flop" or "sports sandal", 97.9%, 99.6%, 99.4% and
# 72% are that type; served model, dev 95.24% -> 95.50% ("sports sandals"), none of the 3,933
# hold-out names changed; on a train-split fit (--save / --load) one hold-out name changed,
# for the better ("Fila Men ... Aqua Grippare Sports Sandals").
LABEL_HEAD_OPEN_MASTERS = frozenset({"Footwear"})
# The retrieval stacker learns from the training names whose crc32 falls in one of this many
# parts (a cascade fitted on the others reads them): 1/5 of the rows, ~7,000 catalog names
# and as many seller-style copies, enough for its 4 weights.
STACKER_FOLDS = 5
# Fewer held-out catalog names than this (a toy catalog) and no stacker is fitted: 4 weights
# measured on a handful of names would be noise, and the cascade answers alone.
MIN_STACKER_NAMES = 100


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class LevelPrediction:
    """One level's answer: the label, its probability and up to 3 (label, probability).

    ``alternatives`` starts with ``label`` and is sorted by decreasing probability. For the
    path levels the alternatives are the label's siblings (subcategories of the chosen
    master, article types of the chosen subcategory, genders allowed for the chosen path);
    labels with zero probability are left out, so there can be fewer than 3.
    """

    label: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class CategoryPrediction:
    """A full suggestion; ``confidence`` is the probability of the whole (gender, master,
    sub, article) path: the product of the cascade's probabilities, renormalised over the
    valid taxonomy paths (so it is at most the article type's confidence)."""

    levels: dict[str, LevelPrediction]
    confidence: float
    model_version: str

    def label(self, level: str) -> str:
        return self.levels[level].label

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"gender": {"label", "confidence", "top3": [...]}, ..., "confidence",
        "model_version"}``."""
        result: dict[str, Any] = {
            level: {
                "label": prediction.label,
                "confidence": round(prediction.confidence, 6),
                "top3": [
                    {"label": label, "confidence": round(probability, 6)}
                    for label, probability in prediction.alternatives
                ],
            }
            for level, prediction in self.levels.items()
        }
        result["confidence"] = round(self.confidence, 6)
        result["model_version"] = self.model_version
        return result


class _LevelScores(NamedTuple):
    """One level for a batch: label names, an (n, labels) probability matrix, chosen index."""

    labels: np.ndarray
    probabilities: np.ndarray
    chosen: np.ndarray


# --------------------------------------------------------------------------- shared helpers


def _texts(X) -> tuple[Sequence[str], Sequence[str] | None]:
    """(names, descriptions or None) from a frame with ``name`` [+ ``description``] columns,
    or from a list of names."""
    if isinstance(X, pd.DataFrame):
        return X[NAME].tolist(), X[DESCRIPTION].tolist() if DESCRIPTION in X.columns else None
    return X, None


def text_and_labels(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(X, y)`` for :meth:`CategoryCascade.fit` from one frame holding both."""
    text = [column for column in (NAME, DESCRIPTION) if column in frame.columns]
    return frame[text], frame[[level for level in LEVELS if level in frame.columns]]


def _joined(X: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
    """The texts and the labels side by side, one row per product."""
    if len(X) != len(y):
        raise ValueError(f"Got {len(X)} products but {len(y)} label rows.")
    text = X[[column for column in (NAME, DESCRIPTION) if column in X.columns]].reset_index(drop=True)
    labels = y[[level for level in LEVELS if level in y.columns]].reset_index(drop=True)
    return pd.concat([text, labels], axis=1)


def _check_names(names: Sequence[str]) -> list[str]:
    if isinstance(names, str):
        raise TypeError("predict() takes a list of names; use predict_one() for a single name.")
    names = list(names)
    for position, name in enumerate(names):
        if not isinstance(name, str) or not normalize(name):
            raise ValueError(
                f"Product name #{position} is empty: a product name with letters or digits "
                "is needed to suggest categories."
            )
    return names


def _training_frame(frame: pd.DataFrame, augment: int, random_state: int,
                    vocabulary_copies: int = 0) -> pd.DataFrame:
    """The rows to learn from: the catalog rows plus ``augment`` seller-style copies of each
    and ``vocabulary_copies`` copies per word of the fashion vocabulary (both only if
    ``augment``).

    ``line_copies`` counts the catalog rows of each row's product line (a copy keeps its
    source row's count); see :data:`LINE_WEIGHT_POWER`.
    """
    missing = {NAME, *LEVELS} - set(frame.columns) - set(FLAT_LEVELS)
    if missing:
        raise ValueError(f"Training frame lacks columns {sorted(missing)}.")
    frame = frame.copy()
    for column in (DESCRIPTION, *FLAT_LEVELS):
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str)
    frame = frame[frame[NAME].map(normalize) != ""].reset_index(drop=True)
    frame["augmented"] = False
    line_keys = NameMemory(colours=frame[COLOUR].unique(), min_words=0)
    lines = [line_keys.key(name) or name for name in frame[NAME]]
    frame["line_copies"] = pd.Series(lines).map(Counter(lines)).to_numpy()
    if augment:
        brands = BrandLexicon().fit(frame[NAME])
        variants = seller_style_frame(
            frame, brands=brands, seed=random_state, variants_per_row=augment
        )
        words = vocabulary_frame(frame, vocabulary=VOCABULARY, genders=GENDERS, brands=brands,
                                 seed=random_state, copies_per_word=vocabulary_copies)
        frame = pd.concat([frame, variants.assign(augmented=True),
                           words.assign(augmented=True, vocabulary_copy=True)], ignore_index=True)
    frame["vocabulary_copy"] = frame.get("vocabulary_copy", False)
    frame["vocabulary_copy"] = frame["vocabulary_copy"].fillna(False).astype(bool)
    return frame


def _head_rows(rows: pd.DataFrame, level: str) -> tuple[np.ndarray, np.ndarray]:
    """(row indices, labels) a head learns from: the labelled catalog rows, plus seller-style
    copies where they still carry the information (they often drop colour or gender)."""
    usable = rows[level].to_numpy() != ""
    augmented = rows["augmented"].to_numpy()
    if level == GENDER:
        says_gender = rows[NAME].map(mentions_gender).to_numpy()
        usable &= ~augmented | says_gender
    elif level not in (SUB, ARTICLE):
        usable &= ~augmented
    indices = np.flatnonzero(usable)
    return indices, rows[level].to_numpy()[indices]


def _mean_one(weights: np.ndarray) -> np.ndarray:
    """Sample weights rescaled to average 1, so that they leave the SVM's ``C`` meaning as is."""
    return weights / weights.mean()


class _TextModel(BaseEstimator):
    """What both categorizers share: the fitted featurizer, text validation and the score."""

    model_version = "unversioned"
    # The flat baseline reads TF-IDF only, and so does a cascade saved before the embedding.
    embedding_weight = 0.0

    def score(self, X, y: pd.DataFrame) -> float:
        """Article-type accuracy on the labelled rows: what ``cross_val_score`` and
        ``GridSearchCV`` tune the model on."""
        names, descriptions = _texts(X)
        predicted = self.predict_labels(names, descriptions)[ARTICLE]
        truth = np.asarray(y[ARTICLE], dtype=object)
        labelled = truth != ""
        return float((predicted[labelled] == truth[labelled]).mean())

    def _features(self, names: list[str], descriptions: Sequence[str] | None):
        if descriptions is not None and len(descriptions) != len(names):
            raise ValueError(f"Got {len(names)} names but {len(descriptions)} descriptions.")
        X = self.featurizer_.transform(names)
        described = descriptions is not None and any(text and text.strip() for text in descriptions)
        if described:
            descriptions = [text or "" for text in descriptions]
            X = l2_normalize(X + DESCRIPTION_WEIGHT * self.featurizer_.transform(descriptions))
        return self._with_embedding(X, names, descriptions if described else None, cache=False)

    def _fit_features(self, frame: pd.DataFrame):
        self.featurizer_ = TextFeatures()
        names = list(frame[NAME])
        X = self.featurizer_.fit_transform(names)
        descriptions = list(frame[DESCRIPTION])
        described = any(text.strip() for text in descriptions)
        if described:
            X = l2_normalize(X + DESCRIPTION_WEIGHT * self.featurizer_.transform(descriptions))
        return self._with_embedding(X, names, descriptions if described else None, cache=True)

    def _with_embedding(self, X, names: Sequence[str], descriptions: Sequence[str] | None,
                        *, cache: bool):
        """TF-IDF columns, then the names' sentence embeddings times ``embedding_weight``
        (a description's embedding joins its name's as its TF-IDF does; training caches
        the vectors by text, as its rows repeat; serving does not)."""
        if not self.embedding_weight or getattr(self, "estimator", None) == "nb":
            return X  # (Naive Bayes needs non-negative counts: it reads TF-IDF only)
        vectors = embedding.embed(names, cache=cache)
        if descriptions is not None:
            has_text = np.array([bool(text.strip()) for text in descriptions])
            extra = embedding.embed([text if text.strip() else "-" for text in descriptions],
                                    cache=cache)
            vectors = l2_normalize(vectors + DESCRIPTION_WEIGHT * extra * has_text[:, None])
        vectors = (vectors * self.embedding_weight).astype(np.float32)
        return sp.hstack([X, sp.csr_matrix(vectors)], format="csr")


# --------------------------------------------------------------------------- the cascade


def _decided_by_head(fused: np.ndarray, named: np.ndarray, rows: np.ndarray,
                     other_share: float) -> np.ndarray:
    """``fused`` (n, types) with the ``rows`` (a boolean mask) given to the types their head
    noun names (``named``, (n, types) 0/1), in the proportions the evidence gave them, all but
    ``other_share``: a noun the heads barely know ("hat", "passport cover") still decides."""
    if not rows.any():
        return fused
    inside = np.where(named[rows] > 0, np.maximum(fused[rows], _PROBABILITY_FLOOR), 0.0)
    outside = np.where(named[rows] > 0, 0.0, fused[rows])
    fused[rows] = ((1 - other_share) * inside / inside.sum(axis=1, keepdims=True)
                   + other_share * outside
                   / np.maximum(outside.sum(axis=1, keepdims=True), _PROBABILITY_FLOOR))
    return fused


class CategoryCascade(_TextModel):
    """Gender -> subCategory -> per-subCategory articleType, decoded over valid paths.

    Parameters:
        estimator: the classifier of every head: ``"svm"`` (default: LinearSVC with a fitted
            softmax temperature), ``"logreg"``, ``"sgd"`` or ``"nb"`` (Complement Naive Bayes;
            its probabilities are poorly calibrated, it is there for comparison).
        augment: seller-style copies of each training row (0 turns augmentation off).
        top_subcategories: how many of the likeliest subcategories get their branch run.
        memory: blend in the paths seen for the same name in training (see
            :mod:`ml.categorize.memory`); False leaves the cascade purely linear.
        unseen_gender_weight: the prior weight of a (gender, path) pair not seen in training
            (seen pairs weigh 1); 0 allows only the genders seen with each path.
        C: inverse regularisation of the ``svm`` and ``logreg`` heads (None: the value tuned
            for the estimator, see :data:`ml.categorize.heads.DEFAULT_C`).
        embedding_weight: scale of the name's sentence embedding (all-MiniLM-L6-v2, see
            :mod:`ml.categorize.embedding`) appended to its TF-IDF features; 0 reads TF-IDF
            only (as ``"nb"`` always does: Naive Bayes needs non-negative features).
        unknown_word_temperature: how much a name with unknown product words has its path
            probabilities flattened (temperature ``1 + this * (1 - familiarity)``, see
            :mod:`ml.categorize.familiarity`); 0 trusts every name alike.
        retrieval: also read a name by retrieval (its nearest training names, the article
            types' own words, the fashion vocabulary) and fuse that evidence with the heads'
            by a stacker fitted out of fold (:mod:`ml.categorize.retrieval`); needs the
            embedding. When the evidence disagrees on the master category the answer is
            pooled over it, and so offered rather than filled in.
        vocabulary_copies: seller-style copies of catalog rows made for each word of
            :mod:`ml.catalog.vocabulary` (0: none; see :data:`VOCABULARY_COPIES`).
        n_jobs: processes used to fit the heads.

    After ``fit``: ``taxonomy_`` (the (gender, master, sub, article) paths seen in training;
    predictions may pair a path with another gender, see ``unseen_gender_weight``),
    ``branches_`` (subCategory -> its articleType head), ``n_branch_models_`` and
    ``memory_`` (a :class:`NameMemory`, or None) and ``familiarity_`` (a
    :class:`WordFamiliarity` of the training catalog names).
    """

    unknown_word_temperature = 0.0  # what a cascade saved before the setting existed does
    retrieval_ = None  # (nor did it read names by retrieval)
    vocabulary_copies = 0

    def __init__(
        self,
        estimator: str = DEFAULT_ESTIMATOR,
        *,
        augment: int = 1,
        top_subcategories: int = 3,
        memory: bool = True,
        unseen_gender_weight: float = UNSEEN_GENDER_WEIGHT,
        C: float | None = None,
        embedding_weight: float = EMBEDDING_WEIGHT,
        unknown_word_temperature: float = UNKNOWN_WORD_TEMPERATURE,
        retrieval: bool = True,
        vocabulary_copies: int = VOCABULARY_COPIES,
        n_jobs: int = 1,
        random_state: int = 0,
    ):
        self.estimator = estimator
        self.augment = augment
        self.top_subcategories = top_subcategories
        self.memory = memory
        self.unseen_gender_weight = unseen_gender_weight
        self.C = C
        self.embedding_weight = embedding_weight
        self.unknown_word_temperature = unknown_word_temperature
        self.retrieval = retrieval
        self.vocabulary_copies = vocabulary_copies
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ---- training

    def fit(self, X: pd.DataFrame, y: pd.DataFrame, *, stacker=None) -> CategoryCascade:
        """Learn from product texts ``X`` (``name`` [+ ``description``] columns) and their
        labels ``y`` (the :data:`LEVELS` columns; blank colour or usage is fine).

        ``stacker``: a fitted :class:`~ml.categorize.retrieval.EvidenceStacker` to reuse (a
        trial fit's, on most of the same rows) instead of fitting one out of fold."""
        make_estimator(self.estimator)  # fail fast on a typo, before any work
        frame = _joined(X, y)
        rows = self._fit_cascade(frame)
        self.retrieval_ = None
        if self.retrieval and self.embedding_weight and self.estimator != "nb":
            self.retrieval_ = self._fit_retrieval(frame, rows, stacker)
        return self

    def _fit_cascade(self, frame: pd.DataFrame, temperatures: dict | None = None) -> pd.DataFrame:
        """The heads, the paths, the name memory and the familiarity; returns the training
        rows (the catalog's and the augmented copies). ``temperatures``: the SVM heads' to keep
        (an outer cascade's :attr:`temperatures_`) rather than fit."""
        rows = _training_frame(frame, self.augment, self.random_state, self.vocabulary_copies)
        X = self._fit_features(rows)

        jobs = {level: _head_rows(rows, level) for level in (GENDER, SUB, *FLAT_LEVELS)}
        jobs = {level: job for level, job in jobs.items() if len(job[0])}
        weights = rows["line_copies"].to_numpy(dtype=float) ** -LINE_WEIGHT_POWER
        if SUB in jobs:
            jobs[SUB] = (*jobs[SUB], _mean_one(weights[jobs[SUB][0]]))
        for sub, group in rows.groupby(SUB):
            if group[ARTICLE].nunique() > 1:  # a single article type needs no model
                jobs[("branch", sub)] = (group.index.to_numpy(), group[ARTICLE].to_numpy(),
                                         _mean_one(weights[group.index.to_numpy()]))

        heads = fit_heads(jobs, self.estimator, X, self.n_jobs, self.random_state, C=self.C,
                          temperatures=temperatures)
        self.temperatures_ = head_temperatures(heads)
        self.branches_ = {key[1]: heads.pop(key) for key in list(heads) if key[0] == "branch"}
        self.heads_ = heads
        self.n_branch_models_ = len(self.branches_)
        catalog = rows[~rows["augmented"]]
        self._build_paths(catalog)
        self.memory_ = None
        if self.memory:
            path_index = {path: i for i, path in enumerate(map(tuple, self.paths_))}
            paths = [path_index[path] for path in
                     catalog[list(PATH_LEVELS)].itertuples(index=False, name=None)]
            self.memory_ = NameMemory(colours=catalog[COLOUR].unique()).fit(
                list(catalog[NAME]), paths
            )
        self.familiarity_ = WordFamiliarity(colours=catalog[COLOUR].unique()).fit(
            list(catalog[NAME]), known=VOCABULARY
        )
        self.brands_ = BrandLexicon().fit(catalog[NAME])  # what a reason calls a brand
        return rows

    # ---- retrieval evidence (ml.categorize.retrieval)

    def _neighbours(self, rows: pd.DataFrame) -> retrieval.NameNeighbours:
        """The nearest-name index over the catalog rows and the vocabulary copies (the
        seller-style copies only repeat their catalog row)."""
        rows = rows[~rows["augmented"] | rows["vocabulary_copy"]]
        types = {kind: i for i, kind in enumerate(self._level_labels[ARTICLE])}
        known = rows[ARTICLE].isin(types)
        rows = rows[known]
        texts = [embedding.text_key(name) for name in rows[NAME]]
        return retrieval.NameNeighbours().fit(
            texts, rows[ARTICLE].map(types).to_numpy(), embedding.embed(list(rows[NAME])),
            len(types))

    def _fit_retrieval(self, frame: pd.DataFrame, rows: pd.DataFrame,
                       stacker: retrieval.EvidenceStacker | None) -> dict[str, Any] | None:
        """The neighbour index, the type words and the stacker fitted out of fold: a cascade
        and an index fitted on the rows whose name hashes outside one of
        :data:`STACKER_FOLDS` parts, read on that part's names (catalog names, their
        seller-style copies and vocabulary copies)."""
        types = list(self._level_labels[ARTICLE])
        words = retrieval.type_words(types)
        found = {
            "neighbours": self._neighbours(rows),
            "type_words": retrieval.TypeWords().fit(
                embedding.embed([word for word, _ in words]), [kind for _, kind in words],
                len(types)),
            "type_master": self._type_masters(),
        }
        if stacker is not None:
            return {**found, "stacker": stacker}
        held = frame[NAME].map(lambda name: zlib.crc32(name.encode("utf-8")) % STACKER_FOLDS == 0)
        if held.sum() < MIN_STACKER_NAMES:
            return None  # too few names to measure the weights on: the heads alone answer
        inner = clone(self).set_params(retrieval=False)
        # Its heads keep this cascade's temperatures (fitted on most of the same rows) and are
        # each fitted once, not twice: a sixth of a build's SVM fits. Measured on the full
        # build: the same hold-out (97.64%) and seller phrases; the served heads' own temperatures
        # reused the same way from the trial cost 2 dev and 1 test phrase, so they are refitted.
        inner_rows = inner._fit_cascade(frame[~held.to_numpy()].reset_index(drop=True),
                                        self.temperatures_)
        held_rows = _training_frame(frame[held.to_numpy()].reset_index(drop=True),
                                    self.augment, self.random_state, self.vocabulary_copies)
        held_rows = held_rows[held_rows[ARTICLE].isin(set(types))].reset_index(drop=True)
        names = list(held_rows[NAME])
        X = inner._features(names, None)
        inner_types = list(inner._level_labels[ARTICLE])
        marginals = np.zeros((len(names), len(types)))
        for start in range(0, len(names), _CHUNK):
            chunk = slice(start, start + _CHUNK)
            paths = inner._cascade_paths(X[chunk], names[chunk])
            marginals[chunk, [types.index(kind) for kind in inner_types]] = (
                paths @ inner._level_matrix[ARTICLE])
        vectors = embedding.embed(names)
        features = retrieval.evidence(
            marginals, self._neighbours_of(inner, inner_rows).shares(vectors),
            found["type_words"].closeness(vectors), retrieval.vocabulary_hits(names, types))
        truth = held_rows[ARTICLE].map({kind: i for i, kind in enumerate(types)}).to_numpy()
        found["stacker"] = retrieval.EvidenceStacker().fit(features, truth)
        return found

    def _neighbours_of(self, inner: CategoryCascade, rows: pd.DataFrame) -> retrieval.NameNeighbours:
        """``inner``'s rows indexed with this cascade's article types (its columns)."""
        neighbours = inner._neighbours(rows)
        inner_types = inner._level_labels[ARTICLE]
        ours = {kind: i for i, kind in enumerate(self._level_labels[ARTICLE])}
        neighbours.types_ = np.array([ours[inner_types[t]] for t in neighbours.types_], dtype=np.int32)
        neighbours.n_types_ = len(ours)
        return neighbours

    def _type_masters(self) -> np.ndarray:
        """Per article type, the master category that holds most of its prior mass."""
        masters = self._path_label_index[MASTER]
        types = self._path_label_index[ARTICLE]
        mass = np.zeros((len(self._level_labels[ARTICLE]), len(self._level_labels[MASTER])))
        np.add.at(mass, (types, masters), self._path_prior)
        return mass.argmax(axis=1)

    def _build_paths(self, rows: pd.DataFrame) -> None:
        """Index every path the model may predict so that batches are scored with array
        operations: the seen paths, plus (if ``unseen_gender_weight``) every other gender for
        each seen (master, sub, article), with that weight in ``_path_prior``."""
        self.taxonomy_ = set(rows[list(PATH_LEVELS)].itertuples(index=False, name=None))
        genders = list(self.heads_[GENDER].classes_)
        paths = sorted(self.taxonomy_)
        if self.unseen_gender_weight:
            trees = {path[1:] for path in self.taxonomy_}
            paths = sorted((gender, *tree) for tree in trees for gender in genders)
        self.paths_ = np.array(paths, dtype=object).reshape(-1, 4)
        subs = list(self.heads_[SUB].classes_)
        self._path_gender = np.array([genders.index(path[0]) for path in paths])
        self._path_sub = np.array([subs.index(path[2]) for path in paths])

        # P(master | sub, article) from counts: Perfumes and Socks sit under two masters.
        pair_counts = Counter(zip(rows[SUB], rows[ARTICLE], strict=True))
        triple_counts = Counter(zip(rows[SUB], rows[ARTICLE], rows[MASTER], strict=True))
        master_share = np.array(
            [triple_counts[(s, a, m)] / pair_counts[(s, a)] for _, m, s, a in paths]
        )
        seen = np.array([path in self.taxonomy_ for path in paths])
        self._path_prior = master_share * np.where(seen, 1.0, self.unseen_gender_weight)

        self._branch_columns: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
        for sub in subs:
            columns = np.flatnonzero(self.paths_[:, 2] == sub)
            head = self.branches_.get(sub)
            classes = None
            if head is not None:
                known = list(head.classes_)
                classes = np.array([known.index(a) for a in self.paths_[columns, 3]])
            self._branch_columns[sub] = (columns, classes)

        # (paths x labels) 0/1 matrices turn path probabilities into each level's marginals.
        self._level_labels: dict[str, np.ndarray] = {}
        self._level_matrix: dict[str, np.ndarray] = {}
        self._path_label_index: dict[str, np.ndarray] = {}
        for position, level in enumerate(PATH_LEVELS):
            labels, index = np.unique(self.paths_[:, position].astype(str), return_inverse=True)
            self._level_labels[level] = labels.astype(object)
            self._path_label_index[level] = index
            self._level_matrix[level] = np.eye(len(labels))[index]

    # ---- prediction

    def _cascade_paths(self, X, names: Sequence[str]) -> np.ndarray:
        """(n, paths) probabilities: P(g) * P(sub) * P(article | sub) * P(master | sub, article)
        (times the unseen-gender weight where it applies), renormalised over the paths (only
        the top subcategories' branches are run), then blended with the paths remembered for
        the same names."""
        genders = np.maximum(self.heads_[GENDER].predict_proba(X), _PROBABILITY_FLOOR)
        subs = np.maximum(self.heads_[SUB].predict_proba(X), _PROBABILITY_FLOOR)
        sub_names = self.heads_[SUB].classes_
        top = min(self.top_subcategories, subs.shape[1])
        candidates = np.argpartition(-subs, top - 1, axis=1)[:, :top]

        articles = np.zeros((X.shape[0], len(self.paths_)))
        for sub_index in np.unique(candidates):
            rows = np.flatnonzero((candidates == sub_index).any(axis=1))
            sub = sub_names[sub_index]
            columns, classes = self._branch_columns[sub]
            if classes is None:
                articles[np.ix_(rows, columns)] = 1.0
            else:
                subset = X if len(rows) == X.shape[0] else X[rows]
                proba = self.branches_[sub].predict_proba(subset)
                articles[np.ix_(rows, columns)] = np.maximum(
                    proba[:, classes], _PROBABILITY_FLOOR
                )

        scores = genders[:, self._path_gender] * subs[:, self._path_sub] * articles * self._path_prior
        scores /= scores.sum(axis=1, keepdims=True)
        if self.memory_ is not None:
            scores = self.memory_.blend(names, scores)
        return scores

    def _path_probabilities(self, X, names: Sequence[str]) -> np.ndarray:
        """(n, paths) probabilities: the heads' and the name memory's
        (:meth:`_cascade_paths`), fused with the retrieval evidence, then flattened for
        names with unknown words."""
        paths = self._cascade_paths(X, names)
        if self.retrieval_ is not None:
            paths = self._fused(paths, X, names)
        return self._tempered(paths, names)

    def _fused(self, paths: np.ndarray, X, names: Sequence[str]) -> np.ndarray:
        """``paths`` with their article-type marginal replaced by the stacker's (each type's
        mass spread over its paths as the cascade spread it, or as the prior does where the
        cascade gave the type nothing). Where the evidence disagrees on the master category
        (the cascade's likeliest type, the nearest names' and the vocabulary's types lie
        under different masters) the stacker's answer is pooled with each of theirs, so no
        single master is sure. A name headed by a fashion word, or by the catalog's own label
        noun while the evidence is unsure (:func:`retrieval.head_hits`,
        :data:`LABEL_HEAD_UNSURE_BELOW`), then leaves
        :data:`HEAD_OTHER_TYPES` of its probability to the types that noun does not name."""
        found = self.retrieval_
        types = self._level_labels[ARTICLE]
        column = self._path_label_index[ARTICLE]
        by_type = self._level_matrix[ARTICLE]
        marginals = paths @ by_type
        vectors = X[:, -DIMENSIONS:].toarray() / self.embedding_weight
        neighbours = found["neighbours"].shares(vectors)
        vocabulary = retrieval.vocabulary_hits(names, types)
        fused = found["stacker"].predict_proba(retrieval.evidence(
            marginals, neighbours, found["type_words"].closeness(vectors), vocabulary))
        masters = found["type_master"]
        voters = [marginals, neighbours, vocabulary]
        for row in range(len(fused)):
            said = {masters[v[row].argmax()] for v in voters if v[row].any()}
            if len(said) > 1:
                pool = [fused[row]] + [v[row] / v[row].sum() for v in voters if v[row].any()]
                fused[row] = np.mean(pool, axis=0)
        # A fashion word that heads the name decides its type over the modifiers around it
        # ("winter coat with belt" is a coat, "football cleats" shoes); so does the catalog's
        # own label noun heading a name the evidence is unsure of ("women sun hat").
        open_masters = [i for i, master in enumerate(self._level_labels[MASTER])
                        if master in LABEL_HEAD_OPEN_MASTERS]
        head, label_head = retrieval.head_hits(names, types, masters, open_masters)
        headed = head.any(axis=1)
        if headed.any():
            kept = np.where(head[headed] > 0, 1.0, HEAD_OTHER_TYPES)
            fused[headed] = fused[headed] * kept
            fused[headed] /= fused[headed].sum(axis=1, keepdims=True)
        unsure = label_head.any(axis=1) & ~headed & (fused.max(axis=1) < LABEL_HEAD_UNSURE_BELOW)
        fused = _decided_by_head(fused, label_head, unsure, LABEL_HEAD_OTHER_SHARE)
        prior = self._path_prior / (self._path_prior @ by_type)[column]
        spread = np.where(marginals[:, column] > _PROBABILITY_FLOOR,
                          paths / np.maximum(marginals[:, column], _PROBABILITY_FLOOR), prior)
        fused_paths = spread * fused[:, column]
        return fused_paths / fused_paths.sum(axis=1, keepdims=True)

    def _tempered(self, paths: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """``paths ** (1 / T)`` renormalised, T growing as the name's noun gets less known:
        the likeliest path stays the likeliest and its probability drops (a level's label,
        read top-down from the flatter distribution, can change)."""
        if not self.unknown_word_temperature:
            return paths
        unknown = 1.0 - self.familiarity_.familiarity(names)
        if not unknown.any():
            return paths
        temperature = 1.0 + self.unknown_word_temperature * unknown
        rows = np.flatnonzero(unknown)
        tempered = np.power(np.maximum(paths[rows], _PROBABILITY_FLOOR),
                            1.0 / temperature[rows, None])
        paths[rows] = tempered / tempered.sum(axis=1, keepdims=True)
        return paths

    def _level_scores(
        self, X, names: Sequence[str]
    ) -> tuple[dict[str, _LevelScores], np.ndarray]:
        """Every level's distribution for a batch, plus each row's path probability.

        The path is decoded top-down: the likeliest master, then the likeliest sub inside
        it, then the likeliest article inside that, then the likeliest gender for the path.
        A level's scores are the probability mass of the paths that agree with the levels
        chosen above it, so the label always has the highest score and its alternatives
        are its siblings. For master, sub and article that mass is the level's probability
        (calibrated); gender's is renormalised over the chosen path's genders.
        """
        return self._decode(self._path_probabilities(X, names), self._flat_probabilities(X))

    def _flat_probabilities(self, X) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """{flat level: (labels, (n, labels) probabilities)}; a level never labelled in
        training answers "" with certainty."""
        flat = {}
        for level in FLAT_LEVELS:
            head = self.heads_.get(level)
            if head is None:
                flat[level] = (np.array([""], dtype=object), np.ones((X.shape[0], 1)))
            else:
                flat[level] = (head.classes_, head.predict_proba(X))
        return flat

    def _decode(
        self, paths: np.ndarray, flat: dict[str, tuple[np.ndarray, np.ndarray]]
    ) -> tuple[dict[str, _LevelScores], np.ndarray]:
        agrees = np.ones_like(paths, dtype=bool)
        levels = {}
        for level in _DECODING_ORDER:
            scores = np.minimum((paths * agrees) @ self._level_matrix[level], 1.0)
            if level == GENDER:
                scores /= scores.sum(axis=1, keepdims=True)
            chosen = scores.argmax(axis=1)
            levels[level] = _LevelScores(self._level_labels[level], scores, chosen)
            agrees &= self._path_label_index[level][None, :] == chosen[:, None]
        path_probability = (paths * agrees).sum(axis=1)
        for level, (labels, probabilities) in flat.items():
            levels[level] = _LevelScores(labels, probabilities, probabilities.argmax(1))
        return levels, path_probability

    def _predictions(
        self, levels: dict[str, _LevelScores], confidences: np.ndarray
    ) -> list[CategoryPrediction]:
        per_level = {level: _level_predictions(scores) for level, scores in levels.items()}
        return [
            CategoryPrediction(
                levels={level: per_level[level][row] for level in LEVELS},
                confidence=float(confidences[row]),
                model_version=self.model_version,
            )
            for row in range(len(confidences))
        ]

    def predict(
        self, names: Sequence[str], descriptions: Sequence[str] | None = None
    ) -> list[CategoryPrediction]:
        """One :class:`CategoryPrediction` per name (or per row of a frame with ``name`` [+
        ``description``]); raises ValueError on an empty name."""
        if isinstance(names, pd.DataFrame):
            names, descriptions = _texts(names)
        names = _check_names(names)
        X = self._features(names, descriptions)
        predictions = []
        for start in range(0, len(names), _CHUNK):  # bounds the (names x paths) matrices
            chunk = slice(start, start + _CHUNK)
            predictions += self._predictions(*self._level_scores(X[chunk], names[chunk]))
        return predictions

    def predict_one(self, name: str, description: str = "") -> CategoryPrediction:
        """The prediction for a single name (ValueError if it is empty)."""
        return self.predict([name], [description] if description else None)[0]

    def explain(self, name: str, description: str = "",
                prediction: CategoryPrediction | None = None) -> Explanation:
        """Why the name gets its article type, in one line (:mod:`ml.categorize.explain`):
        the product line remembered, the name's meaning, its brand or its words."""
        return explain(self, name, description, prediction)

    def predict_labels(
        self, names: Sequence[str], descriptions: Sequence[str] | None = None
    ) -> dict[str, np.ndarray]:
        """Just the labels, as arrays keyed by level (fast path for evaluation)."""
        if isinstance(names, pd.DataFrame):
            names, descriptions = _texts(names)
        names = _check_names(names)
        X = self._features(names, descriptions)
        labels: dict[str, list[np.ndarray]] = {level: [] for level in LEVELS}
        for start in range(0, X.shape[0], _CHUNK):
            chunk = slice(start, start + _CHUNK)
            levels, _ = self._level_scores(X[chunk], names[chunk])
            for level, scores in levels.items():
                labels[level].append(scores.labels[scores.chosen])
        return {level: np.concatenate(parts) if parts else np.array([], dtype=object)
                for level, parts in labels.items()}


    # ---- other evidence (a photo, see ml.photo.fusion): the distributions, and decoding

    def distributions(
        self, names: Sequence[str], descriptions: Sequence[str] | None = None
    ) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """``(paths, flat)`` of a batch: (n, len(paths_)) path probabilities (columns: the
        (gender, master, sub, article) rows of ``paths_``) and {flat level: (labels, (n, labels)
        probabilities)}. An empty name is no evidence: the paths' prior, uniform flat levels."""
        names = list(names)
        given = [i for i, name in enumerate(names) if isinstance(name, str) and normalize(name)]
        prior = self._path_prior / self._path_prior.sum()
        paths = np.tile(prior, (len(names), 1))
        flat = {}
        for level in FLAT_LEVELS:
            head = self.heads_.get(level)
            labels = head.classes_ if head is not None else np.array([""], dtype=object)
            flat[level] = (labels, np.full((len(names), len(labels)), 1.0 / len(labels)))
        if given:
            texts = [names[i] for i in given]
            X = self._features(texts, None if descriptions is None else [descriptions[i] for i in given])
            for start in range(0, len(given), _CHUNK):
                rows = given[start : start + _CHUNK]
                chunk = slice(start, start + _CHUNK)
                paths[rows] = self._path_probabilities(X[chunk], texts[chunk])
                for level, (_, probabilities) in self._flat_probabilities(X[chunk]).items():
                    flat[level][1][rows] = probabilities
        return paths, flat

    def predictions_from(
        self, paths: np.ndarray, flat: dict[str, tuple[np.ndarray, np.ndarray]]
    ) -> list[CategoryPrediction]:
        """Decode distributions shaped as :meth:`distributions` returns them (e.g. the name's
        combined with a photo's) into predictions, exactly as :meth:`predict` does."""
        return self._predictions(*self._decode(paths, flat))

def _level_predictions(scores: _LevelScores) -> list[LevelPrediction]:
    """Per row: the chosen label first, then the two likeliest other labels (non-zero only)."""
    probabilities = scores.probabilities
    top = min(TOP_ALTERNATIVES + 1, probabilities.shape[1])
    best = np.argsort(-probabilities, axis=1, kind="stable")[:, :top]
    predictions = []
    for row, chosen in enumerate(scores.chosen):
        p = probabilities[row]
        alternatives = [(str(scores.labels[chosen]), float(p[chosen]))]
        for other in best[row]:
            if len(alternatives) == TOP_ALTERNATIVES:
                break
            if other != chosen and p[other] > 0:
                alternatives.append((str(scores.labels[other]), float(p[other])))
        predictions.append(
            LevelPrediction(alternatives[0][0], alternatives[0][1], tuple(alternatives))
        )
    return predictions


# --------------------------------------------------------------------------- the baseline


class FlatCategorizer(_TextModel):
    """Baseline: the same features, one independent classifier per level, no cascade.

    Its paths can be invalid ("Women / Watches / Jeans"): that is what the cascade fixes.
    """

    def __init__(self, estimator: str = DEFAULT_ESTIMATOR, *, augment: int = 1,
                 C: float | None = None, n_jobs: int = 1, random_state: int = 0):
        self.estimator = estimator
        self.augment = augment
        self.C = C
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: pd.DataFrame) -> FlatCategorizer:
        """Learn from product texts ``X`` and their labels ``y``, as the cascade does."""
        rows = _training_frame(_joined(X, y), self.augment, self.random_state)
        features = self._fit_features(rows)
        jobs = {level: _head_rows(rows, level) for level in LEVELS}
        self.heads_ = fit_heads(jobs, self.estimator, features, self.n_jobs, self.random_state, C=self.C)
        return self

    def predict_labels(
        self, names: Sequence[str], descriptions: Sequence[str] | None = None
    ) -> dict[str, np.ndarray]:
        if isinstance(names, pd.DataFrame):
            names, descriptions = _texts(names)
        X = self._features(_check_names(names), descriptions)
        return {
            level: head.classes_[head.predict_proba(X).argmax(axis=1)]
            for level, head in self.heads_.items()
        }
