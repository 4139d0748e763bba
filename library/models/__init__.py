from .choices import AccessLevel, DocumentType, ExtractionStatus, LegalStatus, RelationType
from .document import LibraryDocumentPage, LibraryDocumentTag, LibraryRelation
from .index import LibraryIndexPage

__all__ = [
    "AccessLevel",
    "DocumentType",
    "ExtractionStatus",
    "LegalStatus",
    "LibraryDocumentPage",
    "LibraryDocumentTag",
    "LibraryIndexPage",
    "LibraryRelation",
    "RelationType",
]
