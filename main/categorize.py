"""Asking the categorizer about a listing: from its name, its photo, or both.

An upload is first checked and re-encoded by :func:`main.images.normalise_product_photo`
(hostile files are refused there, as for a listing's photo); ``ml.photo`` then reads the clean
JPEG. The models are served by :mod:`serving.registry`: without them this raises
:class:`~serving.registry.ModelUnavailable` (pages then show no suggestions, the API says 503).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError

from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from serving.registry import loaded, loaded_for, require, version_for

from .images import normalise_product_photo

# How sure the categorizer must be for the shop to act on an answer without asking: below it,
# a listing's field is offered as a choice rather than filled in, and a search ranks nothing by it.
SURE_ENOUGH = 0.6


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


@contextmanager
def photo_refusals():
    """``ml.photo``'s own refusal of a photo, as the shop's."""
    from ml.photo.images import PhotoError

    try:
        yield
    except PhotoError as error:
        raise PhotoRefused(str(error)) from None


def categorizer_for(*, seller_id: int | None):
    """The name cascade a seller's listings are categorized with: the serving version, or the
    one a running experiment assigns the seller (``serving.registry.loaded_for``)."""
    return require(loaded_for(CATEGORIZER, unit=seller_id), "categorizer")


def predict(*, names: list[str], descriptions: list[str], images: list[bytes | None],
            seller_id: int | None = None) -> list:
    """Category predictions (``CategoryPrediction``, as the name cascade answers) from the name,
    the photo, or both, for ``seller_id``'s listings. Rows without a photo are asked of the name
    cascade alone; a row needs a name or a photo. Raises :class:`ModelUnavailable` when a model it
    needs is not trained."""
    cascade = categorizer_for(seller_id=seller_id)
    answers: list = [None] * len(names)
    by_name = [i for i, image in enumerate(images) if image is None]
    by_photo = [i for i, image in enumerate(images) if image is not None]
    if by_name:
        found = cascade.predict([names[i] for i in by_name], [descriptions[i] for i in by_name])
        for i, prediction in zip(by_name, found, strict=True):
            answers[i] = prediction
    if by_photo:
        fused = _fused(cascade)
        with photo_refusals():
            found = fused.predict([names[i] for i in by_photo], [images[i] for i in by_photo],
                                  [descriptions[i] for i in by_photo])
        for i, prediction in zip(by_photo, found, strict=True):
            answers[i] = prediction
    return answers


def reasons(*, names: list[str], descriptions: list[str], images: list[bytes | None],
            predictions: list, seller_id: int | None = None) -> list[str]:
    """Per prediction of :func:`predict`, one line saying why its category was chosen (the
    words, the brand, the photo, or the product line sellers listed so; see
    ``ml.categorize.explain``)."""
    cascade = categorizer_for(seller_id=seller_id)
    fused = None
    lines = []
    for name, description, image, prediction in zip(names, descriptions, images, predictions, strict=True):
        if image is None:
            lines.append(cascade.explain(name, description or "", prediction).text)
        else:
            fused = fused or _fused(cascade)
            with photo_refusals():
                lines.append(fused.explain(name or "", prediction, description or "").text)
    return lines


def _fused(cascade):
    from ml.photo.fusion import NamePhotoCategorizer

    return NamePhotoCategorizer(cascade, require(loaded(PHOTO_MODEL), "photo model"))


def categorizer_version_for(*, seller_id: int | None) -> str:
    """The version of :func:`categorizer_for`'s model (a key part of its cached answers)."""
    return version_for(CATEGORIZER, unit=seller_id)
