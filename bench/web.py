"""Web benchmark: the pages staff and customers open most, under 20 concurrent clients, on PostgreSQL behind gunicorn.

It seeds (once; a later run reuses the data) `seed_demo --customers N` plus as many data-subject requests, gives
one customer a long history, starts gunicorn in production mode (DEBUG=False, behind a proxy as far as the site
can tell) on a free loopback port, and for each page sends --requests requests from --clients threads, each on
its own keep-alive connection, after a warm-up. Each page is compared with /bench/bare/, a Django view running
one query on the same server (bench/urls.py, never in the site's urlconf). Queries per page are counted in this
process through Django's test client, on the same database.

    export DATABASE_URL=postgres://postgres@127.0.0.1:55466/gdpr
    nice .venv/bin/python bench/web.py                      # 100,000 customers and requests
    nice .venv/bin/python bench/web.py --customers 5000     # a quick run

The last line reads

    worst_p50_ratio_vs_bare=<x> worst_p95_ms=<ms> max_queries=<n>

Target: worst_p50_ratio_vs_bare <= 3.

Two references are measured the same way, printed on the line before and left out of the last line: Django admin's
own list of groups (three rows) and its password form, views the site does not change, in the back-office's
chrome. They show what a back-office page costs here at the least: on a 2-core machine, Django's list of three
groups measured 3.5 times the bare view, its password form 1.7 (reference_p50_ratio_vs_bare).
"""

import argparse
import base64
import http.client
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONG_HISTORY = "bench.history@example.invalid"
# Pages measured as references (Django's own admin views), printed but not in the last line's figures.
REFERENCE = "ref_"


def environment(private):
    """Production settings (DEBUG off, behind a proxy) with every file, cache and mail under the folder `private`."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SUPPRESSION_KEY": secrets.token_urlsafe(32),
        "ERASURE_HASH_KEY": secrets.token_urlsafe(32),
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),
        "CREDENTIALS_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "BEHIND_PROXY": "True",
        "PRIVATE_ROOT": private,
        # The shared cache (files, as `make run` has it) and any run state go under the temporary folder too.
        "RUN_DIR": private,
        "ERASURE_JOURNAL": str(Path(private) / "journal.jsonl"),
        "EMAIL_FILE_PATH": str(Path(private) / "mail"),
        "STATIC_ROOT": str(Path(private) / "static"),
        # Mail the seeding or the pages send is written under the temporary folder, never under .run/.
        "CELERY_TASK_ALWAYS_EAGER": "True",
        "CELERY_BROKER_DIR": str(Path(private) / "broker"),
        "LOG_LEVEL": "WARNING",
    }


def _setup(env):
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    import django

    django.setup()


def _seed(customers, requests):
    """Customers through seed_demo, then requests for them in bulk; skipped when the database already has them."""
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from privacy.models import DataSubjectRequest
    from privacy.models.requests import Channel, Kind, Status

    have = User.objects.filter(is_staff=False).count()
    if have < customers:
        print(f"seeding {customers - have:,} customers (seed_demo)...", flush=True)
        call_command("seed_demo", customers=customers - have, verbosity=0)
    missing = requests - DataSubjectRequest.objects.count()
    if missing > 0:
        print(f"seeding {missing:,} requests...", flush=True)
        rng = random.Random(7)
        now = timezone.now()
        ids = list(User.objects.filter(is_staff=False).values_list("pk", "email")[: max(customers, 1)])
        statuses = [Status.COMPLETED] * 8 + [Status.RECEIVED, Status.IN_PROGRESS]
        batch = []
        for i in range(missing):
            pk, email = ids[i % len(ids)]
            received = now - timedelta(days=rng.randint(0, 900), minutes=rng.randint(0, 1440))
            status = rng.choice(statuses)
            batch.append(
                DataSubjectRequest(
                    reference=f"B{i:07d}{secrets.token_hex(2)}"[:12],
                    kind=rng.choice(Kind.values),
                    status=status,
                    channel=Channel.CLIENT_AREA,
                    customer_id=pk,
                    requester_name=f"Bench {i}",
                    requester_email=email,
                    received_at=received,
                    due_at=received + timedelta(days=30),
                    created_at=received,
                    closed_at=received + timedelta(days=10) if status == Status.COMPLETED else None,
                )
            )
            if len(batch) == 5000:
                DataSubjectRequest.objects.bulk_create(batch)
                batch = []
        DataSubjectRequest.objects.bulk_create(batch)


def _long_history():
    """One customer with years of activity: orders, invoices, tickets, connections, consents, requests."""
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import ConnectionLog, Invoice, Order, SupportTicket, TicketMessage, User

    customer = User.objects.filter(email=LONG_HISTORY).first()
    if customer:
        return customer
    customer = User.objects.create_user(email=LONG_HISTORY, first_name="Zoé", last_name="Longue-Histoire")
    now = timezone.now()
    ConnectionLog.objects.bulk_create(
        ConnectionLog(customer=customer, created_at=now - timedelta(hours=i), ip="198.51.100.7", success=True)
        for i in range(3000)
    )
    Order.objects.bulk_create(
        Order(
            customer=customer,
            reference=f"BH-{i}",
            product="Web hosting Pro",
            amount=Decimal("19.90"),
            status=Order.Status.COMPLETED,
            created_at=now - timedelta(days=i),
        )
        for i in range(500)
    )
    Invoice.objects.bulk_create(
        Invoice(
            customer=customer,
            number=f"BH-{i}",
            status=Invoice.Status.PAID,
            total=Decimal("120.00"),
            created_at=now - timedelta(days=3 * i),
            issued_at=now - timedelta(days=3 * i),
        )
        for i in range(300)
    )
    tickets = SupportTicket.objects.bulk_create(
        SupportTicket(customer=customer, subject=f"Question {i}", created_at=now - timedelta(days=7 * i))
        for i in range(100)
    )
    TicketMessage.objects.bulk_create(
        TicketMessage(ticket=t, author_role=TicketMessage.Role.CUSTOMER, body="Bonjour", created_at=t.created_at)
        for t in tickets
        for _ in range(3)
    )
    return customer


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _logged_in(client, user):
    """`client` logged in as `user` with what a login with password and authenticator code records in the session:
    the back-office asks staff for the second factor (R69) and would answer with a redirect otherwise."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def _session(user):
    """A real session row for `user`, as the login form would leave it."""
    from django.test import Client

    return _logged_in(Client(), user).cookies["sessionid"].value


