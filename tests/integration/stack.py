"""The production stack as separate processes, for the smoke and queue tests: gunicorn, Celery workers, beat.

Every process gets its own temporary PRIVATE_ROOT, erasure journal, mail folder, static root and beat schedule,
its queues under a prefix of its own on the test Redis, and the test database; nothing under .run/ is read.
"""

import base64
import email
import email.policy
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from tests.integration.conftest import ROOT, WORKER_READY_TIMEOUT, _stop, database_url_of_test_db

BIN = Path(sys.executable).parent
START_TIMEOUT = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Process:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self):
        return self.log_path.read_text(errors="replace")

    def alive(self):
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} exited with code {self.process.returncode}:\n{self.log()[-5000:]}", pytrace=False)


@dataclass
class Stack:
    """Where the processes live, and how to start them; stop() ends every process it started."""

    tmp: Path
    redis_url: str
    prefix: str = field(default_factory=lambda: f"smoke-{uuid.uuid4().hex[:10]}-")
    processes: list = field(default_factory=list)
    # The same secrets for every process of the site: a session made by one gunicorn worker opens in another.
    keys: dict = field(
        default_factory=lambda: {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SUPPRESSION_KEY": secrets.token_urlsafe(32),
            "ERASURE_HASH_KEY": secrets.token_urlsafe(32),
            "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),
            "CREDENTIALS_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        }
    )
    port: int = field(default_factory=free_port)

    def __post_init__(self):
        for folder in ("mail", "private", "static", "logs"):
            (self.tmp / folder).mkdir(parents=True, exist_ok=True)

    @property
    def mail_dir(self):
        return self.tmp / "mail"

    @property
    def private_root(self):
        return self.tmp / "private"

    def env(self, **extra):
        """The environment of a production process; every key (SUPPRESSION_KEY, ERASURE_HASH_KEY, ...) is required."""
        base = {
            key: value
            for key, value in os.environ.items()
            if key not in {"EMAIL_URL", "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        base.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="False",
            **self.keys,
            ALLOWED_HOSTS="127.0.0.1",
            BEHIND_PROXY="True",
            SITE_URL=f"https://127.0.0.1:{self.port}",
            DATABASE_URL=database_url_of_test_db(),
            CELERY_BROKER_URL=self.redis_url,
            CELERY_QUEUE_PREFIX=self.prefix,
            CELERY_BEAT_SCHEDULE_FILENAME=str(self.tmp / "celerybeat-schedule"),
            EMAIL_FILE_PATH=str(self.mail_dir),
            PRIVATE_ROOT=str(self.private_root),
            ERASURE_JOURNAL=str(self.private_root / "erasure-journal.jsonl"),
            STATIC_ROOT=str(self.tmp / "static"),
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            PYTHONUNBUFFERED="1",
        )
        base.update(extra)
        return base

    def run(self, *args, **extra):
        """A one-off management command with the production environment; its output, or a failure."""
        done = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
        return done.stdout

    def start(self, name, command, **extra):
        log_path = self.tmp / "logs" / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=self.env(**extra), stdout=log, stderr=subprocess.STDOUT)
        started = Process(name=name, process=process, log_path=log_path)
        self.processes.append(started)
        return started

    def gunicorn(self, workers=2):
        web = self.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--access-logfile=-",
                "--timeout=120",
            ],
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            web.alive()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return web
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not listen within {START_TIMEOUT} s:\n{web.log()}", pytrace=False)

    def worker(self, name, queues, *, pool="prefork", concurrency=1):
        worker = self.start(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "-l",
                "info",
                "-n",
                f"{name}-{self.prefix}@%h",
                "-Q",
                ",".join(self.prefix + q for q in queues),
                "--without-gossip",
                "--without-mingle",
            ],
        )
        deadline = time.monotonic() + WORKER_READY_TIMEOUT * 2
        while time.monotonic() < deadline:
            worker.alive()
            if " ready." in worker.log():
                return worker
            time.sleep(0.2)
        pytest.fail(f"{name} was not ready:\n{worker.log()}", pytrace=False)

    def beat(self, interval=2):
        return self.start(
            "beat", [str(BIN / "celery"), "-A", "config", "beat", "-l", "info"], HEALTH_BEAT_INTERVAL=str(interval)
        )

    def stop(self):
        for started in reversed(self.processes):
            _stop(started.process)


def wait_for(condition, what, processes=(), timeout=120, every=0.2):
    """condition()'s first truthy value, checking that the processes are alive meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for started in processes:
            started.alive()
        time.sleep(every)
    logs = "\n".join(f"--- {p.name}\n{p.log()[-3000:]}" for p in processes)
    pytest.fail(f"{what}: not within {timeout} s\n{logs}", pytrace=False)


def mails_to(folder, address):
    """The .eml files in `folder` addressed to `address`, parsed."""
    found = []
    for path in sorted(Path(folder).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message["To"]):
            found.append(message)
    return found


class _Forms(HTMLParser):
    """Every form of a page: its action and method, its inputs, selects and textareas with their types."""

    def __init__(self):
        super().__init__()
        self.forms, self._select = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "method": attrs.get("method", "get"), "fields": []})
        elif self.forms and tag in ("input", "textarea", "select"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            self.forms[-1]["fields"].append({"name": attrs.get("name"), "type": kind, "value": attrs.get("value", "")})


def forms_of(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class Browser:
    """HTTP/1.1 to gunicorn as a TLS-terminating proxy would send it: X-Forwarded-Proto: https on every request.

    Cookies are kept by hand: the site sets them Secure, which a standard cookie jar will not send over HTTP.
    """

    def __init__(self, port, *, proxied=True):
        self.port, self.proxied, self.cookies = port, proxied, {}
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method, path, *, data=None, headers=None, referer=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "en"}
        if self.proxied:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
            sent["Referer"] = urljoin(self.origin, referer or path)
        sent.update(headers or {})
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        response.content = response.read()
        conn.close()
        response.set_cookies = response.headers.get_all("Set-Cookie") or []
        for header in response.set_cookies:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in header or "Max-Age=0" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def submit(self, path, choose, values):
        """GET `path`, pick the form `choose(form)` accepts, keep its hidden inputs, set `values`, POST it."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.content[:500])
        forms = [f for f in forms_of(page.content.decode()) if choose(f)]
        assert forms, f"no such form on {path}: {forms_of(page.content.decode())}"
        form = forms[0]
        data = {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden" and f["name"]}
        data.update(values(form) if callable(values) else values)
        action = urljoin(path, form["action"]) if form["action"] else path
        return self.post(urlsplit(action).path, data, referer=path)
