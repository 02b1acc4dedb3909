"""A categorizer experiment serves each seller the version of their variant: the registry loads
the candidate beside the serving one, and sellers outside the experiment (or after it stops)
get the serving version."""

import pytest
from django.test import override_settings

from experiments.selectors import categorizer_version_for, surface_plans_forget
from experiments.services import experiment_start, experiment_stop
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from serving import registry, services
from serving.registry import Served, loaded_for

SELLERS = range(1, 201)


def load_test_categorizer(*, store):
    model, metadata = store.load(CATEGORIZER)
    return {"version": metadata["version"], **model}


@pytest.fixture
def categorizers(db, tmp_path, monkeypatch):
    """Two registered versions of a stand-in categorizer, the first serving."""
    monkeypatch.setitem(registry.SERVED, CATEGORIZER, Served(load_test_categorizer, "categorizer"))
    with override_settings(MODELS_DIR=tmp_path / "models"):
        registry.reload_all()
        versions = []
        for name in ("serving", "candidate"):
            metadata = registry.store().save(CATEGORIZER, {"name": name}, data_fingerprint=name,
                                             training_rows=1)
            services.version_register(metadata=metadata, trained_by="test", run_gate=False)
            versions.append(metadata["version"])
        services.version_promote(version=versions[0], reason="first", by="test")
        registry.warm_up()
        yield versions
    registry.reload_all()


def test_each_seller_gets_the_categorizer_of_their_variant(categorizers, make_experiment):
    serving, candidate = categorizers
    experiment = make_experiment(
        key="categorizer-next", surface="categorizer", outcome="corrected",
        variants=[("current", serving, 1), ("next", candidate, 1)],
    )
    assert {loaded_for(CATEGORIZER, unit=seller)["name"] for seller in SELLERS} == {"serving"}
    experiment_start(experiment=experiment)
    surface_plans_forget()
    assigned = {seller: categorizer_version_for(seller_id=seller) for seller in SELLERS}
    assert set(assigned.values()) == {serving, candidate}  # both arms have sellers
    for seller, version in assigned.items():  # each seller, always the same model: their variant's
        assert loaded_for(CATEGORIZER, unit=seller)["version"] == version
        assert loaded_for(CATEGORIZER, unit=seller)["version"] == version
    assert loaded_for(CATEGORIZER, unit=None)["version"] == serving  # not a seller: the serving one
    experiment_stop(experiment=experiment)
    surface_plans_forget()
    assert {loaded_for(CATEGORIZER, unit=seller)["version"] for seller in SELLERS} == {serving}


def test_a_variant_the_store_lacks_falls_back_to_the_serving_version(categorizers, make_experiment):
    serving, _ = categorizers
    experiment = make_experiment(
        key="categorizer-gone", surface="categorizer", outcome="corrected",
        variants=[("current", serving, 1), ("gone", "categorizer-never-trained", 1)],
    )
    experiment_start(experiment=experiment)
    surface_plans_forget()
    assert {loaded_for(CATEGORIZER, unit=seller)["version"] for seller in SELLERS} == {serving}
