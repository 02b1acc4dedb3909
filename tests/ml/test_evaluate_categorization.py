"""The evaluation's account of where articleType errors come from."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.evaluate.categorization import _article_error_sources


def _frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name", "articleType", "baseColour"])


def test_errors_are_split_by_what_training_saw_of_the_name():
    train = _frame([
        ("Puma Men Black Caliber Shoes", "Sports Shoes", "Black"),
        ("Catwalk Women Brown Flats", "Heels", "Brown"),
        ("Nike Men White Tshirt", "Tshirts", "White"),
    ])
    test = _frame([
        ("Puma Men Black Caliber Shoes", "Casual Shoes", "Black"),  # identical name, new label
        ("Puma Men White Caliber Shoes", "Sports Shoes", "White"),  # same line, other colour
        ("Catwalk Women Brown Flats", "Heels", "Brown"),  # identical name, right
        ("Fila Men Grey Hex Shoes", "Sports Shoes", "Grey"),  # new line
    ])
    guess = np.array(["Sports Shoes", "Casual Shoes", "Heels", "Casual Shoes"], dtype=object)

    report = " ".join(" ".join(_article_error_sources(train, test, guess)).split())

    assert "errors of the default cascade: 3 of 4" in report
    assert "identical name in training 2 names, 1 errors (50.00%)" in report
    assert "same product line in training 1 names, 1 errors (100.00%)" in report
    assert "new product line 1 names, 1 errors (100.00%)" in report
    assert "only other article types there): 1, of which 1 are errors" in report
    assert "Sports Shoes -> Casual Shoes 2" in report
