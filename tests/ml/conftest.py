"""The cascade fitted on a stratified sample of the real catalog's train split, shared by the
categorization and vocabulary test modules (tests/ml/test_categorization.py,
tests/ml/test_categorize_vocabulary.py): one fit per test run, not one per module.

Both modules asserted on the same estimator (``CategoryCascade()``, the default: embedding and
retrieval evidence on) fitted on a stratified sample of the same split, 4,000 rows in one and
2,500 (its first rows of each article type) in the other; the fit took 86 s and 39 s. Under
pytest-xdist the first worker to ask fits it and saves it (``built_once``), the other loads it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import built_once

SAMPLE_SIZE = 4000
TEST_SIZE = 300
MODEL_FILE = "cascade.joblib"
FULL_BUILD_SIZE = 1500


def stratified_sample(frame: pd.DataFrame, size: int) -> pd.DataFrame:
    """Rows in proportion to their article type, at least 3 each, so the long tail stays."""
    by_type = frame.groupby("articleType")
    quota = (by_type["id"].transform("size") * size / len(frame)).clip(lower=3)
    return frame[by_type.cumcount() < quota].reset_index(drop=True)


@pytest.fixture(scope="session")
def sample_split() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(a stratified ``SAMPLE_SIZE`` of the train split, ``TEST_SIZE`` rows of the test split)."""
    from ml.catalog.dataset import load_styles, train_test_split_by_id

    train, test = train_test_split_by_id(load_styles())
    return stratified_sample(train, SAMPLE_SIZE), test.sample(TEST_SIZE, random_state=0)


@pytest.fixture(scope="session")
def sample_cascade(tmp_path_factory, sample_split):
    """``CategoryCascade()`` fitted on ``sample_split``'s sample, once per test run."""
    import joblib

    from ml.categorize.cascade import CategoryCascade, text_and_labels

    def build(folder):
        model = CategoryCascade().fit(*text_and_labels(sample_split[0]))
        joblib.dump(model, folder / MODEL_FILE)

    return joblib.load(built_once(tmp_path_factory, "sample-cascade", build) / MODEL_FILE)


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """One full build (``train_categorizer``, Naive Bayes heads) of a stratified
    ``FULL_BUILD_SIZE`` rows of the catalog, once per run: ``(sample, store folder, metadata)``.
    Tests read it (tests/ml/test_categorization.py, and the plain build tests/ml/test_audit.py
    compares a build with fixes to) and write their own builds elsewhere."""
    import joblib

    from ml.catalog.dataset import load_styles
    from ml.categorize.train import train_categorizer
    from ml.store import ArtifactStore

    sample = stratified_sample(load_styles(), FULL_BUILD_SIZE)

    def build(folder):
        metadata = train_categorizer(styles=sample, store=ArtifactStore(folder / "store"),
                                     estimator="nb", n_jobs=1)
        joblib.dump(metadata, folder / "metadata.joblib")

    folder = built_once(tmp_path_factory, "full-build", build)
    return sample, folder / "store", joblib.load(folder / "metadata.joblib")
