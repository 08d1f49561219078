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
# The staff mails on a new request or an assignment are on in every deployment by default; the suite counts the
# mails the person receives, so they are off here and tests/privacy/test_dpo_tools.py turns them on.
os.environ.setdefault("DSR_NOTIFY_NEW", "False")
os.environ.setdefault("DSR_NOTIFY_ASSIGNMENT", "False")

from config.settings import *  # noqa: E402, F403
