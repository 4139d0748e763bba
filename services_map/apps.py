from django.apps import AppConfig


class ServicesMapConfig(AppConfig):
    """Services map, coverage and referral packs. Built in the services-map issue."""

    name = "services_map"
    verbose_name = "Services map"

    def ready(self):
        from . import stored

        stored.connect()  # keep the coverage rows in step with the directory
