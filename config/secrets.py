"""Where the site's keys come from: the environment in production, a file made once per checkout in development.

No key is ever a constant in the code, and production never falls back from one key to another.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def _private(path, flags):
    return os.open(path, flags, 0o600)


def dev_secret_key(run_dir: Path, name: str = "secret_key") -> str:
    """A random key written once into the run folder and read back at every start (development only)."""
    path = Path(run_dir) / name
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if not key:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        # Created readable by its owner only; an existing file made by a concurrent start wins.
        try:
            with open(path, "x", opener=_private) as handle:
                handle.write(key)
        except FileExistsError:
            key = path.read_text().strip()
    return key


def production_key(env, name: str, *, debug: bool, run_dir: Path) -> str:
    """`name` from the environment; in production start-up stops when it is missing, in development it is made once."""
    if name in env.ENVIRON and env(name):
        return env(name)
    if debug:
        return dev_secret_key(run_dir, name.lower())
    raise ImproperlyConfigured(
        f"{name} is not set. In production (DEBUG unset or False) it has no default and never falls back to "
        f"SECRET_KEY: set the {name} environment variable to a long random string that survives restores."
    )
