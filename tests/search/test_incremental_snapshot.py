"""A publish, unpublish or delete reaches the database engine's in-process facet snapshot at
once and incrementally: the next search applies the logged change to the snapshot it has (no
re-read of the whole index), and the patched snapshot equals one built afresh (bitmaps, orders,
vocabulary), so counts and hits are right."""

import uuid

import pytest
from django.db import connection
from wagtail.models import Locale

from directory.models import Area, Organization
from search import api
from search.contract import Query
from search.engines import database_engine
from search.engines import snapshot as snapshots


def current():
    return snapshots._snapshots.get((connection.alias, connection.settings_dict.get("NAME")))


def search(text="", **filters):
    return database_engine().search(Query(text=text, filters=filters, facets=["province", "kind"]))


def province_counts(result):
    return {v.value: v.count for v in result.facets["province"]}


def publish(name, area_key):
    org = Organization(
        name=name,
        slug=f"inc-{uuid.uuid4().hex[:8]}",
        org_type="national_ngo",
        country=Area.objects.get(key="KH"),
        area=Area.objects.get(key=area_key),
        locale=Locale.get_default(),
        live=False,
    )
    org.save()
    org.save_revision().publish()
    api.refresh([f"organization:{org.translation_key}"])  # what the publish signal's task does
    return org


def same_as_fresh(snap):
    fresh = snapshots.Snapshot(snap.token, snap.last_change)
    assert snap.everything == fresh.everything
    assert {k: v for k, v in snap.values.items() if v} == fresh.values
    assert {k: v for k, v in snap.tiers.items() if v} == fresh.tiers
    assert {k: v for k, v in snap.kinds.items() if v} == fresh.kinds
    assert snap.by_title == fresh.by_title
    assert snap.by_date == fresh.by_date
    assert snap.title_rank == fresh.title_rank
    assert snap.vocabulary == fresh.vocabulary


@pytest.fixture
def indexed(make_org):
    make_org("Battambang Legal Clinic", area_key="KH:02")
    make_org("Phnom Penh Drop-in Centre", area_key="KH:12")
    api.rebuild(database_engine())
    search()  # the process has its snapshot
    return current()


def test_a_publish_is_found_at_once_with_right_counts_from_the_same_snapshot(indexed):
    before = province_counts(search())
    org = publish("Kampot Zebrafinch Outreach", "KH:07")
    result = search("zebrafinch")
    assert [h.url for h in result.hits] == [org.get_absolute_url()]
    after = province_counts(search())
    assert after["kampot"] == before.get("kampot", 0) + 1
    assert after["battambang"] == before["battambang"]
    assert current() is indexed  # patched in place, not read afresh
    same_as_fresh(indexed)


def test_a_new_word_is_in_the_vocabulary_for_spelling_at_once(indexed):
    publish("Zebrafinch Shelter Trust", "KH:02")
    assert "zebrafinch" in snapshots.get().vocabulary_for(["public"])
    assert current() is indexed
    same_as_fresh(indexed)


def test_unpublish_and_delete_leave_the_snapshot_and_the_counts_at_once(indexed):
    org = publish("Kampot Zebrafinch Outreach", "KH:07")
    assert province_counts(search())["kampot"] == 1
    Organization.objects.filter(pk=org.pk).update(live=False)  # unpublished
    api.refresh([f"organization:{org.translation_key}"])
    assert search("zebrafinch").total == 0
    assert "kampot" not in province_counts(search())
    assert "zebrafinch" not in snapshots.get().vocabulary_for(["public"])
    same_as_fresh(indexed)
    other = publish("Kep Quokka Helpdesk", "KH:23")
    assert search("quokka").total == 1
    key = other.translation_key
    other.delete()
    api.refresh([f"organization:{key}"])
    assert search("quokka").total == 0
    assert current() is indexed
    same_as_fresh(indexed)


def test_a_rebuild_or_an_unlogged_change_reads_the_index_afresh(indexed, make_org):
    make_org("Pursat Heron Network", area_key="KH:15")
    api.rebuild(database_engine())
    assert search("heron").total == 1
    assert current() is not indexed
    rebuilt = current()
    # A write that leaves no log (a migration's token bump) cannot be applied: read afresh.
    from search.models import IndexState

    IndexState.objects.update(token=uuid.uuid4().hex)
    search()
    assert current() is not rebuilt


