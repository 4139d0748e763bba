"""The public datapackage: valid by frictionless (required cells, types, foreign keys), public
tier only, cached until something is published."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from frictionless import Package

from directory.models import Organization

from .conftest import unzip


def frictionless_errors(tmp_path, data):
    """Every error frictionless finds in the unpacked zip: each row's errors (required cells,
    types, primary and foreign keys), each resource's validation, and the descriptor's.

    Each check gets a Package of its own, built from a fresh copy of the descriptor: frictionless
    5.18 clears the foreign keys of a table it has used as a lookup, in a schema shared by
    packages read from the same descriptor, so Package.validate() (and anything after it) misses
    most foreign-key errors."""
    target = tmp_path / "unzipped"
    zipfile.ZipFile(io.BytesIO(data)).extractall(target)
    text = (target / "datapackage.json").read_text(encoding="utf-8")

    def fresh():
        return Package(json.loads(text), basepath=str(target))

    names = [resource.name for resource in fresh().resources]
    assert len(names) == 21
    errors = []
    for name in names:
        with fresh().get_resource(name) as resource:
            found = [error for row in resource.row_stream for error in row.errors]
        report = fresh().get_resource(name).validate()
        found += [e for task in report.tasks for e in task.errors] + report.errors
        errors += sorted({f"{name}: {error.type}: {error.message}" for error in found})
    errors += [f"package: {error.message}" for error in fresh().validate().errors]
    return errors


def test_datapackage_is_valid_and_public_only(client, exchange_directory, tmp_path):
    response = client.get(reverse("directory:hsds_datapackage"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert frictionless_errors(tmp_path, data) == []
    files = unzip(data)
    official = json.loads(open("directory/hsds/datapackage.json", encoding="utf-8").read())
    assert json.loads(files["datapackage.json"]) == official
    everything = "\n".join(files.values())
    # Public rows are there ...
    assert "Mekong Legal Aid Network" in everything
    assert "+85523990555" in everything and "1288" in everything
    assert "Legal aid for deported workers" in everything
    assert "1234" in files["organization_identifiers.csv"]
    # ... and nothing of a higher tier, nor the shelter's address or point.
    for secret in (
        "+85523990202",
        "+85523990303",
        "+85512990404",
        "+85523990888",
        "PARTNERS-ONLY",
        "partners-desk@",
        "restricted-desk@",
        "SECRET-SHELTER-ADDRESS",
        "13.0951",
        "103.2022",
    ):
        assert secret not in everything, secret


def test_frictionless_check_catches_a_broken_foreign_key(client, exchange_directory, tmp_path):
    """The check above can fail: a service pointing at no organization is reported."""
    files = unzip(client.get(reverse("directory:hsds_datapackage")).content)
    files["services.csv"] = files["services.csv"].replace(
        str(Organization.objects.get(slug="mekong-legal-aid-network").translation_key),
        "00000000-0000-4000-8000-000000000000",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    errors = frictionless_errors(tmp_path, buffer.getvalue())
    assert len(errors) == 1 and errors[0].startswith("service: foreign-key:"), errors


def test_export_of_an_empty_directory_is_valid(client, db, tmp_path):
    data = client.get(reverse("directory:hsds_datapackage")).content
    assert frictionless_errors(tmp_path, data) == []


def test_zip_is_cached_until_something_is_published(
    client, exchange_directory, django_assert_max_num_queries
):
    url = reverse("directory:hsds_datapackage")
    first = client.get(url)
    with django_assert_max_num_queries(6):  # the fingerprint, the session, nothing else
        again = client.get(url)
    assert again.content == first.content
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    org = Organization.objects.get(slug="mekong-legal-aid-network")
    org.name = "Mekong Legal Aid Network (renamed)"
    org.save_revision().publish()
    renewed = client.get(url)
    assert renewed["ETag"] != first["ETag"]
    assert "Mekong Legal Aid Network (renamed)" in unzip(renewed.content)["organizations.csv"]


def test_export_command_writes_zip_and_ndjson(exchange_directory, tmp_path):
    target = tmp_path / "out.zip"
    call_command("export_hsds", "--output", str(target), stdout=io.StringIO())
    assert "organizations.csv" in unzip(target.read_bytes())
    lines = tmp_path / "out.ndjson"
    call_command("export_hsds", "--ndjson", "--output", str(lines), stdout=io.StringIO())
    records = [json.loads(line) for line in lines.read_text().splitlines()]
    assert [r["name"] for r in records] == ["Mekong Legal Aid Network", "Tiered Shelter Network"]
    assert "+85523990888" not in lines.read_text()


@pytest.mark.parametrize("tier_secret", ["+85523990202", "SECRET-SHELTER-ADDRESS"])
def test_editors_get_the_public_package_too(editor_client, exchange_directory, tier_secret):
    files = unzip(editor_client.get(reverse("directory:hsds_datapackage")).content)
    assert tier_secret not in "\n".join(files.values())
