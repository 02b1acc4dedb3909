"""The one home of the loaded models: one table entry per model, loaded once per process,
forgotten together, and the apps that keep state from a model told so by a signal."""

import ast
from pathlib import Path

import pytest

from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.photo.index import ARTIFACT_NAME as PHOTO_INDEX
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from serving import registry
from serving.registry import ModelUnavailable, Served, loaded, require

SERVING = Path(registry.__file__).parent
SHOP_APPS = {"main", "search", "recommendations", "accounts", "cart", "seller_accounts", "catalog_audit"}


def test_readiness_waits_for_the_models_every_page_needs_not_the_optional_photo_ones():
    assert registry.SERVED_MODELS == ("categorizer", "similarity", "hybrid", "search")
    assert {PHOTO_MODEL, PHOTO_INDEX} <= set(registry.SERVED) - set(registry.SERVED_MODELS)


def test_a_model_registered_by_one_entry_is_loaded_once_until_reload(monkeypatch):
    calls = []

    def load_test_model(*, store):
        calls.append(store.root)
        return object()

    entry = Served(load_test_model, "test model", ready_waits=False)
    monkeypatch.setitem(registry.SERVED, "test-model", entry)
    first = loaded("test-model")
    assert loaded("test-model") is first and len(calls) == 1
    registry.reload_all()
    assert loaded("test-model") is not first and len(calls) == 2
    registry.reload_all()


def test_a_model_not_trained_is_none_and_require_says_how_to_train_it():
    assert loaded(CATEGORIZER) is None
    with pytest.raises(ModelUnavailable, match="train_models"):
        require(loaded(CATEGORIZER), "categorizer")


def test_a_reload_makes_the_search_forget_what_the_old_reader_parsed():
    from search import query

    before = query._generation[0]
    registry.reload_all()
    assert query._generation[0] == before + 1


def test_serving_imports_only_ml_and_django():
    for path in SERVING.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in SHOP_APPS, path
