from django.urls import path

from .views import detail, hsds, listing, vcard

app_name = "directory"

urlpatterns = [
    path("", listing.directory_index, name="index"),
    path("<slug:slug>/", detail.organization_detail, name="organization"),
    path("<slug:slug>/vcard/", vcard.organization_vcard, name="organization_vcard"),
    path("<slug:slug>/contacts/<str:kind>-<int:pk>/vcard/", vcard.contact_vcard, name="contact_vcard"),
    path("<slug:slug>/hsds.json", hsds.organization_hsds, name="organization_hsds"),
]
