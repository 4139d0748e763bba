"""Admin forms: the checks a model cannot make on its own, and narrower choices for editors.

Most validation lives on the models (validators and ``clean()``) so that it applies to every
path; the forms here add what needs the form (the slug clash within a locale, which the
database constraint would otherwise turn into a server error) and filter choices.
"""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm, LocaleFilterMixin
from wagtail.models import Locale

from .. import eligibility
from ..models import Area, AreaKind, Location, Organization, OrganizationName, ServiceAtLocation
from ..permissions import editable_organizations, is_scoped_editor
from .stewardship import clean_stewardship, limit_steward_choices


class StewardshipFormMixin:
    """Steward and deputy: active users only (plus the current holders), never the same person."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_steward_choices(self)

    def clean(self):
        cleaned_data = super().clean()
        clean_stewardship(self, cleaned_data)
        return cleaned_data


class OrganizationAdminForm(StewardshipFormMixin, WagtailAdminModelForm):
    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug:
            return slug
        locale_id = self.instance.locale_id or Locale.get_default().pk
        clash = Organization.objects.filter(locale_id=locale_id, slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Another organization in this language already uses the address /directory/%(slug)s/."),
                params={"slug": slug},
                code="slug_taken",
            )
        return slug


def _location_label(location):
    return f"{location.organization.name} – {location}"


class ServiceAdminForm(StewardshipFormMixin, WagtailAdminModelForm):
    """Offers only the locations of the service's own organization: the posted one, else the
    saved one; none on a new service until its organization is known (never every organization's,
    which would list other organizations' shelters). A crafted post of another organization's
    location fails the field's queryset, and ``ServiceAtLocation.clean`` rejects a mismatch too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in eligibility.FIELDS:  # three choices, "not stated" first and by default
            if name in self.fields:
                self.fields[name].widget = forms.RadioSelect(choices=eligibility.FORM_CHOICES)
                self.fields[name].help_text = eligibility.FORM_HELP
        # An organization-scoped editor may attach a service only to their own organizations:
        # the field's queryset refuses any other, whatever is posted.
        editable = editable_organizations(self.for_user) if is_scoped_editor(self.for_user) else None
        if editable is not None and "organization" in self.fields:
            self.fields["organization"].queryset = editable
        formset = self.formsets.get("service_at_locations")
        if formset is None:
            return
        organization_id = self._posted_organization_id() or self.instance.organization_id
        if organization_id and editable is not None and not editable.filter(pk=organization_id).exists():
            organization_id = None  # never list another organization's locations (shelters)
        locations = Location.objects.select_related("organization", "area").order_by(
            "organization__name", "sort_order", "name"
        )
        locations = locations.filter(organization_id=organization_id) if organization_id else locations.none()
        base_form = formset.form
        service = self.instance

        class LocationChoiceForm(base_form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                field = self.fields.get("location")
                if field is not None:
                    field.queryset = locations
                    field.label_from_instance = _location_label
                    if not organization_id:
                        field.help_text = _(
                            "Choose the organization and save a draft: its locations are then offered here."
                        )
                # New rows have no service yet; ServiceAtLocation.clean() compares organizations.
                if self.instance.service_id is None and not ServiceAtLocation.service.is_cached(
                    self.instance
                ):
                    self.instance.service = service

        # `formset.forms` is built lazily, so every form (and the empty template form) uses this class.
        formset.form = LocationChoiceForm

    def _posted_organization_id(self):
        if not self.is_bound:
            return None
        value = self.data.get(self.add_prefix("organization"))
        return int(value) if value and str(value).isdigit() else None


def _filter_select(**attrs):
    return forms.Select(attrs={"data-chooser-modal-search-filter": True, **attrs})


class AreaChooserFilterForm(BaseFilterForm):
    """Search and filters for the area chooser: 2,500 areas need more than pagination."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name in English or Khmer, or a code")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *AreaKind.choices],
        widget=_filter_select(),
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=Area.objects.countries().order_by("name_en"),
        empty_label=_("All countries"),
        widget=_filter_select(),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        kind = self.cleaned_data.get("kind")
        if kind:
            objects = objects.filter(kind=kind)
        country = self.cleaned_data.get("country")
        if country:
            objects = objects.filter(country=country)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(
                Q(name_en__icontains=query)
                | Q(name_km__icontains=query)
                | Q(key__iexact=query)
                | Q(code__iexact=query)
            )
            self.is_searching = True
            self.search_query = query
        return objects


def _any_name(query, *extra):
    """A service type or language whose name in any interface language (or `extra` fields)
    contains `query`: an editor types it as their own interface names it."""
    found = Q()
    for field in ("name_en", "name_km", "name_th", "name_vi", "name_lo", *filter(None, extra)):
        found |= Q(**{f"{field}__icontains": query})
    return found


class _TextChooserFilterForm(BaseFilterForm):
    """A chooser search box; subclasses say which fields the text matches."""

    placeholder = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"] = forms.CharField(
            label=_("Search term"),
            required=False,
            widget=forms.TextInput(attrs={"placeholder": self.placeholder}),
        )

    def text_q(self, query):
        raise NotImplementedError

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(self.text_q(query))
            self.is_searching = True
            self.search_query = query
        return objects


class TermChooserFilterForm(_TextChooserFilterForm):
    placeholder = _("Service type or code")

    def text_q(self, query):
        return _any_name(query) | Q(code__icontains=query)


class LanguageChooserFilterForm(_TextChooserFilterForm):
    placeholder = _("Language or ISO code")

    def text_q(self, query):
        return _any_name(query, "name_native") | Q(code__iexact=query)


class OrganizationChooserFilterForm(LocaleFilterMixin, _TextChooserFilterForm):
    """Organizations by name, address slug or any other name (acronym, alias, former name), with
    database lookups: the admin's search index does not hold the directory. Plus Wagtail's
    language filter (English and Khmer copies are separate rows)."""

    placeholder = _("Name, acronym or former name")

    def text_q(self, query):
        other_names = OrganizationName.objects.filter(organization=OuterRef("pk"), name__icontains=query)
        return Q(name__icontains=query) | Q(slug__icontains=query) | Exists(other_names)


class ServiceChooserFilterForm(LocaleFilterMixin, _TextChooserFilterForm):
    """Services by their name or their organization's names: "AFESIP shelter" finds it."""

    placeholder = _("Service or organization name")

    def text_q(self, query):
        condition = Q()
        for word in query.split():
            other_names = OrganizationName.objects.filter(
                organization=OuterRef("organization"), name__icontains=word
            )
            condition &= (
                Q(name__icontains=word) | Q(organization__name__icontains=word) | Exists(other_names)
            )
        return condition
