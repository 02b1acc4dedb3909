"""Training the categorizer for the shop: measure on the holdout, refit on everything, save.

Three steps, each its own function: :func:`holdout_metrics` fits a trial model on the 90%
id-hash train split and measures it on the 10% holdout (catalog names, and seller-style
phrases made from the holdout); :func:`fit_categorizer` fits the model that is served, on
every catalog row plus the listings sellers confirmed; :func:`train_categorizer` does both
and saves the served model with the trial's metrics in the artifact store.
"""

from __future__ import annotations

from typing import Any

import joblib
import numpy as np
import pandas as pd

from ml.catalog.dataset import fingerprint, train_test_split_by_id
from ml.catalog.schema import ARTICLE, COLOUR, ID, LEVELS, NAME, PATH_LEVELS
from ml.categorize import embedding
from ml.categorize.augment import seller_style_test_set
from ml.categorize.cascade import CategoryCascade, text_and_labels
from ml.categorize.heads import DEFAULT_ESTIMATOR
from ml.embed.text import load_text_encoder, text_encoder
from ml.holdout import HOLDOUT_IDS, HOLDOUT_OUTCOMES, accuracies_of, outcomes_of
from ml.store import MODEL_FILE, ArtifactMissing, ArtifactStore

ARTIFACT_NAME = "categorizer"
# The levels whose training label mix is saved with the model: what a serving monitor compares
# new listings' predicted mix against (drift), with exactly the rows this model learned from.
MIX_LEVELS = (ARTICLE, COLOUR)
METRICS_PROTOCOL = (
    "separate fit on the 90% id-hash train split, measured on the 10% holdout; "
    "the saved model is refitted on all rows"
)


def level_outcomes(model, frame: pd.DataFrame) -> np.ndarray:
    """One row per name of ``frame``, one column per level: CORRECT, WRONG or UNLABELLED (an
    empty label), as the promotion gate pairs them (:mod:`ml.holdout`)."""
    return outcomes_of(predicted=model.predict_labels(list(frame[NAME])), truth=frame, levels=LEVELS)


def level_accuracies(model, frame: pd.DataFrame) -> dict[str, float]:
    """Accuracy per level on ``frame``'s names (rows with an empty label are skipped)."""
    return accuracies_of(level_outcomes(model, frame), LEVELS)


def holdout_evaluation(styles: pd.DataFrame, *, estimator: str = DEFAULT_ESTIMATOR,
                       n_jobs: int = 2) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Accuracy per level of a model fitted on the train split, on the holdout split, and the
    holdout's per-row outcomes (``{HOLDOUT_IDS: ids, HOLDOUT_OUTCOMES: outcomes}``)."""
    train, test = train_test_split_by_id(styles)
    trial = CategoryCascade(estimator, n_jobs=n_jobs).fit(*text_and_labels(train))
    return _trial_evaluation(trial, train, test)[:2]


def _trial_evaluation(trial: CategoryCascade, train: pd.DataFrame, test: pd.DataFrame
                      ) -> tuple[dict[str, float], dict[str, np.ndarray], CategoryCascade]:
    outcomes = level_outcomes(trial, test)
    metrics = {f"holdout_accuracy_{k}": round(v, 4) for k, v in accuracies_of(outcomes, LEVELS).items()}
    seller = seller_style_test_set(train, test)
    metrics[f"holdout_seller_style_accuracy_{ARTICLE}"] = round(
        level_accuracies(trial, seller)[ARTICLE], 4
    )
    rows = {HOLDOUT_IDS: test[ID].to_numpy(dtype=np.int64), HOLDOUT_OUTCOMES: outcomes}
    return metrics, rows, trial


def label_mix(rows: pd.DataFrame, levels: tuple[str, ...] = MIX_LEVELS) -> dict[str, dict[str, float]]:
    """Per level, each label's share of the labelled rows (blank labels left out)."""
    mix = {}
    for level in levels:
        if level not in rows.columns:
            continue
        labels = rows[level].astype(object).fillna("").astype(str)
        shares = labels[labels != ""].value_counts(normalize=True)
        mix[level] = {str(label): round(float(share), 6) for label, share in shares.items()}
    return mix


def holdout_metrics(styles: pd.DataFrame, *, estimator: str = DEFAULT_ESTIMATOR,
                    n_jobs: int = 2) -> dict[str, float]:
    """Accuracy per level of a model fitted on the train split, on the holdout split."""
    return holdout_evaluation(styles, estimator=estimator, n_jobs=n_jobs)[0]


def fit_categorizer(rows: pd.DataFrame, *, estimator: str = DEFAULT_ESTIMATOR,
                    n_jobs: int = 2, stacker=None) -> CategoryCascade:
    """The served model, fitted on ``rows`` (names and levels); ``stacker``: the retrieval
    stacker of a trial fit, reused rather than fitted out of fold again."""
    return CategoryCascade(estimator, n_jobs=n_jobs).fit(*text_and_labels(rows), stacker=stacker)


