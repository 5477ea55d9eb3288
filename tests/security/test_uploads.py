"""Uploads and request sizes: oversized requests get 413 before anything reads them;
pictures are checked by their bytes and re-encoded; listing workbooks cannot unpack to
gigabytes."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from entrepot.catalog.bulk import reading
from entrepot.catalog.bulk.reading import ImportFileError, read_rows
from entrepot.catalog.images import ImageRejected, image_add
from entrepot.catalog.models import ProductImage
from tests import factories

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
MAKE = 0x010F


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seller_client(client):
    seller = factories.seller()
    client.force_login(seller.user)
    client.product = factories.product(seller=seller, category=factories.category())
    return client


def _images_url(client) -> str:
    return f"/seller/products/{client.product.pk}/images/"


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "Secret Camera Co."
    exif.get_ifd(GPS_IFD)[2] = (39.0, 54.0, 27.0)  # latitude
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 160, 90)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


# --- request size ----------------------------------------------------------------------------


def test_a_request_over_the_size_limit_is_answered_413_before_it_is_read(seller_client, settings):
    settings.ENTREPOT_MAX_REQUEST_BYTES = 50_000
    upload = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 60_000)
    seller_client.cookies["django_language"] = "en"
    response = seller_client.post(_images_url(seller_client), {"image": upload})
    assert response.status_code == 413
    text = response.content.decode()
    assert "The request is too large: 59 KB were sent, at most 49 KB are accepted" in text
    assert not ProductImage.objects.exists()


def test_form_fields_over_data_upload_max_memory_size_are_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client.post("/accounts/login/", {"username": "x" * 5_000, "password": "y"})
    assert response.status_code == 413


def test_an_api_body_over_the_limit_is_413_with_json_detail(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client.post(
        "/api/v1/seller/listings", data="{" + " " * 5_000 + "}", content_type="application/json"
    )
    assert response.status_code == 413
    body = response.json()
    assert body["errors"][0]["code"] == "REQUEST_TOO_LARGE"
    assert "请求过大" in body["detail"]  # the API answers in Chinese unless asked otherwise


def test_requests_under_the_limits_go_through(client, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.ENTREPOT_MAX_REQUEST_BYTES == 25 * 1024 * 1024
    response = client.post("/accounts/login/", {"username": "x" * 500, "password": "y"})
    assert response.status_code == 200


# --- pictures --------------------------------------------------------------------------------


def test_an_uploaded_photo_is_stored_re_encoded_without_its_gps_position(seller_client):
    upload = SimpleUploadedFile("photo.jpg", _jpeg_with_gps())
    response = seller_client.post(_images_url(seller_client), {"image": upload})
    assert response.status_code == 302
    image = ProductImage.objects.get()
    for name in (image.original, image.large, image.thumb):
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
        assert b"Secret Camera" not in data
        assert not Image.open(io.BytesIO(data)).getexif()


def test_a_picture_with_a_script_appended_keeps_only_its_pixels(seller_client):
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), (200, 30, 30)).save(buffer, "PNG")
    polyglot = buffer.getvalue() + b"<script>alert(document.cookie)</script>"
    image = image_add(product=seller_client.product, upload=SimpleUploadedFile("x.png", polyglot))
    for name in (image.original, image.large, image.thumb):
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
        assert data.startswith(b"\xff\xd8") and b"<script" not in data


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "SVG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"II*\x00" + b"\x00" * 100, "TIFF"),
        (b"BM" + b"\x00" * 100, "BMP"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "HEIC/AVIF"),
    ],
)
def test_other_formats_are_refused_by_name_without_being_decoded(seller_client, data, named):
    product = seller_client.product
    with pytest.raises(ImageRejected, match=f"{named} pictures are not accepted"):
        image_add(product=product, upload=SimpleUploadedFile("photo.jpg", data))


def test_a_file_no_accepted_decoder_reads_is_refused_as_unreadable(seller_client):
    with pytest.raises(ImageRejected, match="not a picture that can be read"):
        image_add(
            product=seller_client.product,
            upload=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 an executable"),
        )


# --- listing files ---------------------------------------------------------------------------


def _workbook(cell: str, rows: int = 1) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["sku", "title_en"])
    for n in range(rows):
        sheet.append([f"A{n}", cell])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1_000_000)
    bomb = _workbook("a" * 30_000, rows=70)  # 2 MB of XML, compressed to a few kB
    assert len(bomb) < 50_000
    with pytest.raises(ImportFileError, match="unpacks to 2 MB, more than the 0 MB"):
        list(read_rows(bomb, "listings.xlsx"))
    # a small workbook is parsed (and then told what its columns lack)
    with pytest.raises(ImportFileError, match="Missing required column"):
        list(read_rows(_workbook("Vitamin D3"), "listings.xlsx"))
