"""Backups of the portal: the database and the media files, with a manifest of checksums.

A backup is one folder, ``portal-<UTC time>/``:

* ``database.dump``: PostgreSQL's custom format (``pg_dump -Fc``), or ``database.sqlite3``: a copy
  made with SQLite's online backup API;
* ``media.tar``: every file under MEDIA_ROOT (uploaded documents and images);
* ``manifest.json``: SHA-256 and size of both files, the row count of every table, and the
  SHA-256 of every media file; ``SHA256SUMS`` repeats the file checksums for ``sha256sum -c``.

On PostgreSQL the row counts are read inside the very snapshot that pg_dump dumps
(``pg_export_snapshot``), so they describe the dump exactly even while the portal is in use.

A restore checks every checksum first and touches nothing when one differs; it then fills a
fresh (empty) database and an empty media folder, and compares the row counts and the media
checksums with the manifest.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import dj_database_url

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
MEDIA_TAR = "media.tar"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made, verified or restored; the message says why and what to do."""


# --- helpers -------------------------------------------------------------------------------


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def engine_of(settings_dict):
    engine = settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def database_from_url(url):
    """A Django settings dict for DATABASE_URL-style `url`."""
    return dj_database_url.parse(url)


def libpq_env(settings_dict):
    """The environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = {**os.environ, "PGDATABASE": settings_dict["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def pg_connect(settings_dict, dbname=None):
    import psycopg

    kwargs = {"dbname": dbname or settings_dict["NAME"]}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if settings_dict.get(key):
            kwargs[name] = str(settings_dict[key])
    return psycopg.connect(**kwargs)


def pg_table_counts(conn):
    from psycopg import sql

    tables = conn.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    ).fetchall()
    counts = {}
    for schema, table in tables:
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        name = table if schema == "public" else f"{schema}.{table}"
        counts[name] = conn.execute(query).fetchone()[0]
    return counts


def sqlite_table_counts(conn):
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def run(command, env=None):
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools are needed).")
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip()[-2000:]}")
    return completed


def media_checksums(root):
    root = Path(root)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


# --- backup ----------------------------------------------------------------------------------


def _dump_postgresql(settings_dict, target):
    """pg_dump in custom format; the row counts come from the same snapshot."""
    from psycopg import IsolationLevel

    with pg_connect(settings_dict) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=libpq_env(settings_dict),
        )
        counts = pg_table_counts(conn)
        conn.rollback()
    return counts


def _copy_sqlite(source_connection, target):
    """SQLite's online backup API: a consistent copy while the portal runs.

    A connection inside an open write transaction cannot be the source of a backup (SQLite
    waits for a lock that never comes); its view of the database is serialised instead. That
    happens when the caller holds a transaction, as every database test does.
    """
    destination = sqlite3.connect(target)
    try:
        if source_connection.in_transaction:
            snapshot = sqlite3.connect(":memory:")
            snapshot.deserialize(source_connection.serialize())
            snapshot.backup(destination)
            snapshot.close()
        else:
            source_connection.backup(destination)
        return sqlite_table_counts(destination)
    finally:
        destination.close()


def _tar_media(media_root, target):
    media_root = Path(media_root)
    with tarfile.open(target, "w") as archive:
        if not media_root.is_dir():
            return
        for path in sorted(media_root.rglob("*")):
            if path.is_symlink():
                continue  # never follow a link out of the media folder
            name = f"media/{path.relative_to(media_root).as_posix()}"
            archive.add(str(path), arcname=name, recursive=False)


def create_backup(output_dir, *, settings_dict, media_root, sqlite_connection=None, now=None):
    """Write a backup folder under `output_dir` and return its path.

    `sqlite_connection`: an open sqlite3 connection to copy from (the portal's own); by default
    the file named in `settings_dict` is opened.
    """
    engine = engine_of(settings_dict)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(output_dir) / f"portal-{stamp}"
    try:
        folder.mkdir(parents=True, exist_ok=False)
    except FileExistsError:
        raise BackupError(f"{folder} exists already; wait a second or choose another output folder.")
    try:
        if engine == "postgresql":
            database_file = "database.dump"
            counts = _dump_postgresql(settings_dict, folder / database_file)
        else:
            database_file = "database.sqlite3"
            source = sqlite_connection or sqlite3.connect(settings_dict["NAME"])
            try:
                counts = _copy_sqlite(source, folder / database_file)
            finally:
                if sqlite_connection is None:
                    source.close()
        _tar_media(media_root, folder / MEDIA_TAR)
        files = {
            name: {"sha256": sha256_of(folder / name), "bytes": (folder / name).stat().st_size}
            for name in (database_file, MEDIA_TAR)
        }
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "database_file": database_file,
            "files": files,
            "tables": counts,
            "media": media_checksums(media_root),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        (folder / SUMS).write_text("".join(f"{info['sha256']}  {name}\n" for name, info in files.items()))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave a half backup that looks whole
        raise
    return folder


def prune(output_dir, keep):
    """Delete all but the newest `keep` complete backups in `output_dir`; returns what went."""
    backups = sorted(p for p in Path(output_dir).glob("portal-*") if (p / MANIFEST).is_file())
    doomed = backups[:-keep] if keep > 0 else []
    for path in doomed:
        shutil.rmtree(path)
    return doomed


# --- verify and restore ----------------------------------------------------------------------


def read_manifest(folder):
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{path} is missing: this is not a portal backup folder.")
    except ValueError as exc:
        raise BackupError(f"{path} is not valid JSON ({exc}); the backup cannot be trusted.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}.")
    return manifest


def verify_backup(folder):
    """The manifest, after checking every file's size and SHA-256. Raises BackupError naming
    each file that is missing or differs."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = []
    for name, expected in sorted(manifest["files"].items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        actual = sha256_of(path)
        if actual != expected["sha256"]:
            problems.append(f"{name}: SHA-256 is {actual}, the manifest says {expected['sha256']}")
    if problems:
        raise BackupError(
            "The backup does not match its manifest; nothing was restored. " + "; ".join(problems) + "."
        )
    return manifest


def _require_empty_database(engine, settings_dict):
    if engine == "postgresql":
        with pg_connect(settings_dict) as conn:
            tables = pg_table_counts(conn)
    else:
        name = str(settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise BackupError("SQLite restores go into a database file; give --database-url sqlite:////path/to/file.")
        path = Path(name)
        if not path.exists() or path.stat().st_size == 0:
            return
        conn = sqlite3.connect(path)
        try:
            tables = sqlite_table_counts(conn)
        finally:
            conn.close()
    if tables:
        raise BackupError(
            f"The target database {settings_dict['NAME']!r} has {len(tables)} tables. Restore into a fresh, "
            "empty database (createdb) and point --database-url at it; nothing was restored."
        )


def _require_empty_folder(media_root):
    media_root = Path(media_root)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"The media folder {media_root} is not empty. Restore into an empty folder (--media-root); "
            "nothing was restored."
        )


def _restore_database(engine, folder, manifest, settings_dict):
    source = folder / manifest["database_file"]
    if engine == "postgresql":
        run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             f"--dbname={settings_dict['NAME']}", str(source)],
            env=libpq_env(settings_dict),
        )
        with pg_connect(settings_dict) as conn:
            return pg_table_counts(conn)
    target = Path(settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    try:
        return _copy_sqlite(src, target)
    finally:
        src.close()


def _restore_media(folder, media_root):
    media_root = Path(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_TAR) as archive:
        for member in archive.getmembers():
            if member.name == "media" or not member.name.startswith("media/"):
                continue
            member.name = member.name[len("media/") :]
            # The "data" filter refuses absolute paths, "..", links out of the folder and devices.
            try:
                archive.extract(member, media_root, filter="data")
            except tarfile.FilterError as exc:
                raise BackupError(f"{MEDIA_TAR} holds an unsafe entry ({exc}); it was not extracted.")
    return media_checksums(media_root)


def restore_backup(folder, *, settings_dict, media_root):
    """Restore `folder` into the empty database `settings_dict` and the empty `media_root`.
    Returns a report: tables and rows compared, media files compared."""
    folder = Path(folder)
    manifest = verify_backup(folder)
    engine = engine_of(settings_dict)
    if engine != manifest["engine"]:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database; the target is {engine}. "
            "Nothing was restored."
        )
    _require_empty_database(engine, settings_dict)
    _require_empty_folder(media_root)

    counts = _restore_database(engine, folder, manifest, settings_dict)
    media = _restore_media(folder, media_root)

    problems = []
    for table, expected in sorted(manifest["tables"].items()):
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows, expected {expected}")
    for name, expected in sorted(manifest["media"].items()):
        if media.get(name) != expected:
            problems.append(f"media file {name}: {'missing' if name not in media else 'checksum differs'}")
    if problems:
        raise BackupError("The restored data differs from the manifest: " + "; ".join(problems) + ".")
    return {
        "tables": len(manifest["tables"]),
        "rows": sum(manifest["tables"].values()),
        "media_files": len(manifest["media"]),
    }
