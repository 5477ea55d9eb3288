"""Product pictures: checked, cleaned and resized once, on upload.

An upload is refused unless it is a JPEG, PNG or WebP picture of at most 10 MB and 40
megapixels (a small file can decode to gigabytes: a "decompression bomb"). Only those
three decoders of Pillow ever read an upload; GIF, TIFF, PDF, SVG and the like are named
from their first bytes and refused. What is kept
is re-encoded by Pillow, never the uploaded bytes: turned upright by its EXIF
orientation, converted to sRGB, stripped of metadata (EXIF carries GPS positions and
camera serial numbers), flattened on white and saved as progressive JPEG in three sizes.

Files are named by their content hash (products/<id>/<sha256-16>-<size>.jpg), so a name
never changes meaning and the media view can let browsers cache it for a year.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from entrepot.catalog.models import Product, ProductImage

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
# (ProductImage field, longest side in pixels); each is made from the one before
SIZES = (("original", 2400), ("large", 1200), ("thumb", 400))
JPEG_QUALITY = 85
ALT_MAX_LENGTH = 200  # as ProductImage.alt_en / alt_zh

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRejected(ValueError):
    """The upload cannot be used; the message says why and what is accepted."""


def image_add(*, product: Product, upload, alt_en: str = "", alt_zh: str = "") -> ProductImage:
    """Check, clean and store `upload` (a file object) as the product's next picture.

    Raises ImageRejected with a message for the seller when the file cannot be used.
    """
    for alt in (alt_en, alt_zh):
        if len(alt) > ALT_MAX_LENGTH:
            raise ImageRejected(
                _("The picture description has %(length)d characters; at most %(max)d fit.")
                % {"length": len(alt), "max": ALT_MAX_LENGTH}
            )
    picture = _cleaned(_opened(_read(upload)))
    encoded = _encoded_sizes(picture)
    digest = hashlib.sha256(encoded["original"][2]).hexdigest()[:16]
    names = {size: f"products/{product.pk}/{digest}-{size}.jpg" for size in encoded}

    if ProductImage.objects.filter(product=product, original=names["original"]).exists():
        raise ImageRejected(_("This picture is already among the product's pictures."))
    # content-hashed names: a file that exists already holds these very bytes, so it stays
    written = [name for name in names.values() if not default_storage.exists(name)]
    for size, name in names.items():
        if name in written:
            default_storage.save(name, ContentFile(encoded[size][2]))
    width, height, _data = encoded["original"]
    try:
        with transaction.atomic():
            # lock the product so that two uploads at once do not take the same position
            Product.objects.select_for_update().filter(pk=product.pk).first()
            last = ProductImage.objects.filter(product=product).aggregate(last=Max("position"))
            position = 0 if last["last"] is None else last["last"] + 1
            return ProductImage.objects.create(
                product=product,
                original=names["original"],
                large=names["large"],
                thumb=names["thumb"],
                width=width,
                height=height,
                alt_en=alt_en,
                alt_zh=alt_zh,
                position=position,
            )
    except BaseException:
        _delete_files(written)
        raise


def image_delete(*, image: ProductImage) -> None:
    """Remove the picture's row now and its files once that is committed."""
    names = [image.original, image.large, image.thumb]
    with transaction.atomic():
        image.delete()
        # files go only after the commit: a rolled-back delete must still find them
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# --- checks ---------------------------------------------------------------------------------


def _accepted() -> str:
    return _("Upload a JPEG, PNG or WebP picture of at most 10 MB and 40 megapixels.")


def _read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ImageRejected(_too_large_file(size))
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)  # never more than the limit into memory
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(_too_large_file(len(data)))
    if not data:
        raise ImageRejected(_("The file is empty. %(accepted)s") % {"accepted": _accepted()})
    return data


def _too_large_file(size: int) -> str:
    return _("The file has %(mb).1f MB. %(accepted)s") % {
        "mb": size / 1024 / 1024,
        "accepted": _accepted(),
    }


def _opened(data: bytes) -> Image.Image:
    """The decoded picture, after every check that needs only its header."""
    unreadable = _("The file is not a picture that can be read. %(accepted)s") % {
        "accepted": _accepted()
    }
    other = _other_format(data)
    if other:  # named from its first bytes: no decoder of other formats ever sees the file
        raise ImageRejected(
            _("%(format)s pictures are not accepted. %(accepted)s")
            % {"format": other, "accepted": _accepted()}
        )
    try:
        # Pillow warns, then refuses, by its own (higher) pixel limit; a warning is a refusal
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # only the three accepted decoders are tried, not Pillow's forty-odd formats
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_too_many_pixels()) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ImageRejected(unreadable) from None

    if image.format not in ALLOWED_FORMATS:
        raise ImageRejected(
            _("%(format)s pictures are not accepted. %(accepted)s")
            % {"format": image.format, "accepted": _accepted()}
        )
    # checked from the header, before the pixels are decoded into memory
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRejected(_too_many_pixels(width, height))
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ImageRejected(unreadable) from None
    return image


# first bytes of picture formats that are refused by name (anything else unknown is
# "not a picture that can be read")
_OTHER_FORMATS = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
)


def _other_format(data: bytes) -> str:
    for magic, name in _OTHER_FORMATS:
        if data.startswith(magic):
            return name
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIC/AVIF"
    if data.lstrip()[:5].lower() in (b"<?xml", b"<svg ") or b"<svg" in data[:512].lower():
        return "SVG"
    return ""


def _too_many_pixels(width: int = 0, height: int = 0) -> str:
    if not width:
        return _("The picture has far too many pixels. %(accepted)s") % {"accepted": _accepted()}
    return _("The picture is %(width)d × %(height)d pixels (%(mp).1f megapixels). %(accepted)s") % {
        "width": width,
        "height": height,
        "mp": width * height / 1e6,
        "accepted": _accepted(),
    }


# --- cleaning and encoding ------------------------------------------------------------------


def _cleaned(image: Image.Image) -> Image.Image:
    """Upright, sRGB, opaque RGB, and no metadata at all."""
    icc_profile = image.info.get("icc_profile")
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = ImageOps.exif_transpose(image)
    if transparent:
        rgba = image.convert("RGBA")
        # transparent product shots go on white, as shops show them; black would be the default
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    if icc_profile:
        image = _to_srgb(image, icc_profile)  # before any plain conversion: CMYK needs it
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.info = {}  # Pillow would otherwise carry a JPEG comment into the output
    return image


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    # a wide-gamut photo (e.g. Display P3) looks dull once its profile is stripped, unless
    # its colours are converted first; a broken profile is ignored
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted or image


def _encoded_sizes(image: Image.Image) -> dict[str, tuple[int, int, bytes]]:
    """Each size as (width, height, JPEG bytes)."""
    encoded = {}
    for size, longest in SIZES:
        image = image.copy()
        image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
        encoded[size] = (image.width, image.height, buffer.getvalue())
    return encoded
