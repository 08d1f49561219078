#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# These commands compare the models with their migrations, or read and compile the translation catalogues: they
# sign nothing and read no secret. Run without DEBUG and without keys (a shell on a fresh checkout, a CI check),
# they get throwaway keys and a throwaway run folder instead of stopping on production's missing-key error. Every
# other command still needs the real keys in production.
KEYLESS_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}
KEYS = ("SECRET_KEY", "SUPPRESSION_KEY", "ERASURE_HASH_KEY", "AUDIT_CHAIN_KEY")


def _throwaway_keys():
    import base64
    import secrets
    import tempfile

    for name in KEYS:
        os.environ.setdefault(name, secrets.token_urlsafe(50))
    os.environ.setdefault("CREDENTIALS_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    os.environ.setdefault("RUN_DIR", tempfile.mkdtemp(prefix="gdpr-keyless-"))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    production = os.environ.get("DEBUG", "").lower() not in ("1", "true", "yes", "on")
    if production and sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS and not any(k in os.environ for k in KEYS):
        _throwaway_keys()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
