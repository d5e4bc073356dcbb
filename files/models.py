"""Files kept in the database (``files.storage.DatabaseStorage``): a name and its
content in chunks, so that a large file is written and read a chunk at a time."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from councils.validators import single_line


class StoredFile(models.Model):
    #: the storage name (``reports/2026/…pdf``): chosen by the code, never by a user
    name = models.CharField(_("name"), max_length=255, unique=True, validators=[single_line])
    size = models.PositiveBigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.name


class StoredChunk(models.Model):
    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "index"], name="files_chunk_once"),
        ]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.index}"
