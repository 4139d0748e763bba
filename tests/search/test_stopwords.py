"""Stop words and administrative words: searched, but never required."""

from search.planning import plan
from search.stopwords import ADMIN_WORDS, NOT_ADMIN_COMPOUNDS, STOPWORDS, is_droppable
from search.text import tokens


def normalize_word(word):
    """The word as a query holds it (tokens() also applies NFKC: Thai and Lao AM are split)."""
    return " ".join(tokens(word))


def test_lists_hold_words_as_the_index_stores_them():
    for word in STOPWORDS | ADMIN_WORDS | NOT_ADMIN_COMPOUNDS:
        assert normalize_word(word) == word, word


def test_function_words_fillers_and_number_words_are_droppable():
    for word in ["the", "for", "near", "me", "please", "no", "number", "និង", "សម្រាប់", "លេខ", "และ", "ແລະ"]:
        assert is_droppable(normalize_word(word)), word
    for word in ["shelter", "help", "who", "us", "ជម្រក", "legal"]:  # WHO and US are names
        assert not is_droppable(normalize_word(word)), word


def test_administrative_words_in_every_language_are_droppable():
    for word in ["province", "District", "Krong", "srok", "sangkat", "ខេត្ត", "ស្រុក", "ឃុំ", "ភូមិ"]:
        assert is_droppable(normalize_word(word)), word
    for word in ["จังหวัด", "อำเภอ", "ตำบล", "เขต", "ແຂວງ", "ເມືອງ", "ບ້ານ", "ນະຄອນຫຼວງ"]:
        assert is_droppable(normalize_word(word)), word


def test_an_admin_word_glued_to_a_place_name_is_split_off():
    assert tokens("ខេត្តបាត់ដំបង") == ["ខេត្ត", "បាត់ដំបង"]
    assert tokens("ក្រុងប៉ោយប៉ែត") == ["ក្រុង", "ប៉ោយប៉ែត"]
    assert tokens("จังหวัดเชียงใหม่") == ["จังหวัด", "เชียงใหม่"]
    assert tokens("ນະຄອນຫຼວງວຽງຈັນ") == ["ນະຄອນຫຼວງ", "ວຽງຈັນ"]
    # the same at query time: the place name is a clause of its own
    assert "បាត់ដំបង" in [c.typed for c in plan("ខេត្តបាត់ដំបង", synonyms=False)]


def test_words_that_only_begin_like_an_admin_word_stay_whole():
    assert tokens("ឃុំខ្លួន") == ["ឃុំខ្លួន"]  # detention, not "commune" + "self"
    assert tokens("ខេត្ត") == ["ខេត្ត"]
    assert tokens("ភូមិភាគ") == ["ភូមិភាគ"]  # region


def test_highlight_offsets_follow_the_split():
    from search.text import token_spans

    text = "នៅខេត្តបាត់ដំបង"
    spans = token_spans(text)
    assert [text[s:e] for s, e, _t in spans][-2:] == ["ខេត្ត", "បាត់ដំបង"]
