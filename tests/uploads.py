"""Uploads the photo tests send: catalog products' own photos, a script named .jpg, a decompression
bomb."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import dataset_image, fashion_data
from tests.security.test_uploads import png_declaring


def photo(index: int = 0) -> SimpleUploadedFile:
    path = dataset_image(index)
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="image/jpeg")


def not_a_photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")


def bomb() -> SimpleUploadedFile:
    return SimpleUploadedFile("bomb.png", png_declaring(8_000, 6_000), content_type="image/png")


def photo_path(product) -> Path:
    """A catalog product's own photo in the dataset."""
    return fashion_data() / "images" / f"{product.dataset_id}.jpg"


def upload(product) -> SimpleUploadedFile:
    """A catalog product's photo, uploaded as a shopper or seller would."""
    return SimpleUploadedFile("photo.jpg", photo_path(product).read_bytes(), content_type="image/jpeg")


def catalog_products(n: int) -> list:
    """The first ``n`` listed catalog products that have a photo, by dataset id."""
    from main.models import Product

    products = Product.objects.filter(is_active=True, dataset_id__isnull=False).order_by("dataset_id")
    return [p for p in products if photo_path(p).exists()][:n]
