"""The trained models the shop serves: one table of artifact name -> how to load it.

``ml`` trains and saves each model in the artifact store (``settings.MODELS_DIR``); this module
loads each once per process (gunicorn's master loads them before forking, see
``marketplace/wsgi.py``) and hands the same object to every request. A model that is not
trained yet is ``None`` (logged once): pages then show no suggestions, and the API says 503
with the fix (:func:`require`).

Which version of each model loads is the registry's ``serving`` alias (:mod:`serving.models`),
read at start and then every ``MODEL_POLL_SECONDS`` by a thread of each worker
(:func:`start_polling`): a version promoted meanwhile is loaded in that thread, outside any
request, and swapped in by replacing one reference (:func:`swap_if_moved`). Without the
registry's tables (a fresh database) the store's manifest says which version loads.

Adding a model is one entry in :data:`SERVED`. Nothing here knows the shop's apps: what must
be reset when models are reloaded listens to :data:`serving.signals.models_reloaded`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections

from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.categorize.train import load_categorizer
from ml.embed.text import ARTIFACT_NAME as TEXT_ENCODER
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
    after: tuple[str, ...] = ()  # models it loads over: a new version of one reloads it too


def _load_complete_the_look(*, store: ArtifactStore):
    """Over the loaded similarity index, with its precomputed table if the store has one."""
    index = loaded(SIMILARITY)
    return load_complete_the_look(store=store, index=index) if index is not None else None


# Every model the shop serves, by artifact name. The photo models are optional: pages work
# without them, so readiness does not wait for them.
SERVED: dict[str, Served] = {
    CATEGORIZER: Served(load_categorizer, "categorizer", after=(TEXT_ENCODER,)),
    SIMILARITY: Served(load_similarity_index, "similarity index"),
    HYBRID: Served(load_hybrid, "hybrid recommender"),
    SEARCH: Served(load_search_understanding, "search reader"),
    COMPLETE_THE_LOOK: Served(
        _load_complete_the_look, "complete-the-look", ready_waits=False, after=(SIMILARITY,)
    ),
    PHOTO_MODEL: Served(load_photo_model, "photo model", ready_waits=False),
    PHOTO_INDEX: Served(load_photo_index, "photo index", ready_waits=False),
}
# The models readiness waits for, in the table's order.
SERVED_MODELS = tuple(name for name, served in SERVED.items() if served.ready_waits)

_loaded: dict[str, Any] = {}
_versions: dict[str, str] = {}  # the version each loaded model was loaded from
_over: dict[str, dict[str, str | None]] = {}  # the versions of the models each was loaded over
_aliases: dict[str, str] = {}  # the serving versions this process last read from the registry
_poller = {"pid": None}
# Apps that split traffic between versions of one model (an experiment) say which version a unit
# (a seller's id) gets: name -> chooser(unit) -> version, "" for the serving one. The registry
# only loads it; it never knows why.
_choosers: dict[str, Callable[[int], str]] = {}
_variants: dict[tuple[str, str], Any] = {}  # (name, version) -> a model loaded beside the serving one
VARIANTS_KEPT = 2  # an experiment compares the serving version with one or two others
_poller_lock = threading.Lock()


def store() -> ArtifactStore:
    """The artifact store, reading the serving versions, never pruning a registered one."""
    return ArtifactStore(settings.MODELS_DIR, serving=_aliases, pinned=_pinned)


def _pinned(name: str) -> set[str]:
    from .selectors import pinned_versions  # the registry's models: once Django is set up

    return pinned_versions(name)


def _read_aliases() -> dict[str, str] | None:
    """The registry's serving versions; None if the database cannot say (not migrated, down)."""
    from .selectors import serving_versions

    try:
        return serving_versions()
    except DatabaseError as error:
        logger.warning("Model registry unreadable, serving versions unchanged: %s", error)
        return None


def loaded(name: str):
    """The model ``name`` (a key of :data:`SERVED`), loaded on first use; None if not trained."""
    try:
        return _loaded[name]
    except KeyError:
        pass
    _loaded[name] = _load(name, store())
    return _loaded[name]


def _load(name: str, artifacts: ArtifactStore) -> Any:
    """Load ``name`` from ``artifacts`` and note which versions it was loaded from and over."""
    served = SERVED[name]
    _over[name] = {upstream: artifacts.current(upstream) for upstream in served.after}
    _versions[name] = artifacts.current(name) or NOT_LOADED
    try:
        return served.load(store=artifacts)
    except ArtifactMissing as error:
        logger.warning("%s unavailable: %s", served.what.capitalize(), error)
        _versions[name] = NOT_LOADED
        return None


def choose_versions_with(name: str, chooser: Callable[[int], str]) -> None:
    """Let ``chooser`` say which version of ``name`` a unit gets (:func:`loaded_for`)."""
    _choosers[name] = chooser


