"""The model registry: versions recorded with what made them, the serving alias moved by
promotion and rollback, and the history of every move, never rewritten."""

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.holdout import CORRECT, HOLDOUT_IDS, HOLDOUT_OUTCOMES, WRONG
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from ml.recommend.complete_the_look import ARTIFACT_NAME as COMPLETE_THE_LOOK
from ml.recommend.train import SIMILARITY
from serving import registry, selectors, services
from serving.models import AliasMove, ModelVersion

pytestmark = pytest.mark.django_db
LEVELS = ["articleType"]
ROWS = 400


@pytest.fixture
def models_dir(tmp_path):
    with override_settings(MODELS_DIR=tmp_path / "models"):
        registry.reload_all()
        yield tmp_path / "models"
    registry.reload_all()


def save(kind=CATEGORIZER, *, correct=ROWS, rows=1000, fingerprint="abcdef01", **extra):
    """A version of ``kind`` whose hold-out answers ``correct`` of ROWS rows right."""
    outcomes = np.full((ROWS, 1), WRONG, dtype=np.int8)
    outcomes[:correct] = CORRECT
    arrays = {HOLDOUT_IDS: np.arange(ROWS, dtype=np.int64), HOLDOUT_OUTCOMES: outcomes}
    return registry.store().save(
        kind, {"weights": correct}, data_fingerprint=fingerprint, training_rows=rows,
        metrics={"holdout_accuracy_articleType": correct / ROWS}, arrays=arrays,
        extra={"holdout_levels": LEVELS, "seller_confirmed_rows": 7, "audit_corrected_rows": 3, **extra},
    )


def register(metadata, **kwargs):
    return services.version_register(metadata=metadata, trained_by="command:train_models", **kwargs)


def test_a_registered_version_records_what_made_it(models_dir):
    metadata = save(correct=300)
    row = register(metadata, duration_seconds=12.5)
    assert row.kind == CATEGORIZER and row.version == metadata["version"]
    assert row.metrics == {"holdout_accuracy_articleType": 0.75}
    assert (row.training_rows, row.seller_confirmed_rows, row.audited_rows) == (1000, 7, 3)
    assert row.data_fingerprint == "abcdef01" and row.duration_seconds == 12.5
    assert "numpy" in row.libraries and row.trained_by == "command:train_models"
    assert row.folder == str(models_dir / CATEGORIZER / row.version)
    # the first version of a kind serves: nothing to compare it with
    assert row.gate == ModelVersion.Gate.PASSED and "first version" in row.gate_reason
    assert selectors.serving_versions() == {CATEGORIZER: row.version}


def test_promote_and_rollback_move_the_alias_and_append_the_history(models_dir):
    first = register(save(correct=300))
    second = register(save(correct=301))  # equal within noise: the gate promotes it
    assert selectors.serving_versions()[CATEGORIZER] == second.version
    services.alias_rollback(kind=CATEGORIZER, reason="shoppers complain", by="person:ops")
    assert selectors.serving_versions()[CATEGORIZER] == first.version
    assert registry.store().manifest()[CATEGORIZER] == first.version  # the manifest follows
    with pytest.raises(services.RegistryError, match="No earlier"):
        services.alias_rollback(kind=CATEGORIZER, reason="again", by="person:ops")  # not forth again
    services.version_promote(version=second.version, reason="fixed upstream", by="person:ops")
    moves = [(m.action, m.from_version and m.from_version.version, m.to_version.version, m.reason, m.by)
             for m in selectors.alias_history(kind=CATEGORIZER)]
    assert moves[0] == ("promote", first.version, second.version, "fixed upstream", "person:ops")
    assert moves[1] == ("rollback", second.version, first.version, "shoppers complain", "person:ops")
    assert moves[2][:3] == ("promote", first.version, second.version) and moves[2][4] == "gate"
    assert moves[3][:3] == ("promote", None, first.version)


def test_a_better_photo_model_replaces_the_serving_one_and_a_worse_one_waits(models_dir):
    """The photo model is gated on its hold-out's rows as the categorizer is, so that the full
    recipe `make run` trains after the quick one serves without a person."""
    quick = register(save(PHOTO_MODEL, correct=300))
    full = register(save(PHOTO_MODEL, correct=340))
    assert full.gate == ModelVersion.Gate.PASSED and selectors.serving_versions()[PHOTO_MODEL] == full.version
    worse = register(save(PHOTO_MODEL, correct=280))
    assert worse.gate != ModelVersion.Gate.PASSED and "worse beyond noise" in worse.gate_reason
    assert selectors.serving_versions()[PHOTO_MODEL] == full.version != quick.version


