"""Files in the database (FILE_STORAGE=database): written whole or not at all, read back
byte for byte a chunk at a time, shared by every process that shares the database; and
the job that removes files no record points at."""

from __future__ import annotations

import datetime as dt
import io
import os
import time

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import OperationalError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from files import cleanup
from files.models import StoredChunk, StoredFile
from files.storage import DatabaseStorage
from files.tasks import remove_unreferenced_files
from followup import tasks
from followup.models import Report
from followup.report_jobs import request_report
from pledges.models import Pledge
from tests import factories as f

DATABASE = {
    "default": {"BACKEND": "files.storage.DatabaseStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture
def storage(db):
    return DatabaseStorage(chunk_size=7)


def test_a_file_is_read_back_byte_for_byte_across_chunks(storage):
    content = bytes(range(256)) * 3 + b"tail"
    name = storage.save("reports/2026/rapport.pdf", ContentFile(content))
    assert name == "reports/2026/rapport.pdf"
    stored = StoredFile.objects.get(name=name)
    assert stored.size == len(content)
    assert stored.chunks.count() == -(-len(content) // 7)  # every chunk, the last one short
    with storage.open(name) as handle:
        assert handle.read() == content
    with storage.open(name) as handle:  # read in pieces that do not match the chunks
        pieces = []
        while piece := handle.read(5):
            pieces.append(piece)
        assert b"".join(pieces) == content
    assert storage.size(name) == len(content) and storage.exists(name)


def test_reading_seeks_to_any_byte(storage):
    content = b"0123456789abcdefghij"
    name = storage.save("a.txt", ContentFile(content))
    with storage.open(name) as handle:
        handle.seek(12)
        assert handle.read(3) == b"cde"
        handle.seek(-2, io.SEEK_END)
        assert handle.read() == b"ij"
        handle.seek(0)
        assert handle.read(4) == b"0123"


def test_an_empty_file_is_a_file(storage):
    name = storage.save("empty.csv", ContentFile(b""))
    assert storage.exists(name) and storage.size(name) == 0
    assert storage.open(name).read() == b""


def test_a_taken_name_gets_another_and_nothing_is_replaced(storage):
    first = storage.save("reports/r.pdf", ContentFile(b"first"))
    second = storage.save("reports/r.pdf", ContentFile(b"second"))
    assert first != second and second.startswith("reports/r_")
    assert storage.open(first).read() == b"first"
    assert storage.open(second).read() == b"second"


def test_a_name_taken_by_another_process_meanwhile_is_chosen_again(storage):
    storage.save("r.pdf", ContentFile(b"theirs"))
    # ``save`` chose "r.pdf" before another process wrote it: writing it now collides
    # with the unique name, and the storage chooses again instead of failing
    name = storage._save("r.pdf", ContentFile(b"ours"))
    assert name != "r.pdf" and name.startswith("r_")
    assert storage.open("r.pdf").read() == b"theirs"
    assert storage.open(name).read() == b"ours"


def test_a_failed_write_leaves_nothing_behind(storage):
    class Broken(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"half a file"
            raise OSError("the disk went away")

    with pytest.raises(OSError, match="went away"):
        storage.save("broken.pdf", Broken(b""))
    assert not storage.exists("broken.pdf")
    assert not StoredChunk.objects.exists()


def test_a_file_is_invisible_to_others_until_its_transaction_commits(transactional_db):
    storage = DatabaseStorage(chunk_size=4)
    with transaction.atomic():
        name = storage.save("late.pdf", ContentFile(b"whole"))
        assert storage.exists(name)  # the writer sees it
        # another connection (another process) does not, until the commit
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM files_storedfile WHERE name = %s", [name])
                seen = cursor.fetchone()[0]
        except OperationalError as locked:
            # SQLite's shared in-memory test database locks the table to other readers
            assert connection.vendor == "sqlite" and "locked" in str(locked)
            seen = 0
        finally:
            other.close()
        assert seen == 0
    assert storage.open(name).read() == b"whole"


def test_listing_delete_and_times(storage):
    storage.save("reports/2026/a.pdf", ContentFile(b"a"))
    storage.save("reports/b.pdf", ContentFile(b"b"))
    assert storage.listdir("reports") == (["2026"], ["b.pdf"])
    assert storage.listdir("") == (["reports"], [])
    assert storage.get_modified_time("reports/b.pdf") <= timezone.now()
    storage.delete("reports/b.pdf")
    assert not storage.exists("reports/b.pdf")
    with pytest.raises(FileNotFoundError):
        storage.open("reports/b.pdf")
    with pytest.raises(ValueError, match="save"):
        storage.open("reports/2026/a.pdf", "wb")


def test_an_unknown_storage_is_refused_at_start_up():
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "true", "FILE_STORAGE": "cloud"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0 and "FILE_STORAGE must be one of local, database" in done.stderr


# --- a report rendered into the database and downloaded -----------------------------


def test_a_report_rendered_by_one_process_is_downloaded_from_the_database(
    client, settings, home, owner, tmp_path
):
    settings.STORAGES = DATABASE
    settings.MEDIA_ROOT = tmp_path / "nothing-here"  # no local file is ever written
    pledge = f.PledgeFactory(
        municipality=home,
        title="Löfte för Hemby",
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    report = request_report(owner, Report.Kind.PLEDGE_PUBLIC, pledge.pk)
    assert tasks.render_report.apply(args=[report.pk]).get() is True
    report.refresh_from_db()
    assert isinstance(report.file.storage._wrapped, DatabaseStorage)
    assert StoredFile.objects.filter(name=report.file.name).exists()
    assert not (tmp_path / "nothing-here").exists()

    client.force_login(owner)
    response = client.get(reverse("report-download", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    assert pdf[:5] == b"%PDF-"
    assert pdf == default_storage.open(report.file.name).read()  # byte for byte
    assert "Hemby" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- removing what nothing points at --------------------------------------------------


def _report_with_file(user, storage, name: str) -> Report:
    report = Report.objects.create(
        kind=Report.Kind.PLEDGE_PUBLIC, object_id=1, requested_by=user, status="done"
    )
    report.file.name = storage.save(name, ContentFile(b"%PDF-kept"))
    report.save(update_fields=["file"])
    return report


def test_unreferenced_files_in_the_database_are_removed_once_old_enough(settings, owner):
    settings.STORAGES = DATABASE
    kept = _report_with_file(owner, default_storage, "reports/kept.pdf")
    default_storage.save("reports/orphan.pdf", ContentFile(b"left behind"))
    # a file nothing points at yet is kept during the grace period (its row may follow)
    assert cleanup.remove_unreferenced() == []
    with time_machine.travel(timezone.now() + cleanup.GRACE + dt.timedelta(minutes=1)):
        assert cleanup.remove_unreferenced() == ["reports/orphan.pdf"]
        assert remove_unreferenced_files.apply().get() == 0  # the second run finds nothing
    assert sorted(StoredFile.objects.values_list("name", flat=True)) == [kept.file.name]
    assert default_storage.open(kept.file.name).read() == b"%PDF-kept"


def test_unreferenced_files_in_the_local_folder_are_removed_once_old_enough(
    settings, owner, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = default_storage
    kept = _report_with_file(owner, storage, "reports/kept.pdf")
    storage.save("reports/orphan.pdf", ContentFile(b"left behind"))
    old = time.time() - cleanup.GRACE.total_seconds() - 60
    for name in ("reports/orphan.pdf", kept.file.name):
        os.utime(tmp_path / "media" / name, (old, old))
    assert isinstance(storage._wrapped, FileSystemStorage)
    assert cleanup.remove_unreferenced() == ["reports/orphan.pdf"]
    assert cleanup.remove_unreferenced() == []
    assert (tmp_path / "media" / kept.file.name).read_bytes() == b"%PDF-kept"
    assert not (tmp_path / "media" / "reports/orphan.pdf").exists()
