"""Matching as people type (issue 10), on both engines: all words when possible, otherwise the
best partial matches ranked by rarity-weighted words, with the words that were not matched
named; stop words and administrative words never block; spelling tolerance by word length;
joined and split compounds; Khmer words inside compounds ranked below whole words; autocomplete
order. `engine` and `index` come from tests/search/conftest.py (database and Elasticsearch).
"""

import pytest

from search.contract import Query
from tests.library.conftest import library, make_doc  # noqa: F401 (fixtures used here)


def titles(result):
    return [h.title.replace("<mark>", "").replace("</mark>", "") for h in result.hits]


def search(engine, text, **kwargs):
    kwargs.setdefault("per_page", 50)
    return engine.search(Query(text=text, **kwargs))


@pytest.fixture
def places(corpus, make_org, make_service):
    """A few records with words chosen for these tests, beside the shared corpus."""
    boys = make_org(
        "Kampot Boys Shelter",
        area_key="KH:07",
        description="Residential shelter for boys returned from Thailand.",
    )
    make_org("Quillfeather Outreach", description="Street outreach for young workers.")
    for n in range(3):
        make_org(f"Marigold Drop-in {n}", description="A marigold drop-in centre for young workers.")
    make_org("Anti Trafficking Hotline", description="A hotline against trafficking in persons.")
    make_org("Chabdai Coalition", description="A coalition of Christian organizations.")
    make_org("Sub Decree Watch", description="Follows every sub decree on labour migration.")
    make_org("Reintegration Support Team", description="Helps families after return.")
    whole = make_org("Khmer Law Library", description="សៀវភៅ ច្បាប់ សម្រាប់ គ្រប់គ្នា")
    return {"boys": boys, "whole": whole}


def test_every_word_when_some_document_has_them_all(places, index):
    engine = index()
    result = search(engine, "Kampot boys shelter")
    assert titles(result) == ["Kampot Boys Shelter"]
    assert result.partial is False and result.unmatched == []
    assert result.hits[0].missing == []


def test_partial_matches_when_no_document_has_every_word(places, index):
    engine = index()
    result = search(engine, "shelter for boys Battambang")
    assert result.partial is True
    assert result.total == len(result.hits) > 1
    # "boys" is rarer than "battambang", so the boys' shelter (shelter + boys) leads.
    assert titles(result)[0] == "Kampot Boys Shelter"
    assert result.hits[0].missing == ["battambang"]
    assert "battambang" in result.unmatched
    # Every hit lacks some word; the words each lacks are among `unmatched`.
    assert all(h.missing and set(h.missing) <= set(result.unmatched) for h in result.hits)
    assert "for" not in result.unmatched  # a stop word is never asked for
    assert result.absent == []  # each word is somewhere, just never all together


def test_a_word_no_visible_document_has_never_empties_the_answer(places, index):
    engine = index()
    result = search(engine, "Quillfeather zzyzxqwv")
    assert titles(result) == ["Quillfeather Outreach"]
    assert result.partial and result.unmatched == ["zzyzxqwv"] and result.absent == ["zzyzxqwv"]


def test_rarer_words_weigh_more(places, index):
    engine = index()
    for text in ("quillfeather marigold", "marigold quillfeather"):
        result = search(engine, text)
        assert result.partial
        assert titles(result)[0] == "Quillfeather Outreach", text
        assert set(titles(result)) == {"Quillfeather Outreach", *(f"Marigold Drop-in {n}" for n in range(3))}
        assert result.hits[0].score > result.hits[1].score


def test_stop_words_and_administrative_words_never_block_a_match(places, index):
    engine = index()
    for text in ("the shelter for the boys", "boys shelter Kampot province", "shelter in Kampot district"):
        result = search(engine, text)
        assert "Kampot Boys Shelter" in titles(result), text
        assert result.partial is False and result.unmatched == [], text


