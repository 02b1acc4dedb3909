"""Hostile uploads through the seller's listing form: refused with a message, no product made.
A valid photo is re-encoded, shrunk and stored under a random name."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image

from main.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_browser(client, seller, make_product):
    make_product(seller=seller, name="Existing listing")  # also makes the minimal taxonomy
    client.force_login(seller)
    return client


def listing(name: str, photo) -> dict:
    product = Product.objects.select_related("gender", "article_type").get(name="Existing listing")
    return {
        "name": name,
        "description": "",
        "gender": product.gender_id,
        "article_type": product.article_type_id,
        "base_colour": "",
        "usage": "",
        "season": "",
        "price": "499.00",
        "stock": "3",
        "photo": photo,
    }


def jpeg(size=(1200, 1600), **save) -> bytes:
    image = Image.new("RGB", size)
    # Some content, so that the JPEG is not trivially small.
    image.paste((180, 40, 40), (0, 0, size[0] // 2, size[1] // 2))
    image.paste((40, 40, 180), (size[0] // 2, size[1] // 2, size[0], size[1]))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, **save)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width × height`` pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def fifty_megapixels() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (8700, 5800), 128).save(buffer, format="JPEG", quality=30)  # 50.5 megapixels
    return buffer.getvalue()


HOSTILE = {
    "not an image": lambda: SimpleUploadedFile(
        "photo.jpg", b"#!/bin/sh\necho pwned\n", content_type="image/jpeg"
    ),
    "truncated JPEG": lambda: SimpleUploadedFile(
        "cut.jpg", jpeg()[: len(jpeg()) * 6 // 10], content_type="image/jpeg"
    ),
    "50 megapixels": lambda: SimpleUploadedFile("huge.jpg", fifty_megapixels(), content_type="image/jpeg"),
    "decompression bomb": lambda: SimpleUploadedFile(
        "bomb.png", png_declaring(200_000, 200_000), content_type="image/png"
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_upload_is_refused_with_a_message(seller_browser, media_root, kind):
    before = {p for p in Path(media_root).rglob("*") if p.is_file()}
    response = seller_browser.post("/seller/products/new/", listing(f"Listing with {kind}", HOSTILE[kind]()))

    assert response.status_code == 200  # the form again, not a crash
    errors = response.context["form"].errors.get("photo")
    assert errors, response.context["form"].errors
    assert any(word in " ".join(errors).lower() for word in ("image", "photo", "pixels")), errors
    assert escape(errors[0]) in response.content.decode()  # shown to the seller
    assert not Product.objects.filter(name=f"Listing with {kind}").exists()
    assert {p for p in Path(media_root).rglob("*") if p.is_file()} == before  # nothing stored


def test_a_valid_photo_is_reencoded_resized_and_renamed(seller_browser, media_root):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0131] = "tracking-software 1.0"  # Software
    sent = jpeg(exif=exif.tobytes())
    upload = SimpleUploadedFile("../../../etc/my holiday <script>.jpg", sent, content_type="image/jpeg")

    response = seller_browser.post("/seller/products/new/", listing("Listing with a photo", upload))

    assert response.status_code == 302
    product = Product.objects.get(name="Listing with a photo")
    assert re.fullmatch(r"products/[0-9a-f]{32}(_\w+)?\.jpg", product.image.name), product.image.name
    stored = Path(media_root) / product.image.name
    assert stored.resolve().is_relative_to(Path(media_root).resolve())
    data = stored.read_bytes()
    assert data != sent
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.height == 1066 and 799 <= image.width <= 800  # 1200 × 1600 shrunk to fit 800 × 1066
        assert not image.getexif(), "metadata was kept"
    assert b"SpyCam" not in data and b"tracking-software" not in data
