"""The embedded default takes several writers at once (issue 8, finding 7): the site, the worker and beat are
separate processes on one SQLite file. WAL, a busy timeout and IMMEDIATE transactions make a transaction that
reads then writes wait for the lock instead of failing with "database is locked"."""

import subprocess
import sys

from tests.integration.processes import ROOT, process_env

WRITERS = 4
TRANSACTIONS = 60
# Each transaction reads then writes, as a login (session, last_login) or a progress update does; the "worker"
# holds its transactions open longer, as a build writing many rows does.
WRITER = """
import sys, time
import django
django.setup()
from django.db import connection, transaction
name, hold = sys.argv[1], float(sys.argv[2])
for i in range(int(sys.argv[3])):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(n), 0) FROM counter")
            n = cursor.fetchone()[0]
            time.sleep(hold)
            cursor.execute("INSERT INTO counter (n, writer) VALUES (%s, %s)", [n + 1, name])
print("done", name)
"""


def test_several_processes_write_at_once_without_database_is_locked(tmp_path):
    db = tmp_path / "db.sqlite3"
    env = process_env(tmp_path / "site", DATABASE_URL=f"sqlite:///{db}")
    setup = (
        "import django; django.setup(); from django.db import connection;"
        "connection.cursor().execute('CREATE TABLE counter (n integer UNIQUE, writer text)');"
        "print(connection.cursor().execute('PRAGMA journal_mode').fetchone()[0])"
    )
    mode = subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert mode.returncode == 0, mode.stderr

    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"w{i}", "0.02" if i == 0 else "0.002", str(TRANSACTIONS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for i in range(WRITERS)
    ]
    outputs = [w.communicate(timeout=600)[0] for w in writers]

    import sqlite3

    with sqlite3.connect(db) as check:
        rows = check.execute("SELECT COUNT(*), COUNT(DISTINCT n), MAX(n) FROM counter").fetchone()
    assert not any("database is locked" in o for o in outputs), "\n".join(o[-300:] for o in outputs)
    assert [w.returncode for w in writers] == [0] * WRITERS, "\n".join(o for o in outputs if "done" not in o)
    assert rows == (WRITERS * TRANSACTIONS,) * 3
    assert mode.stdout.strip() == "wal"
