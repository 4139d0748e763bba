"""What the readers hand back to extract(): Extracted on success, Problem raised otherwise."""

from dataclasses import dataclass, field


@dataclass
class Extracted:
    text: str
    page_count: int | None = None
    notes: list = field(default_factory=list)
    cut: bool = False


class Problem(Exception):  # noqa: N818 - a result, not an error of ours
    """A file we cannot extract text from; ``message`` is for the user, ``detail`` for the log."""

    def __init__(self, status, message, detail="", page_count=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail
        self.page_count = page_count
