"""Where ``MLFLOW_TRACKING_URI`` is set, registered versions and moves of the serving alias are
mirrored to MLflow (a local SQLite tracking store here, as a team's own would be)."""

import sys

import numpy as np
import pytest
from django.test import override_settings
from mlflow import MlflowClient

from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from serving import registry, services
from serving.models import SERVING


@pytest.fixture
def tracked(tmp_path, django_capture_on_commit_callbacks):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    with override_settings(MODELS_DIR=tmp_path / "models", MLFLOW_TRACKING_URI=uri):
        registry.reload_all()
        yield MlflowClient(tracking_uri=uri)
    registry.reload_all()


def register(accuracy: float):
    metadata = registry.store().save(
        CATEGORIZER, {"weights": accuracy}, data_fingerprint="abc", training_rows=1000,
        metrics={"holdout_accuracy_articleType": accuracy}, arrays={"unused": np.zeros(1)},
    )
    return services.version_register(metadata=metadata, trained_by="person:ops", run_gate=False)


@pytest.mark.django_db(transaction=True)
def test_versions_and_alias_moves_reach_mlflow(tracked):
    first, second = register(0.9), register(0.95)
    services.version_promote(version=first.version, reason="first", by="person:ops")
    services.version_promote(version=second.version, reason="better", by="person:ops")

    mirrored = tracked.search_model_versions(f"name='{CATEGORIZER}'")
    assert sorted(v.tags["version"] for v in mirrored) == sorted([first.version, second.version])
    serving = tracked.get_model_version_by_alias(CATEGORIZER, SERVING)
    assert serving.tags["version"] == second.version and serving.source == second.folder
    run = tracked.get_run(serving.run_id)
    assert run.data.metrics["holdout_accuracy_articleType"] == pytest.approx(0.95)
    assert run.data.params["training_rows"] == "1000" and run.data.tags["trained_by"] == "person:ops"


@pytest.mark.django_db(transaction=True)
def test_without_a_tracking_uri_nothing_is_sent(tmp_path, monkeypatch):
    """Unset, MLflow is not even imported (an import of it would raise here)."""
    monkeypatch.setitem(sys.modules, "mlflow", None)
    with override_settings(MODELS_DIR=tmp_path / "models", MLFLOW_TRACKING_URI=""):
        registry.reload_all()
        services.version_promote(version=register(0.9).version, reason="first", by="person:ops")
    registry.reload_all()
