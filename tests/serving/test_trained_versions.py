"""The registry on real trained versions: two categorizers trained on samples of the real
catalog, registered and gated as ``train_models`` does, compared, promoted, rolled back."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from ml.catalog.dataset import load_styles
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.categorize.train import train_categorizer
from ml.holdout import HOLDOUT_IDS, HOLDOUT_OUTCOMES
from serving import registry, selectors, services
from serving.models import ModelVersion
from tests.conftest import fashion_data

pytestmark = pytest.mark.django_db
# Two sizes of the same catalog's first rows: the smaller one's hold-out rows are all in the
# larger one's (the split is by id hash), so the gate pairs them.
BIG, SMALL = 1500, 600


def test_two_real_categorizers_are_registered_gated_diffed_promoted_and_rolled_back(tmp_path, capsys):
    styles = load_styles(fashion_data())
    with override_settings(MODELS_DIR=tmp_path / "models"):
        registry.reload_all()
        versions = []
        for size in (BIG, SMALL):
            train_categorizer(styles=styles.iloc[:size].reset_index(drop=True), store=registry.store(),
                              estimator="nb", n_jobs=1)
            versions += services.versions_register_new(names=[CATEGORIZER], trained_by="command:train_models")
        big, small = versions
        store = registry.store()
        ids = store.array(CATEGORIZER, small.version, HOLDOUT_IDS)
        assert len(ids) and set(ids) <= set(store.array(CATEGORIZER, big.version, HOLDOUT_IDS))
        assert store.array(CATEGORIZER, small.version, HOLDOUT_OUTCOMES).shape == (len(ids), 6)
        assert big.training_rows == BIG and small.training_rows == SMALL
        assert "McNemar" in small.gate_reason  # paired on the shared hold-out rows
        passed = small.gate == ModelVersion.Gate.PASSED
        assert selectors.serving_versions()[CATEGORIZER] == (small.version if passed else big.version)

        call_command("models", "diff", big.version, small.version)
        diff = capsys.readouterr().out
        for level in ("masterCategory", "subCategory", "articleType"):
            assert f"holdout_accuracy_{level}" in diff
        if not passed:
            call_command("models", "promote", small.version, "--reason", "try it", "--by", "person:test")
        assert selectors.serving_versions()[CATEGORIZER] == small.version
        registry.reload_all()
        assert registry.loaded(CATEGORIZER).model_version == small.version

        call_command("models", "rollback", CATEGORIZER, "--reason", "the big one was better")
        assert selectors.serving_versions()[CATEGORIZER] == big.version
        assert registry.swap_if_moved() == [CATEGORIZER]  # as a web worker's poller would
        assert registry.loaded(CATEGORIZER).model_version == big.version
        call_command("models")
        listing = capsys.readouterr().out
        assert f"* {big.version}" in listing and small.version in listing
    registry.reload_all()
