"""Bulk listing with photos: a ZIP of photos (alone, or named by a CSV's photo column). Each bad
entry is reported by its name and the rest imports; bombs, oversized and non-image entries are
refused with a message."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from main.images import MAX_UPLOAD_BYTES
from main.models import Product
from seller_accounts import bulk
from tests.conftest import bulk_review_data, dataset_image
from tests.security.test_uploads import png_declaring


def zip_of(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("photos.zip", buffer.getvalue(), content_type="application/zip")


def real_photo(index: int) -> bytes:
    return dataset_image(index).read_bytes()


def hostile_zip() -> SimpleUploadedFile:
    return zip_of({
        "red-silk-kurta.jpg": real_photo(0),
        "shoes/IMG_0412.jpg": real_photo(1),
        "notes.txt": b"hello",
        "fake.jpg": b"GIF89a not really",
        "bomb.png": png_declaring(8_000, 6_000),
        "zeros.jpg": bytes(MAX_UPLOAD_BYTES + 10),  # compresses to almost nothing: a bomb
        "__MACOSX/._red-silk-kurta.jpg": b"resource fork",
    })


def test_read_photo_zip_keeps_the_photos_and_names_each_refused_entry():
    found, problems = bulk.read_photo_zip(upload=hostile_zip())
    assert sorted(found) == ["IMG_0412.jpg", "red-silk-kurta.jpg"]
    by_name = {problem.split(":")[0]: problem for problem in problems}
    assert set(by_name) == {"notes.txt", "fake.jpg", "bomb.png", "zeros.jpg"}  # not the macOS fork
    assert "not a photo" in by_name["notes.txt"]
    assert "too many pixels" in by_name["bomb.png"]
    assert "larger than 5 MB" in by_name["zeros.jpg"]


def test_a_stored_entry_lying_about_nothing_but_too_big_is_refused():
    found, problems = bulk.read_photo_zip(upload=zip_of({"huge.jpg": bytes(MAX_UPLOAD_BYTES + 1)},
                                                        compression=zipfile.ZIP_STORED))
    assert found == {} and problems == ["huge.jpg: larger than 5 MB"]


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("photos.zip", b"PK\x03\x04 broken"), "not a ZIP archive"),
    (zip_of({f"p{i}.jpg": b"x" for i in range(bulk.MAX_ROWS + 1)}), "At most 300 photos"),
])
def test_an_unusable_archive_is_refused_as_a_whole(upload, message):
    with pytest.raises(bulk.BulkFileError, match=message):
        bulk.read_photo_zip(upload=upload)


def test_a_photo_name_becomes_the_draft_name_unless_it_is_a_camera_counter():
    assert bulk._name_from_file("red-silk_kurta.jpg") == "red silk kurta"
    assert bulk._name_from_file("IMG_0412.jpg") == ""
    assert bulk._name_from_file("12345.jpg") == ""


@pytest.mark.usefixtures("catalog", "trained_models")
class TestWithTheNameCategorizerOnly:
    """No photo model yet: a ZIP still drafts its listings (with their photos), uncategorized."""

    def test_zip_alone_drafts_one_listing_per_photo_and_reports_the_rest(self, seller_client, seller):
        response = seller_client.post("/seller/products/bulk/", {"photos": hostile_zip()}, follow=True)
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == "/seller/products/bulk/review/"
        assert page.count('data-test="bulk-row"') == 2
        assert page.count('data-test="bulk-photo"') == 2
        for refused in ("notes.txt", "fake.jpg", "bomb.png", "zeros.jpg"):
            assert refused in page
        staged = seller_client.session["bulk_listing_rows"]
        assert {row["name"] for row in staged} == {"red silk kurta", "IMG_0412"}

    def test_csv_with_a_photo_column_lists_each_row_with_its_photo(self, seller_client, seller):
        csv_text = ("name,price,stock,photo\n"
                    "blue denim jeans for men,1499,5,jeans.jpg\n"
                    "Titan Women Silver Watch,3999,2,missing.jpg\n")
        upload = SimpleUploadedFile("products.csv", csv_text.encode(), content_type="text/csv")
        response = seller_client.post(
            "/seller/products/bulk/",
            {"file": upload, "photos": zip_of({"jeans.jpg": real_photo(3), "extra.jpg": real_photo(4)})},
            follow=True,
        )
        page = response.content.decode()
        assert "line 3: no usable photo missing.jpg" in page
        assert "extra.jpg" in page  # named by no row: said, not silently dropped
        staged = seller_client.session["bulk_listing_rows"]
        assert [bool(row["photo"]) for row in staged] == [True, False]
        review = seller_client.get("/seller/products/bulk/review/")
        formset = review.context["formset"]
        assert len(formset.forms) == 2
        response = seller_client.post("/seller/products/bulk/review/", bulk_review_data(formset))
        assert response.status_code == 302, response.context["formset"].errors
        jeans = Product.objects.get(seller=seller, name="blue denim jeans for men")
        watch = Product.objects.get(seller=seller, name="Titan Women Silver Watch")
        assert jeans.image and jeans.is_active
        assert not watch.image and not watch.is_active  # a draft until it has a photo


@pytest.mark.usefixtures("catalog", "trained_photo_models")
def test_with_the_photo_model_a_zip_alone_is_categorized_from_its_photos(seller_client):
    products = Product.objects.filter(dataset_id__isnull=False).order_by("dataset_id")[:4]
    photos = {f"IMG_{i:04d}.jpg": fashion_photo(p) for i, p in enumerate(products)}
    response = seller_client.post("/seller/products/bulk/", {"photos": zip_of(photos)})
    assert response.status_code == 302
    staged = seller_client.session["bulk_listing_rows"]
    assert len(staged) == 4
    for row in staged:
        assert row["master_category"] and row["sub_category"]  # the path comes from the photo
        assert row["suggestions"]["article_type"], row
        # A camera's file name names nothing: the draft is named after what the photo shows.
        best_type = row["suggestions"]["article_type"][0][0].split(" / ")[-1]
        assert not row["name"].startswith("IMG") and row["name"].endswith(best_type)


def fashion_photo(product: Product) -> bytes:
    from tests.conftest import fashion_data

    return (fashion_data() / "images" / f"{product.dataset_id}.jpg").read_bytes()
