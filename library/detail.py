"""A library item's page, its file download and its citation exports."""

from django.http import FileResponse, Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.library import record_download, record_item
from directory.visibility import allowed_tiers, viewer_tier
from portal.content_languages import localize_page

from . import citations
from .access import refuse, strictest_level, viewer_may_see
from .models.choices import AccessLevel, ExtractionStatus, LegalStatus


def file_allowed(request, page):
    """The file is allowed when the viewer may see every item that uses it (a file shared with a
    restricted item stays restricted, even from a public item's page)."""
    if not page.file_id:
        return False
    level = strictest_level(page.file)
    return level is None or viewer_may_see(request.user, level)


def _absolute(request, page):
    return request.build_absolute_uri(page.get_url(request))


def _pdf_url(request, page):
    if page.file_id and page.access_level == AccessLevel.PUBLIC and page.file.file_extension.lower() == "pdf":
        return request.build_absolute_uri(page.url + "download/")
    return ""


def visible_related(page, user):
    """Related items the viewer may see: typed links both ways, and the superseding item."""
    tiers = allowed_tiers(viewer_tier(user))
    out = []
    for rel in page.relations.select_related("target"):
        target = rel.target
        if target.live and target.access_level in tiers:
            out.append((rel.get_relation_display(), target))
    for rel in page.incoming_relations.select_related("page"):
        source = rel.page
        if source.live and source.access_level in tiers:
            out.append((_("Linked from"), source))
    return out


def detail_view(request, page):
    item = citations.citable(page, _absolute(request, page))  # cited in its original language
    # Title and abstract in the interface language where a translation the viewer may see exists.
    localize_page(page, ("title", "abstract"), may_show=lambda t: t.tier_allows(request.user))
    context = page.get_context(request)
    superseded_by = page.superseded_by
    if superseded_by and not (superseded_by.live and page.superseded_by.tier_allows(request.user)):
        superseded_by = None
    context.update(
        item=item,
        apa=citations.apa(item, html=True),
        chicago=citations.chicago(item, html=True),
        highwire=citations.highwire(item, _pdf_url(request, page)),
        related=visible_related(page, request.user),
        organizations=[o for o in page.related_organizations.all() if o.live],
        services=[
            s for s in page.related_services.select_related("organization") if s.live and s.organization.live
        ],
        superseded_by=superseded_by,
        is_legal=page.legal_status != LegalStatus.NONE,
        can_download=file_allowed(request, page),
        file_withheld=bool(page.file_id) and not file_allowed(request, page),
        extraction_done=page.extraction_status == ExtractionStatus.DONE,
        countries=list(page.countries.all()),
        provinces=list(page.provinces.all()),
        languages=list(page.languages.all()),
        topics=list(page.topics.all()),
    )
    record_item(request, page)
    return TemplateResponse(request, page.get_template(request), context)


def download_view(request, page):
    """The item's file, after the item's own tier check (page.serve) has passed."""
    if not file_allowed(request, page):
        return refuse(request)
    document = page.file
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=document.filename)
    record_download(request, page)
    response["X-Robots-Tag"] = "noindex" if page.access_level != AccessLevel.PUBLIC else "all"
    response["Cache-Control"] = (
        "private" if page.access_level != AccessLevel.PUBLIC else "public, max-age=3600"
    )
    return response


def export_response(items, fmt, filename):
    if fmt not in citations.FORMATS:
        raise Http404
    content_type, extension, render = citations.FORMATS[fmt]
    response = HttpResponse(render(items), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


def cite_view(request, page, fmt):
    item = citations.citable(page, _absolute(request, page))
    return export_response([item], fmt, slugify(page.slug)[:60] or f"library-{page.pk}")
