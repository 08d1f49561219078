"""Demo data: the two known logins, a named population in every life-cycle state, and optional bulk customers.

The named people and their history are spread over the past eleven years so that every retention rule has rows to
act on. Everything is keyed on stable identifiers, so a second run adds nothing. The data is built in accounts/demo/;
what belongs to other apps (requests, the erased customer's erasure) is seeded by their own demo modules, listed in
SEEDERS by name so that accounts imports none of them.
"""

import os
import time

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.demo.generated import seed_generated
from accounts.demo.people import NamedPopulation

# Run in this order after the named people, each as seeder(now=...) in one transaction; each adds only what is
# missing. The erasure comes before the requests, as it did in the demo's history.
SEEDERS = (
    "accounts.ordering.demo.seed_offers",
    "privacy.demo_policy.seed_policy",
    "retention.demo.seed",
    "privacy.demo.seed",
    "privacy.demo_marketing.seed_campaign",
    "privacy.accountability_demo.seed",
)


def model_counts():
    models = [*apps.get_app_config("accounts").get_models(), *apps.get_app_config("privacy").get_models()]
    return {m._meta.label: m._default_manager.count() for m in models}


class Command(BaseCommand):
    help = (
        "Load the demo data: customer@example.com, the DPO staff account dpo@example.com (password from "
        "DEMO_PASSWORD, default demo-password) and a named population in every state. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers",
            type=int,
            default=0,
            metavar="N",
            help="Also add N generated customers with a short history (bulk inserts; 100,000 take a few minutes).",
        )
        parser.add_argument(
            "--chunk-size", type=int, default=2000, help="Generated customers inserted per transaction (default 2000)."
        )

    def handle(self, *args, customers, chunk_size, **options):
        if customers < 0 or chunk_size < 1:
            raise CommandError("--customers must be positive or zero, --chunk-size at least 1.")
        started = time.monotonic()
        now = timezone.now()
        password_hash = make_password(os.environ.get("DEMO_PASSWORD", "demo-password"))
        before = model_counts()

        with transaction.atomic():
            created, skipped = NamedPopulation(now=now, password_hash=password_hash).run()
            for seeder in SEEDERS:
                import_string(seeder)(now=now)
        self.stdout.write(f"Named people: {created} created, {skipped} already there.")

        if customers:
            generated_started = time.monotonic()

            def progress(done, rows):
                elapsed = time.monotonic() - generated_started
                self.stdout.write(f"  {done:,}/{customers:,} generated customers, {rows:,} rows ({elapsed:.1f} s)")

            rows = seed_generated(
                customers, now=now, password_hash=password_hash, chunk_size=chunk_size, progress=progress
            )
            elapsed = time.monotonic() - generated_started
            self.stdout.write(
                f"Generated {customers:,} customers and {rows - customers:,} owned rows in {elapsed:.1f} s "
                f"({customers / elapsed:,.0f} customers/s)."
            )

        after = model_counts()
        self.stdout.write("Created:")
        for label, count in after.items():
            self.stdout.write(f"  {label}: +{count - before[label]:,} ({count:,} in all)")
        added = sum(after.values()) - sum(before.values())
        self.stdout.write(self.style.SUCCESS(f"seed_demo: {added:,} rows added in {time.monotonic() - started:.1f} s."))
