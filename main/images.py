"""Product photos: an upload is checked, re-encoded and resized, never stored as sent.

Re-encoding drops whatever else the file carried (scripts, metadata, polyglots); the stored
name is random, never the user's.
"""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 50-megapixel photo is refused; so is a decompression bomb
STORED_SIZE = (800, 1066)  # the dataset's 3:4 portrait shape


def normalise_product_photo(upload) -> ContentFile:
    """Return a fresh JPEG of the upload, at most ``STORED_SIZE``; raise ValidationError if unusable."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("The photo is larger than 5 MB.")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError("The photo has too many pixels (at most 40 megapixels).")
                if probe.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                    raise ValidationError("Upload a JPEG, PNG or WebP photo.")
                probe.load()
                image = probe.convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("This file is not a photo we can read.") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError("This photo is damaged or truncated.") from None
    image.thumbnail(STORED_SIZE)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
