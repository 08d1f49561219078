"""Retention's layout and its one home for each rule: small modules, imports at the top, no private names across
modules, and rules (restrictions that block erasure, date helpers, periods, beat schedule, kept-until) written once.
"""

import ast
import dataclasses
import importlib.util
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings

from accounts.models import ConnectionLog
from privacy.models import Restriction
from privacy.registry import Delete, Registry, registry
from privacy.services.requests import request_file
from retention.rules import RULES, Rule
from retention.services import kept_until
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "config", "exports", "privacy", "retention")
PARIS = ZoneInfo("Europe/Paris")


def python_files(*apps):
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_no_retention_module_is_over_450_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_files("retention")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert long == {}


def test_retention_imports_at_module_level():
    inside = []
    for path in python_files("retention"):
        if path.name == "admin.py":
            continue
        for func in ast.walk(tree(path)):
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                inside += [
                    f"{path.relative_to(ROOT)}:{node.lineno}"
                    for node in ast.walk(func)
                    if isinstance(node, ast.Import | ast.ImportFrom)
                ]
    assert inside == []


def _module_aliases(module_tree):
    """Names bound to project modules by this file's imports ({alias: dotted module})."""
    found = {}
    for node in ast.walk(module_tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in APPS:
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                try:
                    is_module = importlib.util.find_spec(dotted) is not None
                except ModuleNotFoundError:  # the parent is a plain module: `alias` is a name inside it
                    is_module = False
                if is_module:
                    found[alias.asname or alias.name] = dotted
    return found


def test_no_module_reaches_into_another_modules_private_names():
    reached = []
    for path in python_files(*APPS):
        module_tree = tree(path)
        modules = _module_aliases(module_tree)
        for node in ast.walk(module_tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                reached.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
    assert reached == []


def test_retention_imports_no_template_tags():
    importers = []
    for path in python_files("retention"):
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and ".templatetags" in (node.module or ""):
                importers.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
    assert importers == []


def test_add_months_and_local_date_are_defined_only_in_privacy_deadlines():
    defined = sorted(
        str(path.relative_to(ROOT))
        for path in python_files(*APPS)
        for node in ast.walk(tree(path))
        if isinstance(node, ast.FunctionDef) and node.name in ("add_months", "local_date")
    )
    assert defined == ["privacy/deadlines.py", "privacy/deadlines.py"]


# Which restrictions block erasure: one queryset method.


@pytest.mark.django_db
@pytest.mark.parametrize(("ground", "blocks"), [("a", False), ("b", True), ("c", True), ("d", False)])
def test_the_restrictions_that_block_erasure_are_one_queryset_method(ground, blocks):
    now = datetime(2026, 3, 16, 10, 0, tzinfo=PARIS)
    customer = factories.CustomerFactory()
    with time_machine.travel(now, tick=False):
        request = request_file(kind="restriction", channel="email", customer=customer, received_at=now)
    restriction = Restriction.objects.create(customer=customer, request=request, ground=ground, starts_at=now)
    Restriction.objects.create(customer=customer, request=request, ground="b", starts_at=now, lifted_at=now)

    assert list(Restriction.objects.blocking_erasure(now)) == ([restriction] if blocks else [])
    assert restriction.blocks_erasure is blocks


# The 19 periods: defaults in config/settings.py only, read from the environment, clamped by the rules.


def test_rules_carry_no_default_period_of_their_own():
    assert "default" not in {f.name for f in dataclasses.fields(Rule)}
    for rule in RULES.values():
        if rule.setting:
            assert hasattr(django_settings, rule.setting), rule.setting
    assert "account_default" not in RULES["lcen_host_identity"].extra


def test_retention_periods_come_from_the_environment_within_their_legal_limits(tmp_path):
    script = (
        "import django; django.setup()\n"
        "from retention.rules import RULES, host_account_years\n"
        "print(RULES['prospect_delete'].amount, RULES['accounting_records_delete'].amount,"
        " RULES['cookie_consent_expire'].amount, RULES['support_ticket_delete'].amount, host_account_years())\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Nothing of the user's local site (.run/): every path this process could touch is a temporary one.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PRIVATE_ROOT": str(tmp_path / "private"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "CELERY_BROKER_DIR": str(tmp_path / "broker"),
        "ERASURE_JOURNAL": str(tmp_path / "journal.jsonl"),
        "RETENTION_PROSPECT_YEARS": "2",
        "RETENTION_ACCOUNTING_YEARS": "3",  # below the 10-year floor
        "RETENTION_COOKIE_CONSENT_MONTHS": "24",  # above the 13-month ceiling
        "RETENTION_HOST_ACCOUNT_YEARS": "0",  # at least one year
    }
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["2", "10", "13", "3", "1"]


# The beat schedule: one dict, written once.


def test_the_beat_schedule_is_written_in_one_place():
    settings_tree = tree(ROOT / "config" / "settings.py")
    writes = [
        node.lineno
        for node in ast.walk(settings_tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if (isinstance(target, ast.Name) and target.id == "CELERY_BEAT_SCHEDULE")
        or (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == "CELERY_BEAT_SCHEDULE"
        )
    ]
    assert len(writes) == 1


def test_the_beat_schedule_keeps_its_entries_and_times():
    schedule = {
        name: (entry["task"], entry["schedule"]._orig_hour, entry["schedule"]._orig_minute)
        for name, entry in django_settings.CELERY_BEAT_SCHEDULE.items()
    }
    # Other jobs may join; these keep their names, tasks and times.
    assert (
        schedule.items()
        >= {
            "dpo-digest": ("privacy.tasks.dpo_digest", 8, 0),
            "purge-unconfirmed-public-requests": ("privacy.tasks.purge_unconfirmed_public_requests", "*", 15),
            "exports-redispatch-stale": ("exports.tasks.redispatch_stale_exports", "*", "*/5"),
            "exports-expire": ("exports.tasks.expire_exports", "*", 40),
            "retention-nightly": ("retention.tasks.retention_nightly", 2, 30),
        }.items()
    )


# Kept-until dates: the registry entry's date and the rule it names.


def test_a_registry_entry_naming_a_date_that_is_not_a_field_is_a_problem():
    local = Registry()
    local.register(
        ConnectionLog,
        category=registry.entry(ConnectionLog).category,
        owner="customer",
        fields=("created_at",),
        erasure=Delete(),
        retention="connection_log_delete",
        retention_from="logged_on",
    )
    assert local.problems() == ["ConnectionLog: 'logged_on' is not a field"]


@pytest.mark.django_db
def test_kept_until_counts_the_entrys_rule_from_its_declared_date():
    customer = factories.CustomerFactory()
    with time_machine.travel(datetime(2026, 1, 31, 23, 30, tzinfo=PARIS), tick=False):
        ConnectionLog.objects.create(customer=customer, ip="192.0.2.1", success=True)
    entry = registry.entry(ConnectionLog)
    rows = ConnectionLog.objects.filter(customer=customer)

    assert entry.retention_from == "created_at"
    # 12 months from 31 January 2026 (a Paris day, 22:30 UTC), clamped at nothing: 31 January 2027.
    assert kept_until(entry, rows) == date(2027, 1, 31)
    assert kept_until(entry, rows.none()) is None
