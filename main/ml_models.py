"""The trained models, loaded once per process and shared by every request.

Each loader is cached: the first call loads from ``settings.MODELS_DIR`` (gunicorn loads
them at start, see ``marketplace/wsgi.py``). A missing artifact is reported once in the log
and answers ``None``: pages then simply show no suggestions, and the API says 503 with the fix.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings

from ml.artifacts import ArtifactMissing

logger = logging.getLogger(__name__)

# How sure the categorizer must be for the shop to act on an answer without asking: below it,
# a listing's field is offered as a choice rather than filled in, and a search ranks nothing by it.
SURE_ENOUGH = 0.6


class ModelUnavailable(Exception):
    """A model the request needs is not trained yet."""


def _load(loader, what: str):
    try:
        return loader(models_dir=settings.MODELS_DIR)
    except ArtifactMissing as error:
        logger.warning("%s unavailable: %s", what, error)
        return None


@functools.cache
def categorizer():
    from ml.categorization import load_categorizer

    return _load(load_categorizer, "Categorizer")


@functools.cache
def similarity_index():
    from ml.similarity import load_similarity_index

    return _load(load_similarity_index, "Similarity index")


@functools.cache
def hybrid_recommender():
    from ml.feed import load_hybrid

    return _load(load_hybrid, "Hybrid recommender")


def require(model, what: str):
    if model is None:
        raise ModelUnavailable(f"The {what} is not trained yet: run `python manage.py train_models`.")
    return model


def reload_all() -> None:
    """Forget loaded models (after ``train_models`` in the same process, and in tests)."""
    for loader in (categorizer, similarity_index, hybrid_recommender):
        loader.cache_clear()


def warm_up() -> None:
    """Load every model now, at process start, instead of on the first request."""
    categorizer()
    if (index := similarity_index()) is not None:
        index.prepare()
    hybrid_recommender()
