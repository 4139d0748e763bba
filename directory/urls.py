from django.urls import path

from .hsds import api as hsds_api
from .hsds import download as hsds_download
from .views import detail, hsds, listing, referral_list, suggest, vcard

app_name = "directory"

urlpatterns = [
    path("", listing.directory_index, name="index"),
    # HSDS 3.0 API (before the slug routes: "hsds" is not an organization).
    # The first addresses of the HSDS API stay, as aliases of /api/hsds/v3/.
    path("hsds/", hsds_api.root, name="hsds_root"),
    path("hsds/datapackage.zip", hsds_download.datapackage_zip, name="hsds_datapackage"),
    path("hsds/organizations/", hsds_api.organizations, name="hsds_organizations"),
    path("hsds/organizations/<uuid:id>/", hsds_api.organization, name="hsds_organization"),
    # The referral list (before the slug routes: "list" is not an organization).
    path("list/", referral_list.referral_list, name="referral_list"),
    path("<slug:slug>/", detail.organization_detail, name="organization"),
    path("<slug:slug>/suggest/", suggest.suggest_update, name="organization_suggest"),
    path("<slug:slug>/vcard/", vcard.organization_vcard, name="organization_vcard"),
    path("<slug:slug>/contacts/<str:kind>-<int:pk>/vcard/", vcard.contact_vcard, name="contact_vcard"),
    path("<slug:slug>/hsds.json", hsds.organization_hsds, name="organization_hsds"),
]