def loaded_for(name: str, *, unit: int | None):
    """The model ``name`` for ``unit``: the version its chooser assigns (loaded once, beside the
    serving one), else the serving model. A version that cannot be loaded falls back to the
    serving one, so an experiment never breaks a seller's form."""
    model = loaded(name)
    chooser = _choosers.get(name)
    wanted = chooser(unit) if chooser is not None and unit is not None else ""
    if not wanted or wanted == _versions.get(name):
        return model
    key = (name, wanted)
    if key not in _variants:
        artifacts = ArtifactStore(settings.MODELS_DIR, serving={**_aliases, name: wanted}, pinned=_pinned)
        try:
            variant = SERVED[name].load(store=artifacts)
        except ArtifactMissing as error:
            logger.warning("%s %s unavailable, serving %s instead: %s",
                           name, wanted, _versions.get(name), error)
            variant = None
        while len(_variants) >= VARIANTS_KEPT:
            _variants.pop(next(iter(_variants)))
        _variants[key] = variant
    return _variants[key] if _variants[key] is not None else model


def version_for(name: str, *, unit: int | None) -> str:
    """The version of the model :func:`loaded_for` serves ``unit`` (an experiment's variant, or
    the serving one): part of the keys of answers cached across processes."""
    model = loaded_for(name, unit=unit)
    for (variant_name, wanted), variant in _variants.items():
        if variant_name == name and variant is model and model is not None:
            return wanted
    return _versions.get(name, NOT_LOADED)


def loaded_versions() -> dict[str, str]:
    """``{model: version}`` of the models this process has loaded (``/readyz`` shows them)."""
    return {name: _versions[name] for name in SERVED if _loaded.get(name) is not None}


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
    """Forget loaded models (after ``train_models`` in the same process, and in tests); they
    load again from the store's manifest, which the registry keeps on the serving versions."""
    _loaded.clear()
    _variants.clear()
    _versions.clear()
    _over.clear()
    _aliases.clear()
    models_reloaded.send(sender=__name__)


def warm_up() -> None:
    """Load every model now, at process start, instead of on the first request."""
    _aliases.update(_read_aliases() or {})
    for name in SERVED:
        loaded(name)


def swap_if_moved() -> list[str]:
    """Load the models whose serving version moved since they were loaded (and those loaded
    over them), each swapped in by one assignment once loaded; return their names.

    Called by the polling thread, never by a request: requests keep the old model until the
    new one is ready. A version that fails to load is logged and the old one kept.
    """
    aliases = _read_aliases()
    if aliases is None:
        return []
    def differs(name: str, version: str | None) -> bool:
        return name in aliases and aliases[name] != version

    moved = {name for name in _loaded if differs(name, _versions.get(name))}
    moved |= {name for name in _loaded if any(differs(up, v) for up, v in _over.get(name, {}).items())}
    moved |= {name for name in _loaded if set(SERVED[name].after) & moved}
    _aliases.update(aliases)
    artifacts = store()
    swapped = []
    for name in SERVED:  # the table's order: a model before those loaded over it
        if name not in moved:
            continue
        noted = _versions.get(name), _over.get(name)
        try:
            model = _load(name, artifacts)
        except Exception:  # a corrupt artifact must not take the worker down: keep the old
            _versions[name], _over[name] = noted
            logger.exception("Could not load %s %s: the old one keeps serving", name, aliases.get(name))
            continue
        _loaded[name] = model  # the swap: a request reads the old object or the new one
        swapped.append(name)
    if swapped:
        logger.info("Now serving %s", ", ".join(f"{name} {_versions[name]}" for name in swapped))
        models_reloaded.send(sender=__name__)
    return swapped


def start_polling(every: float) -> None:
    """Start this process's thread that calls :func:`swap_if_moved` every ``every`` seconds
    (once per process: after gunicorn forks, the first request starts it). 0: never."""
    if every <= 0 or _poller["pid"] == os.getpid():
        return
    with _poller_lock:
        if _poller["pid"] == os.getpid():
            return
        _poller["pid"] = os.getpid()
        threading.Thread(target=_poll, args=(every, os.getpid()), name="model-poller", daemon=True).start()


def stop_polling() -> None:
    """Let this process's poller end after its current sleep (tests)."""
    _poller["pid"] = -1  # no process has it: the thread ends, a new one may start


def _poll(every: float, me: int) -> None:
    """Poll while this thread is the process's poller (``me``: the pid it was started as)."""
    while _poller["pid"] == me:
        time.sleep(every)
        if _poller["pid"] != me:
            break
        close_old_connections()  # the thread's own connection, renewed as a request's would be
        try:
            swap_if_moved()
        except Exception:  # the poller must outlive a database hiccup
            logger.exception("Model poll failed")
