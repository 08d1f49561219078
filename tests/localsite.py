"""Keeping the suite away from `.run/`, the developer's local site: its database, mail, broker and private files.

Every process a test starts gets its own folders from `private_env`; `settings_in_run_dir` lists the settings
that still point into `.run/` (tests/conftest.py fails the session when one does).
"""

from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
LOCAL_SITE = ROOT / ".run"


def private_env(root: Path) -> dict:
    """Environment variables giving a subprocess its own state under `root` (created): never the local site's."""
    root = Path(root)
    for sub in ("private", "mail", "broker/out", "broker/processed"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return {
        "RUN_DIR": str(root),
        "PRIVATE_ROOT": str(root / "private"),
        "ERASURE_JOURNAL": str(root / "private" / "erasure-journal.jsonl"),
        "EMAIL_FILE_PATH": str(root / "mail"),
        "CELERY_BROKER_DIR": str(root / "broker"),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(root / "celerybeat-schedule"),
        "STATIC_ROOT": str(root / "static"),
        "MARKETING_OUTBOX": str(root / "marketing"),
    }


def _inside_local_site(value) -> bool:
    if isinstance(value, Path | str) and value:
        text = str(value)
        if "://" in text:
            text = text.split("://", 1)[1].lstrip("/")
            text = "/" + text if text else text
        if not text.startswith("/"):
            return False
        try:
            return Path(text).resolve().is_relative_to(LOCAL_SITE.resolve())
        except (OSError, ValueError):
            return False
    return False


def _walk(name, value, found):
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(f"{name}[{key!r}]", item, found)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            _walk(f"{name}[{i}]", item, found)
    elif _inside_local_site(value):
        found.append(f"{name}={value}")


def settings_in_run_dir(source=settings) -> list[str]:
    """Every setting (nested values included) whose path is inside `.run/`."""
    found = []
    for name in dir(source):
        if name.isupper():
            _walk(name, getattr(source, name), found)
    return found
