#!/usr/bin/env bash
# Finds a Python >= 3.12, creates .venv with it and installs requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
    local c
    for c in python3.13 python3.12 python3; do
        if command -v "$c" >/dev/null 2>&1 && ok "$c"; then command -v "$c"; return; fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        for c in $(ls -d "$(pyenv root)"/versions/3.1[3-9]* "$(pyenv root)"/versions/3.12* 2>/dev/null); do
            if ok "$c/bin/python3"; then echo "$c/bin/python3"; return; fi
        done
    fi
    return 1
}

if [ -x .venv/bin/python ] && ok .venv/bin/python; then
    :
else
    rm -rf .venv
    PYTHON=$(find_python) || {
        echo "No Python >= 3.12 found (tried python3.13, python3.12, python3 and pyenv's versions)." >&2
        echo "Install one, for example: pyenv install 3.12, then run this again." >&2
        exit 1
    }
    echo "Creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import django, celery, weasyprint" || { echo "Installing requirements failed" >&2; exit 1; }
