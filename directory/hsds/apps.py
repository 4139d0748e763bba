from django.apps import AppConfig


class HsdsConfig(AppConfig):
    """The HSDS API's own data: tombstones of records incremental clients must drop."""

    name = "directory.hsds"
    label = "hsds"
    verbose_name = "Open Referral (HSDS)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import tombstones

        tombstones.connect()
