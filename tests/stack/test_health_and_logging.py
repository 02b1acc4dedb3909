"""/healthz, /readyz, the request id and the JSON access log, in process (no servers started)."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.db import DatabaseError
from django.test import Client

from marketplace import health


@pytest.fixture
def models_dir(tmp_path, settings):
    from serving import registry

    settings.MODELS_DIR = tmp_path
    registry.reload_all()
    yield tmp_path
    registry.reload_all()


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any database access would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def _save_placeholder(models_dir, name):
    """A version of ``name`` in the store that is no real model (a dict)."""
    from ml.store import ArtifactStore

    ArtifactStore(models_dir).save(name, {"not": "a model"}, data_fingerprint="test", training_rows=0)


@pytest.mark.django_db
def test_readyz_names_the_missing_models(client, models_dir):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready" and body["checks"]["database"] == "ok"
    assert body["missing"] == ["categorizer", "similarity", "hybrid", "search"]
    assert "categorizer" in body["reason"] and "train_models" in body["reason"]

    _save_placeholder(models_dir, "categorizer")
    body = client.get("/readyz").json()
    assert body["missing"] == ["similarity", "hybrid", "search"] and body["checks"]["categorizer"] == "ok"


@pytest.mark.django_db
def test_readyz_is_ready_with_the_database_and_loaded_models(client, models_dir, monkeypatch):
    from serving import registry

    for name in registry.SERVED_MODELS:
        _save_placeholder(models_dir, name)
    # The stored objects are not real models: unloadable ones make the process not ready...
    body = client.get("/readyz").json()
    assert body["status"] == "not ready" and body["checks"]["categorizer"] == "not loaded"

    # ...loaded ones make it ready.
    def loaded(name):
        return object()

    monkeypatch.setattr(registry, "loaded", loaded)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        # No MEMCACHED_LOCATION in the tests' settings: each process caches for itself.
        "checks": {
            "database": "ok", "cache": "local", "categorizer": "ok", "similarity": "ok", "hybrid": "ok",
            "search": "ok",
        },
    }


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_down(client, models_dir, monkeypatch):
    class Down:
        def cursor(self):
            raise DatabaseError("could not connect to server: Connection refused\nIs the server running?")

        def close_if_unusable_or_obsolete(self):
            pass

    monkeypatch.setattr(health, "connection", Down())
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "unavailable"
    assert "database unreachable: could not connect to server: Connection refused" in body["reason"]


@pytest.mark.django_db
def test_every_response_has_a_request_id_and_one_json_log_line(client, buyer, caplog):
    client.force_login(buyer)
    with caplog.at_level(logging.INFO, logger="marketplace.access"):
        sent = client.get("/cart/", HTTP_X_REQUEST_ID="req-from-nginx-42")
        made = client.get("/cart/")
        forged = client.get("/cart/", HTTP_X_REQUEST_ID="bad id\nwith a newline")
    assert sent["X-Request-ID"] == "req-from-nginx-42"
    assert re.fullmatch(r"[0-9a-f]{32}", made["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "marketplace.access"]
    assert [line["request_id"] for line in lines] == [
        "req-from-nginx-42",
        made["X-Request-ID"],
        forged["X-Request-ID"],
    ]
    first = lines[0]
    assert first["method"] == "GET" and first["path"] == "/cart/" and first["status"] == 200
    assert first["user_id"] == buyer.pk and isinstance(first["duration_ms"], float)


@pytest.mark.django_db
def test_errors_show_the_shops_pages_never_a_traceback(monkeypatch, caplog):
    from main import views

    client = Client(raise_request_exception=False)
    missing = client.get("/products/987654321/")
    assert missing.status_code == 404
    assert "We could not find that page" in missing.content.decode() and missing["X-Request-ID"]

    def broken(**kwargs):
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(views.selectors, "product_for_page", broken)
    with caplog.at_level(logging.INFO, logger="marketplace.access"):
        crashed = client.get("/products/1/")
    text = crashed.content.decode()
    assert crashed.status_code == 500 and "Something went wrong" in text
    assert "Traceback" not in text and "hunter2" not in text and "RuntimeError" not in text
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "marketplace.access"]
    (line,) = [line for line in lines if line["path"] == "/products/1/"]
    assert (
        line["status"] == 500 and line["level"] == "error" and line["request_id"] == crashed["X-Request-ID"]
    )
