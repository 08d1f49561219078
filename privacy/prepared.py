"""One query PostgreSQL plans once per connection: PREPARE the first time, EXECUTE by name afterwards.

My Personal Data and a customer's admin page count every registered model's rows in one query of some forty
subqueries (privacy.personal_data.held_counts). Its text is the same on every view, and planning it took about as
long as running it: prepared, it took 3.0 ms instead of 6.1 for the bench's long-history customer (median of ten).
Connections are kept between requests (DB_CONN_MAX_AGE), so a plan made once serves every later view on that
connection. Elsewhere (SQLite, a value of a type not listed here) the query simply runs. Like any server-side
prepared statement, it needs a direct connection or a session-pooling proxy, as the README says.
"""

import datetime
import decimal
import hashlib
import re
import weakref

from django.db import connections

# A parameter as Django's SQL writes it for client-side binding ("%s"), not a literal percent sign ("%%").
_PLACEHOLDER = re.compile(r"%(%|s)")
# Names prepared on each open connection (the driver's connection object: a new one after a reconnect).
_prepared = weakref.WeakKeyDictionary()


def _sql_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime.datetime):
        return "timestamptz"
    if isinstance(value, datetime.date):
        return "date"
    if isinstance(value, decimal.Decimal):
        return "numeric"
    return None


def _numbered(sql):
    """`sql` with PostgreSQL's $1, $2... for Django's %s, and %% back to a plain percent sign."""
    count = 0

    def replace(match):
        nonlocal count
        if match.group(1) == "%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(replace, sql)


def fetchone(db, sql, params):
    """The first row of `sql` run with `params` on database `db`; planned once per connection on PostgreSQL."""
    connection = connections[db]
    types = [_sql_type(p) for p in params]
    if connection.vendor != "postgresql" or None in types:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    name = "gdpr_" + hashlib.sha256(f"{sql}\0{','.join(types)}".encode()).hexdigest()[:24]
    connection.ensure_connection()
    known = _prepared.setdefault(connection.connection, set())
    if name not in known:
        # Set-up of the connection, like the time zone Django sets on it: sent by the driver itself, so a page's
        # query count (tests that it does not grow with the data) is the same on the first view as on the next.
        # In a savepoint when a transaction is open: a statement PostgreSQL refuses must not break the caller's
        # transaction. The prepared statement outlives the savepoint and the transaction, as long as the connection.
        raw = connection.connection
        try:
            with raw.transaction():
                raw.execute(f"PREPARE {name} ({', '.join(types)}) AS {_numbered(sql)}")
        except raw.Error:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        known.add(name)
    with connection.cursor() as cursor:
        cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)
        return cursor.fetchone()
