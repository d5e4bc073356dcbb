"""A Django storage that keeps files in the database, for web and worker processes on
several hosts with no shared disk: what a worker writes, every web process can serve.

A file is written inside one transaction (its row and all its chunks), so a reader
sees it whole or not at all — the same "visible only when complete" rule as the local
folder's write-then-link (``followup.report_jobs.save_complete``). It is read back a
chunk at a time, so a large file is never held in memory whole. Chosen with
``FILE_STORAGE=database`` (see the README's production section).
"""

from __future__ import annotations

import io
from urllib.parse import urljoin

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri

from files.models import StoredChunk, StoredFile

#: bytes a chunk holds (the last one of a file may hold fewer)
CHUNK_SIZE = 1024 * 1024


class _ChunkReader(io.RawIOBase):
    """The content of one stored file, read (and sought) a chunk at a time."""

    def __init__(self, stored: StoredFile, chunk_size: int):
        self._file_id = stored.pk
        self._size = stored.size
        self._chunk_size = chunk_size
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def _chunk(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            data = (
                StoredChunk.objects.filter(file_id=self._file_id, index=index)
                .values_list("data", flat=True)
                .first()
            )
            self._cached = (index, bytes(data or b""))
        return self._cached[1]

    def readinto(self, buffer) -> int:
        if self._position >= self._size:
            return 0
        index, offset = divmod(self._position, self._chunk_size)
        data = self._chunk(index)[offset : offset + len(buffer)]
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


@deconstructible(path="files.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    def __init__(self, chunk_size: int = CHUNK_SIZE, base_url: str | None = None):
        self.chunk_size = chunk_size
        self.base_url = base_url if base_url is not None else settings.MEDIA_URL

    # --- writing ------------------------------------------------------------------

    def _save(self, name: str, content) -> str:
        while True:
            try:
                with transaction.atomic():
                    return self._write(name, content)
            except IntegrityError:
                # another process took the name since ``save`` chose it: choose again
                name = self.get_available_name(name)

    def _write(self, name: str, content) -> str:
        stored = StoredFile.objects.create(name=name, size=0, created_at=timezone.now())
        if hasattr(content, "seek") and getattr(content, "seekable", lambda: True)():
            content.seek(0)
        size = 0
        for index, data in enumerate(_chunks(content, self.chunk_size)):
            StoredChunk.objects.create(file=stored, index=index, data=data)
            size += len(data)
        StoredFile.objects.filter(pk=stored.pk).update(size=size)
        return name

    # --- reading ------------------------------------------------------------------

    def _stored(self, name: str) -> StoredFile:
        try:
            return StoredFile.objects.get(name=name)
        except StoredFile.DoesNotExist as missing:
            raise FileNotFoundError(name) from missing

    def _open(self, name: str, mode: str = "rb") -> File:
        if any(flag in mode for flag in "wax+"):
            raise ValueError("Files in the database are written with save(), not open().")
        reader = io.BufferedReader(_ChunkReader(self._stored(name), self.chunk_size))
        return File(reader if "b" in mode else io.TextIOWrapper(reader), name=name)

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        return self._stored(name).size

    def delete(self, name: str) -> None:
        StoredFile.objects.filter(name=name).delete()

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        directories: set[str] = set()
        files: list[str] = []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list(
            "name", flat=True
        ):
            head, _slash, tail = name[len(prefix) :].partition("/")
            if tail:
                directories.add(head)
            else:
                files.append(head)
        return sorted(directories), sorted(files)

    def get_created_time(self, name: str):
        return self._stored(name).created_at

    get_modified_time = get_created_time

    def url(self, name: str) -> str:
        # files are served through views that ask councils.access, never at this URL
        return urljoin(self.base_url, filepath_to_uri(name))


def _chunks(content, size: int):
    if hasattr(content, "chunks"):
        buffer = b""
        for piece in content.chunks(size):
            buffer += piece if isinstance(piece, bytes) else piece.encode()
            while len(buffer) >= size:
                yield buffer[:size]
                buffer = buffer[size:]
        if buffer:
            yield buffer
        return
    while piece := content.read(size):
        yield piece if isinstance(piece, bytes) else piece.encode()
