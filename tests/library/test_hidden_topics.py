"""A topic that only hidden items use is invisible below their tier: choosing it by its slug on
/library/ or in a list export answers exactly like a topic that does not exist (issue 9).
The pages on both engines are covered in tests/search/test_derived_tiers.py."""

from django.test import Client


def test_hidden_topic_in_the_listing_answers_like_an_unknown_one(corpus, editor_client):
    anonymous = Client()
    unknown = anonymous.get("/library/?topic=no-such-topic")
    for slug, name in (("case-management", "case management"), ("shelter-care", "shelter care")):
        response = anonymous.get(f"/library/?topic={slug}")
        html = response.content.decode()
        assert response.context["result"].total == unknown.context["result"].total == 3
        assert response.context["active_filters"] == unknown.context["active_filters"] == []
        assert f"<strong>{name}</strong>" not in html
        assert "Restricted incident log" not in html and "Partners-only case review" not in html
    # Not vacuous: an editor has the topic chosen, labelled and narrowing the list.
    response = editor_client.get("/library/?topic=case-management")
    assert response.context["result"].total == 1
    assert "<strong>case management</strong>" in response.content.decode()


def test_list_export_with_a_hidden_topic_exports_what_an_unknown_topic_does(corpus, editor_client):
    anonymous = Client()
    unknown = anonymous.get("/library/export/ris/?topic=no-such-topic").content.decode()
    hidden = anonymous.get("/library/export/ris/?topic=case-management").content.decode()
    assert hidden == unknown
    assert "Restricted incident log" not in hidden and "case management" not in hidden
    editor = editor_client.get("/library/export/ris/?topic=case-management").content.decode()
    assert "Restricted incident log" in editor
