"""Eligibility attributes: each is yes / no / not stated (True / False / None).

A nullable boolean is the whole rule: None is "not stated", and nothing reads it as yes or no.
Filters, target groups and search facets match only True (directory/filters.py GROUPS); pages
and the HSDS output say each state in words from the sentences below, so the wording of a state
lives in one place. A new service starts with every attribute "not stated".
"""

from django.utils.translation import gettext_lazy as _

YES, NO, NOT_STATED = "yes", "no", "not stated"

# field: (sentence when yes, sentence when no, the topic named in the "not stated" line)
ATTRIBUTES = {
    "serves_women": (
        _("Accepts women and girls"),
        _("Does not accept women and girls"),
        _("women and girls"),
    ),
    "serves_men": (
        _("Accepts male survivors"),
        _("Does not accept male survivors"),
        _("male survivors (men and boys)"),
    ),
    "serves_children": (
        _("Accepts children (under 18)"),
        _("Does not accept children (under 18)"),
        _("children (under 18)"),
    ),
    "serves_adults": (_("Accepts adults"), _("Does not accept adults"), _("adults")),
    "trafficking_labour": (
        _("Works on labour trafficking (incl. fishing, domestic work)"),
        _("Does not work on labour trafficking"),
        _("labour trafficking"),
    ),
    "trafficking_sexual": (
        _("Works on sexual exploitation"),
        _("Does not work on sexual exploitation"),
        _("sexual exploitation"),
    ),
    "trafficking_marriage": (
        _("Works on forced or brokered marriage"),
        _("Does not work on forced or brokered marriage"),
        _("forced or brokered marriage"),
    ),
    "trafficking_begging": (
        _("Works on child begging"),
        _("Does not work on child begging"),
        _("child begging"),
    ),
    "serves_migrants": (
        _("Serves migrant workers and deportees"),
        _("Does not serve migrant workers and deportees"),
        _("migrant workers and deportees"),
    ),
}
FIELDS = list(ATTRIBUTES)
TRAFFICKING_FIELDS = [f for f in FIELDS if f.startswith("trafficking_")]

# The admin's three choices; "not stated" first, the initial value of a new service.
FORM_CHOICES = [("", _("Not stated")), ("True", _("Yes")), ("False", _("No"))]
FORM_HELP = _("Leave “Not stated” unless the organization or its own documents say yes or no.")


def state(value):
    return YES if value is True else NO if value is False else NOT_STATED


class Summary:
    """What a service's record says about who it serves, in words."""

    def __init__(self, service, nationalities=None):
        self.stated = []  # [(state, sentence)] in field order
        self.not_stated = []  # topics
        for field, (yes_text, no_text, topic) in ATTRIBUTES.items():
            value = getattr(service, field)
            if value is True:
                self.stated.append((YES, yes_text))
            elif value is False:
                self.stated.append((NO, no_text))
            else:
                self.not_stated.append(topic)
        self.nationalities = list(nationalities or [])
        if not self.nationalities:
            self.not_stated.append(_("nationalities"))

    def sentences(self):
        """Plain sentences for text outputs (HSDS eligibility_description)."""
        lines = [f"{text}." for _state, text in self.stated]
        if self.nationalities:
            lines.append(f"{_('Nationalities:')} {', '.join(self.nationalities)}.")
        if self.not_stated:
            lines.append(f"{_('Not stated:')} {', '.join(str(t) for t in self.not_stated)}.")
        return " ".join(str(line) for line in lines)
