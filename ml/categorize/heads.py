"""The classifier "heads" of the categorization model, and how they are trained and served.

Each head is trained as an ordinary scikit-learn classifier, then compacted into a
:class:`LinearHead`: the weights, the bias and how scores become probabilities. Every
estimator offered here is linear in the TF-IDF features, so this loses nothing, and it
matters for speed: scikit-learn re-validates its input on every ``predict_proba`` call
(~0.2 ms), and one product prediction calls up to seven heads. It also makes the saved
artifact smaller (float32) and independent of scikit-learn's private estimator state.
"""

from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.svm import LinearSVC

ESTIMATORS = ("logreg", "svm", "sgd", "nb")
DEFAULT_ESTIMATOR = "svm"
# Inverse regularisation of the heads, measured on our own split (see make_estimator).
DEFAULT_C = {"svm": 0.3, "logreg": 5.0}
SGD_ALPHA = 2e-6
SGD_PASSES = 30
LOGREG_PASSES = 100
NB_SMOOTHING = 0.1
TEMPERATURE_HOLDOUT = 0.1  # share of a head's rows held out to fit the SVM temperature
# Heads that fit better with weaker regularisation (C x 4 for the SVM), chosen by 5-fold
# cross-validation inside the train split: gender and usage hinge on a few brand or
# model-line words seen only a handful of times; colour and the article types do not
# gain (colour loses 0.2-0.3 point), so they keep the default.
HEAD_STRENGTH = {"gender": 4.0, "usage": 4.0}
_TEMPERATURES = np.geomspace(0.02, 5.0, 60)


def make_estimator(kind: str, random_state: int = 0, strength: float = 1.0, C: float | None = None):
    """A fresh classifier for one head; the settings were measured on our own split.

    ``strength`` multiplies the inverse regularisation ``C`` (default :data:`DEFAULT_C`) of
    ``svm`` and ``logreg`` (see :data:`HEAD_STRENGTH`); the other estimators ignore both.
    ``svm`` (the default): LinearSVC was the most accurate on colour (+0.3-0.4 point) and
    as good or better elsewhere; its margins become probabilities in :func:`fit_head`.
    ``logreg``: multinomial logistic regression; SAGA with a loose tolerance stops after
    ~10-30 passes, as accurate as a fully converged L-BFGS fit here and ~5x faster.
    ``nb``: Complement Naive Bayes, the classic text baseline (fast, less accurate).
    """
    base = C if C is not None else DEFAULT_C.get(kind)
    if kind == "logreg":
        return LogisticRegression(C=base * strength, solver="saga", tol=1e-2, max_iter=LOGREG_PASSES)
    if kind == "svm":
        return LinearSVC(C=base * strength, dual=True)
    if kind == "sgd":
        return SGDClassifier(
            loss="log_loss", alpha=SGD_ALPHA, max_iter=SGD_PASSES, tol=None, random_state=random_state
        )
    if kind == "nb":
        return ComplementNB(alpha=NB_SMOOTHING)
    raise ValueError(f"Unknown estimator {kind!r}; choose one of {ESTIMATORS}.")


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    return scores / scores.sum(axis=1, keepdims=True)


class LinearHead:
    """Probabilities from ``X @ weights + bias``: the fitted part of a linear classifier.

    ``link`` is ``"softmax"`` (logistic regression, Naive Bayes) or ``"ovr"`` (one-vs-rest
    sigmoids normalised to sum to one, as scikit-learn does for SGD).
    """

    def __init__(self, classes: np.ndarray, weights: np.ndarray, bias: np.ndarray, link: str):
        self.classes_ = np.asarray(classes, dtype=object)
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)  # (features, classes)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.link = link
        self.temperature: float | None = None  # what an SVM's margins were divided by (fit_head)

    @classmethod
    def from_estimator(cls, estimator) -> LinearHead:
        classes = estimator.classes_
        if isinstance(estimator, (MultinomialNB, ComplementNB)):
            bias = (estimator.class_log_prior_ if isinstance(estimator, MultinomialNB)
                    else np.zeros(len(classes)))
            return cls(classes, estimator.feature_log_prob_.T, bias, "softmax")
        weights, bias = estimator.coef_.T, estimator.intercept_
        if len(classes) == 2:
            # Binary models keep one score d for the second class: softmax([0, d]) = sigmoid.
            weights = np.hstack([np.zeros_like(weights), weights])
            bias = np.array([0.0, bias[0]])
            return cls(classes, weights, bias, "softmax")
        link = "ovr" if isinstance(estimator, SGDClassifier) else "softmax"
        return cls(classes, weights, bias, link)

    def predict_proba(self, X) -> np.ndarray:
        scores = np.asarray(X @ self.weights, dtype=np.float64) + self.bias
        if self.link == "softmax":
            return _softmax(scores)
        probabilities = 1.0 / (1.0 + np.exp(-scores))
        return probabilities / probabilities.sum(axis=1, keepdims=True)


