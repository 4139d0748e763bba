"""Snippet viewsets for the directory, grouped under "Directory" in the admin menu.

Organization and Service carry WorkflowMixin, DraftStateMixin, LockableMixin and
RevisionMixin, so their viewsets get drafts, publishing, history, revision comparison,
locking and "Submit for moderation" from Wagtail. Area, TaxonomyTerm and Language are plain
snippets: registering them gives the choosers used on the organization and service forms.
"""

import django_filters
from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, LiveStatusTagColumn, LocaleColumn, UpdatedAtColumn
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from ..models import (
    Area,
    AreaKind,
    Language,
    Organization,
    OrganizationName,
    OrganizationStatus,
    OrganizationType,
    Service,
    ServiceStatus,
    TaxonomyTerm,
)
from .forms import (
    AreaChooserFilterForm,
    LanguageChooserFilterForm,
    OrganizationChooserFilterForm,
    ServiceChooserFilterForm,
    TermChooserFilterForm,
)
from .panels import (
    area_panels,
    language_panels,
    organization_edit_handler,
    service_edit_handler,
    term_panels,
)
from .reviews import ReviewsViewSet
from .scoping import ScopedChooserMixin, ScopedChosenMixin, ScopedViewSetMixin
from .stewardship import UpdateSuggestionViewSet


def _countries(request=None):
    return Area.objects.countries().order_by("name_en")


def _cambodian_provinces(request=None):
    return Area.objects.provinces().filter(country__key="KH").order_by("name_en")


def chooser_viewset_with(filter_form, scoped=False):
    """A snippet chooser whose search box is `filter_form` (matches codes and both languages);
    `scoped`: an organization-scoped editor is offered only their organizations' objects."""
    mixins = (ScopedChooserMixin,) if scoped else ()
    choose = type("ChooseView", (*mixins, ChooseView), {"filter_form_class": filter_form})
    results = type("ChooseResultsView", (*mixins, ChooseResultsView), {"filter_form_class": filter_form})
    views = {"choose_view_class": choose, "choose_results_view_class": results}
    if scoped:
        views["chosen_view_class"] = type("ChosenView", (ScopedChosenMixin, SnippetChosenView), {})
        views["chosen_multiple_view_class"] = type(
            "ChosenMultipleView", (ScopedChosenMixin, SnippetChosenMultipleView), {}
        )
    return type("ChooserViewSet", (SnippetChooserViewSet,), views)


# --- Organizations -------------------------------------------------------------------------


class OrganizationFilterSet(WagtailFilterSet):
    org_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=OrganizationType.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=OrganizationStatus.choices, empty_label=_("All")
    )
    country = django_filters.ModelChoiceFilter(label=_("Country"), queryset=_countries, empty_label=_("All"))
    province = django_filters.ModelChoiceFilter(
        label=_("Province (Cambodia)"),
        queryset=_cambodian_provinces,
        field_name="area__province",
        empty_label=_("All"),
    )

    class Meta:
        model = Organization
        fields = [
            "org_type",
            "status",
            "country",
            "province",
            "live",
            "has_unpublished_changes",
            "is_demo",
            "locked",
        ]


class OrganizationIndexView(IndexView):
    """Search finds an organization by its name, its address slug or any other name (acronym,
    alias, former name), with plain database lookups that work the same on SQLite and PostgreSQL."""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query
        other_names = OrganizationName.objects.filter(organization=OuterRef("pk"), name__icontains=query)
        return queryset.filter(Q(name__icontains=query) | Q(slug__icontains=query) | Exists(other_names))


class OrganizationViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Organizations")
    menu_order = 100
    index_view_class = OrganizationIndexView
    search_fields = ["name"]
    search_backend_name = None  # database lookups; see OrganizationIndexView
    list_display = [
        "name",
        LocaleColumn(),
        Column("org_type", label=_("Type"), accessor="get_org_type_display", sort_key="org_type"),
        Column("country", label=_("Country"), accessor="country.name_en"),
        Column("area", label=_("Area"), accessor="area.name_en"),
        Column("status", label=_("Organization status"), accessor="get_status_display", sort_key="status"),
        BooleanColumn("is_demo", label=_("Demo")),
        UpdatedAtColumn(),
        LiveStatusTagColumn(),
    ]
    filterset_class = OrganizationFilterSet
    list_per_page = 50
    ordering = ["name"]
    inspect_view_enabled = True
    edit_handler = organization_edit_handler
    chooser_viewset_class = chooser_viewset_with(OrganizationChooserFilterForm, scoped=True)

    def base_queryset(self, request):  # narrowed by ScopedViewSetMixin.get_queryset
        return Organization.objects.select_related("country", "area", "locale")


# --- Services --------------------------------------------------------------------------------


class ServiceFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Service status"), choices=ServiceStatus.choices, empty_label=_("All")
    )
    service_type = django_filters.ModelChoiceFilter(
        label=_("Service type"),
        queryset=TaxonomyTerm.objects.order_by("code"),
        field_name="term_links__term",
        distinct=True,
        empty_label=_("All"),
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Area served (province)"),
        queryset=_cambodian_provinces,
        field_name="service_areas__area__province",
        distinct=True,
        empty_label=_("All"),
    )
    org_type = django_filters.ChoiceFilter(
        label=_("Organization type"),
        field_name="organization__org_type",
        choices=OrganizationType.choices,
        empty_label=_("All"),
    )

    class Meta:
        model = Service
        fields = [
            "status",
            "service_type",
            "province",
            "org_type",
            "accepting_referrals",
            "serves_men",
            "serves_children",
            "live",
            "has_unpublished_changes",
            "is_demo",
            "locked",
        ]


class ServiceViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Service
    icon = "clipboard-list"
    menu_label = _("Services")
    menu_order = 200
    search_fields = ["name", "organization__name"]
    search_backend_name = None
    list_display = [
        "name",
        LocaleColumn(),
        Column(
            "organization",
            label=_("Organization"),
            accessor="organization.name",
            sort_key="organization__name",
        ),
        Column("status", label=_("Service status"), accessor="get_status_display", sort_key="status"),
        Column("accepting_referrals", label=_("Referrals"), accessor="get_accepting_referrals_display"),
        BooleanColumn("is_demo", label=_("Demo")),
        UpdatedAtColumn(),
        LiveStatusTagColumn(),
    ]
    filterset_class = ServiceFilterSet
    list_per_page = 50
    ordering = ["organization__name", "name"]
    inspect_view_enabled = True
    edit_handler = service_edit_handler
    chooser_viewset_class = chooser_viewset_with(ServiceChooserFilterForm, scoped=True)

    def base_queryset(self, request):  # narrowed by ScopedViewSetMixin.get_queryset
        return Service.objects.select_related("organization", "locale")


# --- Reference data: areas, service types, languages -----------------------------------------


class AreaChooserMixin:
    """Home-country areas first (Cambodia), then country > province > district > commune."""

    filter_form_class = AreaChooserFilterForm

    def get_object_list(self):
        home = getattr(settings, "DIRECTORY_DEFAULT_REGION", "KH")
        kind_rank = Case(
            *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(AreaKind.values)],
            default=Value(len(AreaKind.values)),
            output_field=IntegerField(),
        )
        at_home = Case(
            When(Q(key=home) | Q(key__startswith=f"{home}:"), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (
            Area.objects.select_related("country")
            .annotate(_at_home=at_home, _kind_rank=kind_rank)
            .order_by("_at_home", "_kind_rank", "name_en")
        )


class AreaChooseView(AreaChooserMixin, ChooseView):
    pass


class AreaChooseResultsView(AreaChooserMixin, ChooseResultsView):
    pass


class AreaChooserViewSet(SnippetChooserViewSet):
    choose_view_class = AreaChooseView
    choose_results_view_class = AreaChooseResultsView


class AreaFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AreaKind.choices, empty_label=_("All"))
    country = django_filters.ModelChoiceFilter(label=_("Country"), queryset=_countries, empty_label=_("All"))
    province = django_filters.ModelChoiceFilter(
        label=_("Province (Cambodia)"), queryset=_cambodian_provinces, empty_label=_("All")
    )

    class Meta:
        model = Area
        fields = ["kind", "country", "province"]


class AreaViewSet(SnippetViewSet):
    model = Area
    icon = "site"
    menu_label = _("Areas")
    menu_order = 300
    search_fields = ["name_en", "name_km", "key", "code"]
    list_display = [
        "name_en",
        "name_km",
        Column("kind", label=_("Kind"), accessor="get_kind_display", sort_key="kind"),
        "key",
        Column("province", label=_("Province"), accessor="province.name_en"),
        Column("country", label=_("Country"), accessor="country.name_en"),
    ]
    filterset_class = AreaFilterSet
    list_per_page = 50
    ordering = ["kind", "name_en"]
    chooser_viewset_class = AreaChooserViewSet
    chooser_per_page = 25
    copy_view_enabled = False
    panels = area_panels

    def get_queryset(self, request):
        return Area.objects.select_related("country", "province")


class TaxonomyTermViewSet(SnippetViewSet):
    model = TaxonomyTerm
    icon = "tag"
    menu_label = _("Service types")
    menu_order = 400
    search_fields = ["name_en", "name_km", "name_th", "name_vi", "name_lo", "code"]
    list_display = ["name_en", "name_km", "code", Column("parent", label=_("Parent"), accessor="parent.code")]
    list_per_page = 100
    ordering = ["code"]
    chooser_viewset_class = chooser_viewset_with(TermChooserFilterForm)
    chooser_per_page = 100
    copy_view_enabled = False
    panels = term_panels


class LanguageViewSet(SnippetViewSet):
    model = Language
    icon = "openquote"
    menu_label = _("Languages")
    menu_order = 500
    search_fields = ["name_en", "name_native", "name_km", "name_th", "name_vi", "name_lo", "code"]
    list_display = ["name_en", "name_native", "code"]
    list_per_page = 100
    ordering = ["name_en"]
    chooser_viewset_class = chooser_viewset_with(LanguageChooserFilterForm)
    chooser_per_page = 50
    copy_view_enabled = False
    panels = language_panels


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "folder-open-inverse"
    menu_order = 150
    items = (
        OrganizationViewSet,
        ServiceViewSet,
        ReviewsViewSet,
        UpdateSuggestionViewSet,
        AreaViewSet,
        TaxonomyTermViewSet,
        LanguageViewSet,
    )
