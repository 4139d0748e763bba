"""Bad input: each file gets a clear message naming file, row and field; nothing is written;
the log has the details."""

import copy
import csv
import io
import json
import logging
import uuid
import zipfile

import pytest
from django.core.management import CommandError, call_command

from directory.hsds import export
from directory.hsds.imports.apply import import_batch
from directory.hsds.imports.read import read_upload
from directory.models import Language, Organization, Service

from .conftest import unzip
from .test_import import load

MB = 1024 * 1024


def check(raw, name):
    batch = read_upload(io.BytesIO(raw), name, len(raw))
    outcome = import_batch(batch, dry_run=False)
    assert not outcome.committed
    return [str(problem) for problem in outcome.problems]


def nothing_written(orgs_before=0):
    return Organization.objects.count() == orgs_before and Service.objects.count() == 0


def test_malformed_json(db, caplog):
    caplog.set_level(logging.INFO, logger="directory.hsds.imports")
    problems = check(b'[{"id": "a", "name": "Broken",\n "description": }]', "broken.json")
    assert problems == ["broken.json, line 2, column 17: is not valid JSON: Expecting value."]
    assert nothing_written()
    assert "broken.json, line 2, column 17" in caplog.text


def test_zip_without_datapackage_json(db, caplog):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("organizations.csv", "id,name,description\nx,Some NGO,Helps\n")
    problems = check(buffer.getvalue(), "export.zip")
    assert problems == [
        "export.zip, datapackage.json: is missing: an HSDS datapackage zip lists its CSV files there."
    ]
    assert nothing_written()
    assert "datapackage.json: is missing" in caplog.text


def rewrite(files, name, change):
    rows = list(csv.DictReader(io.StringIO(files[name])))
    change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    files[name] = out.getvalue()


def rezip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_csv_with_broken_foreign_keys_and_cells(exchange_directory, caplog):
    files = unzip(export.build_zip())
    stray = str(uuid.uuid4())

    def break_service(rows):
        rows[0]["organization_id"] = stray
        rows[0]["minimum_age"] = "sixteen"

    def break_phone(rows):
        rows[1]["number"] = ""

    rewrite(files, "services.csv", break_service)
    rewrite(files, "phones.csv", break_phone)
    organizations = Organization.objects.count()
    problems = check(rezip(files), "datapackage.zip")
    assert problems == [
        "services.csv, row 2, minimum_age: “sixteen” is not a number.",
        "phones.csv, row 3, number: is required and empty.",
        f"services.csv, row 2, organization_id: refers to organization “{stray}”, which is not in organizations.csv.",
    ]
    assert (
        Organization.objects.count() == organizations and not Organization.objects.filter(live=False).exists()
    )
    assert f"organization_id: refers to organization “{stray}”" in caplog.text


def test_hsds_2_file_with_unknown_fields(db, caplog):
    legacy = {
        "id": "org-2x",
        "name": "Legacy NGO",
        "description": "HSDS 2.0",
        "url": "https://legacy.example.org",
        "tax_exempt_code": "501c3",
        "services": [
            {
                "id": "s1",
                "name": "Shelter",
                "status": "active",
                "regular_schedule": [
                    {
                        "weekday": "Monday",
                        "opens_at": "08:00",
                        "closes_at": "17:00",
                        "opens_on_holidays": True,
                    }
                ],
            }
        ],
    }
    problems = check(json.dumps(legacy).encode(), "legacy.json")
    assert problems == [
        "legacy.json, [1], tax_exempt_code: is not an HSDS 3.0 organization field "
        "(nor an HSDS 2.x name this import maps).",
        "legacy.json, [1].services[1].schedules[1], opens_on_holidays: is not an HSDS 3.0 schedule field "
        "(nor an HSDS 2.x name this import maps).",
    ]
    assert nothing_written()
    assert "tax_exempt_code" in caplog.text


def test_one_bad_record_keeps_every_good_one_out(db):
    good = load("organization_full.json")
    bad = copy.deepcopy(good)
    bad["id"], bad["name"] = str(uuid.uuid4()), ""
    bad["services"] = []
    bad["organization_identifiers"] = []
    languages = Language.objects.count()
    problems = check(json.dumps([good, bad]).encode(), "two.json")
    assert problems == ["two.json, [2], name: This field cannot be blank."]
    assert nothing_written() and Language.objects.count() == languages  # not even the new language


class Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("a file over the limit must not be read")


def test_200_mb_file_is_refused_before_reading(db, caplog):
    batch = read_upload(Unreadable(), "huge.zip", 200 * MB)
    assert [str(p) for p in batch.problems] == [
        "huge.zip: is 200.0 MB; files of up to 20.0 MB can be imported. Nothing was read."
    ]
    assert not import_batch(batch, dry_run=False).committed
    assert nothing_written()
    assert "huge.zip: is 200.0 MB" in caplog.text


def test_200_mb_file_on_the_command_line(db, tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(200 * MB)  # sparse: no 200 MB written to disk
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_hsds", str(path), "--commit", stdout=io.StringIO(), stderr=err)
    assert "huge.json: is 200.0 MB; files of up to 20.0 MB can be imported" in err.getvalue()
    assert nothing_written()


def test_a_zip_that_would_unpack_huge_is_refused(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", "{}")
        archive.writestr("organizations.csv", b"0" * (120 * MB))
    problems = check(buffer.getvalue(), "bomb.zip")
    assert len(problems) == 1 and problems[0].startswith("bomb.zip: would unpack to 120.0 MB")
    assert nothing_written()
