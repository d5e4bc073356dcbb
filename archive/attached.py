"""The files attached to a packaged agreement or pledge (the attachments app), as files
of its package: ``representations/rep1/data/bilagor/``, each under its number and
title, with the type its content was recognised as when it was uploaded."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.text import slugify

from archive.package import DATA, ArchiveFile
from attachments.selectors import for_object
from councils import exports

#: content type -> the ending a download gets ("pdf"), from the kit's list
_ENDINGS = {content_type: fmt for fmt, content_type in exports.ATTACHED_TYPES.items()}


def attached_files(document) -> Iterator[ArchiveFile]:
    """Every attachment of ``document``, oldest first: the archive keeps them all, public
    or not (the package is the authority's own record)."""
    for number, attachment in enumerate(for_object(document).order_by("added_at", "pk"), 1):
        with attachment.file.open("rb") as handle:
            content = handle.read()
        fmt = _ENDINGS.get(attachment.content_type, "bin")
        name = slugify(attachment.title)[:60] or "bilaga"
        yield ArchiveFile(
            f"{DATA}bilagor/{number:02d}-{name}.{fmt}",
            content,
            attachment.content_type,
            fmt.upper(),
        )
