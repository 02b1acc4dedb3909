"""Hot swap: a web process follows the serving alias without a restart. A promotion is loaded
by the poller, outside any request, and swapped in; until then requests get the old model."""

import threading
import time

import pytest
from django.test import override_settings

from serving import registry, services
from serving.registry import Served, loaded
from serving.signals import models_reloaded

KIND = "test-model"  # gated "by a person" after its first version
SLOW_LOAD = 0.5  # seconds a "slow" test model takes to load: what no request may wait for


def load_test_model(*, store):
    model, metadata = store.load(KIND)
    if model["name"] == "slow":
        time.sleep(SLOW_LOAD)
    return {"version": metadata["version"], **model}


@pytest.fixture
def served(tmp_path, monkeypatch):
    monkeypatch.setitem(registry.SERVED, KIND, Served(load_test_model, "test model", ready_waits=False))
    with override_settings(MODELS_DIR=tmp_path / "models"):
        registry.reload_all()
        yield registry.store
    registry.stop_polling()
    registry.reload_all()


def train(name: str) -> str:
    metadata = registry.store().save(KIND, {"name": name}, data_fingerprint=name, training_rows=1)
    services.version_register(metadata=metadata, trained_by="test")
    return metadata["version"]


@pytest.mark.django_db
def test_a_promotion_is_served_after_the_pollers_tick_not_before(served):
    old = train("old")
    registry.warm_up()
    assert loaded(KIND)["name"] == "old"
    new = train("new")  # held: kept as a candidate, the old one still serves
    assert registry.swap_if_moved() == [] and loaded(KIND)["version"] == old
    services.version_promote(version=new, reason="better", by="person:ops")
    assert loaded(KIND)["version"] == old  # a request never loads: it gets what is loaded
    heard = []

    def listener(sender, **kwargs):
        heard.append(sender)

    models_reloaded.connect(listener, weak=False, dispatch_uid="test-hot-swap")
    try:
        assert registry.swap_if_moved() == [KIND]
    finally:
        models_reloaded.disconnect(dispatch_uid="test-hot-swap")
    assert loaded(KIND)["version"] == new and registry.loaded_versions()[KIND] == new
    assert heard == [registry.__name__]
    assert (served().root / KIND / old).is_dir()  # the rollback target stays in the store


@pytest.mark.django_db
def test_a_version_that_fails_to_load_leaves_the_old_one_serving(served, monkeypatch):
    old = train("old")
    registry.warm_up()
    new = train("broken")
    (served().root / KIND / new / "model.joblib").write_bytes(b"not a model")
    services.version_promote(version=new, reason="oops", by="person:ops")
    assert registry.swap_if_moved() == [] and loaded(KIND)["version"] == old


@pytest.mark.django_db(transaction=True)
def test_the_polling_thread_swaps_while_requests_keep_being_answered(served):
    old = train("old")
    registry.warm_up()
    new = train("slow")
    answered, stop = [], threading.Event()

    def shopper():  # what requests do meanwhile: read the loaded model, never wait
        while not stop.is_set():
            started = time.perf_counter()
            answered.append((loaded(KIND)["version"], time.perf_counter() - started))

    thread = threading.Thread(target=shopper)
    thread.start()
    registry.start_polling(0.05)
    services.version_promote(version=new, reason="better", by="person:ops")
    deadline = time.monotonic() + 10
    while loaded(KIND)["version"] != new and time.monotonic() < deadline:
        time.sleep(0.02)
    swapped_at = len(answered)  # let the shopper answer a few requests after the swap too
    while len(answered) < swapped_at + 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join()
    assert loaded(KIND)["version"] == new
    seen = [version for version, _ in answered]
    assert seen[0] == old and set(seen) == {old, new}  # served throughout: the old, then the new
    assert max(seconds for _, seconds in answered) < SLOW_LOAD / 2  # no reader waited for the load


@pytest.mark.django_db
def test_registering_the_versions_already_loaded_reloads_nothing(served):
    """A store trained before the registry: its models load from the manifest; registering
    those very versions later (the first of each kind serves) must not reload them."""
    metadata = registry.store().save(KIND, {"name": "old"}, data_fingerprint="old", training_rows=1)
    registry.warm_up()
    first = loaded(KIND)
    services.versions_register_new(names=[KIND], trained_by="test")
    assert registry.swap_if_moved() == [] and loaded(KIND) is first
    assert registry.loaded_versions()[KIND] == metadata["version"]


@pytest.mark.django_db
def test_a_model_trained_after_the_server_started_arrives_without_a_restart(served):
    """`make run` serves before the slow models exist: the first version trained in the
    background is loaded by the poller, where the process had none."""
    registry.warm_up()
    assert loaded(KIND) is None  # not trained yet: pages say so, nothing crashes
    first = train("first")  # a kind's first version passes the gate: it serves at once
    assert loaded(KIND) is None  # a request never loads it
    assert registry.swap_if_moved() == [KIND]
    assert loaded(KIND)["version"] == first and registry.loaded_versions()[KIND] == first
