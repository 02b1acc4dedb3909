"""Fit the query reader on the shop's catalog and keep it in the artifact store."""

from __future__ import annotations

import time

import pandas as pd

from ml.catalog.dataset import fingerprint
from ml.store import ArtifactStore

from .understand import QueryUnderstanding

ARTIFACT_NAME = "search"


def build_search_understanding(*, catalog: pd.DataFrame, store: ArtifactStore, encoder=None) -> dict:
    """Fit on ``catalog`` (the listed products) and save; ``encoder`` (a SentenceEncoder) adds
    the semantic lexicon, without it words the catalog never uses stay unknown."""
    started = time.perf_counter()
    model = QueryUnderstanding(encoder=encoder).fit(catalog)
    seconds = time.perf_counter() - started
    lexicon = len(model.lexicon_["words"]) if model.lexicon_ else 0
    return store.save(
        ARTIFACT_NAME,
        model,
        data_fingerprint=fingerprint(catalog),
        training_rows=len(catalog),
        metrics={"vocabulary": len(model.df_), "brands": len(model.brands_), "lexicon_words": lexicon,
                 "fit_seconds": round(seconds, 1)},
        writer=model.save,
    )


def load_search_understanding(*, store: ArtifactStore) -> QueryUnderstanding:
    model, _metadata = store.load(ARTIFACT_NAME, reader=QueryUnderstanding.load)
    return model
