"""Admin report: which content lacks a translation, and which translations are older than their
source, per language.

Covers what the public reads in several languages: organizations and services (directory
snippets), library items and the home page (Wagtail pages). For each record of the default
locale and each other content locale, the state is:

- missing: no translation in that locale (the site shows the English text with a "not yet
  translated" note);
- draft: a translation exists but is not published (the site still shows English);
- stale: the source was changed after the translation was last saved (snippets: `updated_at`;
  pages: last published, else last revision), so the translation may say something the source
  no longer says;
- current: a published translation saved after the source's last change.

Only published sources are listed: a draft source is not on the site in any language.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from .admin_reports import AdminReportView

STATES = {
    "missing": _("No translation"),
    "draft": _("Translation not published"),
    "stale": _("Translation older than its source"),
    "current": _("Up to date"),
}
KINDS = {
    "organization": _("Organizations"),
    "service": _("Services"),
    "library": _("Library items"),
    "home": _("Home page"),
}


@dataclass
class Row:
    kind: str
    source: object
    language: str
    state: str
    source_url: str
    translation_url: str
    translate_url: str

    @property
    def state_label(self):
        return STATES[self.state]


def _snippet_urls(obj, translation):
    meta = obj._meta
    base = f"wagtailsnippets_{meta.app_label}_{meta.model_name}"
    source_url = reverse(f"{base}:edit", args=[obj.pk])
    translation_url = reverse(f"{base}:edit", args=[translation.pk]) if translation else ""
    try:
        translate_url = reverse(
            "simple_translation:submit_snippet_translation", args=[meta.app_label, meta.model_name, obj.pk]
        )
    except NoReverseMatch:
        translate_url = ""
    return source_url, translation_url, translate_url


def _page_urls(page, translation):
    source_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    translation_url = reverse("wagtailadmin_pages:edit", args=[translation.pk]) if translation else ""
    try:
        translate_url = reverse("simple_translation:submit_page_translation", args=[page.pk])
    except NoReverseMatch:
        translate_url = ""
    return source_url, translation_url, translate_url


def _snippet_changed(obj):
    return obj.updated_at


def _page_changed(page):
    return page.last_published_at or page.latest_revision_created_at


def _sources():
    """[(kind, queryset of published default-locale sources, changed-at function, urls function)]."""
    from directory.models import Organization, Service
    from library.models import LibraryDocumentPage

    from .models import HomePage

    default = Locale.get_default()
    return [
        (
            "organization",
            Organization.objects.filter(locale=default, live=True).order_by("name"),
            _snippet_changed,
            _snippet_urls,
        ),
        (
            "service",
            Service.objects.filter(locale=default, live=True, organization__live=True)
            .select_related("organization")
            .order_by("organization__name", "name"),
            _snippet_changed,
            _snippet_urls,
        ),
        (
            "library",
            LibraryDocumentPage.objects.live().filter(locale=default).order_by("title"),
            _page_changed,
            _page_urls,
        ),
        ("home", HomePage.objects.live().filter(locale=default), _page_changed, _page_urls),
    ]


def content_locales():
    """The locales translations go into (every content locale but the default)."""
    return list(Locale.objects.exclude(pk=Locale.get_default().pk).order_by("language_code"))


def state_of(source, translation, changed):
    if translation is None:
        return "missing"
    if not translation.live:
        return "draft"
    source_at, translation_at = changed(source), changed(translation)
    if source_at and translation_at and source_at > translation_at:
        return "stale"
    return "current"


def report(languages=None, kinds=None):
    """(rows, summary): one row per (source, language) pair; summary[language][kind][state] = n."""
    locales = [loc for loc in content_locales() if not languages or loc.language_code in languages]
    rows, summary = [], {}
    for kind, sources, changed, urls in _sources():
        if kinds and kind not in kinds:
            continue
        sources = list(sources)
        model = sources[0].__class__ if sources else None
        translations = {}
        if model is not None:
            for t in model.objects.filter(
                translation_key__in=[s.translation_key for s in sources], locale__in=locales
            ).select_related("locale"):
                translations[(t.translation_key, t.locale.language_code)] = t
        for locale in locales:
            language = locale.language_code
            counts = summary.setdefault(language, {}).setdefault(kind, dict.fromkeys(STATES, 0))
            for source in sources:
                translation = translations.get((source.translation_key, language))
                state = state_of(source, translation, changed)
                counts[state] += 1
                rows.append(Row(kind, source, language, state, *urls(source, translation)))
    return rows, summary


class TranslationReportView(AdminReportView):
    template_name = "portal/admin/translation_report.html"
    page_title = _("Content translations")
    header_icon = "globe"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        locales = content_locales()
        codes = [loc.language_code for loc in locales]
        language = self.request.GET.get("language", "")
        kind = self.request.GET.get("kind", "")
        state = self.request.GET.get("state", "")
        language = language if language in codes else ""
        kind = kind if kind in KINDS else ""
        state = state if state in STATES else ""
        rows, summary = report([language] if language else None, [kind] if kind else None)
        # The list shows what needs work unless a state is chosen.
        shown = [r for r in rows if (r.state == state if state else r.state != "current")]
        context.update(
            languages=[(loc.language_code, loc.get_display_name() or loc.language_code) for loc in locales],
            kinds=list(KINDS.items()),
            states=list(STATES.items()),
            chosen={"language": language, "kind": kind, "state": state},
            summary=[
                (code, [(k, KINDS[k], summary[code][k]) for k in KINDS if k in summary.get(code, {})])
                for code in codes
                if code in summary
            ],
            page_obj=Paginator(shown, self.paginate_by).get_page(self.request.GET.get("p")),
            total=len(shown),
        )
        return context
