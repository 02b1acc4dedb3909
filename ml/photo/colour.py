"""The product's colour from its pixels: ImageNet features throw colour away, the pixels keep it.

The catalog photos are shot on white, so the product is the pixels that are not near-white.
:func:`colour_features` describes them in CIE Lab (a perceptual space: equal steps look
equally different, so "Navy Blue" and "Blue" fall in different bins where RGB would blur them)
as a joint L x a x b histogram of the whole foreground and of its centre (where the product
sits; the edges hold skin, hair and the other garments of a worn look), plus the foreground's
share and its mean and spread in Lab. :class:`ColourClassifier` reads baseColour from them
(standardised features, multinomial logistic regression; scikit-learn conventions).

Vectorised over a batch (no per-photo Python loop): it runs inside every catalog embedding.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

FOREGROUND_WHITE = 235  # a pixel whose channels are all >= this is studio-white background
MIN_FOREGROUND = 10  # pixels; fewer (a white item on white) and the whole photo is used
# Joint Lab bins: lightness in 5, each opponent axis in 7 (a, b in about -80..80, the range of
# product colours; the outer bins are open).
L_BINS, A_BINS, B_BINS = 5, 7, 7
AB_RANGE = 80.0
HIST_BINS = L_BINS * A_BINS * B_BINS
CENTRE = 0.5  # the centre window's side, as a share of the photo's side
COLOUR_FEATURES = 2 * HIST_BINS + 1 + 6
CHUNK = 512  # photos converted at once (bounds the float pixel buffers)

# sRGB D65 -> XYZ, then normalised by the white point (Xn, Yn, Zn)
_RGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]], dtype=np.float32
)
_WHITE = np.array([0.95047, 1.0, 1.08883], dtype=np.float32)


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """``uint8`` (..., 3) sRGB -> float32 (..., 3) CIE Lab (D65)."""
    c = rgb.astype(np.float32) / 255.0
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = (c @ _RGB_TO_XYZ.T) / _WHITE
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1
    ).astype(np.float32)


def _bins(lab: np.ndarray) -> np.ndarray:
    l_bin = np.clip((lab[..., 0] * L_BINS / 100).astype(np.int32), 0, L_BINS - 1)
    a_bin = np.clip(((lab[..., 1] + AB_RANGE) * A_BINS / (2 * AB_RANGE)).astype(np.int32), 0, A_BINS - 1)
    b_bin = np.clip(((lab[..., 2] + AB_RANGE) * B_BINS / (2 * AB_RANGE)).astype(np.int32), 0, B_BINS - 1)
    return (l_bin * A_BINS + a_bin) * B_BINS + b_bin


def _histograms(bins: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per photo, the Hellinger-normalised (square-rooted shares) histogram of its masked pixels."""
    n = len(bins)
    flat = (np.arange(n)[:, None] * HIST_BINS + bins.reshape(n, -1))[mask.reshape(n, -1)]
    counts = np.bincount(flat, minlength=n * HIST_BINS).reshape(n, HIST_BINS).astype(np.float32)
    return np.sqrt(counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0))


def colour_features(images: np.ndarray) -> np.ndarray:
    """(n, :data:`COLOUR_FEATURES`) float32 of a ``uint8`` (n, R, R, 3) batch: the foreground's
    Lab histogram, its centre's, the foreground share, its mean and standard deviation in Lab."""
    images = np.asarray(images)
    out = np.empty((len(images), COLOUR_FEATURES), dtype=np.float32)
    for start in range(0, len(images), CHUNK):
        out[start : start + CHUNK] = _features(images[start : start + CHUNK])
    return out


def _features(images: np.ndarray) -> np.ndarray:
    n, height, width, _ = images.shape
    foreground = ~(images >= FOREGROUND_WHITE).all(axis=-1)
    empty = foreground.reshape(n, -1).sum(axis=1) < MIN_FOREGROUND
    foreground[empty] = True
    lab = rgb_to_lab(images)
    bins = _bins(lab)
    top, left = int(height * (1 - CENTRE) / 2), int(width * (1 - CENTRE) / 2)
    centre = np.zeros_like(foreground)
    centre[:, top : height - top, left : width - left] = True
    centre &= foreground
    centre[centre.reshape(n, -1).sum(axis=1) < MIN_FOREGROUND] |= foreground[
        centre.reshape(n, -1).sum(axis=1) < MIN_FOREGROUND
    ]
    weights = foreground.reshape(n, -1, 1).astype(np.float32)
    pixels = lab.reshape(n, -1, 3)
    share = weights.sum(axis=1)
    mean = (pixels * weights).sum(axis=1) / share
    spread = np.sqrt(((pixels - mean[:, None]) ** 2 * weights).sum(axis=1) / share)
    return np.concatenate(
        [
            _histograms(bins, foreground),
            _histograms(bins, centre),
            share / (height * width),
            mean / 100.0,
            spread / 100.0,
        ],
        axis=1,
    )


class ColourClassifier(ClassifierMixin, BaseEstimator):
    """baseColour from :func:`colour_features`: standardised, multinomial logistic regression.

    ``fit(X, y)``: ``X`` the features (or a ``uint8`` photo batch, featurised here), ``y`` the
    colour names ("" = unknown, ignored). Fitted: ``classes_``, ``mean_``, ``scale_``,
    ``coef_``, ``intercept_`` (plain arrays: the served model saves them as ``.npy``).
    """

    def __init__(self, *, C: float = 1.0, max_iter: int = 300):
        self.C = C
        self.max_iter = max_iter

    def fit(self, X: np.ndarray, y: Sequence[str]) -> ColourClassifier:
        from sklearn.linear_model import LogisticRegression

        X = self._features(X)
        y = np.asarray(y, dtype=object)
        known = y != ""
        X, y = X[known], y[known]
        self.mean_ = X.mean(axis=0)
        self.scale_ = np.where(X.std(axis=0) > 1e-6, X.std(axis=0), 1.0).astype(np.float32)
        model = LogisticRegression(C=self.C, max_iter=self.max_iter)
        model.fit((X - self.mean_) / self.scale_, y)
        self.classes_ = model.classes_.astype(object)
        self.coef_ = model.coef_.astype(np.float32)
        self.intercept_ = model.intercept_.astype(np.float32)
        return self

    @staticmethod
    def _features(X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        return colour_features(X) if X.ndim == 4 else X.astype(np.float32)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return predict_colour(self._features(X), self.mean_, self.scale_, self.coef_, self.intercept_)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def predict_colour(features, mean, scale, coef, intercept) -> np.ndarray:
    """The fitted logistic regression's probabilities (no scikit-learn needed to serve)."""
    logits = ((features - mean) / scale) @ coef.T + intercept
    logits = np.exp(logits - logits.max(axis=1, keepdims=True))
    return logits / logits.sum(axis=1, keepdims=True)
