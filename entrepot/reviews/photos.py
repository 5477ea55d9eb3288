"""A buyer's review photo: checked and re-encoded exactly as product pictures are.

The checks (JPEG, PNG or WebP; at most 10 MB and 40 megapixels; decompression bombs
refused) and the cleaning (upright, sRGB, flattened, no metadata: EXIF carries GPS
positions) are `entrepot.catalog.images`'; what is kept is Pillow's re-encoding in two
sizes, never the uploaded bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from entrepot.catalog import images
from entrepot.catalog.images import ImageRejected

SIZES = (("large", 1200), ("thumb", 400))


@dataclass(frozen=True)
class EncodedPhoto:
    large: bytes
    thumb: bytes
    width: int  # of the large one
    height: int


def photo_encode(upload) -> EncodedPhoto:
    """The upload re-encoded as progressive JPEGs; ReviewRefused saying what is accepted."""
    from entrepot.reviews.services import ReviewRefused

    try:
        picture = images._cleaned(images._opened(images._read(upload)))
    except ImageRejected as refused:
        raise ReviewRefused(str(refused)) from None
    out: dict[str, tuple[int, int, bytes]] = {}
    for size, longest in SIZES:
        picture = picture.copy()
        picture.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=images.JPEG_QUALITY, progressive=True, optimize=True)
        out[size] = (picture.width, picture.height, buffer.getvalue())
    return EncodedPhoto(
        large=out["large"][2], thumb=out["thumb"][2], width=out["large"][0], height=out["large"][1]
    )
