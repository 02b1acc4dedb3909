"""Photos in, model input out: real dataset photos, and the uploads that must be refused."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from ml.photo.images import (
    MAX_BYTES,
    RESOLUTION,
    PhotoError,
    as_batch,
    colour_histogram,
    content_hash,
    load_photo,
    load_photos,
)
from tests.conftest import dataset_image


def _png(size=(40, 30), colour=(200, 0, 0)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb's header)."""
    data = bytearray(_png((1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_a_catalog_photo_becomes_a_white_padded_square():
    photo = load_photo(dataset_image(0))
    assert photo.shape == (RESOLUTION, RESOLUTION, 3) and photo.dtype == np.uint8
    # The 60x80 portrait is centred: the left and right margins are the white padding.
    assert photo[:, :5].min() >= 250 and photo[:, -5:].min() >= 250


def test_bytes_path_file_and_array_give_the_same_pixels():
    path = dataset_image(1)
    data = path.read_bytes()
    from_path = load_photo(path)
    assert np.array_equal(load_photo(data), from_path)
    assert np.array_equal(load_photo(io.BytesIO(data)), from_path)
    assert np.array_equal(load_photo(str(path)), from_path)
    assert np.array_equal(load_photo(from_path), from_path)
    batch = load_photos([path, data])
    assert batch.shape == (2, RESOLUTION, RESOLUTION, 3) and np.array_equal(batch[0], batch[1])
    assert as_batch(batch) is batch


def test_a_large_photo_is_reduced_and_padded():
    photo = load_photo(_png((1200, 600), (0, 0, 255)))
    assert photo.shape == (RESOLUTION, RESOLUTION, 3)
    assert tuple(photo[RESOLUTION // 2, RESOLUTION // 2]) == (0, 0, 255)
    assert photo[0, 0].min() == 255  # the padding above the landscape photo


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty"),
        (b"name,price\nshirt,10\n", "not a photo"),
        (b"%PDF-1.4 not a photo at all", "not a photo"),
        (_png_claiming(30_000, 30_000), "megapixels"),
        (_png_claiming(100_000, 2), "megapixels"),
        (_png((4, 4)), "too small"),
    ],
    ids=["empty", "csv", "pdf", "bomb", "strip", "tiny"],
)
def test_hostile_or_broken_uploads_are_refused_with_a_reason(payload, message):
    with pytest.raises(PhotoError, match=message):
        load_photo(payload)


def test_a_truncated_jpeg_is_refused():
    data = dataset_image(2).read_bytes()
    with pytest.raises(PhotoError, match="broken|not a photo"):
        load_photo(data[: len(data) // 3])


def test_an_oversized_file_is_refused_before_decoding():
    with pytest.raises(PhotoError, match="too large"):
        load_photo(b"\xff\xd8" + b"\0" * MAX_BYTES)


def test_a_format_that_is_not_a_photo_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, "TIFF")
    with pytest.raises(PhotoError, match="TIFF files are not accepted"):
        load_photo(buffer.getvalue())


def test_a_missing_file_is_a_photo_error(tmp_path):
    with pytest.raises(PhotoError, match="cannot be read"):
        load_photo(tmp_path / "nope.jpg")


def test_content_hash_follows_the_bytes():
    a, b = dataset_image(3).read_bytes(), dataset_image(4).read_bytes()
    assert content_hash(a) == content_hash(bytes(a)) and len(content_hash(a)) == 64
    assert content_hash(a) != content_hash(b)


def test_the_colour_histogram_ignores_the_white_background():
    red = load_photo(_png((30, 60), (220, 20, 20)))
    blue = load_photo(_png((30, 60), (20, 20, 220)))
    h_red, h_blue = colour_histogram(red), colour_histogram(blue)
    assert h_red.shape == h_blue.shape
    assert float(h_red[:-4] @ h_blue[:-4]) < 0.1  # no shared colour bin
    assert float(h_red[:-4] @ colour_histogram(red)[:-4]) == pytest.approx(1.0, abs=1e-5)
