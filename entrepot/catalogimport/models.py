"""A seller's bulk import of listings, run in the background (see catalog/bulk/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.sellers.models import Seller


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="import_jobs")
    filename = models.CharField(_("file"), max_length=255)
    # the language of the seller who uploaded the file: the report's messages are in it
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("listings created"), default=0)
    updated = models.PositiveIntegerField(_("listings updated"), default=0)
    unchanged = models.PositiveIntegerField(_("listings unchanged"), default=0)
    rejected_rows = models.PositiveIntegerField(_("rows rejected"), default=0)
    # the uploaded file, kept until the import has run
    data = models.BinaryField(default=b"", editable=False)
    report_csv = models.TextField(_("rejected rows (CSV)"), blank=True)
    error = models.TextField(_("why the file was refused"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("listing import")
        verbose_name_plural = _("listing imports")
        indexes = [models.Index(fields=["seller", "-id"], name="importjob_seller_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return self.rows_done * 100 // self.rows_total if self.rows_total else 0
