"""Highlighting escapes record text first and adds only its own <mark> tags: with or without
matched words, a title or text holding markup comes out as text."""

from django.template import Context, Template
from django.utils.safestring import SafeData

from search.contract import Query
from search.engines.base import make_hit, prepare
from search.highlight import mark_title, snippet
from tests.xss import PAYLOADS, active_markup, shown_as_text


def _render(value):
    return Template("{{ value }}").render(Context({"value": value}))


def test_marked_titles_and_snippets_escape_every_payload():
    for payload in PAYLOADS:
        title = mark_title(payload, {"alert"})
        html, _matched = snippet(f"Before {payload} after", {"alert", "before"})
        for value in (title, html):
            assert isinstance(value, SafeData)
            assert active_markup(_render(value)) == [], payload
        assert "<mark>Before</mark>" in html
        if "alert" not in payload.lower():
            assert shown_as_text(_render(title), payload), payload


def test_hits_without_query_words_escape_the_raw_title():
    prepared = prepare(Query(text="", kinds=["document"]))
    display = {"en": {"title": "<img src=x onerror=alert(1)>", "text": "<script>alert(1)</script>"}}
    hit = make_hit(prepared, "document", "1", "<img src=x onerror=alert(1)>", "/x/", display, 0)
    page = _render(hit.title) + _render(hit.snippet)
    assert active_markup(page) == []
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;script&gt;" in page
