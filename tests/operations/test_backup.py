"""backup_portal / restore_portal: a round trip into a fresh database and media folder.

On SQLite (make test) the database is copied with SQLite's backup API; on PostgreSQL (the CI's
second pass) with pg_dump into a database created for the test. Either way the restore checks
the checksums first, and the restored row counts and media files are compared with the source.
"""

import hashlib
import io
import json
import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from directory.models import Area, Organization
from portal import backup

POSTGRES = connection.vendor == "postgresql"
MEDIA_FILES = {
    "documents/report.pdf": b"%PDF-1.4 a small report\n",
    "images/photo.jpg": b"\xff\xd8\xff\xe0 jpeg bytes",
    "original_images/km/\u1780.txt": "\u1780\u17d2\u1798\u17c2\u179a".encode(),
}


@pytest.fixture
def media(tmp_path):
    root = tmp_path / "media"
    for name, content in MEDIA_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with override_settings(MEDIA_ROOT=root):
        yield root


def make_backup(tmp_path):
    out = io.StringIO()
    call_command("backup_portal", "--output", str(tmp_path / "backups"), stdout=out)
    folders = sorted((tmp_path / "backups").glob("portal-*"))
    assert len(folders) == 1, out.getvalue()
    return folders[0], out.getvalue()


@pytest.fixture
def fresh_database(tmp_path):
    """A database URL of the same engine as the portal's, empty."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings_dict = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with backup.pg_connect(settings_dict, dbname="postgres") as admin:
        admin.autocommit = True
        admin.execute(f'CREATE DATABASE "{name}"')
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    yield f"postgres://{user}{password}@{host}:{port}/{name}"
    with backup.pg_connect(settings_dict, dbname="postgres") as admin:
        admin.autocommit = True
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored_counts(url):
    settings_dict = backup.database_from_url(url)
    if POSTGRES:
        with backup.pg_connect(settings_dict) as conn:
            return backup.pg_table_counts(conn)
    conn = sqlite3.connect(settings_dict["NAME"])
    try:
        return backup.sqlite_table_counts(conn)
    finally:
        conn.close()


@pytest.mark.django_db
def test_backup_and_restore_round_trip(tmp_path, media, fresh_database, make_org):
    if not POSTGRES:
        # SQLite copies through the portal's own connection, so even this test's rows are in it.
        make_org("Backed Up Centre", slug="backed-up")
    folder, output = make_backup(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    database_file = "database.dump" if POSTGRES else "database.sqlite3"
    assert set(manifest["files"]) == {database_file, "media.tar"}
    assert manifest["media"] == {name: hashlib.sha256(data).hexdigest() for name, data in MEDIA_FILES.items()}
    # SHA256SUMS is what `sha256sum -c` reads.
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    assert f"{manifest['files']['media.tar']['sha256']}  media.tar" in sums
    assert "sha256sum -c" in output

    target_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command(
        "restore_portal", str(folder), "--database-url", fresh_database, "--media-root", str(target_media), stdout=out
    )
    assert "Checksums match" in out.getvalue() and "match the manifest" in out.getvalue()

    counts = restored_counts(fresh_database)
    assert counts == manifest["tables"]
    assert counts["directory_area"] == Area.objects.count() > 800
    if not POSTGRES:
        assert counts["directory_organization"] == Organization.objects.count() >= 1
    for name, data in MEDIA_FILES.items():
        assert (target_media / name).read_bytes() == data


@pytest.mark.django_db
def test_a_changed_byte_stops_the_restore_before_anything_is_written(tmp_path, media, fresh_database):
    folder, _ = make_backup(tmp_path)
    tar = folder / "media.tar"
    data = bytearray(tar.read_bytes())
    data[600] ^= 0x01
    tar.write_bytes(bytes(data))

    target_media = tmp_path / "restored-media"
    with pytest.raises(CommandError) as error:
        call_command("restore_portal", str(folder), "--database-url", fresh_database, "--media-root", str(target_media))
    message = str(error.value)
    assert "does not match its manifest" in message and "media.tar" in message and "nothing was restored" in message
    assert not target_media.exists()
    assert restored_counts(fresh_database) == {}

    (folder / "manifest.json").unlink()
    with pytest.raises(CommandError, match="not a portal backup folder"):
        call_command("restore_portal", str(folder), "--verify-only")


@pytest.mark.django_db
def test_restore_refuses_a_database_or_media_folder_in_use(tmp_path, media, fresh_database):
    folder, _ = make_backup(tmp_path)
    # The portal's own database is not empty.
    with pytest.raises(CommandError, match="Restore into a fresh, empty database"):
        call_command("restore_portal", str(folder), "--media-root", str(tmp_path / "empty"))
    # Nor is the portal's media folder.
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore_portal", str(folder), "--database-url", fresh_database, "--media-root", str(media))
    assert restored_counts(fresh_database) == {}


def test_sqlite_file_backup_uses_the_online_backup_api(tmp_path):
    """Outside a transaction (the command in production) SQLite's backup API copies the file."""
    source = tmp_path / "portal.sqlite3"
    conn = sqlite3.connect(source)
    conn.executescript("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT);")
    conn.executemany("INSERT INTO note (text) VALUES (?)", [("one",), ("two",), ("ក",)])
    conn.commit()
    conn.close()
    media_root = tmp_path / "media"
    (media_root / "documents").mkdir(parents=True)
    (media_root / "documents" / "a.txt").write_bytes(b"a")

    folder = backup.create_backup(tmp_path / "out", settings_dict=backup.database_from_url(f"sqlite:///{source}"),
                                  media_root=media_root)
    target = tmp_path / "restored.sqlite3"
    report = backup.restore_backup(folder, settings_dict=backup.database_from_url(f"sqlite:///{target}"),
                                   media_root=tmp_path / "restored-media")
    assert report == {"tables": 1, "rows": 3, "media_files": 1}
    restored = sqlite3.connect(target)
    assert [r[0] for r in restored.execute("SELECT text FROM note ORDER BY id")] == ["one", "two", "ក"]
    restored.close()


@pytest.mark.django_db
def test_an_unsafe_media_archive_is_refused(tmp_path, media):
    folder, _ = make_backup(tmp_path)
    with tarfile.open(folder / "media.tar", "w") as archive:
        info = tarfile.TarInfo("media/../../escaped.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"bad"))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["media.tar"]["sha256"] = backup.sha256_of(folder / "media.tar")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    target = tmp_path / "restored-media"
    with pytest.raises(backup.BackupError, match="unsafe entry"):
        backup._restore_media(Path(folder), target)
    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.django_db
def test_keep_prunes_old_backups(tmp_path, media):
    from datetime import UTC, datetime

    for day in (1, 2, 3):
        backup.create_backup(
            tmp_path / "b", settings_dict=connection.settings_dict, media_root=media,
            sqlite_connection=None if POSTGRES else _raw(), now=datetime(2026, 11, day, tzinfo=UTC),
        )
    removed = backup.prune(tmp_path / "b", keep=2)
    assert [p.name for p in removed] == ["portal-20261101T000000Z"]
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["portal-20261102T000000Z", "portal-20261103T000000Z"]


def _raw():
    connection.ensure_connection()
    return connection.connection
