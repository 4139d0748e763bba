"""Choices of the research library: document types (the domain brief's list), legal status,
access levels and the text-extraction status that the extraction task fills in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    REPORT = "report", _("Report")
    STUDY = "study", _("Study")
    EVALUATION = "evaluation", _("Evaluation")
    LAW = "law", _("Law")
    SUB_DECREE = "sub_decree", _("Sub-decree")
    PRAKAS = "prakas", _("Prakas")
    POLICY = "policy", _("Policy")
    ACTION_PLAN = "action_plan", _("Action plan")
    AGREEMENT = "agreement", _("Agreement")
    MOU = "mou", _("Memorandum of understanding")
    SOP = "sop", _("Standard operating procedure")
    GUIDELINE = "guideline", _("Guideline")
    MANUAL = "manual", _("Manual")
    TRAINING_CURRICULUM = "training_curriculum", _("Training curriculum")
    FORM = "form", _("Form")
    DATASET = "dataset", _("Dataset")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


LEGAL_TYPES = {
    DocumentType.LAW,
    DocumentType.SUB_DECREE,
    DocumentType.PRAKAS,
    DocumentType.POLICY,
    DocumentType.AGREEMENT,
    DocumentType.MOU,
    DocumentType.SOP,
}


class LegalStatus(models.TextChoices):
    NONE = "", _("Not a legal instrument")
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")


class AccessLevel(models.TextChoices):
    """The same tiers as the directory (directory.visibility)."""

    PUBLIC = "public", _("Public")
    PARTNERS = "partners", _("Partners only")
    RESTRICTED = "restricted", _("Restricted (editors)")


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Text extracted")
    NO_TEXT_LAYER = "no_text_layer", _("No text layer (scanned)")
    FAILED = "failed", _("Failed")
    NOT_APPLICABLE = "not_applicable", _("No file")


class RelationType(models.TextChoices):
    RELATED = "related", _("Related to")
    IMPLEMENTS = "implements", _("Implements")
    IMPLEMENTED_BY = "implemented_by", _("Implemented by")
    SUPERSEDES = "supersedes", _("Supersedes")
    SUPERSEDED_BY = "superseded_by", _("Superseded by")
    AMENDS = "amends", _("Amends")
    AMENDED_BY = "amended_by", _("Amended by")
    PART_OF = "part_of", _("Part of")
    HAS_PART = "has_part", _("Has part")
    EVALUATES = "evaluates", _("Evaluates")
    TRANSLATION_OF = "translation_of", _("Translation of")