def test_a_model_built_over_another_follows_it_back_and_forth(models_dir):
    """Complete the look is built over one similarity index: rolled back without it, it would
    answer every product page by scoring (its table is for the other index's rows)."""
    old_index = register(save(SIMILARITY))
    old_look = register(save(COMPLETE_THE_LOOK, similarity_version=old_index.version))
    new_index = register(save(SIMILARITY))  # the gate promotes it; no look built over it yet
    assert selectors.serving_versions()[COMPLETE_THE_LOOK] == old_look.version
    new_look = register(save(COMPLETE_THE_LOOK, similarity_version=new_index.version))
    assert selectors.serving_versions()[COMPLETE_THE_LOOK] == new_look.version

    services.alias_rollback(kind=SIMILARITY, reason="odd neighbours", by="person:ops")
    assert selectors.serving_versions()[COMPLETE_THE_LOOK] == old_look.version
    follow = selectors.alias_history(kind=COMPLETE_THE_LOOK)[0]
    assert (follow.action, follow.from_version, follow.by) == ("rollback", new_look, "person:ops")
    assert follow.reason == f"follows {SIMILARITY} {old_index.version} (built over it)"
    assert registry.store().manifest()[COMPLETE_THE_LOOK] == old_look.version

    services.version_promote(version=new_index.version, reason="fixed", by="person:ops")
    assert selectors.serving_versions()[COMPLETE_THE_LOOK] == new_look.version


def test_the_history_is_never_updated_or_deleted(models_dir):
    register(save())
    move = AliasMove.objects.get()
    move.reason = "rewritten"
    with pytest.raises(PermissionError):
        move.save()
    with pytest.raises(PermissionError):
        move.delete()
    with pytest.raises(PermissionError):
        AliasMove.objects.update(reason="rewritten")
    with pytest.raises(PermissionError):
        AliasMove.objects.all().delete()
    assert AliasMove.objects.get().reason != "rewritten"


def test_a_registered_version_is_never_pruned_from_the_store(models_dir):
    kept = register(save(correct=300))
    for n in range(4):  # unregistered saves: only the newest KEEP_VERSIONS of them survive
        save(correct=300, fingerprint=f"unreg{n:03d}")
    folders = {p.name for p in (models_dir / CATEGORIZER).iterdir()}
    assert kept.version in folders and len(folders) == 3


def test_old_candidates_are_retired_and_pruned_but_the_serving_one_stays(models_dir):
    serving = register(save(correct=300))
    candidates = [register(save(correct=200, fingerprint=f"worse{n:03d}")) for n in range(5)]
    assert selectors.serving_versions()[CATEGORIZER] == serving.version
    left = {p.name for p in (models_dir / CATEGORIZER).iterdir()}
    kept = set(selectors.pinned_versions(CATEGORIZER))
    assert serving.version in left and kept <= left
    assert candidates[-1].version in kept and candidates[0].version not in kept
    assert ModelVersion.objects.get(pk=candidates[0].pk).retired_at is not None
    with pytest.raises(services.RegistryError, match="retired"):
        services.version_promote(version=candidates[0].version, reason="try", by="person:ops")


def test_the_models_command_lists_promotes_rolls_back_and_diffs(models_dir, capsys):
    first = register(save(correct=300))
    second = register(save(correct=200, fingerprint="worse001"))
    call_command("models")
    listing = capsys.readouterr().out
    assert f"* {first.version}" in listing and f"  {second.version}" in listing and "held" in listing
    call_command("models", "diff", first.version, second.version)
    diff = capsys.readouterr().out
    assert "holdout_accuracy_articleType" in diff and "0.7500" in diff and "0.5000" in diff
    assert "-0.2500" in diff
    call_command("models", "promote", second.version, "--reason", "trust me", "--by", "person:ops")
    assert selectors.serving_versions()[CATEGORIZER] == second.version
    call_command("models", "rollback", CATEGORIZER, "--reason", "it was worse")
    assert selectors.serving_versions()[CATEGORIZER] == first.version
    capsys.readouterr()
    call_command("models", "history", CATEGORIZER)
    history = capsys.readouterr().out
    assert "rollback" in history and "it was worse" in history and "by person:ops: trust me" in history
    with pytest.raises(CommandError, match="No registered version"):
        call_command("models", "promote", "categorizer-nope", "--reason", "x")
