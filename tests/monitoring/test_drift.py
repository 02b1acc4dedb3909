"""The population stability index on distributions whose PSI is known by hand."""

import math

import pytest

from monitoring.drift import EMPTY_BIN_SHARE, OTHER, binned, psi


def test_the_same_mix_has_no_drift_whatever_the_counts():
    assert psi(expected={"a": 0.25, "b": 0.75}, actual={"a": 10, "b": 30}) == pytest.approx(0.0)


def test_a_known_shift_has_its_textbook_psi():
    # (0.9 - 0.5) ln(0.9 / 0.5) + (0.1 - 0.5) ln(0.1 / 0.5)
    expected = 0.4 * math.log(1.8) + 0.4 * math.log(5)
    assert psi(expected={"a": 1, "b": 1}, actual={"a": 9, "b": 1}) == pytest.approx(expected)


def test_an_empty_bin_is_floored_not_infinite():
    value = psi(expected={"a": 1.0}, actual={"a": 0.5, "b": 0.5})
    floor = EMPTY_BIN_SHARE
    by_hand = (0.5 - 1.0) * math.log(0.5 / 1.0) + (0.5 - floor) * math.log(0.5 / floor)
    assert value == pytest.approx(by_hand)
    assert value > 0.25  # a category training never saw, half the new listings: an alert


def test_rare_labels_share_one_bin():
    expected = {"a": 50, "b": 30, "c": 15, "d": 5}
    reference, sample = binned(expected=expected, actual={"a": 1, "d": 2, "z": 3}, bins=3)
    assert reference == {"a": 50, "b": 30, OTHER: 20}
    assert sample == {"a": 1, OTHER: 5}


def test_drift_compares_with_the_mix_saved_with_the_serving_model(tmp_path, settings, db):
    from ml.store import ArtifactStore
    from monitoring.selectors import training_mix

    saved = {"articleType": {"Tshirts": 0.75, "Jeans": 0.25}, "baseColour": {"Black": 1.0}}
    ArtifactStore(tmp_path).save("categorizer", {"a": "model"}, data_fingerprint="0123456789abcdef",
                                 training_rows=4, extra={"training_mix": saved})
    settings.MODELS_DIR = tmp_path
    mix, source = training_mix()
    assert mix == {"article_type": {"Tshirts": 0.75, "Jeans": 0.25}, "base_colour": {"Black": 1.0}}
    assert source == "the serving model's training rows"
