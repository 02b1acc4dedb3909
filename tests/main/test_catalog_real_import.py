"""The real catalog (the first rows of the dataset): imported with photos, and idempotent."""

from pathlib import Path

from main.catalog_import import import_catalog
from main.models import Product
from tests.main.test_catalog_import import taxonomy_counts


def test_real_catalog_imports_with_taxonomy_and_photos(catalog, media_root):
    assert catalog.created == Product.objects.count() > 0
    assert catalog.rejected == []
    assert Product.objects.filter(image="").count() == catalog.missing_images
    product = Product.objects.exclude(image="").select_related("article_type__sub_category").first()
    # The photo was copied under MEDIA_ROOT, and the denormalised path follows the article type.
    assert (Path(media_root) / product.image.name).is_file()
    assert product.sub_category_id == product.article_type.sub_category_id
    assert product.master_category_id == product.article_type.sub_category.master_category_id
    assert product.search_text.startswith(" ") and product.search_text.endswith(" ")


def test_second_import_creates_nothing(catalog, settings):
    before = taxonomy_counts()
    again = import_catalog(data_dir=Path(settings.FASHION_DATA), limit=catalog.created)
    assert again.created == 0
    assert again.already_present == catalog.created
    assert taxonomy_counts() == before


def test_second_full_pass_without_limit_only_adds_what_is_new(catalog, settings, tmp_path):
    """A dataset folder holding the catalog's rows plus new ones: only the new ones are created."""
    source = Path(settings.FASHION_DATA) / "styles.csv"
    with open(source, encoding="utf-8") as handle:
        head = [next(handle) for _ in range(catalog.created + 6)]
    (tmp_path / "styles.csv").write_text("".join(head), encoding="utf-8")
    (tmp_path / "images").mkdir()
    before = Product.objects.count()
    report = import_catalog(data_dir=tmp_path)
    assert report.already_present == catalog.created
    assert report.created + len(report.rejected) == 5
    assert Product.objects.count() == before + report.created
    assert report.missing_images == report.created  # this folder has no photos
