"""The interface catalogues are complete and compile: the gate of `make test` for translations.

Each of Khmer, Thai, Vietnamese and Lao must have no untranslated and no fuzzy entry (a fuzzy
entry is not used, so the page shows English), pass `msgfmt --check` (format strings and header),
and hold no translation that is the same text repeated: that is how the Khmer footer, the
/directory/ intro and the meta description came to be shown three times.
"""

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "portal" / "locale"
CATALOGUES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict = field(default_factory=dict)  # index -> text (0 without plural)
    flags: set = field(default_factory=set)
    line: int = 0


def read_po(path):
    """The active entries of a .po file (obsolete #~ entries are not used and are left out)."""
    entries, entry, key = [], None, None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if entry is not None and key is not None:
                entries.append(entry)
                entry, key = None, None
            entry = entry or Entry(line=number)
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            name, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if name in ("msgctxt", "msgid") and entry is not None and key is not None and key.startswith("msgstr"):
                entries.append(entry)
                entry = None
            entry = entry or Entry(line=number)
            if name.startswith("msgstr"):
                key = f"msgstr{index or 0}"
                entry.msgstr[int(index or 0)] = text
            else:
                key = name
                if name != "msgctxt":
                    setattr(entry, name, text)
        elif line.startswith('"') and entry is not None:
            text = ast.literal_eval(line)
            if key and key.startswith("msgstr"):
                index = int(key[6:])
                entry.msgstr[index] += text
            elif key in ("msgid", "msgid_plural"):
                setattr(entry, key, getattr(entry, key) + text)
    if entry is not None:
        entries.append(entry)
    return entries


def repeated(text):
    """How many times a whole translation is one text written again and again (1 if not)."""
    for times in range(4, 1, -1):
        if len(text) >= 8 and len(text) % times == 0 and text == text[: len(text) // times] * times:
            return times
    return 1


def catalogue(code):
    path = LOCALE_DIR / code / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run makemessages -l {code}"
    return path


@pytest.mark.parametrize("code", CATALOGUES)
def test_catalogue_passes_msgfmt_check(code):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed to compile the catalogues (apt-get install gettext)"
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(catalogue(code))], capture_output=True, text=True
    )
    assert result.returncode == 0, f"msgfmt --check fails for {code}:\n{result.stderr}"


@pytest.mark.parametrize("code", CATALOGUES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(code):
    entries = read_po(catalogue(code))
    header = [e for e in entries if e.msgid == ""]
    assert header and "fuzzy" not in header[0].flags, (
        f"{code}: the header is marked fuzzy, so msgfmt drops it (charset, plural forms)"
    )
    messages = [e for e in entries if e.msgid != ""]
    assert len(messages) > 100, f"{code}: only {len(messages)} messages; run makemessages"
    fuzzy = [e for e in messages if "fuzzy" in e.flags]
    untranslated = [e for e in messages if "fuzzy" not in e.flags and not all(e.msgstr.values())]
    problems = [f"line {e.line}: fuzzy: {e.msgid[:70]!r}" for e in fuzzy] + [
        f"line {e.line}: untranslated: {e.msgid[:70]!r}" for e in untranslated
    ]
    assert not problems, (
        f"{code}: {len(fuzzy)} fuzzy and {len(untranslated)} untranslated of {len(messages)}:\n"
        + "\n".join(problems[:40])
        + ("\n..." if len(problems) > 40 else "")
    )


@pytest.mark.parametrize("code", CATALOGUES)
def test_no_translation_is_its_text_repeated(code):
    """A msgstr pasted two or three times over shows the block two or three times on the page."""
    doubled = [
        f"line {e.line}: {repeated(text)}x: {e.msgid[:70]!r}"
        for e in read_po(catalogue(code))
        if e.msgid
        for text in e.msgstr.values()
        if repeated(text) > 1 and repeated(e.msgid) == 1
    ]
    assert not doubled, f"{code}: translations repeated within themselves:\n" + "\n".join(doubled)


def test_the_reader_finds_what_it_is_given(tmp_path):
    """The checks above read entries correctly (so a passing catalogue test means something)."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: a.html:1\nmsgid "Done"\nmsgstr "រួចរាល់"\n\n'
        '#, fuzzy\n#| msgid "Old"\nmsgid "Fuzzy one"\nmsgstr "ស្រពិចស្រពិល"\n\n'
        'msgid ""\n"Long "\n"text"\nmsgstr ""\n\n'
        'msgid "Footer"\nmsgstr "ខ្មែរ។ខ្មែរ។ខ្មែរ។"\n\n'
        'msgid "One"\nmsgid_plural "Many"\nmsgstr[0] "x"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    entries = {e.msgid: e for e in read_po(po)}
    assert set(entries) == {"", "Done", "Fuzzy one", "Long text", "Footer", "One"}
    assert entries["Done"].msgstr == {0: "រួចរាល់"}
    assert "fuzzy" in entries["Fuzzy one"].flags and "fuzzy" not in entries["Done"].flags
    assert entries["Long text"].msgstr == {0: ""}
    assert entries["One"].msgid_plural == "Many" and entries["One"].msgstr == {0: "x", 1: ""}
    assert repeated(entries["Footer"].msgstr[0]) == 3 and repeated("រួចរាល់") == 1
