"""data.json's rows and the CSV lines of one registered model, written by PostgreSQL itself (issue 16, item 7).

The Python pass (archive._stream_category) turns every value into a Python object, then into JSON and CSV text:
for 100,000 rows that took 15 times as long as reading the same rows with COPY. On PostgreSQL the same text is
built in SQL, a chunk of rows at a time (keyset on the primary key, so memory stays flat), and Python only
writes the chunks. The text is the same, byte for byte, as the Python pass writes
(tests/integration/test_export_sql_rows.py compares both on every kind of value); SQLite, and any model with a
column of a type not listed here (a JSON field), keep the Python pass.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.db import connection, models

from exports.builder.spreadsheet import FORMULA_START

_json = json.JSONEncoder(ensure_ascii=False).encode
# Python's csv module (excel dialect, QUOTE_MINIMAL) quotes a cell holding a comma, a quote or a line break.
_NEEDS_QUOTES = '[,"\r\n]'
# spreadsheet.NUMBER as PostgreSQL reads it: Python's "$" also matches before a final line break.
_NUMBER = "^[+-]?[0-9]+(\\.[0-9]+)?\n?$"
# The two tests of spreadsheet.neutralised(): starts like a formula (its first character is one of these: cheaper
# than a regular expression on every text cell), and is not a number.
_SAFE = [list(FORMULA_START), _NUMBER]
_TEXT = (models.CharField, models.TextField)
BARE, QUOTED, ESCAPED = "bare", "quoted", "escaped"


def _column(field, column):
    """(SQL giving the value's text as data.json and the CSV write it, how JSON writes it); None if unsupported.

    How JSON writes it: BARE (a number, true, false), QUOTED (text that cannot hold a quote, a backslash or a
    control character: a moment, a date, a decimal, an address, a UUID) or ESCAPED (free text, through to_json).
    """
    if field.is_relation:
        field = field.target_field
    if isinstance(field, models.DateTimeField):
        utc = f"({column} AT TIME ZONE 'UTC')"
        # Python's isoformat() leaves out the fraction of a second when it is zero. One to_char per value: it is
        # most of the cost of writing a timestamp, and a whole second is cheaper to recognise than to format.
        return (
            f"""CASE WHEN {utc} = date_trunc('second', {utc}) THEN to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
            f""" ELSE to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END""",
            QUOTED,
        )
    if isinstance(field, models.DateField):
        return f"to_char({column}, 'YYYY-MM-DD')", QUOTED
    if isinstance(field, models.BooleanField):
        return f"CASE WHEN {column} THEN 'true' WHEN NOT {column} THEN 'false' END", BARE
    if isinstance(field, models.IntegerField | models.AutoField):
        return f"{column}::text", BARE
    if isinstance(field, models.DecimalField) and field.decimal_places <= 6:
        # str(Decimal) gives back the digits PostgreSQL sent, without an exponent up to 6 decimal places.
        return f"{column}::text", QUOTED
    if isinstance(field, models.GenericIPAddressField):
        return f"host({column})", QUOTED
    if isinstance(field, models.UUIDField):
        return f"{column}::text", QUOTED
    if isinstance(field, _TEXT):
        return f"{column}::text", ESCAPED
    return None


def supported(entry, fields):
    return connection.vendor == "postgresql" and all(_column(entry.final_field(f), "x") for f in fields)


def _neutralised(column):
    """spreadsheet.neutralised() of a text column's value (t.<column>), as the CSV cell before quoting."""
    value = f"t.{column}"
    return (
        f"CASE WHEN left({value}, 1) = ANY(%s) AND {value} !~ %s THEN '''' || {value} ELSE {value} END AS {column}",
        _SAFE,
    )


def _quoted(column):
    """The csv module's quoting of a neutralised text cell (n.<column>); NULL is an empty cell."""
    value = f"n.{column}"
    return f"""COALESCE(CASE WHEN {value} ~ %s THEN '"' || replace({value}, '"', '""') || '"' ELSE {value} END, '')"""


def chunks(entry, fields, queryset, *, name, header, date_index, chunk):
    """Yield (the rows' JSON as data.json joins them, their CSV lines, rows, first and last moment), chunk by chunk."""
    columns = [f"c{i}" for i in range(len(fields))]
    # Each value's text once (t.c<i>); only text columns can start like a formula or hold a comma, a quote or a
    # line break, so only they get a neutralised cell (n.c<i>) and quoting.
    texts, cells, cell_params, json_sql, json_params, is_text = [], [], [], "%s", [], {}
    json_params.append("{" + _json("record") + ": " + _json(name))
    for column, path in zip(columns, fields, strict=True):
        field = entry.final_field(path)
        text, quoted = _column(field, f"r.{column}")
        texts.append(f"{text} AS {column}")
        is_text[column] = isinstance(field.target_field if field.is_relation else field, _TEXT)
        if is_text[column]:
            cell, params = _neutralised(column)
            cells.append(cell)
            cell_params += params
        value = {
            BARE: f"t.{column}",
            QUOTED: f"'\"' || t.{column} || '\"'",
            ESCAPED: f"to_json(t.{column})::text",
        }[quoted]
        json_sql += f" || %s || COALESCE({value}, 'null')"
        json_params.append(", " + _json(path) + ": ")
    json_sql += " || '}'"

    # The record column holds a model label: nothing to quote or neutralise. The header is every column of the
    # category, most of them another model's: their empty cells are one run of commas, one concatenation.
    csv_sql, csv_params, commas = "%s", [name], ""
    by_path = dict(zip(fields, columns, strict=True))
    for heading in header[1:]:
        commas += ","
        if (column := by_path.get(heading)) is None:
            continue
        csv_sql += f" || '{commas}'"
        commas = ""
        if is_text[column]:
            csv_sql += " || " + _quoted(column)
            csv_params.append(_NEEDS_QUOTES)
        else:
            csv_sql += f" || COALESCE(t.{column}, '')"
    csv_sql += f" || E'{commas}\\r\\n'"

    moment = f"r.{columns[date_index]}" if date_index is not None else "NULL::timestamptz"
    neutralised = f" CROSS JOIN LATERAL (SELECT {', '.join(cells)}) AS n" if cells else ""
    last = None
    while True:
        rows = queryset if last is None else queryset.filter(pk__gt=last)
        try:
            inner, inner_params = rows.order_by("pk").values_list("pk", *fields)[:chunk].query.sql_with_params()
        except EmptyResultSet:  # a kind of record this subject cannot have
            return
        # Column names come from the models, every value and literal is a parameter.
        sql = (
            f"SELECT string_agg({json_sql}, E',\\n      ' ORDER BY r._pk),"  # noqa: S608
            f" string_agg({csv_sql}, '' ORDER BY r._pk),"
            f" count(*), min({moment}), max({moment}), max(r._pk)"
            f" FROM ({inner}) AS r(_pk, {', '.join(columns)})"
            f" CROSS JOIN LATERAL (SELECT {', '.join(texts)}) AS t{neutralised}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*json_params, *csv_params, *inner_params, *cell_params])
            json_text, csv_text, count, first, latest, last = cursor.fetchone()
        if not count:
            return
        yield json_text, csv_text, count, first, latest
        if count < chunk:
            return
