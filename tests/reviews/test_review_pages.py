import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from entrepot.reviews.models import Review, ReviewPhoto
from tests import factories
from tests.reviews.conftest import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _write_url(line) -> str:
    return reverse("reviews:write", args=[line.id])


def test_buyer_without_a_completed_order_cannot_review_via_the_page(client, store, buyer):
    seller, products = store
    shipped = make_order(buyer=buyer, seller=seller, products=products, status="shipped")
    client.force_login(buyer.user)
    line = shipped.lines.first()
    page = client.get(_write_url(line))
    assert page.status_code == 403
    assert "订单完成后才能评价该商品" in page.content.decode()  # buyers read Chinese first
    posted = client.post(_write_url(line), {"stars": 5, "text": "好"})
    assert posted.status_code == 403
    assert not Review.objects.exists()


def test_another_buyers_order_line_cannot_be_reviewed_on_the_page(client, completed):
    client.force_login(factories.buyer().user)
    response = client.post(_write_url(completed.lines.first()), {"stars": 5})
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_buyer_with_a_completed_order_reviews_a_line_once_on_the_page(client, buyer, completed):
    client.force_login(buyer.user)
    line = completed.lines.first()
    assert client.get(_write_url(line)).status_code == 200
    response = client.post(_write_url(line), {"stars": 3, "text": "还行"})
    assert response.status_code == 302
    assert response["Location"] == reverse("storefront:order", args=[completed.number])
    review = Review.objects.get()
    assert (review.stars, review.text, review.order_line_id) == (3, "还行", line.id)
    assert client.get(_write_url(line)).status_code == 403  # once per line
    assert client.post(_write_url(line), {"stars": 1}).status_code == 403
    assert Review.objects.count() == 1


def test_order_page_links_each_line_to_its_review_form_once_completed(client, store, buyer):
    seller, products = store
    client.force_login(buyer.user)
    done = make_order(buyer=buyer, seller=seller, products=products)
    html = client.get(reverse("storefront:order", args=[done.number])).content.decode()
    for line in done.lines.all():
        assert _write_url(line) in html
    paid = make_order(buyer=buyer, seller=seller, products=products, status="paid")
    html = client.get(reverse("storefront:order", args=[paid.number])).content.decode()
    assert "review-link" not in html


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_photos_are_re_encoded_without_their_metadata(client, buyer, completed):
    client.force_login(buyer.user)
    upload = SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(_write_url(completed.lines.first()), {"stars": 5, "photos": [upload]})
    assert response.status_code == 302
    photo = ReviewPhoto.objects.get()
    with default_storage.open(photo.large) as stored:
        data = stored.read()
    assert b"SecretCam" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert (photo.width, photo.height) == (800, 600)


def test_a_file_that_is_not_a_picture_refuses_the_whole_review(client, buyer, completed):
    client.force_login(buyer.user)
    upload = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = client.post(_write_url(completed.lines.first()), {"stars": 5, "photos": [upload]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "JPEG" in page and "WebP" in page  # the formats allowed, named in either language
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()
