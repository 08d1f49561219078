"""The processes the tests start keep to their own folders (issue 8, finding 5): the Celery worker of the
integration tests used to run on the developer's .run/private, deleting its export files and writing to its
erasure journal."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.processes import ROOT

pytestmark = pytest.mark.integration

SHOW = (
    "import django; django.setup();"
    "from django.conf import settings; from tests.localsite import settings_in_run_dir;"
    "print(settings.PRIVATE_ROOT); print(settings.ERASURE_JOURNAL); print('\\n'.join(settings_in_run_dir()))"
)


@pytest.mark.django_db(transaction=True)
def test_the_worker_a_test_starts_has_its_own_private_root_journal_mail_and_broker_folders(celery_worker, tmp_path):
    raw = Path(f"/proc/{celery_worker.process.pid}/environ").read_bytes().decode(errors="replace")
    environ = dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)

    # The settings the worker computed from exactly that environment.
    shown = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )

    assert shown.returncode == 0, shown.stderr
    private_root, journal, *in_run_dir = [line for line in shown.stdout.splitlines() if line]
    assert in_run_dir == []
    assert Path(private_root).is_relative_to(tmp_path) and Path(journal).is_relative_to(tmp_path)
    assert Path(environ["EMAIL_FILE_PATH"]).is_relative_to(tmp_path)
