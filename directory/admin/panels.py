"""Edit screens for organizations and services.

Every field that a model ``clean()`` may attach an error to must appear in a panel: Django
can only show an error next to a field that is on the form.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)

from .forms import OrganizationAdminForm, ServiceAdminForm
from .map_picker import MapPickerPanel, MapPointInput
from .stewardship import stewardship_panels

# Countries are a short list: a select box honours `limit_choices_to={"kind": "country"}`,
# which the generic area chooser would not.
country_select = forms.Select

PRIVACY_HELP = _(
    "Each phone, contact and location has its own visibility: <b>Public</b> (everyone), "
    "<b>Partners only</b> (logged-in partner organizations) or <b>Restricted</b> (editors). "
    "Shelter addresses and named people are never public."
)

phone_panels = [
    FieldRowPanel([FieldPanel("number"), FieldPanel("extension"), FieldPanel("channel")]),
    FieldRowPanel([FieldPanel("country"), FieldPanel("description", heading=_("What it is for"))]),
    FieldRowPanel([FieldPanel("hours"), FieldPanel("languages")]),
    FieldRowPanel([FieldPanel("visibility"), FieldPanel("verified_on")]),
]

contact_panels = [
    FieldRowPanel([FieldPanel("role"), FieldPanel("department")]),
    FieldPanel("name"),
    FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
    FieldRowPanel([FieldPanel("visibility"), FieldPanel("consent_review_date")]),
]

location_panels = [
    FieldRowPanel([FieldPanel("name"), FieldPanel("location_type")]),
    FieldPanel("area"),
    FieldPanel("address"),
    FieldRowPanel([FieldPanel("latitude", widget=MapPointInput), FieldPanel("longitude")]),
    MapPickerPanel(heading=_("Place on the map")),
    FieldPanel("point_is_approximate"),
    FieldPanel("visibility"),
    FieldPanel("directions"),
    FieldPanel("accessibility"),
]

organization_edit_handler = TabbedInterface(
    [
        ObjectList(
            [
                # Wagtail's "title" style (a borderless heading whose label is hidden) relies on a
                # placeholder to be seen at all; on a form it is an ordinary labelled field, and
                # TitleFieldPanel only keeps filling the slug from the name.
                TitleFieldPanel("name", classname="", placeholder=False),
                FieldPanel("slug"),
                FieldRowPanel([FieldPanel("org_type"), FieldPanel("status")]),
                FieldPanel("description"),
                MultiFieldPanel(
                    [FieldPanel("country", widget=country_select), FieldPanel("area")],
                    heading=_("Where"),
                ),
                MultiFieldPanel(
                    [
                        FieldPanel("website"),
                        FieldRowPanel([FieldPanel("email"), FieldPanel("email_visibility")]),
                    ],
                    heading=_("Website and e-mail"),
                ),
                InlinePanel(
                    "names",
                    heading=_("Other names"),
                    label=_("Name"),
                    help_text=_(
                        "Acronyms, aliases, former names and common misspellings, so searches find them."
                    ),
                    panels=[FieldRowPanel([FieldPanel("name"), FieldPanel("kind"), FieldPanel("note")])],
                ),
                InlinePanel(
                    "identifiers",
                    heading=_("Registration numbers and other identifiers"),
                    label=_("Identifier"),
                    help_text=_(
                        "Numbers this organization is registered under elsewhere: a ministry's NGO "
                        "registration, a company or charity number, another directory's id. They are "
                        "public, published in the HSDS export, and an HSDS import finds this "
                        "organization by them, so enter each exactly as the register writes it."
                    ),
                    panels=[
                        FieldRowPanel(
                            [
                                FieldPanel("identifier_scheme", heading=_("Register (scheme)")),
                                FieldPanel("identifier_type", heading=_("Kind of identifier")),
                                FieldPanel(
                                    "identifier",
                                    heading=_("Identifier"),
                                    help_text=_("The number or code itself, e.g. 1234."),
                                ),
                            ]
                        )
                    ],
                ),
            ],
            heading=_("Organization"),
        ),
        ObjectList(
            [
                HelpPanel(content=PRIVACY_HELP),
                InlinePanel("phones", heading=_("Phones"), label=_("Phone"), panels=phone_panels),
                InlinePanel("contacts", heading=_("Contacts"), label=_("Contact"), panels=contact_panels),
            ],
            heading=_("Phones and contacts"),
        ),
        ObjectList(
            [
                HelpPanel(content=PRIVACY_HELP),
                InlinePanel("locations", heading=_("Locations"), label=_("Location"), panels=location_panels),
            ],
            heading=_("Locations"),
        ),
        ObjectList(
            [
                FieldPanel("parent_organization"),
                MultiFieldPanel(
                    [FieldPanel("successor"), FieldPanel("successor_note")],
                    heading=_("Successor"),
                    help_text=_("When this organization merged, was renamed or closed."),
                ),
                FieldPanel("is_demo"),
                InlinePanel(
                    "members",
                    heading=_("Members"),
                    label=_("Member"),
                    help_text=_("Staff accounts of this organization: they see its restricted details."),
                    panels=[FieldPanel("user"), FieldPanel("role"), FieldPanel("can_edit")],
                ),
            ],
            heading=_("Relations and checks"),
        ),
        ObjectList(stewardship_panels(), heading=_("Stewardship")),
    ],
    base_form_class=OrganizationAdminForm,
)

service_edit_handler = TabbedInterface(
    [
        ObjectList(
            [
                FieldPanel("organization"),
                FieldPanel("name"),
                FieldPanel("description"),
                FieldRowPanel([FieldPanel("status"), FieldPanel("alert")]),
                MultiFieldPanel(
                    [
                        FieldPanel("url"),
                        FieldRowPanel([FieldPanel("email"), FieldPanel("email_visibility")]),
                    ],
                    heading=_("Web and e-mail"),
                ),
                MultiFieldPanel(
                    [
                        FieldPanel("application_process"),
                        FieldPanel("referral_form_url"),
                        FieldPanel("fees_description"),
                        FieldPanel("interpretation_services"),
                    ],
                    heading=_("Referral"),
                ),
            ],
            heading=_("Service"),
        ),
        ObjectList(
            [
                MultipleChooserPanel(
                    "term_links",
                    chooser_field_name="term",
                    heading=_("Service types"),
                    label=_("Service type"),
                ),
                MultipleChooserPanel(
                    "service_areas",
                    chooser_field_name="area",
                    heading=_("Areas served"),
                    label=_("Area"),
                    panels=[FieldPanel("area"), FieldPanel("note")],
                ),
                MultipleChooserPanel(
                    "language_links",
                    chooser_field_name="language",
                    heading=_("Languages"),
                    label=_("Language"),
                ),
                InlinePanel(
                    "nationalities",
                    heading=_("Nationalities accepted"),
                    label=_("Nationality"),
                    help_text=_("Leave empty when the service accepts every nationality."),
                    panels=[FieldPanel("country", widget=country_select)],
                ),
            ],
            heading=_("Types and coverage"),
        ),
        ObjectList(
            [
                FieldPanel("eligibility_description"),
                FieldRowPanel([FieldPanel("minimum_age"), FieldPanel("maximum_age")], heading=_("Ages")),
                MultiFieldPanel(
                    [
                        FieldPanel("serves_women"),
                        FieldPanel("serves_men"),
                        FieldPanel("serves_children"),
                        FieldPanel("serves_adults"),
                        FieldPanel("serves_migrants"),
                    ],
                    heading=_("Who"),
                ),
                MultiFieldPanel(
                    [
                        FieldPanel("trafficking_labour"),
                        FieldPanel("trafficking_sexual"),
                        FieldPanel("trafficking_marriage"),
                        FieldPanel("trafficking_begging"),
                    ],
                    heading=_("Forms of trafficking"),
                ),
            ],
            heading=_("Eligibility"),
        ),
        ObjectList(
            [
                FieldPanel("accepting_referrals"),
                FieldRowPanel([FieldPanel("beds_total"), FieldPanel("beds_available")]),
                FieldPanel("capacity_as_of"),
            ],
            heading=_("Capacity"),
        ),
        ObjectList(
            [
                HelpPanel(content=PRIVACY_HELP),
                InlinePanel(
                    "schedules",
                    heading=_("Opening hours"),
                    label=_("Opening hours"),
                    panels=[
                        FieldRowPanel([FieldPanel("weekday"), FieldPanel("open_24h")]),
                        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                        FieldPanel("note"),
                    ],
                ),
                InlinePanel("phones", heading=_("Phones"), label=_("Phone"), panels=phone_panels),
                InlinePanel("contacts", heading=_("Contacts"), label=_("Contact"), panels=contact_panels),
                InlinePanel(
                    "service_at_locations",
                    heading=_("Where it is offered"),
                    label=_("Location"),
                    help_text=_("Locations of this service's organization (add them on the organization)."),
                    panels=[FieldPanel("location")],
                ),
            ],
            heading=_("Hours, phones and places"),
        ),
        ObjectList([FieldPanel("is_demo")], heading=_("Checks")),
        ObjectList(stewardship_panels(), heading=_("Stewardship")),
    ],
    base_form_class=ServiceAdminForm,
)

area_panels = [
    FieldRowPanel([FieldPanel("kind"), FieldPanel("key"), FieldPanel("code")]),
    FieldPanel("slug"),
    FieldRowPanel([FieldPanel("name_en"), FieldPanel("name_km")]),
    FieldPanel("parent"),
    FieldRowPanel([FieldPanel("country"), FieldPanel("province")]),
    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
]

term_panels = [
    FieldRowPanel([FieldPanel("code"), FieldPanel("taxonomy")]),
    FieldPanel("parent"),
    FieldRowPanel([FieldPanel("name_en"), FieldPanel("name_km")]),
    FieldRowPanel([FieldPanel("name_th"), FieldPanel("name_vi"), FieldPanel("name_lo")]),
    FieldPanel("description"),
]

language_panels = [
    FieldPanel("code"),
    FieldRowPanel([FieldPanel("name_en"), FieldPanel("name_native")]),
    FieldRowPanel(
        [FieldPanel("name_km"), FieldPanel("name_th"), FieldPanel("name_vi"), FieldPanel("name_lo")]
    ),
]
