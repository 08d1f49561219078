"""CSV cells a spreadsheet will not run: text that starts like a formula gets a leading quote (OWASP CSV injection).

Only the CSV files are changed; data.json keeps the true value. Numbers are left alone: "-12.50" is a number to a
spreadsheet, never a formula.
"""

import re
from decimal import Decimal

from exports.builder.rows import cell

# OWASP's list: what makes Excel, LibreOffice or Google Sheets read a cell as a formula or a command.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = cell(value)
    if isinstance(value, int | float | Decimal) or not text.startswith(FORMULA_START):
        return text
    return "'" + text


# ASCII digits: the same test as PostgreSQL makes when it writes the CSV (exports/builder/pg_rows.py).
NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def neutralised(text: str, value) -> str:
    """safe_cell for a value the archive has already turned to text: numbers (even as strings) stay as they are."""
    if not text.startswith(FORMULA_START) or isinstance(value, int | float | Decimal) or NUMBER.match(text):
        return text
    return "'" + text
