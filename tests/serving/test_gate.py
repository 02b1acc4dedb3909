"""The promotion gate: a candidate worse than the serving version beyond noise, on the same
hold-out rows, stays a candidate with the reason; equal within noise or better is promoted."""

import numpy as np
import pytest

from ml.holdout import CORRECT, UNLABELLED, WRONG
from serving import gate

LEVELS = ["subCategory", "articleType"]


def outcomes(rows: int, wrong: dict[str, range]) -> np.ndarray:
    table = np.full((rows, len(LEVELS)), CORRECT, dtype=np.int8)
    for column, level in enumerate(LEVELS):
        table[list(wrong.get(level, ())), column] = WRONG
    return table


def test_a_candidate_wrong_on_significantly_more_rows_is_held_back_with_the_reason():
    ids = np.arange(500)
    serving = (ids, outcomes(500, {"articleType": range(0, 20)}))
    candidate = (ids, outcomes(500, {"articleType": range(0, 45)}))  # 25 more wrong, none fixed
    decision = gate.paired(candidate=candidate, serving=serving, levels=LEVELS)
    assert not decision.passed
    assert "worse beyond noise at articleType" in decision.reason and "-25/+0" in decision.reason


def test_a_difference_within_noise_passes_even_if_the_raw_accuracy_is_lower():
    ids = np.arange(500)
    serving = (ids, outcomes(500, {"articleType": range(0, 20)}))
    candidate = (ids, outcomes(500, {"articleType": range(3, 26)}))  # lost 6, fixed 3
    decision = gate.paired(candidate=candidate, serving=serving, levels=LEVELS)
    assert decision.passed and "-6/+3" in decision.reason


def test_only_the_rows_both_versions_answered_and_labelled_are_paired():
    serving = (np.arange(0, 400), outcomes(400, {}))
    wrong_outside = outcomes(400, {"articleType": range(0, 100)})  # its rows 0-99 are ids 300-399
    wrong_outside[:, 0] = UNLABELLED
    candidate = (np.arange(300, 700), wrong_outside)
    decision = gate.paired(candidate=candidate, serving=serving, levels=LEVELS)
    assert not decision.passed and "on 100 rows" in decision.reason and "on 0 rows" in decision.reason


def test_no_shared_rows_or_no_saved_outcomes_means_a_person_decides():
    serving = (np.arange(0, 10), outcomes(10, {}))
    elsewhere = (np.arange(10, 20), outcomes(10, {}))
    assert not gate.paired(candidate=elsewhere, serving=serving, levels=LEVELS).passed
    assert "by hand" in gate.paired(candidate=None, serving=serving, levels=LEVELS).reason


@pytest.mark.parametrize(("rows", "passed"), [(950, True), (850, False)])
def test_rebuilt_indexes_pass_unless_built_from_a_truncated_export(rows, passed):
    decision = gate.decide(kind="similarity", candidate={"training_rows": rows},
                           serving={"training_rows": 1000}, store=None, serving_versions={})
    assert decision.passed is passed


def test_complete_the_look_over_an_index_that_does_not_serve_is_held_back():
    candidate = {"training_rows": 10, "similarity_version": "s2"}
    decision = gate.decide(kind="complete_the_look", candidate=candidate, serving={"training_rows": 10},
                           store=None, serving_versions={"similarity": "s1"})
    assert not decision.passed and "not the one serving" in decision.reason


def test_the_text_encoder_waits_for_a_person_after_its_first_version():
    first = gate.decide(kind="text_encoder", candidate={}, serving=None, store=None, serving_versions={})
    assert first.passed
    decision = gate.decide(kind="text_encoder", candidate={}, serving={}, store=None, serving_versions={})
    assert not decision.passed and "by hand" in decision.reason
