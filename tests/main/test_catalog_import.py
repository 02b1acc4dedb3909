"""Importing styles.csv + images/ from small files written per test: bad rows, images, taxonomy,
demo commerce data, the command. (The real catalog: test_catalog_real_import.py.)"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from main import catalog_import
from main.catalog_import import ImportFileError, import_catalog
from main.models import ArticleType, Gender, MasterCategory, Product, SubCategory
from ml.catalog import demo
from tests.conftest import dataset_image

HEADER = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName"


def good_row(dataset_id: int, *, master="Apparel", sub="Topwear", article="Tshirts", name=None, year="2012"):
    name = name or f"Test Brand Men Blue Tshirt {dataset_id}"
    return f"{dataset_id},Men,{master},{sub},{article},Blue,Summer,{year},Casual,{name}"


def write_dataset(folder: Path, lines: list[str | bytes], *, images_for=()) -> Path:
    """A tiny dataset folder: styles.csv from ``lines`` (after the header) and real photos."""
    folder.mkdir(parents=True, exist_ok=True)
    body = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    (folder / "styles.csv").write_bytes(HEADER.encode() + b"\n" + body)
    (folder / "images").mkdir(exist_ok=True)
    for i, dataset_id in enumerate(images_for):
        shutil.copyfile(dataset_image(i), folder / "images" / f"{dataset_id}.jpg")
    return folder


def taxonomy_counts() -> tuple[int, ...]:
    return (
        Product.objects.count(),
        Gender.objects.count(),
        MasterCategory.objects.count(),
        SubCategory.objects.count(),
        ArticleType.objects.count(),
    )


# --- bad rows -----------------------------------------------------------------------------


def test_bad_rows_are_reported_with_line_and_reason_and_the_rest_imports(tmp_path, db):
    lines = [
        good_row(900001),  # line 2
        "900002,Men,Apparel",  # line 3: too few fields
        good_row(900003).replace("900003", "12ab", 1),  # line 4: id not a number
        "900004,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,",  # line 5: empty name
        good_row(900005, name="X" * 5000),  # line 6: a huge field
        good_row(900006).encode().replace(b"Blue Tshirt", b"Blue \xff\xfe Tshirt"),  # line 7: not UTF-8
        good_row(900007, name='"Broken "quote" name'),  # line 8: broken quoting
        good_row(900008, year="20x2"),  # line 9: bad year
        good_row(900009, year="1850"),  # line 10: a year out of range
        "²,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Superscript id",  # line 11: used to crash
        good_row(900012, year="201²"),  # line 12: a year that is digits only to str.isdigit()
        good_row(900010),  # line 13
    ]
    report = import_catalog(data_dir=write_dataset(tmp_path / "data", lines))

    reasons = {r.line: r.reason for r in report.rejected}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "expected 10 fields, found 3" in reasons[3]
    assert "12ab" in reasons[4] and "number" in reasons[4]
    assert "productDisplayName" in reasons[5] and "empty" in reasons[5]
    assert "productDisplayName" in reasons[6] and "longer than" in reasons[6]
    assert "UTF-8" in reasons[7]
    assert "malformed CSV" in reasons[8]
    assert "20x2" in reasons[9] and "year" in reasons[9]
    assert "1850" in reasons[10]
    assert "not a positive whole number" in reasons[11] and "year" in reasons[12]
    assert report.created == 2
    assert set(Product.objects.values_list("dataset_id", flat=True)) == {900001, 900010}


def test_quoted_commas_and_unicode_names_are_fine(tmp_path, db):
    lines = [good_row(900020, name='"Nike Men, Blue ""Air"" Tshirt"'), good_row(900021, name="Café Tshirt ✓")]
    report = import_catalog(data_dir=write_dataset(tmp_path / "data", lines))
    assert report.rejected == []
    assert Product.objects.get(dataset_id=900020).name == 'Nike Men, Blue "Air" Tshirt'
    assert Product.objects.get(dataset_id=900021).name == "Café Tshirt ✓"


def test_unterminated_quote_at_end_of_file_is_reported(tmp_path, db):
    lines = [good_row(900030), good_row(900031, name='"Never closed')]
    report = import_catalog(data_dir=write_dataset(tmp_path / "data", lines))
    assert report.created == 1
    assert [r.line for r in report.rejected] == [3]


def test_missing_image_imports_without_photo_and_is_counted(tmp_path, db, media_root):
    lines = [good_row(900041), good_row(900042), good_row(900043)]
    report = import_catalog(data_dir=write_dataset(tmp_path / "data", lines, images_for=[900041]))
    assert report.created == 3
    assert report.missing_images == 2
    with_photo = Product.objects.get(dataset_id=900041)
    assert with_photo.image.name == "catalog/900041.jpg"
    assert (Path(media_root) / with_photo.image.name).read_bytes() == (
        tmp_path / "data" / "images" / "900041.jpg"
    ).read_bytes()
    assert Product.objects.get(dataset_id=900042).image.name == ""


def test_missing_required_columns_is_a_file_error(tmp_path, db):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "styles.csv").write_text("id,gender,masterCategory\n1,Men,Apparel\n")
    with pytest.raises(ImportFileError, match="subCategory"):
        import_catalog(data_dir=folder)
    assert Product.objects.count() == 0


def test_missing_or_empty_file_is_a_file_error(tmp_path, db):
    with pytest.raises(ImportFileError, match="not found"):
        import_catalog(data_dir=tmp_path)
    (tmp_path / "styles.csv").write_text("")
    with pytest.raises(ImportFileError):
        import_catalog(data_dir=tmp_path)


def test_limit_counts_good_rows(tmp_path, db):
    lines = [good_row(900051), "bad,row", good_row(900052), good_row(900053)]
    report = import_catalog(data_dir=write_dataset(tmp_path / "data", lines), limit=2)
    assert report.created == 2
    assert set(Product.objects.values_list("dataset_id", flat=True)) == {900051, 900052}


# --- taxonomy and demo data ---------------------------------------------------------------


def test_taxonomy_is_data_same_name_under_two_masters_is_two_nodes(tmp_path, db):
    lines = [
        good_row(900061, master="Apparel", sub="Socks", article="Socks"),
        good_row(900062, master="Accessories", sub="Socks", article="Socks"),
        good_row(900063, master="Accessories", sub="Socks", article="Socks"),
    ]
    import_catalog(data_dir=write_dataset(tmp_path / "data", lines))
    socks = SubCategory.objects.filter(name="Socks").select_related("master_category")
    assert sorted(s.master_category.name for s in socks) == ["Accessories", "Apparel"]
    assert ArticleType.objects.filter(name="Socks").count() == 2
    apparel_sock = Product.objects.get(dataset_id=900061)
    accessory_sock = Product.objects.get(dataset_id=900062)
    assert apparel_sock.sub_category_id != accessory_sock.sub_category_id
    assert apparel_sock.master_category.name == "Apparel"
    assert accessory_sock.sub_category_id == Product.objects.get(dataset_id=900063).sub_category_id


def test_price_stock_and_seller_are_deterministic(tmp_path, db):
    masters = {900071: "Apparel", 900072: "Footwear", 900073: "Accessories", 900074: "Free", 900075: "Bags"}
    lines = [good_row(i, master=m) for i, m in masters.items()]
    folder = write_dataset(tmp_path / "data", lines)

    def snapshot():
        return {
            p.dataset_id: (p.price, p.stock, p.seller.username, p.master_category.name)
            for p in Product.objects.select_related("seller", "master_category")
        }

    import_catalog(data_dir=folder)
    first = snapshot()
    Product.objects.all().delete()
    import_catalog(data_dir=folder)
    assert snapshot() == first
    # The documented rule: base price of the master category + a multiple of 50 below 2,000.
    base = {**demo.BASE_PRICES}
    for dataset_id, (price, stock, _seller, master) in first.items():
        step = price - base.get(master, 249)
        assert step % 50 == 0 and Decimal(0) <= step < 2000, (dataset_id, price)
        assert 0 <= stock < 50
        assert price == catalog_import.demo_price(dataset_id, master)
    assert len({seller for _p, _s, seller, _m in first.values()}) > 1  # spread over the demo shops


def test_usage_na_is_stored_as_blank(tmp_path, db):
    line = good_row(900081).replace(",Casual,", ",NA,")
    import_catalog(data_dir=write_dataset(tmp_path / "data", [line]))
    assert Product.objects.get(dataset_id=900081).usage == ""


# --- the management command ---------------------------------------------------------------


def test_command_prints_progress_and_summary(tmp_path, db, monkeypatch):
    monkeypatch.setattr(catalog_import, "BATCH_SIZE", 10)
    lines = [good_row(910000 + i) for i in range(25)] + ["oops,1"]
    folder = write_dataset(tmp_path / "data", lines, images_for=[910000, 910001])
    out, err = StringIO(), StringIO()
    call_command("import_catalog", str(folder), stdout=out, stderr=err)
    output = out.getvalue()
    assert "Importing catalog from" in output
    assert re.search(r"10 products done", output) and re.search(r"20 products done", output)
    summary = output.strip().splitlines()[-1]
    assert "Imported 25 new products" in summary
    assert "0 already present" in summary
    assert "1 rows rejected" in summary
    assert "23 without image" in summary
    assert "line 27:" in err.getvalue()

    out = StringIO()
    call_command("import_catalog", str(folder), stdout=out, stderr=StringIO())
    assert "Imported 0 new products, 25 already present" in out.getvalue()
    assert Product.objects.count() == 25


def test_command_limit_and_missing_columns(tmp_path, db):
    folder = write_dataset(tmp_path / "data", [good_row(920000 + i) for i in range(5)])
    call_command("import_catalog", str(folder), "--limit", "3", stdout=StringIO(), stderr=StringIO())
    assert Product.objects.count() == 3
    (folder / "styles.csv").write_text("id,name\n1,x\n")
    with pytest.raises(CommandError, match="missing required columns"):
        call_command("import_catalog", str(folder), stdout=StringIO(), stderr=StringIO())


def test_rows_that_are_not_products_are_reported_by_line_and_skipped(tmp_path, db):
    lines = [
        good_row(900061),  # line 2
        # line 3: the real catalog's line 19693, a column name where the name belongs
        "900062,Women,Footwear,Shoes,Heels,Black,Winter,2015,Casual,productDisplayName",
        good_row(900063, article="articleType"),  # line 4: a column name as the article type
        good_row(900064, name="1234 - 5678"),  # line 5: no letters in the name
        good_row(900065, name="Roadster Men Product Display Tshirt"),  # line 6: a product
    ]
    report = import_catalog(data_dir=write_dataset(tmp_path / "data", lines))
    reasons = {r.line: r.reason for r in report.rejected}
    assert sorted(reasons) == [3, 4, 5]
    assert "not a product" in reasons[3] and "productDisplayName" in reasons[3]
    assert "articleType" in reasons[4] and "no letters" in reasons[5]
    assert set(Product.objects.values_list("dataset_id", flat=True)) == {900061, 900065}
    assert not ArticleType.objects.filter(name="articleType").exists()


def test_a_not_product_row_imported_before_is_unlisted(tmp_path, db, seller, make_product):
    stray = make_product(seller=seller, name="productDisplayName", dataset_id=900071)
    lines = [good_row(900071, name="productDisplayName"), good_row(900072)]
    report = import_catalog(data_dir=write_dataset(tmp_path / "data", lines))
    stray.refresh_from_db()
    assert report.unlisted == 1 and not stray.is_active
    assert [r.line for r in report.rejected] == [2] and report.created == 1
    out = StringIO()
    call_command("import_catalog", str(tmp_path / "data"), stdout=out, stderr=StringIO())
    assert "Unlisted" not in out.getvalue()  # nothing left to unlist the second time
