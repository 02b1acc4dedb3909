"""The category-prediction API keeps its answers per name and model version in the shared
cache: the sentence encoder and the cascade run once per name, a hot swap asks afresh."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from main import categorize

PREDICT = "/api/v1/category-prediction"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.fixture
def cascade_calls(trained_models, monkeypatch):
    """How many names the serving cascade was asked."""
    model = categorize.categorizer_for(seller_id=None)
    asked: list[str] = []
    predict = model.predict

    def counted(names, descriptions=None):
        asked.extend(names)
        return predict(names, descriptions)

    monkeypatch.setattr(model, "predict", counted)
    return asked


def test_a_name_asked_again_is_answered_without_the_model(client, cascade_calls):
    first = client.get(PREDICT, {"name": "blue denim jeans for men"}).json()
    again = client.get(PREDICT, {"name": "  blue   denim jeans for men "}).json()
    assert cascade_calls == ["blue denim jeans for men"]
    assert again == first


def test_a_differently_cased_name_is_its_own_answer(client, cascade_calls):
    """The reason quotes the name as typed."""
    client.get(PREDICT, {"name": "blue denim jeans for men"})
    client.get(PREDICT, {"name": "Blue Denim Jeans For Men"})
    assert len(cascade_calls) == 2


def test_a_batch_asks_the_model_only_for_names_it_has_not_answered(client, cascade_calls):
    import json

    client.get(PREDICT, {"name": "red cotton kurta for women"})
    payload = [{"name": "red cotton kurta for women"}, {"name": "black leather belt"}]
    response = client.post(PREDICT, data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 200 and len(response.json()["results"]) == 2
    assert cascade_calls == ["red cotton kurta for women", "black leather belt"]


def test_a_new_model_version_answers_afresh(client, cascade_calls, monkeypatch):
    client.get(PREDICT, {"name": "blue denim jeans for men"})
    serving = categorize.categorizer_version_for(seller_id=None)
    assert serving.startswith("categorizer-")
    monkeypatch.setattr(categorize, "categorizer_version_for", lambda seller_id: serving + "-swapped")
    client.get(PREDICT, {"name": "blue denim jeans for men"})
    assert len(cascade_calls) == 2
