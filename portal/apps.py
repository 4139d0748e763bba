from django.apps import AppConfig, apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


def _last_app_with_models():
    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]


def ensure_roles_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate is sent once per app; act on the last one, when every app (including Wagtail
    snippets, which adds the publish/lock/unlock permissions) has created its permissions."""
    if sender.label != _last_app_with_models().label:
        return
    from .roles import ensure_roles

    ensure_roles(using=using)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from directory.admin.translation import connect_translation_signals

        from .admin_scripts import install as start_admin_widgets_without_inline_scripts

        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="portal.ensure_roles_after_migrate")
        connect_translation_signals()
        start_admin_widgets_without_inline_scripts()
