"""Photos in, model input out: a white-padded square ``uint8`` RGB array, or a clear refusal.

Every photo the models see goes through :func:`load_photo` (catalog JPEGs at training time,
sellers' and shoppers' uploads at run time), so training and serving see the same pixels.
Hostile files are refused with :class:`PhotoError` before any large decode: too many bytes,
an absurd width x height (decompression bombs), a format that is not a photo, a broken file.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

RESOLUTION = 80  # the catalog photos are 60x80: a padded 80x80 square is their native size
WHITE = 255  # padding colour: the studio photos are shot on white
RESAMPLE = Image.Resampling.BILINEAR
MAX_BYTES = 15 * 1024 * 1024  # a phone photo is a few MB; more is not a product photo
MAX_PIXELS = 50_000_000  # width x height; a 12-MP phone photo is far below, a bomb far above
MAX_SIDE = 20_000  # pixels; a strip 1 x 10^7 is no photo either
MIN_SIDE = 8  # pixels; smaller is an icon or a tracking pixel, nothing to recognise
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"})
DECODE_WORKERS = 2  # PIL decodes without the GIL: one thread per core

PhotoSource = bytes | bytearray | memoryview | str | Path | BinaryIO | np.ndarray


class PhotoError(ValueError):
    """The file is not a photo the models can read; the message says why (for the user)."""


def content_hash(data: bytes) -> str:
    """SHA-256 hex digest of a photo's bytes: the key of the embedding cache."""
    return hashlib.sha256(bytes(data)).hexdigest()


def read_bytes(source: PhotoSource) -> bytes:
    """The raw bytes of a path, an open file or bytes, refusing files over :data:`MAX_BYTES`."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as error:
            raise PhotoError(f"The photo {path.name} cannot be read: {error.strerror}.") from error
        if size > MAX_BYTES:
            raise PhotoError(_too_big(size))
        data = path.read_bytes()
    elif hasattr(source, "read"):
        data = source.read(MAX_BYTES + 1)
    else:
        raise TypeError(f"A photo is bytes, a path or a file, not {type(source).__name__}.")
    if len(data) > MAX_BYTES:
        raise PhotoError(_too_big(len(data)))
    if not data:
        raise PhotoError("The photo is empty (0 bytes).")
    return data


def _too_big(size: int) -> str:
    return f"The photo is too large ({size / 2**20:.1f} MB); at most {MAX_BYTES // 2**20} MB."


def open_photo(data: bytes) -> Image.Image:
    """A checked, fully decoded RGB image from ``data`` (:class:`PhotoError` otherwise)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise PhotoError(
                    f"{image.format or 'This'} files are not accepted: upload a JPEG, PNG or WebP photo."
                )
            width, height = image.size
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise PhotoError(
                    f"The photo is {width} x {height} pixels: at most {MAX_PIXELS // 10**6} megapixels, "
                    f"{MAX_SIDE:,} pixels a side."
                )
            if min(width, height) < MIN_SIDE:
                raise PhotoError(f"The photo is only {width} x {height} pixels: too small to recognise.")
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # an animated GIF: its first frame
            image.draft("RGB", (RESOLUTION * 2, RESOLUTION * 2))  # JPEG: decode at a reduced scale
            return image.convert("RGB")
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        message = f"The photo has too many pixels: at most {MAX_PIXELS // 10**6} megapixels."
        raise PhotoError(message) from error
    except UnidentifiedImageError as error:
        raise PhotoError("This file is not a photo we can read: upload a JPEG, PNG or WebP image.") from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:  # truncated or corrupt data
        raise PhotoError(f"The photo file is broken and cannot be decoded ({error}).") from error