def train_categorizer(
    *,
    styles: pd.DataFrame,
    store: ArtifactStore,
    confirmed: pd.DataFrame | None = None,
    corrections: pd.DataFrame | None = None,
    estimator: str = DEFAULT_ESTIMATOR,
    n_jobs: int = 2,
    quick: bool = False,
) -> dict[str, Any]:
    """Measure, refit on ALL catalog rows (plus ``confirmed``) and save; return the metadata.

    ``quick``: save the measured trial fit itself (the train split's rows, without the sellers'
    or the audit's), skipping the refit: a first model in about half the time (``make run``
    serves it, and the full build that follows replaces it by the gate).

    ``confirmed``: listings whose categories sellers confirmed or corrected (``name`` and the
    levels; blank colour or usage is fine). They join the served model's rows, so that what
    sellers fixed is learnt; the trial fit, and so the reported metrics, stay on the catalog
    alone, comparable from one model to the next.

    ``corrections``: labels an operator fixed from the catalog audit (``id`` = dataset id, or
    empty for a listing not from the dataset, ``name`` and the levels); see :func:`corrected`.
    """
    embedding.use_encoder(text_encoder(store=store))  # ONNX Runtime: half the encoding time
    with embedding.remembering():  # each distinct text is encoded once in the whole build
        train, test = train_test_split_by_id(styles)
        trial = CategoryCascade(estimator, n_jobs=n_jobs).fit(*text_and_labels(train))
        metrics, holdout, trial = _trial_evaluation(trial, train, test)
        styles, extra = corrected(styles, corrections)
        sellers = confirmed_rows(
            extra if confirmed is None else pd.concat([confirmed, extra], ignore_index=True))
        rows = pd.concat([styles, sellers], ignore_index=True) if len(sellers) else styles
        stacker = trial.retrieval_["stacker"] if trial.retrieval_ is not None else None
        if quick:
            model, rows, sellers = trial, train, sellers.iloc[:0]
        else:
            model = fit_categorizer(rows, estimator=estimator, n_jobs=n_jobs, stacker=stacker)
    embedding.clear_cache()  # the trial and the served fit shared the training names' vectors
    return store.save(
        ARTIFACT_NAME,
        model,
        data_fingerprint=fingerprint(rows),
        training_rows=len(rows),
        metrics=metrics,
        arrays=holdout,
        extra={
            "holdout_levels": list(LEVELS),
            "seller_confirmed_rows": len(sellers),
            "audit_corrected_rows": 0 if corrections is None or quick else len(corrections),
            "quick": quick,
            "n_branch_models": model.n_branch_models_,
            "taxonomy_paths": len(model.taxonomy_),
            "metrics_protocol": METRICS_PROTOCOL,
            "training_mix": label_mix(rows),
        },
    )


def confirmed_rows(confirmed: pd.DataFrame | None) -> pd.DataFrame:
    """The sellers' rows that can teach: a name and a whole category path."""
    if confirmed is None or confirmed.empty:
        return pd.DataFrame(columns=[NAME, *LEVELS])
    rows = confirmed.reindex(columns=[NAME, *LEVELS]).astype(object).fillna("").astype(str)
    rows = rows.apply(lambda column: column.str.strip())
    required = [NAME, *PATH_LEVELS]
    return rows[(rows[required] != "").all(axis=1)].reset_index(drop=True)


def corrected(styles: pd.DataFrame, corrections: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``styles`` with the audit's fixes in place of the rows they correct (matched by ``id``),
    and the fixes that match no row (sellers' listings), to learn from as extra rows.

    A fix replaces its row rather than joining it: a wrong label left beside the right one
    would still teach half of the mistake (and the name memory would recall both).
    """
    if corrections is None or corrections.empty:
        return styles, pd.DataFrame(columns=[NAME, *LEVELS])
    fixes = corrections.reindex(columns=[ID, NAME, *LEVELS])
    ids = pd.to_numeric(fixes[ID], errors="coerce")
    matched = fixes[ids.isin(styles[ID])].assign(**{ID: ids}).drop_duplicates(ID, keep="last")
    styles = styles.copy()
    position = pd.Series(range(len(styles)), index=styles[ID])
    rows = position[matched[ID].astype(int)].to_numpy()
    for level in LEVELS:
        if level in styles.columns:
            values = matched[level].astype(object).fillna("").astype(str).to_numpy()
            keep = values != ""  # a blank colour in a fix leaves the catalog's colour
            column = styles.columns.get_loc(level)
            styles.iloc[rows[keep], column] = values[keep]
    return styles, fixes[~ids.isin(styles[ID])].drop(columns=[ID])


def load_categorizer(*, store: ArtifactStore) -> CategoryCascade:
    """The current cascade with ``model_version`` set; ``ArtifactMissing`` if absent."""
    # The retrieval index's vectors are memory-mapped (one copy in the page cache for every
    # worker), not read.
    model, metadata = store.load(ARTIFACT_NAME, reader=lambda folder: joblib.load(
        folder / MODEL_FILE, mmap_mode="r"))
    model.model_version = metadata["version"]
    if model.embedding_weight:
        try:  # the ONNX export serves a name in a quarter of PyTorch's CPU time
            embedding.use_encoder(load_text_encoder(store=store))
        except ArtifactMissing:
            pass  # PyTorch, from the package: the same vectors
        embedding.warm_up()  # the sentence encoder loads with the model, not on a request
    return model
