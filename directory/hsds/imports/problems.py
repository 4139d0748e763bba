"""A problem found in an import, named by file, row and field, so it can be found and fixed."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    row: object  # a CSV line number, a JSON path such as "organizations[2].phones[1]", or ""
    field: str
    message: str

    def __str__(self):
        where = self.file
        if self.row not in ("", None):
            where += f", row {self.row}" if isinstance(self.row, int) else f", {self.row}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


def source_of(item, file, path):
    """Where an item came from: its CSV row when it was read from a datapackage, else its path
    in the JSON file."""
    source = item.get("_source") if isinstance(item, dict) else None
    if source:
        return source
    return (file, path)
