"""The leak crawler's markers (tests/portal/leak_markers.py) against the public HSDS exports:
the datapackage zip an anonymous visitor downloads, opened member by member (the crawler reads
the zip as bytes, so its compressed CSVs were never searched), and `manage.py export_hsds
--ndjson`. Both are public: no partners, restricted, unpublished or place marker may be in any
file. Kept apart from test_leak_crawler.py so the crawler's own tests stay as they are."""

import io
import json
import zipfile

from django.core.management import call_command
from django.urls import reverse

from directory.hsds import export
from directory.models import Visibility

from . import test_leak_crawler
from .leak_markers import ANONYMOUS, readable
from .test_leak_crawler import Crawler, report, viewer_client

seeded = test_leak_crawler.seeded  # the crawler's seeded world (a fixture)


def _scan(crawler, where, text):
    crawler.seen[where] = (200, "")
    crawler.scan(where, text)


def test_the_hsds_datapackage_zip_holds_no_hidden_marker_in_any_member(seeded):
    client = viewer_client(ANONYMOUS)
    url = reverse("directory:hsds_datapackage")
    response = client.get(url)
    assert response.status_code == 200
    crawler = Crawler(client, ANONYMOUS, seeded.markers[ANONYMOUS])
    with zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ) as archive:
        members = archive.namelist()
        texts = {name: readable(archive.read(name), "text/csv") for name in members}
    assert "organizations.csv" in members and "datapackage.json" in members
    # Not vacuous: the seeded organization is in the package (with its public rows).
    assert seeded.org.name in texts["organizations.csv"], "the seeded organization is not exported"
    assert len(texts["locations.csv"].splitlines()) > 1 and len(texts["phones.csv"].splitlines()) > 1
    for name, text in texts.items():
        _scan(crawler, f"{url} » {name}", text)
    assert not crawler.leaks, report(crawler, "Anonymous visitor, datapackage.zip members")


def test_the_hsds_ndjson_export_holds_no_hidden_marker(seeded, tmp_path):
    target = tmp_path / "hsds.ndjson"
    call_command("export_hsds", "--ndjson", "--output", str(target), stdout=io.StringIO())
    text = readable(target.read_bytes(), "application/x-ndjson")
    assert seeded.org.name in text, "the seeded organization is not exported"
    crawler = Crawler(None, ANONYMOUS, seeded.markers[ANONYMOUS])
    _scan(crawler, "manage.py export_hsds --ndjson", text)
    assert not crawler.leaks, report(crawler, "manage.py export_hsds --ndjson")
    # Not vacuous: the same scan finds the partners' markers in what a partner may see.
    partner_view = json.dumps(export.organization(seeded.org, Visibility.PARTNERS), ensure_ascii=False)
    _scan(crawler, "the organization as partners see it", readable(partner_view.encode()))
    assert {leak.label for leak in crawler.leaks} & {m.label for m in seeded.must_show_partner}