class ConstantHead:
    """Stands in for a classifier when training saw a single label (nothing to learn)."""

    def __init__(self, label: str):
        self.classes_ = np.array([label], dtype=object)

    def predict_proba(self, X) -> np.ndarray:
        return np.ones((X.shape[0], 1))


def fit_head(
    kind: str, X, y: np.ndarray, random_state: int = 0, strength: float = 1.0,
    sample_weight: np.ndarray | None = None, C: float | None = None,
    temperature: float | None = None,
) -> LinearHead | ConstantHead:
    """Train one head and compact it. Module-level so that joblib workers can run it.

    ``temperature``: an SVM head's, fitted before by the same head on most of the same rows
    (an outer cascade's, for the stacker's inner one); without it, :func:`_svm_temperature`
    fits one, at the cost of a second SVM fit."""
    labels = np.unique(y)
    if len(labels) == 1:
        return ConstantHead(labels[0])
    estimator = make_estimator(kind, random_state, strength, C)
    head = LinearHead.from_estimator(estimator.fit(X, y, sample_weight=sample_weight))
    if kind == "svm":
        if temperature is None:
            temperature = _svm_temperature(X, y, random_state, strength, sample_weight, C)
        head.weights /= temperature
        head.bias /= temperature
        head.temperature = temperature
    return head


def _svm_temperature(
    X, y: np.ndarray, random_state: int, strength: float = 1.0,
    sample_weight: np.ndarray | None = None, C: float | None = None,
) -> float:
    """SVM margins are not probabilities; ``softmax(margin / T)`` is, once T is fitted.

    T minimises the log-loss on a 10% slice held out from a second SVM fit (cheaper than
    scikit-learn's 3-fold CalibratedClassifierCV, and works for classes with 1-2 rows).
    """
    held = np.random.default_rng(random_state).random(len(y)) < TEMPERATURE_HOLDOUT
    if held.sum() == 0 or len(np.unique(y[~held])) < 2:
        return 1.0
    weight = None if sample_weight is None else sample_weight[~held]
    probe = LinearHead.from_estimator(
        make_estimator("svm", strength=strength, C=C).fit(X[~held], y[~held], sample_weight=weight)
    )
    known = np.isin(y[held], probe.classes_)
    if not known.any():
        return 1.0
    margins = np.asarray(X[held][known] @ probe.weights, dtype=np.float64) + probe.bias
    truth = np.searchsorted(probe.classes_.astype(str), y[held][known].astype(str))
    losses = [
        -np.log(_softmax(margins / t)[np.arange(len(truth)), truth] + 1e-12).mean()
        for t in _TEMPERATURES
    ]
    return float(_TEMPERATURES[int(np.argmin(losses))])


def fit_heads(jobs: dict, kind: str, X, n_jobs: int = 1, random_state: int = 0,
              C: float | None = None, temperatures: dict | None = None) -> dict:
    """Fit ``{key: (row_indices, labels[, sample_weights])}`` heads over ``n_jobs``
    processes, biggest first.

    A key found in :data:`HEAD_STRENGTH` (a level name) gets that regularisation strength;
    one found in ``temperatures`` (:func:`head_temperatures` of an earlier fit) keeps that
    temperature rather than fitting its own.
    """
    temperatures = temperatures or {}
    order = sorted(jobs, key=lambda key: -len(jobs[key][0]))
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(fit_head)(
            kind, X[jobs[key][0]], jobs[key][1], random_state,
            HEAD_STRENGTH.get(key, 1.0) if isinstance(key, str) else 1.0,
            jobs[key][2] if len(jobs[key]) > 2 else None,
            C,
            temperatures.get(key),
        )
        for key in order
    )
    return dict(zip(order, fitted, strict=True))


def head_temperatures(heads: dict) -> dict:
    """``{key: temperature}`` of fitted SVM heads, for a later fit of the same heads on most of
    the same rows (:func:`fit_heads`' ``temperatures``)."""
    return {key: head.temperature for key, head in heads.items()
            if getattr(head, "temperature", None) is not None}
