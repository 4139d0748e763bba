"""The sub-word field: a Khmer, Thai or Lao word is found inside the compound ICU keeps whole."""

import re

from search.subwords import SUBWORD_TOKEN_LIMIT, query_subwords, subword_string
from search.text import tokens


def inside(word, text):
    """The contract: the word's pairs appear consecutively in the text's sub-word field."""
    pairs, field = list(query_subwords(word)), subword_string(text).split()
    return bool(pairs) and any(field[i : i + len(pairs)] == pairs for i in range(len(field)))


def test_words_inside_khmer_compounds_are_found_by_their_pairs():
    for word, compound in [
        ("រងគ្រោះ", "ជនរងគ្រោះ"),  # suffer / victim
        ("ច្បាប់", "ផ្លូវច្បាប់"),  # law / legal
        ("ស្វែងរក", "ការស្វែងរក"),  # search / the search
        ("ភ្នាក់ងារ", "ទីភ្នាក់ងារ"),  # agent / agency
    ]:
        assert word not in tokens(compound)  # ICU keeps the compound whole: whole-word misses
        assert inside(word, compound), word


def test_a_word_cut_into_pieces_by_icu_is_still_found():
    text = "សេវាការធ្វើសមាហរណកម្មនិងការគ្រប់គ្រងករណី"
    assert "សមាហរណកម្ម" not in tokens(text)
    assert inside("សមាហរណកម្ម", text)


def test_pairs_do_not_match_across_a_space_or_out_of_order():
    assert not inside("រងគ្រោះ", "ជនរ ងគ្រោះ")
    assert not inside("គ្រោះរង", "ជនរងគ្រោះ")
    assert not inside("ច្បាប់", "ផ្លូវចិត្ត")


def test_subscript_variants_and_invisible_characters_meet():
    assert inside("ស្តីពី", "ច្បាប់ស្ដីពីការបង្ក្រាប")  # subscript ta in the query, da in the text
    assert inside("រងគ្រោះ", "ជនរង\u200bគ្រោះ")  # a zero-width space inside the word


def test_thai_and_lao_words_inside_compounds():
    assert inside("เทพ", "กรุงเทพมหานคร")
    assert inside("ວຽງຈັນ", "ນະຄອນຫຼວງວຽງຈັນ")


def test_query_pairs_only_for_script_words_of_two_clusters_or_more():
    assert query_subwords("ច្បាប់") == ("ច្បាប់",)  # two clusters: one pair
    assert len(query_subwords("រងគ្រោះ")) == 2
    assert query_subwords("shelter") == ()
    assert query_subwords("ក") == ()
    assert query_subwords("2008") == ()


def test_sub_word_tokens_are_plain_terms_and_bounded():
    field = subword_string("ជំនួយ \"ផ្លូវច្បាប់\" (NEAR) * OR ២០០៨ shelter")
    assert field and all(re.fullmatch(r"[\u1780-\u17ff]+", t) for t in field.split())
    long_text = "ជនរងគ្រោះ " * (SUBWORD_TOKEN_LIMIT // 2)
    assert len(subword_string(long_text).split()) == SUBWORD_TOKEN_LIMIT
    assert subword_string("") == "" and subword_string(None) == ""


def test_every_domain_word_in_the_projects_khmer_strings_is_findable():
    """bench/khmer_subwords.py prints the shares; here: with sub-words, no occurrence is lost."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "khmer_subwords.py"
    spec = importlib.util.spec_from_file_location("khmer_subwords", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    words = bench.domain_words()
    assert {"រងគ្រោះ", "ច្បាប់", "ស្វែងរក", "ភ្នាក់ងារ"} <= set(words)
    found = [r for text in bench.khmer_texts() for word in words for r in bench.occurrences(text, word)]
    assert len(found) > 100
    assert sum(whole for whole, _ in found) < len(found)  # whole words alone miss some
    assert all(either for _, either in found)
