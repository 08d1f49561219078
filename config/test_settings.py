"""The test suite's settings: development mode set explicitly, keys given, nothing written to the run folder.

They are the real settings (config.settings) read with these environment defaults; processes the tests start
(Celery workers, manage.py) inherit the same environment, so they share the keys.
"""

import os
import secrets
import tempfile

os.environ.setdefault("DEBUG", "True")
for _name in ("SECRET_KEY", "SUPPRESSION_KEY", "ERASURE_HASH_KEY", "AUDIT_CHAIN_KEY"):
    os.environ.setdefault(_name, secrets.token_urlsafe(50))
# Anything that would default into the run folder goes to a throwaway one instead (tests never touch .run/).
os.environ.setdefault("RUN_DIR", tempfile.mkdtemp(prefix="gdpr-test-run-"))

from config.settings import *  # noqa: E402, F403
