"""The JSON API: category prediction, errors, rate limits and the schema (similar items and the
feed: tests/recommendations; search: tests/search)."""

import json

import pytest
from django.core.cache import caches
from django.test import override_settings

from main.serializers import MAX_BATCH

PREDICT = "/api/v1/category-prediction"
LEVELS = ["gender", "masterCategory", "subCategory", "articleType", "baseColour", "usage"]


def post_json(client, payload):
    return client.post(PREDICT, data=json.dumps(payload), content_type="application/json")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def assert_prediction(answer):
    for level in LEVELS:
        assert answer[level]["label"]
        assert 0.0 <= answer[level]["confidence"] <= 1.0
        top = [alt["confidence"] for alt in answer[level]["top3"]]
        assert top == sorted(top, reverse=True)
        assert answer[level]["top3"][0]["label"] == answer[level]["label"]
    assert answer["model_version"].startswith("categorizer-")


def test_get_predicts_a_valid_path_for_a_seller_phrase(client, trained_models):
    answer = client.get(PREDICT, {"name": "blue denim jeans for men"}).json()
    assert_prediction(answer)
    assert answer["articleType"]["label"] == "Jeans"
    assert answer["gender"]["label"] == "Men"
    assert answer["subCategory"]["label"] == "Bottomwear"


def test_post_one_item_and_a_list_in_order(client, trained_models):
    single = post_json(client, {"name": "Titan Women Silver Watch", "description": "analog dial"})
    assert single.status_code == 200
    assert single.json()["articleType"]["label"] == "Watches"
    names = ["women floral summer dress", "black leather belt for men", "Nike Men Running Shoes"]
    batch = post_json(client, [{"name": n} for n in names])
    assert batch.status_code == 200
    results = batch.json()["results"]
    assert [r["articleType"]["label"] for r in results] == ["Dresses", "Belts", "Sports Shoes"]


@pytest.mark.parametrize(
    "params",
    [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 301}, {"name": "shirt", "description": "d" * 5001}],
)
def test_get_bad_input_is_a_400_with_a_reason(client, trained_models, params):
    response = client.get(PREDICT, params)
    assert response.status_code == 400
    assert response.json()  # a reason, keyed by the field at fault


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        '"just a string"',
        "[]",
        '[{"name": "shirt"}, {"description": "no name"}]',
        json.dumps({"name": "a" * 1_000_000}),
        "42",
    ],
)
def test_post_bad_input_is_a_400(client, trained_models, body):
    response = client.post(PREDICT, data=body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert "detail" in response.json() or response.json()


def test_oversize_batch_is_refused_with_413(client, trained_models):
    response = post_json(client, [{"name": "shirt"}] * (MAX_BATCH + 1))
    assert response.status_code == 413
    assert str(MAX_BATCH) in response.json()["detail"]


def test_body_over_the_upload_limit_is_a_400_not_a_500(client, trained_models):
    response = client.post(
        PREDICT, data=json.dumps({"name": "a" * 6_000_000}), content_type="application/json"
    )
    assert response.status_code in (400, 413)


def test_without_a_trained_model_the_api_says_503_with_the_fix(client, tmp_path):
    from serving import registry

    registry.reload_all()
    with override_settings(MODELS_DIR=tmp_path):
        response = client.get(PREDICT, {"name": "shirt"})
    registry.reload_all()
    assert response.status_code == 503
    assert "train_models" in response.json()["detail"]


def test_rate_limit_answers_429_with_retry_after(client, trained_models, settings):
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "api": "3/min"}
    with pytest.MonkeyPatch.context() as patch:
        from main.api import ClientRateThrottle

        patch.setattr(ClientRateThrottle, "THROTTLE_RATES", rates)
        codes = [client.get(PREDICT, {"name": "shirt"}).status_code for _ in range(4)]
        last = client.get(PREDICT, {"name": "shirt"})
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    assert int(last["Retry-After"]) > 0


def test_schema_documents_the_endpoints(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in [
        "/api/v1/category-prediction",
        "/api/v1/products/{dataset_id}/similar",
        "/api/v1/recommendations",
    ]:
        assert path in schema
