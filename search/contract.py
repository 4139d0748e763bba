"""The search contract: what every engine accepts and returns (DESIGN.md, "Search contract").

    query:  text, filters {field: [values]}, facets [fields], sort, page, per_page, locale, viewer
    result: hits [{kind, id, title, url, snippet, score, missing}], total,
            facets {field: [(value, label, count, selected)]}, engine, took_ms,
            partial, unmatched

Matching: every query word when some document has them all; otherwise (`partial`) documents
with some of them, ranked by how many (rarity-weighted) they have. `unmatched` lists the typed
words that hits on this page lack, so the page can say so and offer to search without them;
`absent` those that no document the viewer may see (of the kinds searched) has at all ("no
results contain X").

`Document` is what apps hand to the index: only data every viewer of `tier` may see.
"""

import datetime
from dataclasses import dataclass, field

SORTS = ("relevance", "title", "recent")
MAX_TEXT = 200  # characters of query text kept; the rest of a 10,000-character paste is dropped
MAX_TOKENS = 12
MAX_PER_PAGE = 100
MAX_PAGE = 500  # deep paging past 50,000 hits is a crawler, not a person


@dataclass
class Document:
    """One searchable record, as an app describes it to `search`.

    `display` holds, per language code, what a result shows: {"en": {"title", "url", "text"}}.
    `names` are alternative names (acronyms, aliases, former names, translations), weighted
    between the title and the body. `facets` maps a facet field to its values.
    """

    kind: str
    id: str
    title: str
    url: str
    tier: str = "public"
    names: list = field(default_factory=list)
    body: str = ""
    facets: dict = field(default_factory=dict)
    display: dict = field(default_factory=dict)
    date: datetime.date | None = None

    @property
    def key(self):
        return f"{self.kind}:{self.id}"


@dataclass
class Query:
    text: str = ""
    filters: dict = field(default_factory=dict)  # {field: [values]}; OR within, AND across
    facets: list = field(default_factory=list)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    locale: str = "en"
    viewer: object = None  # a user (or AnonymousUser / None); tiers come from the registry
    kinds: list = field(default_factory=list)  # empty: every registered kind

    def __post_init__(self):
        self.text = (self.text or "")[: MAX_TEXT * 4]
        self.sort = self.sort if self.sort in SORTS else "relevance"
        self.page = min(max(int(self.page or 1), 1), MAX_PAGE)
        self.per_page = min(max(int(self.per_page or 20), 1), MAX_PER_PAGE)
        self.filters = {k: [v for v in vals if v] for k, vals in (self.filters or {}).items() if vals}


@dataclass
class Hit:
    kind: str
    id: str
    title: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> around matched words
    score: float
    date: datetime.date | None = None
    note: str = ""  # e.g. "Now: <successor>" for a merged or closed organization
    note_url: str = ""
    missing: list = field(default_factory=list)  # typed words this hit lacks (partial results)
    untranslated: bool = False  # shown in English: no translation in the viewer's language yet


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Result:
    hits: list
    total: int
    facets: dict  # {field: [FacetValue]}
    engine: str
    took_ms: float
    query: Query = None
    corrections: dict = field(default_factory=dict)  # {typed token: token searched instead}
    ignored_filters: dict = field(default_factory=dict)  # {field: [values]} nothing visible has
    notice: str = ""  # shown to the user, e.g. when the search server is down
    partial: bool = False  # no document has every word: these have some of them
    unmatched: list = field(default_factory=list)  # typed words some hits on this page lack
    absent: list = field(default_factory=list)  # typed words no document the viewer may see has

    @property
    def pages(self):
        if not self.query:
            return 1
        return max(1, -(-self.total // self.query.per_page))

    def page_numbers(self, around=2):
        """The page numbers to link: the first, the last, and `around` either side of this one."""
        current = self.query.page if self.query else 1
        numbers = {1, self.pages, *range(max(1, current - around), min(self.pages, current + around) + 1)}
        return sorted(numbers)
