"""Mail survives dying processes (issue 8, finding 4), with real processes: the site killed just after its commit,
the broker down while 20 requests are filed, a worker SIGKILLed in the middle of an SMTP conversation."""

import asyncio
import contextlib
import email
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from config.mail import mail_send
from outbox.models import OutgoingMail
from privacy.models import DataSubjectRequest
from tests import factories
from tests.figures import figure_add
from tests.integration.conftest import database_url_of_test_db
from tests.integration.processes import (
    Blackhole,
    Browser,
    RedisServer,
    free_port,
    process_env,
    queue_env,
    start_beat,
    start_web,
    start_worker,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Short windows so a test takes seconds; the defaults (60 s lease, 30 s sweep) are checked in tests/outbox.
FAST = {"MAIL_OUTBOX_LEASE_SECONDS": 4, "MAIL_OUTBOX_SWEEP_SECONDS": 2, "EXPORT_REDISPATCH_SECONDS": 3600}
REQUESTS_PATH = "/account/privacy/requests/"


@pytest.fixture
def procs():
    started = []
    yield started
    for proc in reversed(started):
        proc.stop()


def _env(tmp_path, name, broker_url, **extra):
    return process_env(
        tmp_path / name, DATABASE_URL=database_url_of_test_db(), CELERY_BROKER_URL=broker_url, **FAST, **extra
    )


def _mails(folder):
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


@pytest.fixture
def worker_mail(tmp_path):
    """The worker's and beat's mail folder: one .eml per mail that really left."""
    return tmp_path / "worker" / "mail"


def test_the_site_killed_just_after_its_commit_still_sends_the_acknowledgement(
    integration_services, tmp_path, procs, worker_mail
):
    queue = f"outbox-{free_port()}"
    alice = factories.CustomerFactory(email="alice.killed@example.com")
    # The site's broker accepts the connection and never answers: the commit is done, the hand-off hangs.
    blackhole = Blackhole()
    web_port = free_port()
    site = start_web(
        "web", env=_env(tmp_path, "web", f"redis://127.0.0.1:{blackhole.port}/0"), logs=tmp_path, port=web_port
    )
    procs.append(site)
    worker_env = _env(tmp_path, "worker", integration_services.redis_url)
    procs.append(start_worker("worker", env=worker_env, logs=tmp_path, queue=queue))
    procs.append(
        start_beat("beat", env=_env(tmp_path, "beat", integration_services.redis_url), logs=tmp_path, queue=queue)
    )
    browser = Browser.logged_in(web_port, alice)

    threading.Thread(target=lambda: _ignore(browser.post, REQUESTS_PATH, {"kind": "access"}), daemon=True).start()
    wait_for(lambda: DataSubjectRequest.objects.filter(customer=alice).exists(), timeout=30, message="committed")
    time.sleep(0.03)
    site.kill()

    mails = wait_for(lambda: _mails(worker_mail), timeout=60, message="acknowledgement sent")
    time.sleep(3)  # a second copy would show up within a sweep
    mails = _mails(worker_mail)
    blackhole.close()
    assert [m["To"] for m in mails] == ["alice.killed@example.com"], [m["Subject"] for m in mails]
    assert OutgoingMail.objects.get(customer=alice).status == OutgoingMail.Status.SENT
    # The site never handed the mail to the broker: the beat job found the row and sent it.
    worker_log = next(p for p in procs if p.name == "worker").log()
    assert "outbox.tasks.send_due_mail" in worker_log and "outbox.tasks.send_mail[" not in worker_log
    figure_add("faults_survived")
    figure_add("mails_lost", 1 - len(mails))


def _ignore(call, *args):
    with contextlib.suppress(OSError):  # the site was killed under the request
        call(*args)


def test_twenty_acknowledgements_filed_while_the_broker_is_down_are_sent_once_it_is_back(tmp_path, procs, worker_mail):
    queue = f"outbox-{free_port()}"
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    customers = [factories.CustomerFactory(email=f"down{i:02}@example.com") for i in range(20)]
    web_port = free_port()
    procs.append(
        start_web("web", env=_env(tmp_path, "web", redis.url, **queue_env(queue)), logs=tmp_path, port=web_port)
    )
    procs.append(start_worker("worker", env=_env(tmp_path, "worker", redis.url), logs=tmp_path, queue=queue))
    procs.append(start_beat("beat", env=_env(tmp_path, "beat", redis.url), logs=tmp_path, queue=queue))
    browsers = [Browser.logged_in(web_port, c) for c in customers]

    redis.stop()
    try:
        statuses = [b.post(REQUESTS_PATH, {"kind": "access"}) for b in browsers]
        time.sleep(3)
        while_down = _mails(worker_mail)
        pending = OutgoingMail.objects.filter(status=OutgoingMail.Status.PENDING).count()
    finally:
        redis.start()

    wait_for(lambda: len(_mails(worker_mail)) >= 20, timeout=90, message="20 acknowledgements")
    time.sleep(3)
    mails = _mails(worker_mail)
    redis.stop()
    assert statuses == [302] * 20
    assert (while_down, pending) == ([], 20)
    assert sorted(m["To"] for m in mails) == [c.email for c in customers]
    assert len({m["Message-ID"] for m in mails}) == 20
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == 20
    figure_add("faults_survived")
    figure_add("mails_lost", 20 - len({m["To"] for m in mails}))


class HoldingSMTP:
    """A mail server that can hold a conversation before the recipient is accepted (the message not yet handed
    over), and keeps every message it accepted."""

    def __init__(self):
        self.hold = True
        self.held = 0
        self.accepted = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.held += 1
        while self.hold:
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.accepted.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def test_a_worker_killed_while_sending_loses_no_mail_and_sends_none_twice(
    integration_services, tmp_path, procs, celery_to_queue
):
    smtp = HoldingSMTP()
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        queue = celery_to_queue.conf.task_default_queue
        env = _env(tmp_path, "worker", integration_services.redis_url, EMAIL_URL=f"smtp://127.0.0.1:{controller.port}")
        first = start_worker("worker", env=env, logs=tmp_path, queue=queue)
        procs.append(first)
        people = [factories.CustomerFactory(email=f"reset{i}@example.com") for i in range(6)]
        for person in people:  # six password-reset mails, each queued in its own request's transaction
            with transaction.atomic():
                mail_send(
                    to=person.email,
                    template="allauth",
                    context={"subject_text": "Password reset", "text_body": "Your code: 123456"},
                    language="en",
                )

        wait_for(lambda: smtp.held >= 1, timeout=30, message="the worker is talking to the mail server")
        sending = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENDING).count()
        first.kill()
        smtp.hold = False
        procs.append(start_worker("worker2", env=env, logs=tmp_path, queue=queue))
        procs.append(start_beat("beat", env=env, logs=tmp_path, queue=queue))

        wait_for(lambda: len(smtp.accepted) >= 6, timeout=90, message="six resets delivered")
        time.sleep(FAST["MAIL_OUTBOX_LEASE_SECONDS"] + 3)  # past another lease and sweep: no second copy
        delivered = [m["To"] for m in smtp.accepted]
    finally:
        controller.stop()
    assert sending == 1
    assert sorted(delivered) == [p.email for p in people]
    assert len({m["Message-ID"] for m in smtp.accepted}) == 6
    assert all("password" in (m["Subject"] or "").lower() or m["Subject"] for m in smtp.accepted)
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == 6
    figure_add("faults_survived")
    figure_add("mails_lost", 6 - len(set(delivered)))
