"""The shop's side of the photo models: an upload -> categories, look-alikes, a photo search.

Every call into ``ml.photo`` from the shop goes through here (the models themselves are
loaded once per process by :mod:`main.ml_bridge`, like the others). An upload is first
checked and re-encoded by :func:`main.images.normalise_product_photo` (hostile files are
refused there, as for a listing's photo); ``ml.photo`` then reads the clean JPEG.

Without a trained photo model, pages show no photo suggestions and the API answers 503 with
the fix, as for the name categorizer.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from ml.recommend.ranking import Recommendation

from . import ml_bridge
from .images import normalise_product_photo
from .ml_bridge import ModelUnavailable, categorizer, require

# A photo search keeps this many nearest products: five catalog pages of 24, enough for its
# facets to narrow them, few enough that they all still look like the photo and that the
# catalog filters them by id in one query.
PHOTO_SEARCH_RESULTS = 120
# How long a photo search's results stay under their key (its catalog URL works that long).
PHOTO_SEARCH_SECONDS = 60 * 60
# A photo search's key: this many hex digits of the clean photo's hash (also a catalog filter).
PHOTO_KEY_LENGTH = 16
PHOTO_SEARCH_CACHE_PREFIX = "photo-search:"
PHOTO_PARAMETER = "photo"  # the catalog's query-string filter naming a photo search


class PhotoRefused(ValueError):
    """An upload the shop cannot read as a photo; the message says why, for the user."""


def clean_photo(upload) -> bytes:
    """The upload's own bytes, once :func:`main.images.normalise_product_photo` has accepted it
    (size, pixel count, format, a readable image). The model reads the photo as sent, so that a
    catalog photo searched again is found by its content hash in the photo index."""
    try:
        normalise_product_photo(upload)
    except ValidationError as error:
        raise PhotoRefused(" ".join(error.messages)) from None
    upload.seek(0)
    return upload.read()


def photo_model():
    return ml_bridge.photo_model()


def photo_index():
    return ml_bridge.photo_index()


@contextmanager
def _refusals():
    """``ml.photo``'s own refusal of a photo, as the shop's."""
    from ml.photo.images import PhotoError

    try:
        yield
    except PhotoError as error:
        raise PhotoRefused(str(error)) from None


def embed(images: list[bytes]):
    """(n, D) L2-normalised vectors of accepted photos; a photo the photo index already holds
    (by content hash) is not embedded again."""
    from ml.photo.images import content_hash

    model = require(photo_model(), "photo model")
    index = photo_index()
    known = [index.vector_of_hash(content_hash(image)) if index is not None else None for image in images]
    missing = [i for i, vector in enumerate(known) if vector is None]
    if missing:
        with _refusals():
            fresh = model.embed([images[i] for i in missing])
        for i, vector in zip(missing, fresh, strict=True):
            known[i] = vector
    return np.vstack(known)


# ---------------------------------------------------------------------- categorization


def predict(*, names: list[str], descriptions: list[str], images: list[bytes | None]) -> list:
    """Category predictions (``CategoryPrediction``, as the name cascade answers) from the name,
    the photo, or both. Rows without a photo are asked of the name cascade alone; a row needs a
    name or a photo. Raises :class:`ModelUnavailable` when a model it needs is not trained."""
    cascade = require(categorizer(), "categorizer")
    answers: list = [None] * len(names)
    by_name = [i for i, image in enumerate(images) if image is None]
    by_photo = [i for i, image in enumerate(images) if image is not None]
    if by_name:
        found = cascade.predict([names[i] for i in by_name], [descriptions[i] for i in by_name])
        for i, prediction in zip(by_name, found, strict=True):
            answers[i] = prediction
    if by_photo:
        fused = _fused(cascade)
        with _refusals():
            found = fused.predict([names[i] for i in by_photo], [images[i] for i in by_photo],
                                  [descriptions[i] for i in by_photo])
        for i, prediction in zip(by_photo, found, strict=True):
            answers[i] = prediction
    return answers


def _fused(cascade):
    from ml.photo.fusion import NamePhotoCategorizer

    return NamePhotoCategorizer(cascade, require(photo_model(), "photo model"))


def photo_categorizer_ready() -> bool:
    """Whether a photo can be categorized now (both models trained)."""
    return categorizer() is not None and photo_model() is not None


# ---------------------------------------------------------------------- look-alikes


def looks_like(*, product_id: int, k: int, exclude: set[int] | frozenset = frozenset()) -> list:
    """Products whose photo looks like this product's (index lookups only: no embedding)."""
    index = photo_index()
    if index is None or product_id not in index:
        return []
    return index.similar(product_id, k=k, exclude=set(exclude))


def photo_index_version() -> str:
    index = photo_index()
    return getattr(index, "version", "") if index is not None else "none"


# ---------------------------------------------------------------------- search by photo


@dataclass(frozen=True)
class PhotoSearch:
    key: str
    ids: list[int]  # primary keys, closest first
    scores: list[float]


def photo_search(*, image: bytes, k: int = PHOTO_SEARCH_RESULTS) -> PhotoSearch:
    """The products closest to a clean photo, kept under a key for the catalog to filter by.

    The key is the photo's own hash: the same photo searched twice is one cache entry.
    """
    index = require(photo_index(), "photo index")
    key = hashlib.sha256(image).hexdigest()[:PHOTO_KEY_LENGTH]
    cached = cache.get(PHOTO_SEARCH_CACHE_PREFIX + key)
    if cached is not None and cached[2] == photo_index_version():
        ids, scores, _ = cached
        return PhotoSearch(key, ids[:k], scores[:k])
    found = index.nearest(embed([image]), k=k, exclude=set())[0]
    ids, scores = [r.product_id for r in found], [round(float(r.score), 4) for r in found]
    cache.set(PHOTO_SEARCH_CACHE_PREFIX + key, (ids, scores, photo_index_version()), PHOTO_SEARCH_SECONDS)
    return PhotoSearch(key, ids, scores)


PHOTO_SEARCH_REASON = "Looks like your photo"


def search_suggestions(*, search: PhotoSearch, k: int) -> list[ml_bridge.ProductSuggestion]:
    """The first ``k`` products of a photo search still for sale, closest first (one query)."""
    recommendations = [Recommendation(i, s, PHOTO_SEARCH_REASON)
                       for i, s in zip(search.ids, search.scores, strict=True)]
    return ml_bridge.suggestions_for(recommendations=recommendations[: k + ml_bridge.SPARE])[:k]


def catalog_url(*, search: PhotoSearch) -> str:
    """The catalog page of a photo search (its facets narrow the photo's neighbours)."""
    return f"{reverse('main:catalog')}?{PHOTO_PARAMETER}={search.key}"


def photo_search_ids(*, key: str) -> list[int] | None:
    """The products of an earlier photo search, closest first; None when it has expired."""
    if not (len(key) == PHOTO_KEY_LENGTH and all(c in "0123456789abcdef" for c in key)):
        return None
    cached = cache.get(PHOTO_SEARCH_CACHE_PREFIX + key)
    return None if cached is None else list(cached[0])


__all__ = [
    "PHOTO_SEARCH_RESULTS",
    "ModelUnavailable",
    "PhotoRefused",
    "PhotoSearch",
    "clean_photo",
    "embed",
    "looks_like",
    "photo_search",
    "photo_search_ids",
    "predict",
]
