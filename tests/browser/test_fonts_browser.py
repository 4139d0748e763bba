"""Every script is drawn with its self-hosted Noto font, in every interface language.

Chromium is asked (DevTools CSS.getPlatformFontsForNode) which font actually drew each run of
Khmer, Thai, Lao and Latin/Vietnamese text on the home page, the directory, an organization page,
the map (province labels and an opened marker card included) and a referral pack. A run drawn by
any other font is a system fallback: on a phone without that script it is a row of empty boxes
(as Leaflet's own font stack drew the Khmer province labels).
"""

import pytest

from .conftest import screenshot
from .test_map_browser import open_a_marker, wait_for_markers

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "km", "th", "vi", "lo")
PREFIX = {"en": "", "km": "/km", "th": "/th", "vi": "/vi", "lo": "/lo"}
FONT = {"khmer": "Noto Sans Khmer", "thai": "Noto Sans Thai", "lao": "Noto Sans Lao", "latin": "Noto Sans"}
SCRIPT = {"en": "latin", "km": "khmer", "th": "thai", "vi": "latin", "lo": "lao"}
# An organization with a record in that language where the demo has one.
ORGANIZATION = {"th": "ilo-gms-triangle-project", "vi": "iom-viet-nam"}
DEFAULT_ORGANIZATION = "molvt-department-of-employment-and-manpower"
PAGES = {
    "home": "/",
    "directory": "/directory/",
    "organization": None,  # per language, above
    "map": "/map/",
    "pack": "/map/coverage/battambang/pack/",
}

# Wraps each visible run of one script in <span data-fontcheck="script"> (at most `limit` runs per
# script) and returns {script: [run text]}; a run is a word (Latin, with every Vietnamese letter
# and tone mark) or an unbroken stretch of Khmer, Thai or Lao.
_MARK_RUNS = """(limit) => {
    const runs = /([\\u1780-\\u17FF\\u19E0-\\u19FF]+)|([\\u0E01-\\u0E5B]+)|([\\u0E81-\\u0EDF]+)|([A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0300-\\u0309\\u0323\\u1EA0-\\u1EF9]+)/g;
    const names = [null, "khmer", "thai", "lao", "latin"];
    const found = {khmer: [], thai: [], lao: [], latin: []};
    const nodes = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, parent = node.parentElement;
        if (!parent || parent.closest("script, style, noscript, select, template, [data-fontcheck]")) continue;
        // Drawn now: not under display:none, a closed <details> (content-visibility) or visibility:hidden.
        if (!parent.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) continue;
        if (!parent.getClientRects().length) continue;
        nodes.push(node);
    }
    for (const node of nodes) {
        const text = node.textContent;
        const parts = [];
        let last = 0, match;
        runs.lastIndex = 0;
        while ((match = runs.exec(text))) {
            const script = names[match.slice(1).findIndex(Boolean) + 1];
            if (found[script].length >= limit) continue;
            found[script].push(match[0]);
            parts.push(document.createTextNode(text.slice(last, match.index)));
            const span = document.createElement("span");
            span.dataset.fontcheck = script;
            span.textContent = match[0];
            parts.push(span);
            last = match.index + match[0].length;
        }
        if (!parts.length) continue;
        parts.push(document.createTextNode(text.slice(last)));
        node.replaceWith(...parts);
    }
    return found;
}"""


