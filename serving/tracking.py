"""Registered versions mirrored to MLflow, where ``MLFLOW_TRACKING_URI`` is set.

The registry in the shop's database stays what the admin, the gate and the web workers read;
MLflow gets, for teams that already read it, one run per registered version (its parameters,
metrics, data fingerprint and lineage as tags), a model version per kind pointing at the
version's folder, and the ``serving`` alias moved alongside ours. Unset, nothing is imported
or sent. MLflow being down never fails a training run or a promotion: it is logged and skipped.
"""

from __future__ import annotations

import logging

from django.conf import settings

from .models import SERVING, ModelVersion

logger = logging.getLogger(__name__)


def _client():
    """An MLflow client of the configured tracking store, or None when mirroring is off."""
    uri = settings.MLFLOW_TRACKING_URI
    if not uri:
        return None
    from mlflow import MlflowClient  # only where it is used: the shop runs without it

    return MlflowClient(tracking_uri=uri)


def version_mirror(*, version: ModelVersion) -> None:
    """Log ``version`` as an MLflow run and a model version of its kind (once per version)."""
    client = _client()
    if client is None:
        return
    try:
        experiment = client.get_experiment_by_name(version.kind)
        experiment_id = experiment.experiment_id if experiment else client.create_experiment(version.kind)
        tags = {"version": version.version, "data_fingerprint": version.data_fingerprint,
                "trained_by": version.trained_by, "folder": version.folder}
        run = client.create_run(experiment_id, run_name=version.version, tags=tags)
        for key, value in {**version.params, "training_rows": version.training_rows,
                           "seller_confirmed_rows": version.seller_confirmed_rows,
                           "audited_rows": version.audited_rows}.items():
            client.log_param(run.info.run_id, key, value)
        for key, value in version.metrics.items():
            if isinstance(value, int | float):
                client.log_metric(run.info.run_id, key, value)
        client.set_terminated(run.info.run_id)
        if not client.search_registered_models(filter_string=f"name='{version.kind}'"):
            client.create_registered_model(version.kind)
        client.create_model_version(version.kind, source=version.folder, run_id=run.info.run_id,
                                    tags={"version": version.version})
    except Exception:  # a tracking server that is down must not fail the training run
        logger.exception("Could not mirror %s to MLflow", version.version)


def alias_mirror(*, version: ModelVersion) -> None:
    """Point MLflow's ``serving`` alias of ``version``'s kind at it, as ours now does."""
    client = _client()
    if client is None:
        return
    try:
        (mirrored,) = client.search_model_versions(
            f"name='{version.kind}' and tag.version='{version.version}'"
        )
        client.set_registered_model_alias(version.kind, SERVING, mirrored.version)
    except Exception:
        logger.exception("Could not move MLflow's %s alias of %s", SERVING, version.kind)
