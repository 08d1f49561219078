"""Real processes for the fault tests: the site, Celery workers and beat, a Redis of their own, and the tools to
kill them, cut them off or let them hang. Each gets its own state folder (tests/localsite.private_env)."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from config.queues import queue_names
from tests.localsite import private_env

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
# Variables of the developer's shell that would send a test's processes somewhere else.
DROPPED = {"EMAIL_URL", "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL", "CELERY_BROKER_DIR", "DJANGO_SETTINGS_MODULE"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, *, timeout, every=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{message}: not reached after {timeout} s")


def process_env(site: Path, **extra) -> dict:
    """The environment of a process a test starts: this one's, minus redirections, plus its own state folder."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(private_env(site))
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


@dataclass
class Proc:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self):
        return self.process.poll() is None

    def kill(self):
        """SIGKILL: no cleanup, no acknowledgement, nothing flushed."""
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, timeout=15):
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def start(name, command, *, env, logs: Path) -> Proc:
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Proc(name, process, log_path)


def _tool(name):
    path = BIN / name
    return str(path) if path.exists() else str(Path(sys.executable).with_name(name))


def queue_env(queue):
    """A process of its own run: the product's queues under this run's prefix (config/queues.py)."""
    return {"CELERY_QUEUE_PREFIX": f"{queue}-"}


def start_worker(name, *, env, logs, queue) -> Proc:
    # The test process publishes everything to `queue`; the site and beat started here use the prefixed queues.
    queues = ",".join([queue, *queue_names(f"{queue}-")])
    proc = start(
        name,
        [_tool("celery"), "-A", "config", "worker", "--pool=solo", "-l", "info", "-n", f"{name}-{queue}@%h", "-Q",
         queues, "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env={**env, **queue_env(queue)},
        logs=logs,
    )  # fmt: skip
    wait_for(lambda: " ready." in proc.log() or not proc.alive(), timeout=60, message=f"{name} ready")
    assert proc.alive(), proc.log()
    return proc


def start_beat(name, *, env, logs, queue) -> Proc:
    return start(
        name,
        [_tool("celery"), "-A", "config", "beat", "-l", "info"],
        env={**env, **queue_env(queue)},
        logs=logs,
    )


def start_web(name, *, env, logs, port) -> Proc:
    proc = start(
        name, [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, logs=logs
    )
    wait_for(lambda: _answers(port) or not proc.alive(), timeout=60, message=f"{name} answering")
    assert proc.alive(), proc.log()
    return proc


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class RedisServer:
    """A redis-server of the test's own, which the test stops and starts again on the same port."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.proc = folder, free_port(), None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = start(
            "redis",
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            env=dict(os.environ),
            logs=self.folder,
        )  # fmt: skip
        wait_for(lambda: _answers(self.port), timeout=20, message="redis-server answering")

    def stop(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc = None


class Blackhole:
    """A TCP port that accepts connections and never answers: a broker that hangs the process talking to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@dataclass
class Browser:
    """A logged-in customer talking to a real site process over HTTP (session made by the test's Client)."""

    port: int
    session: str
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))

    @classmethod
    def logged_in(cls, port, user):
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        return cls(port, client.cookies[settings.SESSION_COOKIE_NAME].value)

    def post(self, path, data, timeout=30):
        body = urlencode({**data, "csrfmiddlewaretoken": self.csrf})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
                    "Host": f"127.0.0.1:{self.port}",
                },
            )
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()