def fonts_by_script(page, limit=40):
    """{script: [(run text, {font family: glyphs}, inside the map)]} as Chromium drew them."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    found = page.evaluate(_MARK_RUNS, limit)
    page.evaluate("() => document.fonts.ready.then(() => true)")  # fonts the runs may have needed
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    result = {}
    for script in found:
        ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": f'[data-fontcheck="{script}"]'})["nodeIds"]
        in_map = set(
            cdp.send(
                "DOM.querySelectorAll",
                {"nodeId": root, "selector": f'.leaflet-container [data-fontcheck="{script}"]'},
            )["nodeIds"]
        )
        rows = []
        for node_id, text in zip(ids, found[script], strict=True):
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
            rows.append((text, {f["familyName"]: f["glyphCount"] for f in fonts}, node_id in in_map,
                         all(f["isCustomFont"] for f in fonts)))
        result[script] = rows
    cdp.detach()
    return result


def check_page(page, language, name):
    drawn = fonts_by_script(page)
    wrong = [
        f"{script} {text!r}: drawn with {sorted(fonts)}"
        for script, rows in drawn.items()
        for text, fonts, _in_map, custom in rows
        if set(fonts) != {FONT[script]} or not custom
    ]
    assert not wrong, f"{language} {name}: runs not drawn with the self-hosted Noto font:\n" + "\n".join(wrong[:20])
    own = drawn[SCRIPT[language]]
    assert len(own) >= 5, f"{language} {name}: only {len(own)} runs of {SCRIPT[language]} text"
    return drawn


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_script_is_drawn_with_its_noto_font(portal_server, page, language):
    for name, path in PAGES.items():
        path = path or f"/directory/{ORGANIZATION.get(language, DEFAULT_ORGANIZATION)}/"
        response = page.goto(f"{portal_server}{PREFIX[language]}{path}")
        assert response.status == 200, (language, path, response.status)
        assert page.evaluate("() => document.documentElement.lang") == language
        if name == "map":
            wait_for_markers(page)
            page.locator(".province-label").first.wait_for()
            open_a_marker(page)
        drawn = check_page(page, language, name)
        if name == "map" and language == "km":
            # The province labels and the opened card are inside Leaflet's container.
            assert sum(in_map for _t, _f, in_map, _c in drawn["khmer"]) >= 5


def test_vietnamese_letters_are_all_in_the_latin_font(portal_server, page):
    """Every Vietnamese letter and tone mark, regular and bold, from Noto Sans (no mixed fonts)."""
    page.goto(f"{portal_server}/vi/")
    letters = (
        "ăâđêôơư ĂÂĐÊÔƠƯ àảãáạ ằẳẵắặ ầẩẫấậ èẻẽéẹ ềểễếệ ìỉĩíị òỏõóọ ồổỗốộ ờởỡớợ ùủũúụ ừửữứự ỳỷỹýỵ "
        "ÀẢÃÁẠ ẰẲẴẮẶ ẦẨẪẤẬ ÈẺẼÉẸ ỀỂỄẾỆ ÌỈĨÍỊ ÒỎÕÓỌ ỒỔỖỐỘ ỜỞỠỚỢ ÙỦŨÚỤ ỪỬỮỨỰ ỲỶỸÝỴ"
    )
    page.evaluate(
        """(text) => { const main = document.querySelector('main');
            for (const weight of ['400', '700']) { const p = document.createElement('p');
                p.style.fontWeight = weight; p.textContent = text; main.prepend(p); } }""",
        letters,
    )
    drawn = fonts_by_script(page, limit=500)
    sample = [fonts for text, fonts, _m, _c in drawn["latin"] if text in letters.split()]
    assert len(sample) == 2 * len(letters.split())
    assert all(set(fonts) == {"Noto Sans"} for fonts in sample), sample


def test_khmer_pages_on_a_phone(portal_server, phone_page):
    """Screenshots at 390 px for a look (screenshots/i18n-km-phone-*.png); the fonts as above."""
    for name, path in PAGES.items():
        path = path or f"/directory/{DEFAULT_ORGANIZATION}/"
        phone_page.goto(f"{portal_server}/km{path}")
        if name == "map":
            wait_for_markers(phone_page)
            phone_page.locator(".province-label").first.wait_for()
        phone_page.evaluate("() => document.fonts.ready.then(() => true)")
        screenshot(phone_page, f"i18n-km-phone-{name}")
        check_page(phone_page, "km", name)