def test_after_a_rebuild_the_log_is_not_read_only_the_index(indexed, make_org):
    """A rebuild leaves one marker in the change log; a snapshot from before it sees from the
    log's first id that it must read afresh, and reads the index without reading the log."""
    from django.test.utils import CaptureQueriesContext

    from search.models import IndexChange

    publish("Kampot Zebrafinch Outreach", "KH:07")
    make_org("Pursat Heron Network", area_key="KH:15")
    api.rebuild(database_engine())
    assert list(IndexChange.objects.values_list("entry_id", flat=True)) == [None]
    with CaptureQueriesContext(connection) as captured:
        snap = snapshots.get()
    assert snap is not indexed
    assert not [q for q in captured.captured_queries if "search_indexchange WHERE" in q["sql"]]
    assert search("heron").total == 1
    assert search("zebrafinch").total == 1


# -- the directory listing's per-snapshot data (directory/facets.py, directory/ranking.py) --------


def listing(client, **params):
    from urllib.parse import urlencode

    response = client.get(f"/directory/?{urlencode(params)}")
    assert response.status_code == 200
    html = response.content.decode()
    import re

    return (
        re.findall(r'data-testid="result" data-slug="([^"]+)"', html),
        dict(re.findall(r'data-facet="type" data-value="([^"]+)" data-count="(\d+)"', html)),
    )


def directory_same_as_fresh(snap):
    """The listing's data patched along with the snapshot equals the data derived afresh."""
    from directory.facets import _Directory
    from directory.ranking import _PublishedNames

    store = snap.cache["derived"]
    patched, fresh = store["directory"][0], _Directory(snap)
    assert patched.owner == fresh.owner  # each service's organization
    assert patched.pair_orgs == fresh.pair_orgs and patched.pair_services == fresh.pair_services
    assert patched.owned == fresh.owned and patched.owning == fresh.owning
    assert {k: v for k, v in patched.waiting.items() if v} == fresh.waiting
    locale = Locale.get_default()
    names = store[f"directory-names-{locale.pk}"][0]
    names.ranks(snap, "anything", [])  # reads the organizations changed since
    assert names.names == _PublishedNames(snap, locale).names


def publish_service(org, name, code):
    from directory.models import Service, ServiceTerm, TaxonomyTerm

    service = Service(organization=org, name=name, locale=org.locale, live=True)
    service.save()
    ServiceTerm.objects.create(service=service, term=TaxonomyTerm.objects.get(code=code))
    # What the publish signal refreshes: the service and its organization (which lists its types).
    api.refresh([f"service:{service.translation_key}", f"organization:{org.translation_key}"])
    return service


def test_the_listing_follows_publishes_from_its_patched_data(indexed, client):
    """Service owners, each service's facet values and the organizations' folded names are kept
    with the snapshot and patched by each publish: the next listing shows the change with right
    counts, and the patched data equals data derived afresh."""
    assert listing(client, q="clinic")[0]  # the listing's data now exists for this snapshot
    before = listing(client, type="LEGAL")[1].get("LEGAL", "0")
    org = publish("Kampot Zebrafinch Outreach", "KH:07")
    service = publish_service(org, "Zebrafinch legal desk", "LEGAL.ADVICE")
    slugs, counts = listing(client, type="LEGAL")
    assert org.slug in slugs and int(counts["LEGAL"]) == int(before) + 1
    assert listing(client, q="zebrafinch")[0] == [org.slug]
    directory_same_as_fresh(current())

    # A new name is what was typed: it ranks first at once (no stale names kept).
    other = publish("Zebrafinch Kampot Outreach Trust", "KH:07")
    assert listing(client, q="zebrafinch kampot outreach")[0][0] == other.slug
    org.name = "Zebrafinch Kampot Outreach"
    org.save_revision().publish()
    api.refresh([f"organization:{org.translation_key}"])
    assert listing(client, q="zebrafinch kampot outreach")[0][0] == org.slug
    directory_same_as_fresh(current())

    # The service moves to the other organization, then the first is unpublished.
    service.organization = other
    service.save()
    keys = [f"service:{service.translation_key}", f"organization:{other.translation_key}"]
    api.refresh([*keys, f"organization:{org.translation_key}"])
    Organization.objects.filter(pk=org.pk).update(live=False)
    api.refresh([f"organization:{org.translation_key}"])
    slugs, counts = listing(client, type="LEGAL")
    assert other.slug in slugs and org.slug not in slugs
    assert int(counts["LEGAL"]) == int(before) + 1
    assert current() is indexed  # every change was applied in place
    directory_same_as_fresh(current())


