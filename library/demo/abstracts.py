"""Abstracts of the demo library records, composed only from what each record states: its type,
issuer, year, countries and topics. They say what the item is, never what it found: the
fixture holds no findings, and an invented one would mislead a researcher. An English
paragraph, then a Khmer one (type, issuer, year and countries: the topics have no Khmer names).
"""

from django.utils.translation import override

from ..models import DocumentType

# The generic word for a record of type "other".
GENERIC = {"en": "Document", "km": "ឯកសារ"}


def _type_label(document_type, language):
    if document_type == DocumentType.OTHER:
        return GENERIC[language]
    with override(language):
        return str(DocumentType(document_type).label)


def _join(names, language):
    names = [n for n in names if n]
    if language == "km":
        return ", ".join(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def english(document_type, issuers, year, countries, topics):
    parts = [_type_label(document_type, "en")]
    if issuers:
        parts.append(f"issued by {_join(issuers, 'en')}")
    sentence = " ".join(parts) + (f", {year}." if year else ".")
    out = [sentence]
    if countries:
        out.append(f"Countries: {', '.join(c.name_en for c in countries)}.")
    if topics:
        out.append(f"Topics: {', '.join(topics)}.")
    return " ".join(out)


def khmer(document_type, issuers, year, countries):
    parts = [_type_label(document_type, "km")]
    if issuers:
        parts.append(f"ចេញដោយ {_join(issuers, 'km')}")
    if year:
        parts.append(f"ឆ្នាំ {year}")
    out = [" ".join(parts) + "។"]
    names = [c.name_km or c.name_en for c in countries]
    if names:
        out.append(f"ប្រទេស៖ {', '.join(names)}។")
    return " ".join(out)


def demo_abstract(document_type, issuers, year, countries, topics):
    """The two paragraphs (English, then Khmer) of a demo record's abstract."""
    return english(document_type, issuers, year, countries, topics) + "\n\n" + khmer(
        document_type, issuers, year, countries
    )
