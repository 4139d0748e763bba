"""/robots.txt keeps crawlers to the pages worth indexing: the endless filter and query
combinations, exports, the API and signed-in areas are asked to be left alone, in every language
prefix, while the listing itself, organization pages, the map page and the library stay open."""

import re

import pytest


def rules(text):
    """The Disallow patterns, read the way the major crawlers read them (`*`: any characters,
    `$`: the end; everything else literal, matched from the start of the path)."""
    patterns = []
    for line in text.splitlines():
        field, _sep, value = line.partition(":")
        if field.strip().lower() == "disallow" and value.strip():
            body = value.strip()
            anchored = body.endswith("$")
            regex = ".*".join(re.escape(part) for part in body.rstrip("$").split("*"))
            patterns.append(re.compile(regex + ("$" if anchored else "")))
    return patterns


def blocked(patterns, path):
    return any(p.match(path) for p in patterns)


@pytest.mark.django_db
def test_crawlers_are_kept_from_endless_combinations_and_private_areas(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert text.startswith("User-agent: *\n")
    patterns = rules(text)
    for path in (
        "/admin/",
        "/admin/pages/",
        "/accounts/login/",
        "/api/hsds/v3/services",
        "/directory/?type=SHELTER",
        "/km/directory/?province=battambang&page=2",
        "/search/?q=shelter",
        "/th/search/",
        "/map/?type=LEGAL",
        "/map/services.geojson?type=SHELTER",
        "/map/coverage.csv",
        "/map/coverage/battambang/pack/",
        "/directory/some-ngo/vcard/",
        "/directory/some-ngo/suggest/",
        "/directory/some-ngo/hsds.json",
        "/directory/hsds/organizations/",
    ):
        assert blocked(patterns, path), path
    for path in (
        "/",
        "/km/",
        "/directory/",
        "/km/directory/",
        "/directory/some-ngo/",
        "/lo/directory/some-ngo/",
        "/map/",
        "/map/coverage/",
        "/map/coverage/battambang/",
        "/library/",
    ):
        assert not blocked(patterns, path), path