def test_a_word_searched_before_a_publish_finds_the_published_record_after_it(indexed):
    """Each snapshot keeps the text matches it was asked for; a publish must not leave a word's
    old (empty) match behind, nor an unpublish its old hit."""
    assert search("kestrel").total == 0
    assert search("legal clinic").total == 1
    org = publish("Kestrel Legal Clinic", "KH:07")
    assert [h.url for h in search("kestrel").hits] == [org.get_absolute_url()]
    assert search("legal clinic").total == 2
    Organization.objects.filter(pk=org.pk).update(live=False)  # unpublished
    api.refresh([f"organization:{org.translation_key}"])
    assert search("kestrel").total == 0
    assert current() is indexed  # patched in place, not read afresh


# -- the kept text matches: brought up to date for the changed entries only -----------------------

WORDS = ["kestrel", "legal clinic", "clinic", "zebrafinch", "drop-in centre", "រងគ្រោះ"]


def text_match_markers():
    """The start of each text-match statement asked over the whole index (its expression, a
    parameter, follows)."""
    from search.engines.database import LEVELS_ASKED

    dialect = database_engine().dialect
    return {dialect.matching_ids_sql(level).split("%s")[0] for level in LEVELS_ASKED}


def kept_as_asked_afresh(snap):
    """Every kept match equals what the whole index answers now (asked afresh, unrestricted)."""
    from search.engines.database import _matching_ids

    keys = list(snap.matches)
    assert keys
    fresh = _matching_ids(database_engine().dialect, keys)
    asked = {k: snap.bitmap_of(ids) for k, ids in zip(keys, fresh, strict=True)}
    assert {k: snap.matches[k] for k in keys} == asked


def kept_ids(snap, text):
    """The entry ids of the kept "exact" match of the one-word `text`."""
    dialect = database_engine().dialect
    exact = '{title names body} : ("' + text + '")' if dialect.vendor == "sqlite" else "('" + text + "')"
    return set(snap.members(snap.matches[(dialect.matching_ids_sql("exact"), exact)]))


def test_a_publish_brings_the_kept_matches_up_to_date_without_letting_them_go(indexed):
    """New entry, word added and word removed, unpublished: after each, every text match the
    snapshot kept equals the same match asked afresh of the whole index, and none was dropped."""
    for text in WORDS:
        search(text)
    keys = set(indexed.matches)
    clinic = Organization.objects.get(name="Battambang Legal Clinic")
    clinic_entry = indexed.entry_of[("organization", str(clinic.translation_key))]
    assert kept_ids(indexed, "clinic") == {clinic_entry} and kept_ids(indexed, "kestrel") == set()

    org = publish("Kestrel Legal Clinic ជនរងគ្រោះ", "KH:07")  # a new entry
    snap = snapshots.get()
    assert snap is indexed and set(snap.matches) == keys
    kept_as_asked_afresh(snap)
    new_entry = snap.entry_of[("organization", str(org.translation_key))]
    assert kept_ids(snap, "kestrel") == {new_entry}
    assert kept_ids(snap, "clinic") == {clinic_entry, new_entry}

    clinic.name = "Battambang Zebrafinch Centre"  # "zebrafinch" added; "legal", "clinic" gone
    clinic.save_revision().publish()
    api.refresh([f"organization:{clinic.translation_key}"])
    snap = snapshots.get()
    assert set(snap.matches) == keys
    kept_as_asked_afresh(snap)
    assert kept_ids(snap, "clinic") == {new_entry}
    assert kept_ids(snap, "zebrafinch") == {clinic_entry}

    Organization.objects.filter(pk=org.pk).update(live=False)  # unpublished: its entry is gone
    api.refresh([f"organization:{org.translation_key}"])
    snap = snapshots.get()
    assert set(snap.matches) == keys
    kept_as_asked_afresh(snap)
    assert kept_ids(snap, "kestrel") == set() and kept_ids(snap, "clinic") == set()
    assert snap is indexed
    same_as_fresh(snap)


