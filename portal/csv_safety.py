"""CSV cells a spreadsheet opens as text: one guard for every CSV a person downloads to open in
a spreadsheet program (the access log, the service coverage table)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a
    formula: such a cell is kept text with a leading apostrophe. None is an empty cell."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
