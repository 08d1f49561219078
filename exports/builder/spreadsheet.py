"""CSV cells a spreadsheet will not run: text that starts like a formula gets a leading quote (OWASP CSV injection).

Only the CSV files are changed; data.json keeps the true value. Numbers are left alone: "-12.50" is a number to a
spreadsheet, never a formula.
"""

from decimal import Decimal

from exports.builder.rows import cell

# OWASP's list: what makes Excel, LibreOffice or Google Sheets read a cell as a formula or a command.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = cell(value)
    if isinstance(value, int | float | Decimal) or not text.startswith(FORMULA_START):
        return text
    return "'" + text
