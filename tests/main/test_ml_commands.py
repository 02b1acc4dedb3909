"""The batch command predict_categories (similar_products: tests/recommendations)."""

import csv

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.usefixtures("catalog", "trained_models")


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_predict_categories_writes_one_row_per_input_row_in_order(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "id,productDisplayName\n101,blue denim jeans for men\n102,\n103,Titan Women Silver Watch\n",
        encoding="utf-8",
    )
    call_command("predict_categories", str(source), "-o", str(tmp_path / "out.csv"))
    rows = read(tmp_path / "out.csv")
    assert list(rows[0]) == [
        "id",
        "gender",
        "masterCategory",
        "subCategory",
        "articleType",
        "baseColour",
        "usage",
        "confidence",
    ]
    assert [r["id"] for r in rows] == ["101", "102", "103"]
    assert rows[0]["articleType"] == "Jeans" and rows[0]["masterCategory"] == "Apparel"
    assert rows[1]["articleType"] == ""  # an empty name is left empty, not guessed
    assert rows[2]["articleType"] == "Watches"
    assert 0 < float(rows[2]["confidence"]) <= 1


def test_predict_categories_numbers_rows_without_id_and_takes_another_column(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("title\nwomen floral summer dress\nblack leather belt for men\n", encoding="utf-8")
    call_command("predict_categories", str(source), "-o", str(tmp_path / "out.csv"), "--text-column", "title")
    rows = read(tmp_path / "out.csv")
    assert [(r["id"], r["articleType"]) for r in rows] == [("1", "Dresses"), ("2", "Belts")]


def test_predict_categories_missing_column_is_a_clear_error(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("title\nshirt\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column 'productDisplayName'"):
        call_command("predict_categories", str(source), "-o", str(tmp_path / "out.csv"))
