"""Seller central pages of the bulk import: upload, progress, report, export."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from entrepot.catalog.models import Product
from entrepot.catalogimport.models import ImportJob
from tests import factories
from tests.catalogimport.listing_files import CATEGORY, bad_file, csv_bytes, product_rows

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.catalogimport.urls_for_tests")]


@pytest.fixture
def immediate_huey():
    """Tasks run inline, in this process, when they are enqueued."""
    was = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = was


@pytest.fixture
def seller():
    factories.category(slug=CATEGORY)
    return factories.seller(business_name="Buckeye Naturals")


def _login(client, seller) -> None:
    assert client.login(username=seller.user.username, password=factories.PASSWORD)


def _upload(client, data: bytes, name: str, on_commit):
    with on_commit(execute=True):
        return client.post(
            reverse("catalogimport:upload"), {"file": SimpleUploadedFile(name, data)}
        )


def test_the_upload_page_has_a_csrf_protected_file_form_and_the_export_link(client, seller):
    _login(client, seller)
    html = client.get(reverse("catalogimport:upload")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert "20 MB" in html
    assert reverse("catalogimport:export") in html


def test_an_upload_creates_a_job_that_imports_the_file_in_the_background(
    client, seller, immediate_huey, django_capture_on_commit_callbacks
):
    _login(client, seller)
    file = bad_file()

    response = _upload(
        client, csv_bytes(file.rows), "listings.csv", django_capture_on_commit_callbacks
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogimport:job", args=[job.pk])
    assert (job.seller, job.filename, job.status) == (seller, "listings.csv", "done")
    assert (job.rows_total, job.rows_done, job.created, job.rejected_rows) == (200, 200, 170, 13)
    assert bytes(job.data) == b""  # the upload is not kept once imported
    assert Product.objects.filter(seller=seller).count() == 170

    html = client.get(response["Location"]).content.decode()
    assert "<progress" in html and 'http-equiv="refresh"' not in html
    assert reverse("catalogimport:rejected", args=[job.pk]) in html

    report = client.get(reverse("catalogimport:rejected", args=[job.pk]))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert "listings-rejected.csv" in report["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert len(rows) == 13
    assert {row["error_field"] for row in rows} >= {"price", "category", "hs_code", "sku"}


def test_a_file_that_cannot_be_imported_fails_the_job_with_the_reason(
    client, seller, immediate_huey, django_capture_on_commit_callbacks
):
    _login(client, seller)
    _upload(client, b"sku,price\nA-1,19.99\n", "listings.csv", django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert "Missing required column" in job.error
    html = client.get(reverse("catalogimport:job", args=[job.pk])).content.decode()
    assert "Missing required column" in html


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("listings.txt", b"x", "not a .csv or .xlsx file"),
        ("listings.csv", b"x" * (20 * 1024 * 1024 + 1), "the limit is 20 MB"),
    ],
)
def test_an_upload_of_the_wrong_kind_or_size_is_refused_on_the_form(
    client, seller, django_capture_on_commit_callbacks, name, data, message
):
    _login(client, seller)
    response = _upload(client, data, name, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_running_job_shows_its_progress_and_refreshes_itself(client, seller):
    job = ImportJob.objects.create(
        seller=seller, filename="big.csv", status="running", rows_total=200, rows_done=50
    )
    _login(client, seller)

    html = client.get(reverse("catalogimport:job", args=[job.pk])).content.decode()
    status = client.get(reverse("catalogimport:status", args=[job.pk]))

    assert 'max="200" value="50"' in html
    assert '<noscript><meta http-equiv="refresh"' in html  # without JavaScript
    assert reverse("catalogimport:status", args=[job.pk]) in html  # polled with it
    assert status["Cache-Control"] == "no-store"
    data = status.json()
    assert (data["status"], data["rows_done"], data["rows_total"], data["percent"]) == (
        "running",
        50,
        200,
        25,
    )
    assert data["progress_text"] == "50 of 200 rows"


def test_an_import_keeps_its_jobs_progress_up_to_date(seller):
    from entrepot.catalog.bulk import catalog_import

    job = ImportJob.objects.create(seller=seller, filename="x.csv", status="running")
    rows = [row for n in range(20) for row in product_rows(n)]
    catalog_import(seller=seller, data=csv_bytes(rows), filename="x.csv", job=job)
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (20, 20)


def test_another_sellers_job_is_not_found(client, seller):
    job = ImportJob.objects.create(
        seller=seller, filename="mine.csv", status="done", report_csv="sku\nSECRET-1\n"
    )
    other = factories.seller()
    _login(client, other)
    for name in ("job", "status", "rejected"):
        response = client.get(reverse(f"catalogimport:{name}", args=[job.pk]))
        assert response.status_code == 404, name
        assert b"SECRET" not in response.content
    assert "mine.csv" not in client.get(reverse("catalogimport:upload")).content.decode()


def test_the_pages_need_a_seller_login(client, seller):
    job = ImportJob.objects.create(seller=seller, filename="mine.csv")
    for url in (
        reverse("catalogimport:upload"),
        reverse("catalogimport:job", args=[job.pk]),
        reverse("catalogimport:status", args=[job.pk]),
        reverse("catalogimport:export"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")


def test_the_export_downloads_the_sellers_listings_in_the_import_format(client, seller):
    from entrepot.catalog.bulk import COLUMNS, catalog_import

    catalog_import(seller=seller, data=csv_bytes(product_rows(1, variants=2)), filename="x.csv")
    factories.product(
        seller=factories.seller(), category=factories.category(), title_en="Bob's Mustard"
    )
    _login(client, seller)

    response = client.get(reverse("catalogimport:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"{seller.slug}-listings-" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese text with it
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert [row["sku"] for row in rows] == ["BN-0001-0", "BN-0001-1"]
