"""Small presentation helpers for the directory templates. They format; they never decide
who may see what (that is `directory.visibility`, applied before data reaches a template)."""

from django import template
from django.utils.translation import gettext as _

from ..opening import service_status, status_label

register = template.Library()


@register.filter
def hours(schedule):
    """'08:00–17:00', or 'Open 24 hours'."""
    if schedule.open_24h:
        return _("Open 24 hours")
    if schedule.opens_at and schedule.closes_at:
        if schedule.closes_at < schedule.opens_at:
            return _("%(opens)s–%(closes)s (next day)") % {
                "opens": f"{schedule.opens_at:%H:%M}",
                "closes": f"{schedule.closes_at:%H:%M}",
            }
        return f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}"
    return _("Hours not stated")


@register.simple_tag
def open_status(service, organization=None):
    """`{% open_status service org as status %}`: the service's OpenStatus now, in its office's
    zone (directory/opening.py). `organization` (with its country) saves reading it again."""
    return service_status(service, organization)


@register.filter
def open_status_label(status):
    """The badge's text ("Open now · closes at 17:00"); "" when the hours are not known."""
    return status_label(status)


@register.filter
def weekday_label(schedule):
    return schedule.get_weekday_display() if schedule.weekday else _("Every day")


@register.filter
def age_range(service):
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return _("Ages %(low)s to %(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("Ages %(low)s and over") % {"low": low}
    if high is not None:
        return _("Up to age %(high)s") % {"high": high}
    return ""


@register.filter
def has_capacity(service):
    return service.beds_total is not None or service.accepting_referrals != "unknown"


@register.filter
def area_names(names):
    return ", ".join(str(n) for n in names)


@register.simple_tag
def facet_input_id(facet_name, value):
    """A stable, HTML-safe id for a facet checkbox: facet-province-battambang."""
    cleaned = "".join(c if c.isalnum() else "-" for c in str(value).lower())
    return f"facet-{facet_name}-{cleaned}"
