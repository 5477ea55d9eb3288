"""Product pictures: upload checks, cleaning, the three sizes, and the media view."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from PIL import Image

from entrepot.catalog.images import MAX_UPLOAD_BYTES, ImageRejected, image_add, image_delete
from entrepot.catalog.media_views import media
from entrepot.catalog.models import ProductImage
from tests import factories

pytestmark = pytest.mark.django_db

ORIENTATION = 0x0112
ROTATE_90_CW = 6  # EXIF: the camera was turned; show the picture turned 90° clockwise
MAKE = 0x010F


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def product():
    return factories.product(seller=factories.seller(), category=factories.category())


def _upload(data: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _picture(size=(600, 400), fmt="PNG", mode="RGB", color=(200, 30, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def _sideways_png_with_exif() -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = ROTATE_90_CW
    exif[MAKE] = "Secret Camera Co."
    return _picture((3000, 2000), exif=exif.tobytes())


def _stored(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def test_a_png_is_stored_upright_in_three_jpeg_sizes_without_metadata(product):
    image = image_add(product=product, upload=_upload(_sideways_png_with_exif()), alt_en="Red")

    # turned upright by its EXIF orientation: 3000 x 2000 landscape becomes portrait
    assert (image.width, image.height) == (1600, 2400)
    expected = {image.original: (1600, 2400), image.large: (800, 1200), image.thumb: (267, 400)}
    for name, size in expected.items():
        stored = _stored(name)
        assert stored.format == "JPEG"
        assert stored.mode == "RGB"
        assert stored.size == size
        assert not stored.getexif()
        assert "exif" not in stored.info and "icc_profile" not in stored.info
        assert stored.info.get("progressive") or stored.info.get("progression")
    assert image.alt_en == "Red"


def test_files_are_named_by_product_and_content_hash(product):
    image = image_add(product=product, upload=_upload(_picture()))
    prefix = f"products/{product.pk}/"
    names = [image.original, image.large, image.thumb]
    assert all(name.startswith(prefix) for name in names)
    digests = {name.removeprefix(prefix).split("-")[0] for name in names}
    [digest] = digests
    assert len(digest) == 16
    assert [name.rsplit("-", 1)[1] for name in names] == ["original.jpg", "large.jpg", "thumb.jpg"]


def test_small_pictures_are_not_enlarged(product):
    image = image_add(product=product, upload=_upload(_picture((300, 200))))
    assert (image.width, image.height) == (300, 200)
    assert _stored(image.thumb).size == (300, 200)


def test_each_new_picture_takes_the_next_position(product):
    first = image_add(product=product, upload=_upload(_picture(color=(1, 2, 3))))
    second = image_add(product=product, upload=_upload(_picture(color=(4, 5, 6))))
    assert (first.position, second.position) == (0, 1)


def test_a_transparent_png_is_flattened_on_white(product):
    data = _picture((100, 100), mode="RGBA", color=(0, 0, 0, 0))
    image = image_add(product=product, upload=_upload(data))
    red, green, blue = _stored(image.original).getpixel((50, 50))
    assert min(red, green, blue) > 250


def test_a_webp_is_accepted_and_re_encoded_as_jpeg(product):
    image = image_add(product=product, upload=_upload(_picture((500, 500), "WEBP"), "a.webp"))
    assert _stored(image.original).format == "JPEG"


def test_a_text_file_named_jpg_is_refused(product):
    with pytest.raises(ImageRejected, match="not a picture that can be read.*JPEG, PNG or WebP"):
        image_add(product=product, upload=_upload(b"hello, I am not a photo\n", "photo.jpg"))
    assert not ProductImage.objects.exists()


def test_a_gif_is_refused_and_the_accepted_formats_are_named(product):
    with pytest.raises(ImageRejected, match="GIF pictures are not accepted.*JPEG, PNG or WebP"):
        image_add(product=product, upload=_upload(_picture((50, 50), "GIF", mode="P", color=1)))


def test_a_picture_over_40_megapixels_is_refused(product):
    # 8000 x 6000 = 48 megapixels; a bilevel PNG keeps the test light
    data = _picture((8000, 6000), mode="1", color=1)
    with pytest.raises(ImageRejected, match=r"8000 × 6000 pixels \(48.0 megapixels\)"):
        image_add(product=product, upload=_upload(data))


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_from_its_header(product):
    # 400 megapixels announced in a file of 45 bytes: Pillow itself refuses to open it
    with pytest.raises(ImageRejected, match="too many pixels.*40 megapixels"):
        image_add(product=product, upload=_upload(_png_header_only(20000, 20000)))


def test_a_file_over_10_mb_is_refused_before_it_is_read(product):
    upload = _upload(b"\0" * (MAX_UPLOAD_BYTES + 1), "huge.jpg")
    with pytest.raises(ImageRejected, match="10.0 MB.*at most 10 MB"):
        image_add(product=product, upload=upload)


def test_the_same_picture_twice_on_one_product_is_refused(product):
    data = _picture()
    image_add(product=product, upload=_upload(data))
    with pytest.raises(ImageRejected, match="already among the product's pictures"):
        image_add(product=product, upload=_upload(data))
    assert ProductImage.objects.count() == 1


def test_deleting_a_picture_removes_its_row_and_files(product, django_capture_on_commit_callbacks):
    image = image_add(product=product, upload=_upload(_picture()))
    names = [image.original, image.large, image.thumb]
    with django_capture_on_commit_callbacks(execute=True):
        image_delete(image=image)
    assert not ProductImage.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


# --- the media view -------------------------------------------------------------------------


def test_the_media_view_serves_the_bytes_cacheable_for_a_year(product):
    image = image_add(product=product, upload=_upload(_picture()))
    response = media(RequestFactory().get(f"/media/{image.thumb}"), path=image.thumb)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    with default_storage.open(image.thumb, "rb") as file:
        assert b"".join(response.streaming_content) == file.read()


def test_the_media_view_answers_head(product):
    image = image_add(product=product, upload=_upload(_picture()))
    response = media(RequestFactory().head(f"/media/{image.thumb}"), path=image.thumb)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["../secret.txt", "products/../../secret.txt", "/etc/passwd", "products/..", "a\\..\\b"]
)
def test_the_media_view_refuses_paths_that_leave_the_media_root(path, media_root):
    (media_root.parent / "secret.txt").write_text("do not serve")
    with pytest.raises(Http404):
        media(RequestFactory().get("/media/x"), path=path)


def test_the_media_view_answers_404_for_a_missing_file():
    with pytest.raises(Http404):
        media(RequestFactory().get("/media/products/1/nothing.jpg"), path="products/1/nothing.jpg")


def test_the_media_view_offers_non_pictures_only_as_downloads(media_root):
    default_storage.save("notes/page.html", io.BytesIO(b"<script>alert(1)</script>"))
    response = media(RequestFactory().get("/media/notes/page.html"), path="notes/page.html")
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"].startswith("attachment")


def test_the_media_view_refuses_writes():
    response = media(RequestFactory().post("/media/products/1/a.jpg"), path="products/1/a.jpg")
    assert response.status_code == 405
