"""The trained models the shop serves: one table of artifact name -> how to load it.

``ml`` trains and saves each model in the artifact store (``settings.MODELS_DIR``); this module
loads each once per process (gunicorn's master loads them before forking, see
``marketplace/wsgi.py``) and hands the same object to every request. A model that is not
trained yet is ``None`` (logged once): pages then show no suggestions, and the API says 503
with the fix (:func:`require`).

Adding a model is one entry in :data:`SERVED`. Nothing here knows the shop's apps: what must
be reset when models are reloaded listens to :data:`serving.signals.models_reloaded`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.categorize.train import load_categorizer
from ml.photo.index import ARTIFACT_NAME as PHOTO_INDEX
from ml.photo.index import load_photo_index
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from ml.photo.model import load_photo_model
from ml.recommend.complete_the_look import ARTIFACT_NAME as COMPLETE_THE_LOOK
from ml.recommend.complete_the_look import load_complete_the_look
from ml.recommend.similar import load_similarity_index
from ml.recommend.train import HYBRID, SIMILARITY, load_hybrid
from ml.search.train import ARTIFACT_NAME as SEARCH
from ml.search.train import load_search_understanding
from ml.store import ArtifactMissing, ArtifactStore

from .signals import models_reloaded

logger = logging.getLogger(__name__)

NOT_LOADED = "none"  # the version of a model that is not trained yet (a cache key part)


class ModelUnavailable(Exception):
    """A model the request needs is not trained yet."""


@dataclass(frozen=True)
class Served:
    """How to load one model, what to call it in messages, and whether ``/readyz`` waits for it."""

    load: Callable[..., Any]  # load(store=ArtifactStore); raises ArtifactMissing when not trained
    what: str
    ready_waits: bool = True


def _load_complete_the_look(*, store: ArtifactStore):
    """Over the loaded similarity index, with its precomputed table if the store has one."""
    index = loaded(SIMILARITY)
    return load_complete_the_look(store=store, index=index) if index is not None else None


# Every model the shop serves, by artifact name. The photo models are optional: pages work
# without them, so readiness does not wait for them.
SERVED: dict[str, Served] = {
    CATEGORIZER: Served(load_categorizer, "categorizer"),
    SIMILARITY: Served(load_similarity_index, "similarity index"),
    HYBRID: Served(load_hybrid, "hybrid recommender"),
    SEARCH: Served(load_search_understanding, "search reader"),
    COMPLETE_THE_LOOK: Served(_load_complete_the_look, "complete-the-look", ready_waits=False),
    PHOTO_MODEL: Served(load_photo_model, "photo model", ready_waits=False),
    PHOTO_INDEX: Served(load_photo_index, "photo index", ready_waits=False),
}
# The models readiness waits for, in the table's order.
SERVED_MODELS = tuple(name for name, served in SERVED.items() if served.ready_waits)

_loaded: dict[str, Any] = {}


def store() -> ArtifactStore:
    return ArtifactStore(settings.MODELS_DIR)


def loaded(name: str):
    """The model ``name`` (a key of :data:`SERVED`), loaded on first use; None if not trained."""
    try:
        return _loaded[name]
    except KeyError:
        pass
    served = SERVED[name]
    try:
        model = served.load(store=store())
    except ArtifactMissing as error:
        logger.warning("%s unavailable: %s", served.what.capitalize(), error)
        model = None
    _loaded[name] = model
    return model


def version(name: str) -> str:
    """The loaded model's version (changes with each build): part of the keys of what is
    cached from its answers."""
    model = loaded(name)
    return getattr(model, "version", "") if model is not None else NOT_LOADED


def require(model, what: str):
    """``model``, or :class:`ModelUnavailable` saying how to train it."""
    if model is None:
        raise ModelUnavailable(f"The {what} is not trained yet: run `python manage.py train_models`.")
    return model


def reload_all() -> None:
    """Forget loaded models (after ``train_models`` in the same process, and in tests)."""
    _loaded.clear()
    models_reloaded.send(sender=__name__)


def warm_up() -> None:
    """Load every model now, at process start, instead of on the first request."""
    for name in SERVED:
        loaded(name)