def pad_to_square(image: Image.Image, fill: int = WHITE) -> Image.Image:
    """``image`` centred on a white square of side ``max(width, height)`` (nothing cropped)."""
    width, height = image.size
    if width == height:
        return image
    side = max(width, height)
    canvas = Image.new("RGB", (side, side), (fill, fill, fill))
    canvas.paste(image, ((side - width) // 2, (side - height) // 2))
    return canvas


def to_model_input(image: Image.Image, resolution: int = RESOLUTION) -> np.ndarray:
    """A decoded RGB image as the model's ``uint8`` (resolution, resolution, 3) input."""
    square = pad_to_square(image)
    if square.size != (resolution, resolution):
        square = square.resize((resolution, resolution), RESAMPLE)
    return np.asarray(square, dtype=np.uint8)


def load_photo(source: PhotoSource, resolution: int = RESOLUTION) -> np.ndarray:
    """Bytes, a path, an open file (or an already prepared array) -> ``uint8`` (R, R, 3).

    Raises :class:`PhotoError` with a message fit for the user when the file is refused.
    """
    if isinstance(source, np.ndarray):
        return _checked_array(source, resolution)
    return to_model_input(open_photo(read_bytes(source)), resolution)


def _checked_array(array: np.ndarray, resolution: int) -> np.ndarray:
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
        raise PhotoError(f"A photo array must be uint8 (height, width, 3), not {array.dtype} {array.shape}.")
    if array.shape[:2] == (resolution, resolution):
        return array
    return to_model_input(Image.fromarray(array), resolution)


def load_photos(
    sources: Sequence[PhotoSource], resolution: int = RESOLUTION, workers: int = DECODE_WORKERS
) -> np.ndarray:
    """Many photos as ``uint8`` (N, R, R, 3), decoded in threads; the first refusal raises."""
    out = np.empty((len(sources), resolution, resolution, 3), dtype=np.uint8)

    def one(i: int) -> None:
        out[i] = load_photo(sources[i], resolution)

    if workers > 1 and len(sources) > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, range(len(sources)), chunksize=64))
    else:
        for i in range(len(sources)):
            one(i)
    return out


def as_batch(images, resolution: int = RESOLUTION) -> np.ndarray:
    """``images`` as a ``uint8`` (N, R, R, 3) batch: a prepared batch passes through, a
    sequence of sources (bytes, paths, files, arrays) is decoded."""
    if isinstance(images, np.ndarray) and images.ndim == 4:
        if images.dtype != np.uint8 or images.shape[1:] != (resolution, resolution, 3):
            raise PhotoError(
                f"A photo batch must be uint8 (n, {resolution}, {resolution}, 3), not {images.shape}."
            )
        return images
    if isinstance(images, (bytes, str, Path)) or (isinstance(images, np.ndarray) and images.ndim == 3):
        raise TypeError("Pass a list of photos (use [photo] for a single one).")
    return load_photos(list(images), resolution)


# ---- colour: ImageNet features throw colour away, so the pixels themselves are kept too

FOREGROUND_WHITE = 235  # a pixel whose channels are all >= this is background (studio white)
HUE_BINS, SAT_BINS, VAL_BINS = 12, 3, 3
GREY_BINS = 6  # low-saturation (achromatic) pixels are binned by value only
GREY_SATURATION = 40  # PIL HSV saturation (0..255) below which a pixel counts as grey
MIN_FOREGROUND = 10  # pixels; fewer (a white item on white) and the whole photo is used
COLOUR_FEATURES = HUE_BINS * SAT_BINS * VAL_BINS + GREY_BINS + 1 + 3


def colour_histogram(rgb: np.ndarray) -> np.ndarray:
    """Foreground HSV histogram (Hellinger-normalised) + foreground share + mean RGB of one
    ``uint8`` photo: :data:`COLOUR_FEATURES` values."""
    pixels = rgb.reshape(-1, 3)
    foreground = ~(pixels >= FOREGROUND_WHITE).all(axis=1)
    if foreground.sum() < MIN_FOREGROUND:
        foreground = np.ones(len(pixels), dtype=bool)
    hsv = np.asarray(Image.fromarray(rgb).convert("HSV")).reshape(-1, 3)[foreground].astype(np.int32)
    hue, sat, val = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    grey = sat < GREY_SATURATION
    h_bin = hue * HUE_BINS // 256
    s_bin = np.minimum((sat - GREY_SATURATION) * SAT_BINS // (256 - GREY_SATURATION), SAT_BINS - 1)
    v_bin = val * VAL_BINS // 256
    colour_index = (h_bin * SAT_BINS + s_bin) * VAL_BINS + v_bin
    chromatic = HUE_BINS * SAT_BINS * VAL_BINS
    # one bincount over both kinds of bins (np.add.at was ~half of this function's time)
    bins = np.where(grey, chromatic + val * GREY_BINS // 256, colour_index)
    hist = np.bincount(bins, minlength=chromatic + GREY_BINS).astype(np.float32)
    hist = np.sqrt(hist / max(hist.sum(), 1.0))
    mean_rgb = pixels[foreground].mean(axis=0) / 255.0
    return np.concatenate([hist, [foreground.mean()], mean_rgb]).astype(np.float32)


def colour_histograms(images: np.ndarray) -> np.ndarray:
    """:func:`colour_histogram` of every photo of a ``uint8`` batch: (N, COLOUR_FEATURES)."""
    out = np.empty((len(images), COLOUR_FEATURES), dtype=np.float32)
    for i, image in enumerate(images):
        out[i] = colour_histogram(image)
    return out
