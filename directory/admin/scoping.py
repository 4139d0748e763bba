"""Organization-scoped editing in the admin views (the rule is ``directory.permissions``).

Wagtail's snippet views check model-wide permissions and only a few of them ask about the
instance, so the scope is enforced here, for every view at once: ``ScopedViewSetMixin`` wraps
each URL of a viewset that names an object (``pk``) so a scoped editor gets 403 for an object
outside their organizations, and filters the listing; ``ScopedChooserMixin`` filters choosers.
"""

from functools import wraps

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern

from ..permissions import may_edit_object, scope_queryset


def scoped_object_view(view, model):
    """`view`, refusing a scoped editor any object (kwarg ``pk``) outside their organizations."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None and not may_edit_object(request.user, model, unquote(str(pk))):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class ScopedViewSetMixin:
    """For a SnippetViewSet: scope the listing and every per-object URL. A viewset names its
    listing's queryset in ``base_queryset`` (not ``get_queryset``, which this defines)."""

    def base_queryset(self, request):
        return self.model._default_manager.all()

    def get_queryset(self, request):
        return scope_queryset(self.base_queryset(request), request.user)

    def get_urlpatterns(self):
        return [
            URLPattern(p.pattern, scoped_object_view(p.callback, self.model), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in super().get_urlpatterns()
        ]


class ScopedChooserMixin:
    """For chooser views: a scoped editor is offered only their organizations' objects."""

    def get_object_list(self):
        return scope_queryset(super().get_object_list(), self.request.user)


class ScopedChosenMixin:
    """For the chooser's "chosen" views: another organization's object is not found (404)."""

    def get_object(self, pk):
        return scope_queryset(self.model_class.objects.all(), self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return scope_queryset(super().get_objects(pks), self.request.user)


# Wagtail's own site-wide reports list every organization's entries by title and action (Site
# history filters by model permission, not by organization): not for a scoped editor, who sees
# an entry's history on the entry itself.
SITE_WIDE_WAGTAIL_REPORTS = frozenset({"site_history", "site_history_results"})


class ScopedEditorReportsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from ..permissions import is_scoped_editor

        match = request.resolver_match
        if (
            match is not None
            and match.namespace.endswith("wagtailadmin_reports")
            and match.url_name in SITE_WIDE_WAGTAIL_REPORTS
            and is_scoped_editor(request.user)
        ):
            raise PermissionDenied
        return None
