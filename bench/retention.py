"""Benchmark: a full retention sweep on PostgreSQL, against hand-written set-based SQL and a per-object ORM loop.

    DATABASE_URL=postgres://postgres@127.0.0.1:55455/postgres .venv/bin/python bench/retention.py [--customers N]

DATABASE_URL names a PostgreSQL server on which the user may create databases (the database in the URL is only
used to connect). The population is `seed_demo --customers N` (about 10 rows owned per customer), built once into a
template database `bench_seed_<N>` and reused (--reseed builds it again). Every method then runs on a fresh copy
of that template, as of a day where a large share is due (default: one year from today):

- ours: `retention_run()`, every rule, in a child process (time of the run, peak RSS of the process);
- raw: the same deletes and updates as hand-written SQL (bench/retention_sql.py), one transaction, no batching, no
  counting (lower bound);
- per-object: `for obj in qs: obj.delete()` / `.save()` through the ORM, on a sample of each rule's rows, scaled.

The final tables of ours and raw are compared (row counts per table, customers per state) so the lower bound
really does the same work. Peak memory of ours is measured at --small (default 10,000) and at --customers.
The last line is: ratio_vs_raw_sql=<ours / raw> speedup_vs_per_object=<loop / ours> rss_growth=<peak N / peak small>
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TARGETS = {"ratio_vs_raw_sql": 2.0, "speedup_vs_per_object": 20.0, "rss_growth": 1.5}


# Databases.


def server_url(database):
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{database}"))


def admin_sql(statement):
    import psycopg

    url = server_url("postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if statement.lstrip().upper().startswith("SELECT") else None


def database_exists(name):
    return bool(admin_sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))  # noqa: S608 - our own names


def manage(database, *args, quiet=True):
    env = {**os.environ, "DATABASE_URL": server_url(database), "CELERY_TASK_ALWAYS_EAGER": "1"}
    env.setdefault("EMAIL_FILE_PATH", "/tmp/bench-retention-mail")  # noqa: S108 - throwaway demo mail
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=out)


def seed(size, reseed):
    name = f"bench_seed_{size}"
    if database_exists(name) and not reseed:
        print(f"  reusing {name}")
        return name
    admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    manage(name, "migrate", "-v", "0")
    manage(name, "seed_demo", "--customers", str(size), "--chunk-size", "5000")
    print(f"  seeded {name} in {time.monotonic() - started:.0f} s")
    return name


def clone(template, name="bench_work"):
    admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


def child(mode, database, as_of, **extra):
    """Run one method in a fresh process (its own memory, its own connections); returns its JSON report."""
    env = {**os.environ, "DATABASE_URL": server_url(database), "DEBUG": "False", "SECRET_KEY": "bench-only"}
    # Production mode needs its hash keys too (no fall-back to SECRET_KEY).
    env.update(
        SUPPRESSION_KEY="bench-only-suppression",
        ERASURE_HASH_KEY="bench-only-erasure",
        AUDIT_CHAIN_KEY="bench-only-audit",
        CREDENTIALS_KEYS=base64.urlsafe_b64encode(b"bench-only-credentials-key-32byt").decode(),
    )
    env["ERASURE_JOURNAL"] = ""
    # Files, the cache and any run state of the child go to a folder of its own, never the local site's .run/.
    env["RUN_DIR"] = env["PRIVATE_ROOT"] = tempfile.mkdtemp(prefix="bench-retention-")
    command = [PY, __file__, "--child", mode, "--as-of", as_of.isoformat()]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    result = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


# What runs inside the child process.


def peak_rss_kib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def final_state():
    from django.db import connection

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT state, COUNT(*) FROM accounts_user GROUP BY state ORDER BY state")
        counts["users by state"] = dict(cursor.fetchall())
    return counts


def run_ours(as_of):
    from retention.services import retention_run

    started = time.perf_counter()
    results = retention_run(as_of=as_of)
    seconds = time.perf_counter() - started
    errors = {rule: c["error"] for rule, c in results.items() if "error" in c}
    acted = {rule: {k: v for k, v in c.items() if k not in ("rows",)} for rule, c in results.items()}
    return {"seconds": seconds, "peak_rss_kib": peak_rss_kib(), "errors": errors, "counts": acted}


def run_raw(as_of):
    from django.conf import settings
    from django.db import connection, transaction

    from retention.periods import cutoff, start_of_day
    from retention.rules import RULES

    at = start_of_day(as_of)
    params = {"at": at, "key": settings.ERASURE_HASH_KEY, "export_cut": at - timedelta(days=7)}
    for name, rule in RULES.items():
        if rule.amount is not None and not rule.applied_by and not rule.only_if:
            params[name] = rule.cutoff(as_of)
    params["order_data_delete"] = RULES["order_data_delete"].cutoff(as_of)
    params["lcen"] = cutoff(as_of, 5, "years")
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    started = time.perf_counter()
    from bench.retention_sql import RAW_SQL

    with transaction.atomic(), connection.cursor() as cursor:
        for statement in RAW_SQL:
            cursor.execute(statement, params)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_rss_kib": peak_rss_kib()}


def run_naive(as_of, sample):
    """Each rule in turn: a sample of its due rows acted on one object at a time through the ORM (timed, then
    scaled to all of them), and the rest done by the engine, so the next rule finds what it would in a real run."""
    from django.db import models, transaction

    from privacy.registry import Anonymise, Delete, registry
    from retention import engine
    from retention.services import as_of_instant
    from retention.sweeps import RUN_ORDER, SWEEPS, Context

    ctx = Context(as_of=as_of, at=as_of_instant(as_of))
    total, per_rule = 0.0, {}
    for name in RUN_ORDER:
        ctx.before = frozenset(RUN_ORDER[: RUN_ORDER.index(name)])
        for sweep in SWEEPS[name]:
            ctx.refresh_holds()
            plain = sweep.model is not None and type(sweep).run.__qualname__ == "Sweep.run"
            due = sweep.eligible(ctx).count() if plain else 0
            if due:
                size = min(due, max(50, int(due * sample)))
                objects = list(sweep.eligible(ctx).order_by("pk")[:size])
                started = time.perf_counter()
                with transaction.atomic():
                    for obj in objects:
                        _naive_act(sweep, obj, ctx, registry, Delete, Anonymise, engine, models)
                seconds = (time.perf_counter() - started) * due / size
                per_rule[f"{name}/{type(sweep).__name__}"] = {"due": due, "sampled": size, "seconds": seconds}
                total += seconds
            sweep.run(ctx)
    return {"seconds": total, "rules": per_rule, "peak_rss_kib": peak_rss_kib()}


def _naive_act(sweep, obj, ctx, registry, Delete, Anonymise, engine, models):  # noqa: N803
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if isinstance(obj, user_model) and sweep.action == "archived":
        obj.set_state(user_model.State.ARCHIVED, when=ctx.at)
        obj.save()
        return
    if isinstance(obj, user_model) and sweep.action == "erased":
        for entry in registry.entries():
            if entry.model is user_model:
                continue
            rows = list(entry.rows_for_user(obj))
            if entry.email_field:
                rows += list(entry.rows_for_email(obj.email))
            for row in rows:
                if isinstance(entry.erasure, Delete):
                    if entry.model._base_manager.filter(pk=row.pk).exists():
                        models.Model.delete(row)
                else:
                    values = engine.keep_blanks(entry) if not isinstance(entry.erasure, Anonymise) else {}
                    if values:
                        entry.model._base_manager.filter(pk=row.pk).update(**values)
        for field, value in registry.entry(user_model).erasure.fields.items():
            setattr(obj, field, value.format(pk=obj.pk) if isinstance(value, str) else value)
        obj.set_state(user_model.State.ERASED, when=ctx.at)
        obj.set_unusable_password()
        obj.save()
        return
    if sweep.action == "anonymised":
        for field, value in getattr(sweep, "ANONYMOUS", {}).items():
            setattr(obj, field, value)
        type(obj)._base_manager.filter(pk=obj.pk).update(**getattr(sweep, "ANONYMOUS", {"account": {}}))
        return
    models.Model.delete(obj)


# The report.


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="size of the second population, for memory")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today() + timedelta(days=365))
    parser.add_argument("--sample", type=float, default=0.02, help="share of each rule's rows the loop acts on")
    parser.add_argument("--reseed", action="store_true", help="build the populations again")
    parser.add_argument("--child", choices=("ours", "raw", "naive"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        if args.child == "ours":
            report = run_ours(args.as_of)
        elif args.child == "raw":
            report = run_raw(args.as_of)
        else:
            report = run_naive(args.as_of, args.sample)
        report["state"] = final_state()
        print(json.dumps(report, default=str))
        return

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL server (postgres://user@host:port/any-database)")
    print(f"retention benchmark: {args.customers:,} customers, as of {args.as_of}, PostgreSQL")
    print("populations:")
    small, big = seed(args.small, args.reseed), seed(args.customers, args.reseed)

    ours_small = child("ours", clone(small), args.as_of)
    ours = child("ours", clone(big), args.as_of)
    raw = child("raw", clone(big), args.as_of)
    naive = child("naive", clone(big), args.as_of, sample=args.sample)
    admin_sql('DROP DATABASE IF EXISTS "bench_work"')

    if ours["errors"]:
        sys.exit(f"the sweep failed: {ours['errors']}")
    mismatched = {
        table: (ours["state"].get(table), raw["state"].get(table))
        for table in set(ours["state"]) | set(raw["state"])
        if table != "retention_retentionrun" and ours["state"].get(table) != raw["state"].get(table)
    }
    print("\nwhat the sweep did (ours, per rule):")
    for rule, counts in ours["counts"].items():
        shown = {k: v for k, v in counts.items() if v and k != "skipped"}
        print(f"  {rule}: {shown} skipped={counts.get('skipped', {})}")
    print(f"\nfinal tables, ours vs raw SQL: {mismatched or 'identical'}")
    print("\nper-object loop, sampled and scaled:")
    for rule, figures in naive["rules"].items():
        print(f"  {rule}: {figures['due']:,} due, {figures['sampled']:,} sampled -> {figures['seconds']:.1f} s")

    ratio = ours["seconds"] / raw["seconds"]
    speedup = naive["seconds"] / ours["seconds"]
    growth = ours["peak_rss_kib"] / ours_small["peak_rss_kib"]
    print(f"\n{'method':<34}{'seconds':>10}{'peak RSS (MiB)':>16}")
    print(
        f"{'ours, ' + format(args.small, ',') + ' customers':<34}{ours_small['seconds']:>10.2f}"
        f"{ours_small['peak_rss_kib'] / 1024:>16.1f}"
    )
    print(
        f"{'ours, ' + format(args.customers, ',') + ' customers':<34}{ours['seconds']:>10.2f}"
        f"{ours['peak_rss_kib'] / 1024:>16.1f}"
    )
    print(f"{'raw set-based SQL (lower bound)':<34}{raw['seconds']:>10.2f}{raw['peak_rss_kib'] / 1024:>16.1f}")
    print(f"{'per-object ORM loop (scaled)':<34}{naive['seconds']:>10.2f}{naive['peak_rss_kib'] / 1024:>16.1f}")
    met = ratio <= TARGETS["ratio_vs_raw_sql"] and speedup >= TARGETS["speedup_vs_per_object"]
    met = met and growth <= TARGETS["rss_growth"] and not mismatched
    print(f"targets: ratio <= 2, speedup >= 20, rss_growth <= 1.5: {'met' if met else 'NOT met'}")
    print(f"ratio_vs_raw_sql={ratio:.2f} speedup_vs_per_object={speedup:.1f} rss_growth={growth:.2f}")


if __name__ == "__main__":
    main()
