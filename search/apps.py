from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Search contract and engines. Imports no other app: apps register with `search.registry`."""

    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import registry

        def kind_labels(values, locale):
            kinds = registry.kinds()
            return {v: kinds[v].label for v in values if v in kinds}

        registry.register_facet("kind", _("Kind"), kind_labels, order=10, reference_labels=True)

        from django.db.models.signals import post_delete, post_save

        from .models import SynonymGroup
        from .planning import forget_synonyms

        post_save.connect(forget_synonyms, sender=SynonymGroup, dispatch_uid="search-synonyms-saved")
        post_delete.connect(forget_synonyms, sender=SynonymGroup, dispatch_uid="search-synonyms-deleted")
