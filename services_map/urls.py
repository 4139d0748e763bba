from django.urls import path

from .views import coverage, map_page

app_name = "services_map"

urlpatterns = [
    path("", map_page.map_index, name="index"),
    path("services.geojson", map_page.services_geojson, name="geojson"),
    path("coverage/", coverage.coverage_index, name="coverage"),
    path("coverage.csv", coverage.coverage_csv, name="coverage_csv"),
    path("coverage/<slug:slug>/", coverage.coverage_area, name="coverage_area"),
    path("coverage/<slug:slug>/pack/", coverage.referral_pack, name="pack"),
]