def test_the_first_search_after_a_publish_asks_no_kept_word_again_and_finds_the_change(indexed):
    from django.test.utils import CaptureQueriesContext

    for text in WORDS:
        search(text)
    assert search("kestrel").total == 0
    org = publish("Kestrel Legal Clinic ជនរងគ្រោះ", "KH:07")
    with CaptureQueriesContext(connection) as captured:
        result = search("kestrel")
    assert [h.url for h in result.hits] == [org.get_absolute_url()]
    asked = [q["sql"] for q in captured.captured_queries]
    markers = text_match_markers()
    assert not [sql for sql in asked if any(marker in sql for marker in markers)]
    assert len([sql for sql in asked if "UNION ALL" in sql]) == 1  # the kept matches, restricted
    with CaptureQueriesContext(connection) as captured:
        assert search("legal clinic").total == 2
        assert search("រងគ្រោះ").total == 1
    assert not [q for q in captured.captured_queries if any(m in q["sql"] for m in markers)]
    assert current() is indexed


# -- a write the snapshot saw, then rolled back ---------------------------------------------------


class _RolledBack(Exception):
    pass


def test_a_write_seen_inside_a_transaction_that_rolls_back_leaves_nothing_behind(indexed):
    """A search inside a transaction sees (and patches the process's snapshot with) the
    transaction's own index writes; when it rolls back, the next write's catch-up must not keep
    them: the snapshot finds the last write it applied gone from the log and reads afresh. Then
    the rolled-back record is neither found nor counted, under its own words or any other."""
    from django.db import transaction

    before = province_counts(search())
    assert search("clinic").total == 1  # kept text match
    with pytest.raises(_RolledBack), transaction.atomic():
        publish("Kampot Ghostmoth Legal Clinic", "KH:07")
        assert search("ghostmoth").total == 1
        assert search("clinic").total == 2
        assert province_counts(search())["kampot"] == 1
        raise _RolledBack
    # Committed writes after it (two: on SQLite the first reuses the rolled-back write's ids).
    publish("Kep Quokka Helpdesk", "KH:23")
    publish("Pursat Heron Network", "KH:15")
    assert search("quokka").total == 1 and search("heron").total == 1
    assert search("ghostmoth").total == 0
    assert search("clinic").total == 1
    counts = province_counts(search())
    assert "kampot" not in counts and counts["kep"] == counts["pursat"] == 1
    assert {k: v for k, v in counts.items() if k not in ("kep", "pursat")} == before
    assert "ghostmoth" not in snapshots.get().vocabulary_for(["public"])
    same_as_fresh(current())


def test_a_match_asked_while_another_request_applies_a_publish_is_not_kept_stale(indexed, monkeypatch):
    """A threaded server: one request asks the database for a word's matches; before it keeps
    them, another request applies a publish to the same snapshot (re-asking only the matches
    kept then). The answer asked before the publish must not be kept: the next search asks
    again and finds the published record."""
    from search.engines import database

    asked = database._matching_ids
    interleaved = []

    def other_request_in_between(dialect, keys, pks=None):
        ids = asked(dialect, keys, pks)  # the index as it was: no "kestrel" yet
        if pks is None and not interleaved:
            interleaved.append(publish("Kestrel Legal Clinic", "KH:07"))
            snapshots.get()  # the other request patches the shared snapshot
        return ids

    monkeypatch.setattr(database, "_matching_ids", other_request_in_between)
    assert search("kestrel").total == 0  # answered from what it asked, before the publish
    assert interleaved and current() is indexed
    assert [h.url for h in search("kestrel").hits] == [interleaved[0].get_absolute_url()]
    kept_as_asked_afresh(current())
