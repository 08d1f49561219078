"""The figures `make test` prints at its end: each test adds what it survived, tried or found."""

import os


def figure_add(name, value=1):
    """Adds `value` to the figure `name` in the file named by TEST_FIGURES (set by scripts/test.sh); else nothing."""
    path = os.environ.get("TEST_FIGURES")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{name} {int(value)}\n")
