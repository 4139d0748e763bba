from django.urls import path

from .views import detail, hsds, listing, suggest, vcard

app_name = "directory"

urlpatterns = [
    path("", listing.directory_index, name="index"),
    # HSDS 3.0 API (before the slug routes: "hsds" is not an organization).
    path("hsds/", hsds.api_root, name="hsds_root"),
    path("hsds/organizations/", hsds.api_organizations, name="hsds_organizations"),
    path("hsds/organizations/<uuid:id>/", hsds.api_organization, name="hsds_organization"),
    path("<slug:slug>/", detail.organization_detail, name="organization"),
    path("<slug:slug>/suggest/", suggest.suggest_update, name="organization_suggest"),
    path("<slug:slug>/vcard/", vcard.organization_vcard, name="organization_vcard"),
    path("<slug:slug>/contacts/<str:kind>-<int:pk>/vcard/", vcard.contact_vcard, name="contact_vcard"),
    path("<slug:slug>/hsds.json", hsds.organization_hsds, name="organization_hsds"),
]
