"""`entrepot catalog import|export`, run for real in a fresh data directory."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest

from tests.catalogimport.listing_files import CATEGORY, bad_file, csv_bytes
from tests.cli import ENTREPOT
from tests.cli import cli_env as _env

SETUP = f"""
from django.contrib.auth import get_user_model
from entrepot.catalog.models import Category
from entrepot.sellers.models import Seller
Category.objects.create(slug="{CATEGORY}", name_en="Vitamins", name_zh="维生素")
user = get_user_model().objects.create_user(username="cli@example.com", password="x" * 12)
seller = Seller.objects.create(
    user=user, business_name="Buckeye Naturals", slug="buckeye", country="US",
    city="Columbus", currency="USD",
)
print(seller.pk)
"""


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ENTREPOT, *args], env=_env(data_dir), capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("catalog-cli")
    assert _run(["manage", "migrate", "-v", "0"], data_dir).returncode == 0
    result = _run(["manage", "shell", "-v", "0", "-c", SETUP], data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    return data_dir


def test_import_prints_the_summary_with_its_rate_and_writes_the_rejected_rows(data_dir):
    listings = data_dir / "listings.csv"
    listings.write_bytes(csv_bytes(bad_file().rows))
    report = data_dir / "rejected.csv"

    result = _run(
        ["catalog", "import", str(listings), "--seller", "1", "--report", str(report)], data_dir
    )

    assert result.returncode == 0, result.stderr  # rejected rows are no failure
    assert "200 rows in" in result.stdout and "rows/s" in result.stdout
    assert "170 listings created" in result.stdout and "13 rows rejected" in result.stdout
    assert "line 5, price:" in result.stdout
    assert "rows" in result.stderr  # the progress bar
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 13 and all(row["error_message"] for row in rows)

    again = _run(["catalog", "import", str(listings), "--seller", "buckeye", "--quiet"], data_dir)
    assert again.returncode == 0, again.stderr
    assert "0 listings created, 0 updated, 170 unchanged" in again.stdout


def test_export_writes_a_file_that_imports_unchanged(data_dir):
    exported = data_dir / "export.csv"
    result = _run(["catalog", "export", "--seller", "1", "-o", str(exported)], data_dir)
    assert result.returncode == 0, result.stderr
    assert "exported 187 variant rows" in result.stderr

    again = _run(["catalog", "import", str(exported), "--seller", "1", "--quiet"], data_dir)
    assert again.returncode == 0, again.stderr
    assert "170 unchanged; 0 rows rejected" in again.stdout


def test_a_file_level_problem_exits_with_2_and_says_why(data_dir):
    broken = data_dir / "broken.csv"
    broken.write_bytes(b"sku,price\nA-1,19.99\n")
    result = _run(["catalog", "import", str(broken), "--seller", "1"], data_dir)
    assert result.returncode == 2
    assert "Missing required column(s): product_ref" in result.stderr

    result = _run(["catalog", "import", str(broken), "--seller", "999"], data_dir)
    assert result.returncode == 2
    assert "no seller with the id or shop address '999'" in result.stderr
