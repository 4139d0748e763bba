from django.urls import path

from .member import organization_access_log

app_name = "audit"

urlpatterns = [path("", organization_access_log, name="organization_access_log")]
