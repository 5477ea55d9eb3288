"""Seller central: bulk import and export of listings. English first.

Every view is scoped to the logged-in seller: another seller's job numbers answer
404, exactly like numbers that do not exist.
"""

from __future__ import annotations

from itertools import chain
from pathlib import PurePath

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from entrepot.catalog.bulk import MAX_ROWS, ImportFileError, catalog_export_rows
from entrepot.catalogimport.models import ImportJob
from entrepot.catalogimport.services import import_job_start, upload_check
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller

BOM = "\ufeff"  # Excel opens UTF-8 CSV with Chinese text correctly only with it


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy("Up to 20 MB and 100,000 rows; CSV in UTF-8."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            upload_check(filename=upload.name, size=upload.size)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


def _jobs(seller: Seller):
    return ImportJob.objects.filter(seller=seller).defer("data", "report_csv")


@require_http_methods(["GET", "HEAD", "POST"])
@seller_required
def upload(request: HttpRequest, seller: Seller) -> HttpResponse:
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                job = import_job_start(seller=seller, data=file.read(), filename=file.name)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("catalogimport:job", pk=job.pk)
    else:
        form = UploadForm()
    return render(
        request,
        "sellercentral/import_upload.html",
        {
            "seller": seller,
            "form": form,
            "jobs": _jobs(seller)[:10],
            "max_rows": MAX_ROWS,
        },
    )


@require_safe
@seller_required
def job(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    item = get_object_or_404(_jobs(seller), pk=pk)
    return render(request, "sellercentral/import_job.html", {"seller": seller, "job": item})


def _progress_text(job: ImportJob) -> str:
    if job.status == ImportJob.Status.QUEUED:
        return _("Waiting for the importer to start…")
    return _("%(done)s of %(total)s rows") % {
        "done": f"{job.rows_done:,}",
        "total": f"{job.rows_total:,}",
    }


@require_safe
@seller_required
def status(request: HttpRequest, seller: Seller, pk: int) -> JsonResponse:
    item = get_object_or_404(_jobs(seller), pk=pk)
    response = JsonResponse(
        {
            "status": item.status,
            "rows_done": item.rows_done,
            "rows_total": item.rows_total,
            "percent": item.percent,
            "progress_text": _progress_text(item),
            "created": item.created,
            "updated": item.updated,
            "unchanged": item.unchanged,
            "rejected_rows": item.rejected_rows,
            "error": item.error,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@seller_required
def rejected(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ImportJob.objects.defer("data"), pk=pk, seller=seller, status=ImportJob.Status.DONE
    )
    name = f"{PurePath(item.filename).stem}-rejected.csv"
    return HttpResponse(
        BOM + item.report_csv,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


@require_safe
@seller_required
def export(request: HttpRequest, seller: Seller) -> StreamingHttpResponse:
    name = f"{seller.slug}-listings-{timezone.now():%Y-%m-%d}.csv"
    return StreamingHttpResponse(
        chain([BOM], catalog_export_rows(seller=seller)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )
