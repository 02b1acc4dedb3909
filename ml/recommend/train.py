"""Building the recommenders from the shop's catalog and events, and loading them back.

``train_models`` calls :func:`build_recommenders`; web processes call the loaders. Both go
through the one artifact store (:mod:`ml.store`).
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from ml.catalog.cleaning import clean_catalog
from ml.catalog.dataset import fingerprint
from ml.recommend.complete_the_look import CompleteTheLook, save_complete_the_look
from ml.recommend.events import clean_events
from ml.recommend.hybrid import HybridRecommender
from ml.recommend.similar import SimilarityIndex, save_similarity_index
from ml.store import ArtifactStore

HYBRID = "hybrid"
SIMILARITY = "similarity"
MODEL_NAMES = (SIMILARITY, HYBRID)


def build_recommenders(
    *,
    catalog: pd.DataFrame,
    events: pd.DataFrame | None,
    store: ArtifactStore,
    hybrid: HybridRecommender | None = None,
) -> dict[str, Any]:
    """Build and save the similarity index, complete the look's table and the hybrid feed;
    return a summary.

    Works with no events at all (the feed is then content + popularity/newness). The feed
    reuses the index's product vectors.
    """
    catalog = clean_catalog(catalog)
    events = clean_events(events)
    index = SimilarityIndex.build(catalog)
    similarity = save_similarity_index(
        index, catalog=catalog, store=store, metrics={"build_seconds": index.build_seconds}
    )
    started = time.process_time()
    look = save_complete_the_look(CompleteTheLook().fit(index), store=store, similarity=similarity)
    look_seconds = round(time.process_time() - started, 1)
    model = (hybrid or HybridRecommender()).fit(
        catalog, events, featurizer=index.featurizer, item_matrix=index.matrix
    )
    summary = {
        "n_products": len(catalog),
        "n_events": model.n_events_,
        "n_users": model.n_users_,
        "cf_trained": model.cf_ is not None,
    }
    feed = store.save(
        HYBRID, model, data_fingerprint=fingerprint(catalog), training_rows=len(events), metrics=summary
    )
    return {
        "similarity_index": similarity["version"],
        "hybrid": feed["version"],
        "similarity_build_seconds": index.build_seconds,
        "complete_the_look": look["version"],
        "complete_the_look_cpu_seconds": look_seconds,
        **summary,
    }


def load_hybrid(*, store: ArtifactStore) -> HybridRecommender:
    """The current feed model; ``ArtifactMissing`` if nothing was trained yet."""
    model, metadata = store.load(HYBRID)
    model.metadata = metadata
    return model

