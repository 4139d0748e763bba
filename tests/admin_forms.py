"""Submit a Wagtail admin form as a browser would: read every field of the form in the page the
admin rendered (inputs, selects, textareas, formset management forms), change some, post back."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.depth = 0
        self.fields = []  # [(name, value)]
        self._select = None
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") == self.form_id or (self.form_id is None and not self.inside)):
            self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, [], "multiple" in a)
        elif tag == "option" and self._select is not None:
            if "selected" in a:
                self._select[1].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, chosen, _multiple = self._select
            self.fields += [(name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_data(page_html, form_id="page-edit-form"):
    """{name: value or [values]} of the form with `form_id` in `page_html`."""
    parser = _FormFields(form_id)
    parser.feed(page_html)
    data = {}
    for name, value in parser.fields:
        if name in data:
            data[name] = (data[name] if isinstance(data[name], list) else [data[name]]) + [value]
        else:
            data[name] = value
    return data
