"""Documents carry a tier; a viewer never sees a document above theirs, in any engine: not in
hits, snippets, facet counts or suggestions. The directory only indexes public data, so these
tests register a small kind whose documents have tiers (as library records will)."""

import pytest
from django.contrib.auth.models import AnonymousUser, User

from search import api, registry
from search.contract import Document, Query


class NoteKind(registry.SearchKind):
    name = "note"
    label = "Notes"
    models = ()
    docs = {
        "1": Document(
            kind="note",
            id="1",
            title="Public referral guideline",
            url="/n/1/",
            tier="public",
            body="Referral guideline for Kampot hotline staff",
            facets={"province": ["kampot"]},
            display={
                "en": {
                    "title": "Public referral guideline",
                    "url": "/n/1/",
                    "text": "Referral guideline for Kampot hotline staff",
                }
            },
        ),
        "2": Document(
            kind="note",
            id="2",
            title="Partners shelter protocol",
            url="/n/2/",
            tier="partners",
            body="Confidential shelter intake protocol for Kep",
            facets={"province": ["kep"]},
            display={
                "en": {
                    "title": "Partners shelter protocol",
                    "url": "/n/2/",
                    "text": "Confidential shelter intake protocol for Kep",
                }
            },
        ),
        "3": Document(
            kind="note",
            id="3",
            title="Restricted case conference notes template",
            url="/n/3/",
            tier="restricted",
            body="Restricted template for Pailin",
            facets={"province": ["pailin"]},
            display={
                "en": {
                    "title": "Restricted case conference notes template",
                    "url": "/n/3/",
                    "text": "Restricted template for Pailin",
                }
            },
        ),
    }

    def all_ids(self):
        return list(self.docs)

    def documents(self, ids):
        return {i: self.docs[i] for i in ids if i in self.docs}

    def affected(self, instance):
        return []


@pytest.fixture
def notes(engine):
    registry.register(NoteKind())
    try:
        api.rebuild(engine, ["note"])
        yield engine
    finally:
        registry.unregister("note")


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("staff-tiers", "staff@example.org", "x")


def run(engine, viewer, text=""):
    return engine.search(
        Query(
            text=text,
            kinds=["note"],
            viewer=viewer,
            facets=["province", "kind"],
            filters={} if text else {"kind": ["note"]},
        )
    )


def test_anonymous_sees_only_public_documents(notes):
    for viewer in (None, AnonymousUser()):
        result = run(notes, viewer)
        assert [h.id for h in result.hits] == ["1"]
        assert {v.value: v.count for v in result.facets["province"]} == {"kampot": 1}
        assert run(notes, viewer, "shelter protocol").total == 0
        assert run(notes, viewer, "Confidential").total == 0
        assert notes.suggest("Partners shel", viewer=viewer) == []
        assert notes.suggest("Restricted", viewer=viewer) == []


def test_partners_see_partner_documents_but_not_restricted(notes, partner_user):
    result = run(notes, partner_user)
    assert sorted(h.id for h in result.hits) == ["1", "2"]
    assert {v.value for v in result.facets["province"]} == {"kampot", "kep"}
    hit = run(notes, partner_user, "confidential").hits[0]
    assert "<mark>Confidential</mark>" in hit.snippet
    assert [s["title"] for s in notes.suggest("Partners shel", viewer=partner_user)] == [
        "Partners shelter protocol"
    ]
    assert run(notes, partner_user, "Pailin").total == 0


def test_editors_see_everything(notes, staff):
    result = run(notes, staff)
    assert sorted(h.id for h in result.hits) == ["1", "2", "3"]
    assert {v.value: v.count for v in result.facets["province"]} == {"kampot": 1, "kep": 1, "pailin": 1}
