"""Demo eligibility: only what an organization's role summary (the source) states.

Every attribute starts "not stated" (None). The summary describes the organization, so it is
read only for the services that take people in (shelter, reception, return) and, for exploitation
types, only for shelters (a summary naming "labour migration" or "the labour ministry" says
nothing about whom a return service takes). A keyword sets an attribute to yes; the only "no"s are
a shelter named for boys (no women, no adults) and a "shelter for women" (no men). Nothing is
inferred from a keyword's absence.
"""

import re

from ..eligibility import FIELDS

# Services whose intake the role summary describes.
PEOPLE_SERVICES = {"SHELTER", "RECEPT", "RETURN"}

WHO_RULES = {
    # "women", never "Women's Affairs" or "women's rights"; "children", never "a child ... study".
    "serves_women": re.compile(r"\bwomen\b(?!'s)", re.I),
    "serves_children": re.compile(r"\bchildren\b|\bminors?\b|\bgirls?\b|\bboys?\b", re.I),
    "serves_migrants": re.compile(r"\bmigrant workers?\b|\bdeport", re.I),
}
EXPLOITATION_RULES = {
    "trafficking_labour": re.compile(r"\blabou?r\b|fishing|fishermen|domestic work|factory", re.I),
    "trafficking_sexual": re.compile(r"sexual|sex work|prostitut|brothel", re.I),
    "trafficking_marriage": re.compile(r"marriage|\bbrides?\b", re.I),
    "trafficking_begging": re.compile(r"begging", re.I),
}
BOYS_ONLY = re.compile(r"\bboys?\b", re.I)  # in the organization's name
WOMEN_ONLY = re.compile(r"shelter for women\b", re.I)

NOT_STATED_TEXT = "Eligibility not stated in the sources; confirm with the organization before referring."
PARTLY_STATED_TEXT = (
    "Eligibility as far as the public sources state it; anything marked not stated must be "
    "confirmed with the organization before referring."
)


def demo_eligibility(record, top_code):
    """{field: True / False / None, "eligibility_description": text} for one demo service."""
    values = dict.fromkeys(FIELDS)
    if top_code in PEOPLE_SERVICES:
        rules = WHO_RULES | (EXPLOITATION_RULES if top_code == "SHELTER" else {})
        for field, pattern in rules.items():
            if pattern.search(record["description"]):
                values[field] = True
        if top_code == "SHELTER" and BOYS_ONLY.search(record["name"]):
            values.update(serves_men=True, serves_children=True, serves_women=False, serves_adults=False)
        elif top_code == "SHELTER" and WOMEN_ONLY.search(record["description"]):
            values.update(serves_women=True, serves_men=False)
    stated = any(value is not None for value in values.values())
    values["eligibility_description"] = PARTLY_STATED_TEXT if stated else NOT_STATED_TEXT
    return values
