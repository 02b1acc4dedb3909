"""``train_models`` registers what it trains and gates it: the first version of a kind serves,
a rebuild from the same catalog passes the coverage gate, and the run says so."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from serving import registry, selectors
from serving.models import ModelVersion


@pytest.mark.django_db
def test_each_run_registers_its_versions_and_the_gate_promotes_a_sound_rebuild(catalog, tmp_path, capsys):
    with override_settings(MODELS_DIR=tmp_path / "models"):
        call_command("train_models", "--only", "recommenders", "--by", "schedule:nightly")
        first = selectors.serving_versions()
        assert set(first) == {"similarity", "complete_the_look", "hybrid"}
        assert "first version of its kind" in capsys.readouterr().out
        call_command("train_models", "--only", "recommenders")
        out = capsys.readouterr().out
        second = selectors.serving_versions()
        assert all(second[kind] != first[kind] for kind in first) and "promoted to serving" in out
        rows = ModelVersion.objects.filter(kind="similarity")
        assert [row.trained_by for row in rows] == ["command:train_models", "schedule:nightly"]
        assert rows[0].duration_seconds is not None and rows[0].training_rows > 0
        look = registry.store().metadata("complete_the_look", second["complete_the_look"])
        assert look["similarity_version"] == second["similarity"]  # built over the one serving
    registry.reload_all()


@pytest.mark.django_db
def test_if_missing_registers_models_built_before_the_registry_without_training_them(catalog, tmp_path,
                                                                                      capsys):
    from main.ml_fields import catalog_frame
    from ml.recommend.train import build_recommenders
    from recommendations.selectors import events_frame

    with override_settings(MODELS_DIR=tmp_path / "models"):
        # An older checkout's store: the artifacts are there, the registry knows none of them.
        build_recommenders(catalog=catalog_frame(), events=events_frame(), store=registry.store())
        kinds = ("similarity", "complete_the_look", "hybrid")
        built = {kind: registry.store().current(kind) for kind in kinds}
        assert not ModelVersion.objects.exists()
        call_command("train_models", "--only", "recommenders", "--if-missing")
        assert "already trained" in capsys.readouterr().out
        assert selectors.serving_versions() == built  # the same artifacts, registered, nothing rebuilt
        call_command("train_models", "--only", "recommenders", "--if-missing")
        assert ModelVersion.objects.count() == len(built)  # once
    registry.reload_all()
