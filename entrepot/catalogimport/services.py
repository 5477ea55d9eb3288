"""Writes of bulk-import jobs: start one (the upload), run one (the worker)."""

from __future__ import annotations

import logging
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from entrepot.catalog.bulk import MAX_FILE_BYTES, ImportFileError, catalog_import
from entrepot.catalogimport.models import ImportJob
from entrepot.sellers.models import Seller

logger = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".csv", ".xlsx")


def upload_check(*, filename: str, size: int) -> None:
    """What an upload is checked for at once; the job reads the rest of the file."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ImportFileError(
            _("“%(name)s” is not a .csv or .xlsx file: save your listings as one of those.")
            % {"name": filename}
        )
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; the limit is %(limit)s MB: split it into several files.")
            % {"size": f"{size / 2**20:.1f}", "limit": MAX_FILE_BYTES // 2**20}
        )
    if not size:
        raise ImportFileError(_("The file is empty: it needs a header row and listing rows."))


@transaction.atomic
def import_job_start(*, seller: Seller, data: bytes, filename: str) -> ImportJob:
    """Store the uploaded file as a queued job; a worker imports it once this commits."""
    from entrepot.catalogimport.tasks import run_import_job

    upload_check(filename=filename, size=len(data))
    job = ImportJob.objects.create(
        seller=seller,
        filename=PurePath(filename).name[-255:],
        language=translation.get_language() or "",
        data=data,
        rows_total=0,
    )
    transaction.on_commit(lambda: run_import_job(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued job once: a duplicate or late delivery of the task does nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    if not claimed:
        return ImportJob.objects.filter(pk=job_id).defer("data").first()
    job = ImportJob.objects.select_related("seller").get(pk=job_id)
    with translation.override(job.language or "en"):
        try:
            report = catalog_import(
                seller=job.seller, data=bytes(job.data), filename=job.filename, job=job
            )
        except ImportFileError as exc:
            _finish(job, status=ImportJob.Status.FAILED, error=str(exc))
        except Exception:
            logger.exception("listing import %s stopped", job.pk)
            _finish(
                job,
                status=ImportJob.Status.FAILED,
                error=_(
                    "The import stopped on an unexpected error. Listings imported so far are "
                    "kept: upload the same file again to continue where it stopped."
                ),
            )
        else:
            _finish(
                job,
                status=ImportJob.Status.DONE,
                rows_total=report.rows_total,
                rows_done=report.rows_total,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                rejected_rows=report.rejected_rows,
                report_csv=report.rejected_csv() if report.rejected_rows else "",
            )
    return job


def _finish(job: ImportJob, **fields) -> None:
    fields.update(data=b"", finished_at=timezone.now())
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)
