"""The production configuration, end to end: DEBUG=False, gunicorn with 2 processes, 2 Celery workers and beat,
on the test PostgreSQL and Redis, reached over HTTP as a TLS-terminating proxy forwards it.

A customer logs in, files an access request, receives its acknowledgement through the mail backend, asks for
the copy of their data, which a worker builds, and downloads it. Static files come compressed and hashed.
"""

import io
import json
import re
import zipfile

import pytest

from exports.models import ExportJob
from privacy.models import DataSubjectRequest
from tests import factories
from tests.integration.stack import Browser, Stack, mails_to, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def stack(integration_services, transactional_db, tmp_path):
    started = Stack(tmp=tmp_path, redis_url=integration_services.redis_url)
    try:
        yield started
    finally:
        started.stop()


def _login_values(form):
    """The login form's identifier and password inputs, found by their type rather than their names."""
    identifier = next(f["name"] for f in form["fields"] if f["type"] in ("email", "text") and f["name"])
    password = next(f["name"] for f in form["fields"] if f["type"] == "password")
    return identifier, password


def test_a_customer_gets_an_acknowledgement_and_downloads_their_copy_in_production(stack, password):
    zoe = factories.CustomerFactory(email="zoe.prod@example.com", first_name="Zoé", last_name="Ålander")
    factories.OrderFactory(customer=zoe)

    collected = stack.run("collectstatic", "--noinput")
    assert "static files copied" in collected
    web = stack.gunicorn(workers=2)
    mail_worker = stack.worker("mail", ["mail", "default"])
    export_worker = stack.worker("bulk", ["exports", "retention"])
    beat = stack.beat(interval=2)
    processes = [web, mail_worker, export_worker, beat]
    browser = Browser(stack.port)

    # Two gunicorn worker processes serve the site.
    wait_for(lambda: web.log().count("Booting worker with pid") == 2, "two gunicorn workers", processes)

    # Without the proxy's header the site sends the visitor to HTTPS.
    plain = Browser(stack.port, proxied=False).get("/account/login/")
    assert plain.status == 301
    assert plain.headers["Location"] == f"https://127.0.0.1:{stack.port}/account/login/"

    # Static files: hashed names in the page, served compressed with a long cache.
    login_page = browser.get("/account/login/")
    assert login_page.status == 200
    assert login_page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    css = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', login_page.content)
    assert css, login_page.content[:2000]
    styles = browser.get(css.group(1).decode(), headers={"Accept-Encoding": "gzip"})
    assert styles.status == 200
    assert styles.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in styles.headers["Cache-Control"]

    # Log in through the real form (its fields are found by type, not by name).
    logged_in = browser.submit(
        "/account/login/",
        lambda form: any(f["type"] == "password" for f in form["fields"]),
        lambda form: dict(zip(_login_values(form), [zoe.email, password], strict=True)),
    )
    assert logged_in.status == 302, logged_in.content[:2000]
    session = [c for c in logged_in.set_cookies if c.startswith("sessionid=")]
    assert session and "Secure" in session[0] and "HttpOnly" in session[0]

    # File an access request from My Personal Data.
    filed = browser.submit(
        "/account/privacy/",
        lambda form: form["action"].endswith("/account/privacy/requests/"),
        {"kind": "access", "details": "Everything you hold, please."},
    )
    assert filed.status == 302, filed.content[:2000]
    request = DataSubjectRequest.objects.get(customer=zoe)
    assert request.kind == "access"

    # The acknowledgement leaves through the mail backend, sent by the mail worker.
    acknowledgement = wait_for(
        lambda: [m for m in mails_to(stack.mail_dir, zoe.email) if request.reference in str(m["Subject"])],
        "the acknowledgement",
        processes,
    )[0]
    assert {part.get_content_type() for part in acknowledgement.walk()} >= {"text/plain", "text/html"}
    assert "Task outbox.tasks.send_mail[" in mail_worker.log()

    # The copy of the data: asked for over HTTP, built by the export worker, downloaded.
    asked = browser.submit("/account/privacy/", lambda form: form["action"].endswith("/account/privacy/export/"), {})
    assert asked.status == 302, asked.content[:2000]
    job = ExportJob.objects.get(customer=zoe)

    def ready():
        status = json.loads(browser.get(f"/account/privacy/export/{job.pk}/status/").content)
        assert status["status"] in ("pending", "running", "ready"), status
        return status["status"] == "ready"

    wait_for(ready, "the export", processes, every=0.5)
    assert "Task exports.tasks.build_export[" in export_worker.log()
    assert "Task exports.tasks.build_export[" not in mail_worker.log()

    download = browser.get(f"/account/privacy/export/{job.pk}/download/")
    assert download.status == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert archive.testzip() is None
        assert {"data.json", "report.pdf", "README.txt"} <= set(archive.namelist())
        data = json.loads(archive.read("data.json"))
        assert data["subject"]["email"] == zoe.email
        assert archive.read("report.pdf")[:5] == b"%PDF-"
    # The file stays in the temporary private root, nowhere near .run/.
    assert (stack.private_root / "exports" / ExportJob.objects.get(pk=job.pk).file_name).is_file()

    # Without the customer's session the URL alone gives nothing.
    stranger = Browser(stack.port)
    assert stranger.get(f"/account/privacy/export/{job.pk}/download/").status == 302

    # Beat's heartbeat reaches /healthz, probed over plain HTTP as a monitor on the private network does.
    monitor = Browser(stack.port, proxied=False)

    def healthy():
        response = monitor.get("/healthz")
        return response.status == 200 and json.loads(response.content)

    health = wait_for(healthy, "a healthy /healthz", processes, every=1)
    assert health["checks"]["beat"]["ok"] and health["checks"]["broker"] == {"ok": True}
