"""The hold-out's per-row outcomes, saved with a model version (``store.save(arrays=...)``) so
that the promotion gate (``serving.gate``) can pair two versions' answers on the very same
rows: the rows' dataset ids, and one column per level with CORRECT, WRONG or UNLABELLED (an
empty label). The categorizer and the photo model save them alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

HOLDOUT_IDS = "holdout_ids"
HOLDOUT_OUTCOMES = "holdout_outcomes"
CORRECT, WRONG, UNLABELLED = 1, 0, -1


def outcomes_of(*, predicted: Mapping[str, np.ndarray], truth: pd.DataFrame,
                levels: Sequence[str]) -> np.ndarray:
    """One row per row of ``truth``, one column per level of ``levels``: whether
    ``predicted[level]`` (a label per row) is its label, or UNLABELLED where the label is ''."""
    outcomes = np.full((len(truth), len(levels)), UNLABELLED, dtype=np.int8)
    for column, level in enumerate(levels):
        labels = truth[level].to_numpy()
        labelled = labels != ""
        answers = np.asarray(predicted[level])
        outcomes[labelled, column] = np.where(answers[labelled] == labels[labelled], CORRECT, WRONG)
    return outcomes


def accuracies_of(outcomes: np.ndarray, levels: Sequence[str]) -> dict[str, float]:
    """Accuracy per level over the labelled rows of ``outcomes``."""
    return {level: float((outcomes[:, column][outcomes[:, column] != UNLABELLED] == CORRECT).mean())
            for column, level in enumerate(levels)}
