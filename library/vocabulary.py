"""The library's controlled vocabulary, as plain data (no Django models), for the importers.

DOCUMENT_TYPES are the codes of the domain brief's library-records.csv (copied here: the project
never reads the brief at run time); library.models.choices.DocumentType holds the same codes
with translated labels, and a test keeps the two in step.

    document_type_code("Sub-decree") -> "sub_decree"   (codes, labels and common aliases)
    RIS_TYPES["RPRT"] -> "report"
"""

import re

DOCUMENT_TYPES = {
    "report": "Report",
    "study": "Study",
    "evaluation": "Evaluation",
    "law": "Law",
    "sub_decree": "Sub-decree",
    "prakas": "Prakas",
    "policy": "Policy",
    "action_plan": "Action plan",
    "agreement": "Agreement",
    "mou": "Memorandum of understanding",
    "sop": "Standard operating procedure",
    "guideline": "Guideline",
    "manual": "Manual",
    "training_curriculum": "Training curriculum",
    "form": "Form",
    "dataset": "Dataset",
    "media": "Media",
    "other": "Other",
}

# Other spellings editors and reference managers use for the same types.
ALIASES = {
    "subdecree": "sub_decree",
    "anukret": "sub_decree",
    "ministerial_regulation": "prakas",
    "proclamation": "prakas",
    "memorandum_of_understanding": "mou",
    "standard_operating_procedures": "sop",
    "guidelines": "guideline",
    "handbook": "manual",
    "toolkit": "manual",
    "curriculum": "training_curriculum",
    "training_materials": "training_curriculum",
    "data": "dataset",
    "video": "media",
    "brochure": "media",
    "research": "study",
    "thesis": "study",
    "journal_article": "study",
    "statute": "law",
    "legislation": "law",
    "treaty": "agreement",
    "convention": "agreement",
    "declaration": "policy",
    "strategy": "policy",
    "plan": "action_plan",
    "national_action_plan": "action_plan",
}

# RIS reference types (the RIS specification's TY codes) to document types. Unknown codes and GEN
# become "other". A vocabulary code or label in M3 ("type of work") overrides this mapping.
RIS_TYPES = {
    "RPRT": "report",
    "GOVDOC": "report",
    "UNPB": "report",
    "MANSCPT": "report",
    "GRANT": "report",
    "BILL": "law",
    "UNBILL": "law",
    "STAT": "law",
    "LEGAL": "law",
    "JOUR": "study",
    "EJOUR": "study",
    "JFULL": "study",
    "MGZN": "media",
    "NEWS": "media",
    "BOOK": "study",
    "EBOOK": "study",
    "EDBOOK": "study",
    "CHAP": "study",
    "ECHAP": "study",
    "THES": "study",
    "CONF": "study",
    "CPAPER": "study",
    "INPR": "study",
    "DATA": "dataset",
    "DBASE": "dataset",
    "AGGR": "dataset",
    "STAND": "guideline",
    "STD": "guideline",
    "PAMP": "media",
    "VIDEO": "media",
    "MPCT": "media",
    "SOUND": "media",
    "ADVS": "media",
    "SLIDE": "media",
    "ELEC": "other",
    "BLOG": "other",
    "CASE": "other",
    "HEAR": "other",
    "PCOMM": "other",
    "ICOMM": "other",
    "GEN": "other",
}
# RIS types of draft legal instruments (the importer sets legal_status "draft").
RIS_DRAFT_TYPES = {"BILL", "UNBILL"}


def _key(value):
    return re.sub(r"[^a-z0-9]+", "_", (value or "").strip().lower()).strip("_")


_LOOKUP = {code: code for code in DOCUMENT_TYPES}
_LOOKUP.update({_key(label): code for code, label in DOCUMENT_TYPES.items()})
_LOOKUP.update(ALIASES)


def document_type_code(value):
    """The vocabulary code for a code, an English label or a known alias; None when unknown."""
    key = _key(value)
    if key.endswith("s") and key not in _LOOKUP and key[:-1] in _LOOKUP:
        key = key[:-1]
    return _LOOKUP.get(key)