def test_an_administrative_word_alone_never_makes_a_hit(places, index):
    # An administrative word only says what kind of place follows: with a place nobody visible
    # has, there is nothing to show (not every record filed under some district or commune).
    engine = index()
    for text in ("zzyzxqwv district", "ស្រុកសូរវ៉ាធី"):
        result = search(engine, text)
        assert result.hits == [] and result.total == 0, text
    assert "Kampot Boys Shelter" in titles(search(engine, "zzyzxqwv Kampot district"))


def test_a_title_match_outranks_a_body_match(places, index):
    engine = index()
    result = search(engine, "marigold")
    assert titles(result)[:3] == [f"Marigold Drop-in {n}" for n in range(3)]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("antitrafficking", "Anti Trafficking Hotline"),  # split into two vocabulary words
        ("subdecree", "Sub Decree Watch"),
        ("chab dai", "Chabdai Coalition"),  # joined into one vocabulary word
    ],
)
def test_joined_and_split_compounds(places, index, typed, expected):
    engine = index()
    result = search(engine, typed)
    assert titles(result)[0] == expected
    assert result.partial is False


def test_two_edits_for_long_words_one_for_short(places, index):
    engine = index()
    long_word = search(engine, "reintegrasoin")  # 13 letters, two edits off
    assert "Reintegration Support Team" in titles(long_word)
    assert long_word.corrections == {"reintegrasoin": "reintegration"}
    short_word = search(engine, "lebaur")  # 6 letters, two edits from "labour": too far
    assert "Labour dispute counselling" not in titles(short_word)
    assert short_word.corrections.get("lebaur") != "labour"
    one_off = search(engine, "labuor")  # one swap
    assert "Labour dispute counselling" in titles(one_off)


def test_a_khmer_word_inside_a_compound_ranks_below_the_whole_word(places, index):
    engine = index()
    result = search(engine, "ច្បាប់")  # whole in the law library; inside ផ្លូវច្បាប់ elsewhere
    found = titles(result)
    assert found[0] == "Khmer Law Library"
    assert "មជ្ឈមណ្ឌលសេវាកម្មជំនួយផ្លូវច្បាប់" in found  # reached through the sub-word field
    assert result.hits[0].score > result.hits[found.index("មជ្ឈមណ្ឌលសេវាកម្មជំនួយផ្លូវច្បាប់")].score


def test_a_khmer_word_inside_a_compound_is_found(corpus, index):
    engine = index()
    result = search(engine, "រងគ្រោះ")  # inside ជនរងគ្រោះ, which ICU keeps whole
    assert "មជ្ឈមណ្ឌលសេវាកម្មជំនួយផ្លូវច្បាប់" in titles(result)


HOSTILE_PARTIAL = [
    '"unbalanced quote Quillfeather zzqx',
    "Quillfeather* NEAR( OR AND zzqx",
    "'; DROP TABLE search_indexentry; -- Quillfeather zzqx",
    "\x00\x01 Quillfeather \x7f zzqx",
    "Quillfeather zzqx " + "y" * 10_000,
    "{title}: Quillfeather zzqx body:*",
]


@pytest.mark.parametrize("text", HOSTILE_PARTIAL, ids=range(len(HOSTILE_PARTIAL)))
def test_hostile_text_takes_the_partial_path_safely(places, index, text):
    engine = index()
    result = search(engine, text)
    assert "Quillfeather Outreach" in titles(result)
    assert result.partial and "zzqx" in result.unmatched


def test_autocomplete_lists_organizations_then_services_then_library(
    places, index, make_service, make_doc  # noqa: F811
):
    make_doc("Legal aid handbook", slug="legal-aid-handbook")
    make_service(places["boys"], "Legal aid for boys")
    engine = index()
    kinds = [s["kind"] for s in engine.suggest("legal aid")]
    assert kinds[0] == "organization" and "document" in kinds and "service" in kinds
    assert kinds == sorted(kinds, key=["organization", "service", "document"].index)
    # An exact name comes before names that only start with the words.
    assert engine.suggest("legal aid of cambodia")[0]["title"] == "Legal Aid of Cambodia"
