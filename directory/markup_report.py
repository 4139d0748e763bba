"""Admin report: directory records whose stored text holds what the plain-text validator refuses.

The validator now also refuses event-handler attributes, encoded tags, script addresses and
template code, which older rows may hold. They are listed here for an editor to fix, never
changed silently; none of them is published until fixed (directory/publish_guard.py), and the
public pages show them escaped in the meantime.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from .permissions import is_scoped_editor
from .publish_guard import failing_fields, field_label, markup_fields, plain_text_fields

EXCERPT_CHARS = 80


def _excerpt(value):
    value = value or ""
    return value if len(value) <= EXCERPT_CHARS else value[: EXCERPT_CHARS - 1] + "…"


def _owner(obj):
    """The record an editor opens to fix `obj`: itself, or its organization or service."""
    if _edit_url(obj):
        return obj
    for name in ("service", "organization"):
        if getattr(type(obj), name, None) is not None and getattr(obj, f"{name}_id", None):
            return getattr(obj, name)
    return obj


def _edit_url(obj):
    try:
        return reverse(f"wagtailsnippets_{obj._meta.app_label}_{obj._meta.model_name}:edit", args=[obj.pk])
    except NoReverseMatch:
        return ""


def records_with_markup():
    """[{record, url, field, excerpt}] for every stored directory row (organizations, services and
    their names, phones, contacts, locations...) and every unpublished draft that fails the check."""
    rows = []
    for model in apps.get_app_config("directory").get_models():
        names = plain_text_fields(model)
        if not names:
            continue
        filled = Q()
        for name in names:
            filled |= ~Q(**{name: ""})
        for obj in model.objects.filter(filled).order_by("pk").iterator(chunk_size=500):
            for name in failing_fields(obj):
                owner = _owner(obj)
                label = field_label(obj, name)
                if owner is not obj:
                    label = f"{obj._meta.verbose_name}: {label}"
                rows.append(
                    {
                        "record": str(owner),
                        "url": _edit_url(owner),
                        "field": label,
                        "excerpt": _excerpt(getattr(obj, name)),
                    }
                )
        if hasattr(model, "has_unpublished_changes"):
            drafts = model.objects.filter(has_unpublished_changes=True, latest_revision__isnull=False)
            for obj in drafts.select_related("latest_revision").iterator(chunk_size=200):
                draft = obj.latest_revision.as_object()
                for _key, label in markup_fields(draft):
                    rows.append(
                        {
                            "record": str(obj),
                            "url": _edit_url(obj),
                            "field": label + gettext(" (unpublished draft)"),
                            "excerpt": "",
                        }
                    )
    rows.sort(key=lambda row: (row["record"].lower(), row["field"]))
    return rows


def can_see_report(user):
    # Site-wide: not for an organization-scoped editor (directory.permissions).
    if user.is_superuser:
        return True
    return user.has_perm("directory.change_organization") and not is_scoped_editor(user)


def markup_report_view(request):
    if not can_see_report(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "directory/admin/markup_report.html",
        {
            "page_title": gettext("Directory records with markup"),
            "header_icon": "warning",
            "rows": records_with_markup(),
        },
    )
