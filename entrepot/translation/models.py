"""Translation memory and glossary.

Seller or translator text is the truth: the memory stores Chinese text people have
reviewed (and, marked as such, unreviewed drafts) so the same English never has to be
translated twice; the glossary is the operator's list of fixed term translations.

The keys are part of the stored format, so the functions that compute them live here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Whole words of English text: letters and digits, with inner apostrophes or hyphens
# ("don't", "anti-aging"). Shared by the glossary key and the glossary matcher so a
# term typed by the operator is found in listing text written the same way.
WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
PREFIX_WORDS = 3


def normalize_text(text: str) -> str:
    """The form two English texts are compared in: same normalized text, same translation.

    Unicode NFKC (full-width letters, ligatures), lower case, runs of whitespace as one
    space, no trailing punctuation ("Apply daily." and "apply daily" are one entry).
    """
    text = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    end = len(text)
    while end and (text[end - 1].isspace() or unicodedata.category(text[end - 1])[0] == "P"):
        end -= 1
    return text[:end]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def memory_source_key(text: str) -> str:
    return _sha256(normalize_text(text))


def memory_prefix_key(text: str) -> str:
    """Hash of the first three normalized words: the bucket near matches are looked for in."""
    return _sha256(" ".join(normalize_text(text).split(" ")[:PREFIX_WORDS]))


def glossary_key(term: str) -> str:
    """ "Vitamin  C" and "vitamin c" are one glossary term: lower-case words, one space apart."""
    return " ".join(WORD_RE.findall(unicodedata.normalize("NFKC", term).lower()))


class MemoryEntry(models.Model):
    class Kind(models.TextChoices):
        TITLE = "title", _("Title")
        DESCRIPTION = "description", _("Description")
        OTHER = "other", _("Other")

    source_text = models.TextField(_("English"))
    source_key = models.CharField(max_length=64, unique=True, editable=False)
    # near-match lookup: same first words, similar length (see services.memory_lookup)
    prefix_key = models.CharField(max_length=64, editable=False)
    source_length = models.PositiveIntegerField(editable=False)
    target_text = models.TextField(_("Chinese (zh-Hans)"))
    reviewed = models.BooleanField(_("reviewed"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("translation memory entry")
        verbose_name_plural = _("translation memory")
        indexes = [
            models.Index(fields=["prefix_key", "source_length"], name="memory_near_idx"),
        ]

    def __str__(self) -> str:
        return self.source_text[:80]

    def save(self, *args, **kwargs):
        self.fill_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "source_text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "source_key", "prefix_key", "source_length"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.fill_keys()
        if MemoryEntry.objects.filter(source_key=self.source_key).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"source_text": _("The memory already has an entry for this English text.")}
            )

    def fill_keys(self) -> None:
        self.source_key = memory_source_key(self.source_text)
        self.prefix_key = memory_prefix_key(self.source_text)
        self.source_length = len(normalize_text(self.source_text))


class GlossaryTerm(models.Model):
    term_en = models.CharField(_("English term"), max_length=200)
    # case- and spacing-insensitive uniqueness: "Vitamin C" and "vitamin c" are one term
    term_key = models.CharField(max_length=200, unique=True, editable=False)
    term_zh = models.CharField(_("Chinese term"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term_key"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")

    def __str__(self) -> str:
        return f"{self.term_en} → {self.term_zh}"

    def save(self, *args, **kwargs):
        self.term_key = glossary_key(self.term_en)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "term_en" in update_fields:
            kwargs["update_fields"] = {*update_fields, "term_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.term_key = glossary_key(self.term_en)
        if not self.term_key:
            raise ValidationError({"term_en": _("Enter an English word or phrase.")})
        if GlossaryTerm.objects.filter(term_key=self.term_key).exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "term_en": _(
                        "The glossary already has this term (letter case and spacing "
                        "do not count); edit that entry instead."
                    )
                }
            )