def _pages(customer, dpo):
    from django.urls import reverse

    from privacy.models import DataSubjectRequest

    queue = reverse("admin:privacy_datasubjectrequest_changelist")
    needle = DataSubjectRequest.objects.order_by("-pk").values_list("requester_email", flat=True).first() or "x"
    return [
        ("bare", dpo, "/bench/bare/"),
        ("my_personal_data", customer, reverse("privacy:my_data")),
        ("queue", dpo, queue),
        ("queue_overdue", dpo, f"{queue}?deadline=overdue"),
        ("queue_search", dpo, f"{queue}?q={needle.split('@')[0]}"),
        ("admin_dashboard", dpo, reverse("admin:index")),
        ("customer_admin", dpo, reverse("admin:accounts_user_change", args=[customer.pk])),
        # References, not counted in the last line: two of Django's own admin views, which the site leaves as Django
        # wrote them, in the back-office's chrome. What any back-office page costs on this machine at the least.
        ("ref_admin_list", dpo, reverse("admin:auth_group_changelist")),
        ("ref_admin_password", dpo, reverse("admin:password_change")),
    ]


def _queries(user, path):
    """Queries the page runs, counted in this process with the test client on the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = _logged_in(Client(HTTP_X_FORWARDED_PROTO="https"), user)
    client.get(path, secure=True)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, secure=True)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def _load(port, path, cookie, clients, total):
    """Send `total` GETs from `clients` threads; the latencies in ms."""
    latencies, errors, lock = [], [], threading.Lock()
    per_client = max(1, total // clients)

    def run():
        try:
            client()
        except OSError as e:  # a timeout or a reset: the run is not valid, say so instead of a partial figure
            with lock:
                errors.append(f"{type(e).__name__}: {e}")

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Cookie": f"sessionid={cookie}"}
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                with lock:
                    errors.append(response.status)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit(f"{path}: {len(errors)} answers were not 200, e.g. {errors[:5]}")
    return latencies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--data-requests", type=int, default=None, help="requests in the queue (default: customers)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="HTTP requests per page")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/web.py runs on PostgreSQL: set DATABASE_URL=postgres://...")

    private = tempfile.mkdtemp(prefix="bench-web-")
    env = environment(private)
    _setup(env)
    from django.core.management import call_command

    from accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    _seed(args.customers, args.data_requests if args.data_requests is not None else args.customers)
    customer = _long_history()
    dpo = User.objects.filter(is_superuser=True).order_by("pk").first()
    pages = _pages(customer, dpo)
    queries = {name: _queries(user, path) for name, user, path in pages}

    port = _free_port()
    log = open(Path(private) / "gunicorn.log", "wb")  # noqa: SIM115  closed at the end
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "bench.wsgi_app:application", f"--workers={args.workers}",
         f"--bind=127.0.0.1:{port}", "--timeout=120"],
        cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit((Path(private) / "gunicorn.log").read_text())
                time.sleep(0.3)
        results = {}
        for name, user, path in pages:
            cookie = _session(user)
            _load(port, path, cookie, args.clients, args.clients * 2)  # warm-up: every worker has served it
            latencies = _load(port, path, cookie, args.clients, args.requests)
            p50 = statistics.median(latencies)
            p95 = statistics.quantiles(latencies, n=20)[-1]
            results[name] = (p50, p95)
            print(f"{name:18} p50={p50:7.1f} ms  p95={p95:7.1f} ms  queries={queries[name]:3}  {path}", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    bare_p50 = results["bare"][0]
    measured = {k: v for k, v in results.items() if k != "bare" and not k.startswith(REFERENCE)}
    references = " ".join(f"{k}={p50 / bare_p50:.2f}" for k, (p50, _) in results.items() if k.startswith(REFERENCE))
    print(f"reference_p50_ratio_vs_bare: {references}")
    worst_ratio = max(p50 / bare_p50 for p50, _ in measured.values())
    worst_p95 = max(p95 for _, p95 in measured.values())
    max_queries = max(n for k, n in queries.items() if k in measured)
    print(f"worst_p50_ratio_vs_bare={worst_ratio:.2f} worst_p95_ms={worst_p95:.0f} max_queries={max_queries}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
