"""`make run` stops cleanly (issue 8, finding 6): on SIGTERM to its process group, with the worker busy on an
export, every process it started is gone within 10 s; if one service dies, the others stop and the message names
it. scripts/run.sh runs with RUN_DIR in a temporary folder: never the developer's .run/."""

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.figures import figure_add
from tests.integration.processes import ROOT, free_port, process_env, wait_for

STOP_WITHIN = 10
SCRIPT = """
from accounts.models import ConnectionLog
from exports.services import export_request
from tests import factories
zoe = factories.CustomerFactory(email="zoe.run@example.com")
ConnectionLog.objects.bulk_create(ConnectionLog(customer=zoe, ip="198.51.100.9", success=True) for _ in range(40000))
export_request(customer=zoe, requested_by=zoe)
"""


def _env(run_dir):
    env = process_env(run_dir)
    env.pop("DATABASE_URL", None)  # the embedded default: SQLite in RUN_DIR and the filesystem broker
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database, copied into each run's folder (run.sh's own migrate is then a no-op)."""
    folder = tmp_path_factory.mktemp("run-template")
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_env(folder),
        check=True,
        timeout=600,
    )
    return folder / "db.sqlite3"


def _start(tmp_path, migrated):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    shutil.copy(migrated, run_dir / "db.sqlite3")
    (run_dir / ".seeded").touch()  # the demo data is another test's business
    port = free_port()
    out = tmp_path / "run.out"
    with out.open("wb") as log:
        process = subprocess.Popen(
            ["scripts/run.sh", str(port)],
            cwd=ROOT,
            env=_env(run_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker_log = run_dir / "worker.log"
    wait_for(
        lambda: process.poll() is not None or (worker_log.exists() and " ready." in worker_log.read_text()),
        timeout=180,
        message="make run started",
    )
    assert process.poll() is None, out.read_text()
    return process, run_dir, out


def _session_members(sid):
    """Processes of the session run.sh leads (everything it started, in whatever process group)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _cleanup(process):
    for pid in _session_members(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_sigterm_to_the_group_stops_everything_within_ten_seconds_even_while_a_task_runs(tmp_path, migrated):
    process, run_dir, out = _start(tmp_path, migrated)
    try:
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-c", SCRIPT],
            cwd=ROOT,
            env=_env(run_dir),
            check=True,
            timeout=300,
        )
        worker_log = run_dir / "worker.log"
        wait_for(lambda: "exports.tasks.build_export" in worker_log.read_text(), timeout=60, message="build running")
        assert len(_session_members(process.pid)) >= 4  # run.sh, worker (+ its pool), beat, runserver

        os.killpg(process.pid, signal.SIGTERM)
        sent = time.monotonic()
        process.wait(timeout=STOP_WITHIN + 5)
        wait_for(lambda: not _session_members(process.pid), timeout=STOP_WITHIN, every=0.1, message="all gone")
        took = time.monotonic() - sent
    finally:
        _cleanup(process)
    assert took <= STOP_WITHIN, out.read_text()
    assert "Stopping (SIGTERM)" in out.read_text()
    figure_add("faults_survived")


def test_when_one_service_dies_the_others_stop_and_the_message_names_it(tmp_path, migrated):
    process, run_dir, out = _start(tmp_path, migrated)
    try:
        beat = [pid for pid in _session_members(process.pid) if b"beat" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert beat
        os.kill(beat[0], signal.SIGKILL)
        process.wait(timeout=STOP_WITHIN + 5)
        wait_for(lambda: not _session_members(process.pid), timeout=STOP_WITHIN, every=0.1, message="all gone")
    finally:
        _cleanup(process)
    text = out.read_text()
    assert "The Celery beat stopped" in text and "stopping the others" in text, text
    assert process.returncode != 0
    figure_add("faults_survived")
