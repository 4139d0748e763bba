"""A library item: one Wagtail page per document, with its metadata, file and relations."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms import CheckboxSelectMultiple
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page

from directory.admin.widgets import area_chooser, snippet_chooser
from directory.publish_guard import PlainTextPublishMixin
from directory.validators import validate_plain_text

from .choices import AccessLevel, DocumentType, ExtractionStatus, LegalStatus, RelationType

MIN_YEAR, MAX_YEAR = 1900, 2100
# Wagtail's own page fields that the public pages print; the library's own text fields carry
# validate_plain_text as a field validator. PLAIN_TEXT_FIELDS is every plain-text field.
PLAIN_TEXT_PAGE_FIELDS = ["title", "seo_title", "search_description"]
PLAIN_TEXT_FIELDS = PLAIN_TEXT_PAGE_FIELDS + ["alternative_titles", "issuer_name", "authors", "abstract"]
EXTRACTION_FIELDS = ["extracted_text", "page_count", "file_size", "extraction_status", "extraction_message"]


class LibraryDocumentTag(TaggedItemBase):
    content_object = ParentalKey(
        "library.LibraryDocumentPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class LibraryRelation(Orderable):
    """A typed link to another library item: an SOP implements a law, a Prakas a sub-decree."""

    page = ParentalKey("library.LibraryDocumentPage", related_name="relations", on_delete=models.CASCADE)
    relation = models.CharField(max_length=20, choices=RelationType.choices, default=RelationType.RELATED)
    target = models.ForeignKey(
        "library.LibraryDocumentPage", on_delete=models.CASCADE, related_name="incoming_relations"
    )

    panels = [FieldPanel("relation"), FieldPanel("target")]

    def __str__(self):
        return f"{self.get_relation_display()} {self.target}"


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class LibraryDocumentPage(PlainTextPublishMixin, RoutablePageMixin, Page):
    # Every path that publishes a revision (editor, workflow approval, bulk publish, scheduled
    # command) refuses one saved before the plain-text rule (directory/publish_guard.py).
    plain_text_fields = PLAIN_TEXT_FIELDS

    alternative_titles = models.TextField(
        blank=True,
        validators=[validate_plain_text],
        help_text=_("Other titles, translated titles and short names, one per line."),
    )
    document_type = models.CharField(max_length=30, choices=DocumentType.choices, default=DocumentType.REPORT)
    issuer = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_documents",
        help_text=_("The issuing organization, when it is in the directory."),
    )
    issuer_name = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("Issuer(s) as printed on the document; several separated by semicolons."),
    )
    authors = models.TextField(
        blank=True,
        validators=[validate_plain_text],
        help_text=_("One per line, as 'Family name, Given names'."),
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    date = models.DateField(null=True, blank=True, help_text=_("Full date of issue, when known."))
    source_url = models.URLField(blank=True, max_length=500, help_text=_("Where the original is published."))
    countries = ParentalManyToManyField(
        "directory.Area", blank=True, related_name="+", limit_choices_to={"kind": "country"}
    )
    provinces = ParentalManyToManyField(
        "directory.Area", blank=True, related_name="+", limit_choices_to={"kind": "province"}
    )
    languages = ParentalManyToManyField("directory.Language", blank=True, related_name="+")
    topics = ClusterTaggableManager(through=LibraryDocumentTag, blank=True)
    abstract = models.TextField(blank=True, validators=[validate_plain_text])
    related_organizations = ParentalManyToManyField(
        "directory.Organization", blank=True, related_name="library_mentions"
    )
    related_services = ParentalManyToManyField(
        "directory.Service", blank=True, related_name="library_mentions"
    )
    legal_status = models.CharField(max_length=12, choices=LegalStatus.choices, blank=True, default="")
    superseded_by = models.ForeignKey(
        "library.LibraryDocumentPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    access_level = models.CharField(
        max_length=12,
        choices=AccessLevel.choices,
        default=AccessLevel.PUBLIC,
        help_text=_("Who may see this item and download its file."),
    )
    is_demo = models.BooleanField(default=False, help_text=_("Demonstration record (not a real holding)."))
    editor_notes = models.TextField(blank=True, help_text=_("For editors only; never shown on the site."))
    file = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Filled by the text-extraction task.
    extracted_text = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    extraction_status = models.CharField(
        max_length=20, choices=ExtractionStatus.choices, default=ExtractionStatus.NOT_APPLICABLE
    )
    extraction_message = models.TextField(blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("alternative_titles"),
        FieldPanel("document_type"),
        FieldPanel("abstract"),
        MultiFieldPanel(
            [FieldPanel("issuer"), FieldPanel("issuer_name"), FieldPanel("authors")],
            heading=_("Issuer and authors"),
        ),
        FieldRowPanel([FieldPanel("year"), FieldPanel("date")], heading=_("Date")),
        FieldPanel("source_url"),
    ]
    # Countries, provinces, organizations and services are lists of hundreds: chosen in Wagtail's
    # searchable snippet chooser (directory/admin/widgets.py), not a select box.
    metadata_panels = [
        FieldPanel("countries", widget=area_chooser("country", _("Add country"))),
        FieldPanel("provinces", widget=area_chooser("province", _("Add province or state"))),
        FieldPanel("languages", widget=CheckboxSelectMultiple),  # a short list: all in view
        # Free tags with Wagtail's autocomplete of the topics already used.
        FieldPanel("topics", heading=_("Topics")),
        MultiFieldPanel([FieldPanel("legal_status"), FieldPanel("superseded_by")], heading=_("Legal status")),
    ]
    file_panels = [
        FieldPanel("file"),
        MultiFieldPanel(
            [
                FieldPanel("extraction_status", read_only=True),
                FieldPanel("extraction_message", read_only=True),
                FieldPanel("page_count", read_only=True),
                FieldPanel("file_size", read_only=True),
            ],
            heading=_("Text extraction"),
        ),
    ]
    relation_panels = [
        FieldPanel("related_organizations", widget=snippet_chooser("Organization", _("Add organization"))),
        FieldPanel("related_services", widget=snippet_chooser("Service", _("Add service"))),
        InlinePanel("relations", label=_("Related library items")),
    ]
    access_panels = [FieldPanel("access_level"), FieldPanel("is_demo"), FieldPanel("editor_notes")]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(metadata_panels, heading=_("Metadata")),
            ObjectList(file_panels, heading=_("File")),
            ObjectList(relation_panels, heading=_("Relations")),
            ObjectList(access_panels, heading=_("Access")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    parent_page_types = ["library.LibraryIndexPage"]
    subpage_types = []
    template = "library/document_page.html"

    class Meta:
        verbose_name = _("library document")

    def clean(self):
        super().clean()
        # Page.title is Wagtail's field: its plain-text check lives here (the editor's form,
        # importers and every save through full_clean show it on the title field).
        for name in PLAIN_TEXT_PAGE_FIELDS:
            try:
                validate_plain_text(getattr(self, name))
            except ValidationError as exc:
                raise ValidationError({name: exc.error_list})
        if self.year and self.date and self.date.year != self.year:
            raise ValidationError({"date": _("The date is not in the year given.")})
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            raise ValidationError({"superseded_by": _("An item cannot supersede itself.")})
        if self.superseded_by_id and not self.legal_status:
            self.legal_status = LegalStatus.SUPERSEDED

    def save(self, *args, **kwargs):
        if self.date and not self.year:
            self.year = self.date.year
        full = kwargs.get("update_fields") is None
        stored = None
        if full and self.pk:
            stored = type(self).objects.filter(pk=self.pk).values("file_id", *EXTRACTION_FIELDS).first()
        file_changed = (stored["file_id"] if stored else None) != self.file_id
        # Read by the search sync (searchable.DocumentKind.affected): items sharing the old
        # file are re-indexed too, as the strictest level of that file may have changed.
        self._previous_file_id = stored["file_id"] if stored else None
        if stored and self.file_id and not file_changed:
            # The extraction task owns these fields: publishing an older revision must not bring
            # back the text (or the "pending" status) that was current when it was drafted.
            for name in EXTRACTION_FIELDS:
                setattr(self, name, stored[name])
        if not self.file_id:
            self.extraction_status = ExtractionStatus.NOT_APPLICABLE
        super().save(*args, **kwargs)
        if not full:
            # A draft save (update_fields) holds unpublished values: it must not move the file
            # to a looser collection nor extract a file that is not live yet.
            return
        if self.file_id and self.live:
            from ..access import place_file, strictest_level

            # A file shared by several items follows the strictest of them.
            place_file(self.file, strictest_level(self.file) or self.access_level)
        if file_changed:
            from ..tasks import schedule_extraction

            schedule_extraction(self)

    # -- derived metadata ---------------------------------------------------------------------
    @property
    def alternative_title_list(self):
        return _lines(self.alternative_titles)

    @property
    def author_list(self):
        return _lines(self.authors)

    @property
    def issuer_list(self):
        """Issuer names: the linked (published) organization first, then the printed names."""
        names = [n.strip() for n in (self.issuer_name or "").split(";") if n.strip()]
        if self.issuer_id and self.issuer and self.issuer.live and self.issuer.name not in names:
            names.insert(0, self.issuer.name)
        return names

    @cached_property
    def topic_names(self):
        return sorted(tag.name for tag in self.topics.all())

    @property
    def decade(self):
        return (self.year // 10) * 10 if self.year else None

    def tier_allows(self, user):
        from ..access import viewer_may_see

        return viewer_may_see(user, self.access_level)

    # -- serving ------------------------------------------------------------------------------
    def serve(self, request, *args, **kwargs):
        """Nothing of a partners or restricted item reaches a viewer below its tier."""
        if not self.tier_allows(request.user):
            from ..access import refuse

            return refuse(request)
        return super().serve(request, *args, **kwargs)

    @path("")
    def detail(self, request):
        from ..detail import detail_view

        return detail_view(request, self)

    @path("download/")
    def download(self, request):
        from ..detail import download_view

        return download_view(request, self)

    @path("cite/<str:fmt>/")
    def cite(self, request, fmt):
        from ..detail import cite_view

        return cite_view(request, self, fmt)
