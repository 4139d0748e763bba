"""Text analysis: what both engines see of a text, in each script the region writes."""

from search.highlight import snippet
from search.planning import one_edit, plan
from search.text import stem, token_spans, tokens


def test_khmer_is_segmented_into_words():
    assert tokens("សេវាកម្មជំនួយផ្លូវច្បាប់") == ["សេវាកម្ម", "ជំនួយ", "ផ្លូវច្បាប់"]


def test_thai_lao_and_burmese_are_segmented():
    assert "ช่วย" in tokens("ศูนย์ช่วยเหลือสังคม")
    assert len(tokens("ບໍລິການຊ່ວຍເຫຼືອ")) >= 2
    assert tokens("အလုပ်သမားရေးရာဝန်ကြီးဌာန") == ["အလုပ်သမား", "ရေးရာ", "ဝန်ကြီးဌာန"]  # Ministry of Labour


def test_latin_diacritics_are_folded_but_khmer_marks_are_kept():
    assert tokens("Phnum Pénh") == tokens("phnum penh")
    assert tokens("Đà Nẵng") == ["da", "nang"]
    assert tokens("ជំនួយ") == ["ជំនួយ"]  # vowel signs and the nikahit stay


def test_light_english_stemming():
    assert [stem(w) for w in ["shelters", "agencies", "centres", "services", "boxes"]] == [
        "shelter",
        "agency",
        "centre",
        "service",
        "box",
    ]
    assert [stem(w) for w in ["status", "address", "analysis", "bus"]] == [
        "status",
        "address",
        "analysis",
        "bus",
    ]


def test_control_characters_and_emoji_are_dropped():
    assert tokens("\x00shel\x07ter 🙂") == ["shel", "ter"]
    assert tokens("🙂 *** ???") == []


def test_synonym_phrases_and_stop_words(db):
    clauses = plan("victim of trafficking in Poi Pet")
    assert [c.typed for c in clauses] == ["victim of trafficking", "poi pet"]
    assert ("vot",) in clauses[0].alternatives
    assert ("poipet",) in clauses[1].alternatives
    assert [c.typed for c in plan("the")] == ["the"]  # a lone stop word is still searched


def test_one_edit_keeps_the_first_letter():
    edits = one_edit("batambang")
    assert "battambang" in edits
    assert "atambang" not in edits and "xatambang" not in edits


def test_snippet_marks_words_in_the_original_text_and_escapes():
    html, matched = snippet("<b>Reception</b> centre in Phnum Pénh for returnees", {"penh", "centre"})
    assert matched
    assert "&lt;b&gt;" in html
    assert "<mark>centre</mark>" in html and "<mark>Pénh</mark>" in html
    long_text = "word " * 200 + "Battambang shelter " + "word " * 200
    html, _ = snippet(long_text, {"battambang"})
    assert "<mark>Battambang</mark>" in html and html.startswith("…") and html.endswith("…")
    assert len(html) < 400


def test_phrase_synonyms_mark_whole_phrases_only():
    html, _ = snippet("Poipet City office, near the city hall", {"poipet"}, phrases={("poipet", "city")})
    assert "<mark>Poipet</mark> <mark>City</mark> office" in html
    assert "the city hall" in html


def test_khmer_subscript_da_and_ta_are_one_spelling():
    assert tokens("ស្ដាប់") == tokens("ស្តាប់")
    assert tokens("អន្ដរជាតិ") == tokens("អន្តរជាតិ") == ["អន្តរជាតិ"]  # ICU then cuts it alike
    assert tokens("ស្រ្តី") == tokens("ស្ត្រី")  # coeng ro typed before the other subscript
    assert tokens("ជ\u17c6\u17bbវិញ") == tokens("ជុំវិញ")  # nikahit typed before the vowel u


def test_deprecated_and_invisible_khmer_characters_are_folded():
    assert tokens("ឣ") == tokens("អ")
    assert tokens("ឤ") == tokens("អា")
    assert tokens("ឲ្យ") == tokens("ឱ្យ")
    assert tokens("ក\u17b4ម្ពុជា") == tokens("កម្ពុជា")  # inherent vowel sign, invisible
    assert tokens("ការ\u200cពារ") == tokens("ការពារ")  # zero-width non-joiner
    assert tokens("ជំ\u200dនួយ") == ["ជំនួយ"]
    text = "ជំនួយ ក\u17b4ម្ពុជា"  # highlighting still marks the word as written
    assert [text[s:e] for s, e, _t in token_spans(text)] == ["ជំនួយ", "ក\u17b4ម្ពុជា"]


def test_thai_and_lao_marks_are_kept():
    assert tokens("ไม้") != tokens("ไม")
    assert tokens("ບ້ານ") != tokens("ບານ")


def test_numbers_lose_leading_zeros_and_script_digits_become_ascii():
    assert tokens("No. 012") == ["no", "12"]
    assert tokens("Nº 190") == ["no", "190"]
    assert tokens("0 00 007") == ["0", "0", "7"]
    assert tokens("២០០៨") == ["2008"]  # Khmer digits
    assert tokens("๒๕๕๑ ໒໐໐໘") == ["2551", "2008"]  # Thai and Lao digits
    assert tokens("ឆ្នាំ២០០៨") == ["ឆ្នាំ", "2008"]  # digits glued to a Khmer word
    assert tokens("ប្រកាសលេខ០១២") == ["ប្រកាស", "លេខ", "12"]
    assert tokens("covid19") == ["covid19"]  # Latin letters and digits stay one word
