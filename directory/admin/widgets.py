"""A many-to-many field chosen through Wagtail's own snippet chooser: a searchable modal (with the
chooser's filters and pages) instead of a select box of hundreds of options.

Wagtail 8 has MultipleChooserPanel only for inline child rows (a ParentalKey model); a
ParentalManyToManyField (library countries, provinces, related organizations and services) has
no chooser. This widget renders the chosen items as a list with hidden inputs (what the form
posts, so a save without JavaScript keeps them) and an "Add" button that opens the snippet
chooser in multiple-selection mode through Wagtail's telepath chooser factory, the way
MultipleChooserPanel does. portal/static/portal/js/multiple-chooser.js does the browser part;
no inline script (the admin's CSP). The field's own queryset still validates what is posted.
"""

import json

from django import forms
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _


class MultipleSnippetChooser(forms.Widget):
    template_name = "wagtailadmin/widgets/multiple_snippet_chooser.html"
    allow_multiple_selected = True

    def __init__(self, model, *, filters=None, add_label=None, attrs=None):
        """`model`: a snippet model or "app_label.ModelName"; `filters`: URL parameters for the
        chooser (the area chooser's {"kind": "country"}); `add_label`: the button's text."""
        super().__init__(attrs)
        self._model = model
        self.filters = filters or {}
        self.add_label = add_label or _("Add")

    @property
    def model(self):
        if isinstance(self._model, str):
            from django.apps import apps

            self._model = apps.get_model(self._model)
        return self._model

    def _chooser_context(self):
        from wagtail.admin.telepath import JSContext
        from wagtail.snippets.widgets import AdminSnippetChooser

        context = JSContext()
        return context, context.pack(AdminSnippetChooser(self.model))

    @property
    def media(self):
        telepath, _definition = self._chooser_context()
        return telepath.media + forms.Media(
            js=[static("portal/js/multiple-chooser.js")],
        )

    def format_value(self, value):
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(getattr(v, "pk", v)) for v in value if v not in (None, "")]

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing posted means "none chosen", as for a multiple select

    def chosen(self, pks):
        """(pk, label) in the order given; unknown keys (a crafted post) are left out."""
        valid = [pk for pk in pks if str(pk).isdigit()]
        objects = self.model._default_manager.in_bulk([int(pk) for pk in valid])
        return [(pk, str(objects[int(pk)])) for pk in valid if int(pk) in objects]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        _telepath, definition = self._chooser_context()
        context["chosen"] = self.chosen(context["widget"]["value"])
        context["chooser_definition"] = definition
        context["filters_json"] = json.dumps(self.filters)
        context["add_label"] = self.add_label
        return context

    def id_for_label(self, id_):
        # The "Add" button carries the id, so clicking the field's label focuses it; its own
        # aria-label keeps its name "Add country" (the list is a group named by the label).
        return id_



def snippet_chooser(model_name, add_label, **filters):
    """A chooser for a directory model, named: the library's model module is imported before the
    app registry is ready. Keyword arguments filter the chooser (area_chooser's kind)."""
    return MultipleSnippetChooser(f"directory.{model_name}", filters=filters, add_label=add_label)


def area_chooser(kind, add_label):
    """Areas of one kind: the area chooser opens filtered to it (the field's limit_choices_to
    still refuses any other kind that is posted)."""
    return snippet_chooser("Area", add_label, kind=kind)
