"""Delivery of the outbox over real SMTP conversations (aiosmtpd), and to the local mailbox without a server."""

from __future__ import annotations

import email
import mailbox
import socket
from datetime import timedelta
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select

from core.accounts.models import Membership
from core.db import new_session, utcnow
from core.jobs import enqueue
from core.mail.delivery import MAX_ATTEMPTS, claim, deliver, send_due
from core.mail.message import message_id
from core.mail.transport import local_mailbox
from core.mail.trigger import sweep
from core.notifications.models import OutboxMessage
from core.notifications.service import notify
from core.tenancy import current_session, tenant_context
from tests.helpers import Api
from tests.mail_helpers import outbox, queue_quietly, smtp_settings, tenant_id, wait_until
from tests.smtp_server import smtp_server


def _send(app, tenant: int, settings, now=None) -> dict:
    with app.app_context(), tenant_context(tenant):
        return send_due(current_session(), settings, now=now)


def test_each_recipient_gets_one_message_with_the_rows_message_id(app, api: Api) -> None:
    api.onboard("alfa")
    addresses = [f"mottagare{i}@example.se" for i in range(5)]
    tenant = queue_quietly(app, "alfa", addresses)
    with smtp_server() as server:
        settings = smtp_settings(app.config["EST"], server.port)
        assert _send(app, tenant, settings) == {"sent": 5}
        assert _send(app, tenant, settings) == {}  # nothing is sent twice
    rows = outbox(app, tenant)
    assert server.recipients() == dict.fromkeys(addresses, 1)
    assert set(server.message_ids()) == {message_id(row, settings.mail_from) for row in rows.values()}
    assert all(row.status == "sent" and row.reply.startswith("250 2.0.0 Ok") for row in rows.values())
    received = email.message_from_bytes(server.raw[0], policy=default)
    assert (received["From"].addresses[0].display_name, received["Subject"]) == ("Alfa kommun", "Lägesbild vecka 10")


def test_4xx_is_retried_with_backoff_and_5xx_fails_for_good(app, api: Api) -> None:
    api.onboard("alfa")
    tenant = queue_quietly(app, "alfa", ["upptagen@example.se", "finns-inte@example.se", "ok@example.se",
                                         "alltid-upptagen@example.se"])  # fmt: skip
    with smtp_server() as server:
        server.planned = {
            "upptagen@example.se": ["451 4.3.0 Försök senare"],
            "finns-inte@example.se": ["550 5.1.1 Mottagaren finns inte"],
            "alltid-upptagen@example.se": ["452 4.2.2 Brevlådan full"] * MAX_ATTEMPTS,
        }
        settings = smtp_settings(app.config["EST"], server.port)
        assert _send(app, tenant, settings) == {"sent": 1, "retrying": 2, "failed": 1}
        rows = outbox(app, tenant)
        busy, missing = rows["upptagen@example.se"], rows["finns-inte@example.se"]
        assert (busy.status, busy.reply_code, busy.attempts) == ("retrying", 451, 1)
        assert busy.reply == "451 4.3.0 Försök senare"
        assert timedelta(seconds=55) < busy.next_attempt_at - busy.last_attempt_at <= timedelta(minutes=1)
        assert (missing.status, missing.reply_code, missing.reply) == ("failed", 550, "550 5.1.1 Mottagaren finns inte")
        assert _send(app, tenant, settings) == {}  # not due yet
        moment = utcnow()
        for _attempt in range(2, MAX_ATTEMPTS + 1):
            moment += timedelta(hours=3)
            _send(app, tenant, settings, now=moment)
        rows = outbox(app, tenant)
    assert rows["upptagen@example.se"].status == "sent" and rows["upptagen@example.se"].attempts == 2
    stuck = rows["alltid-upptagen@example.se"]
    assert (stuck.status, stuck.attempts, stuck.reply_code) == ("failed", MAX_ATTEMPTS, 452)
    assert rows["finns-inte@example.se"].attempts == 1  # a 5xx is never tried again
    assert server.recipients() == {"ok@example.se": 1, "upptagen@example.se": 1}


def test_no_server_is_retried_not_lost(app, api: Api) -> None:
    api.onboard("alfa")
    tenant = queue_quietly(app, "alfa", ["a@example.se"])
    with smtp_server() as server:
        port = server.port
    assert _send(app, tenant, smtp_settings(app.config["EST"], port)) == {"retrying": 1}
    row = outbox(app, tenant)["a@example.se"]
    assert row.reply_code is None and "förbindelse" in row.reply


def test_a_queued_row_is_delivered_after_commit_to_the_local_mailbox(app, api: Api, real_services: bool) -> None:
    """No SMTP server configured: the commit that queues a message enqueues its delivery, to the local maildir."""
    api.onboard("alfa")
    api.user("samordnare@alfa.test", tenant="alfa", role="coordinator")
    tenant = tenant_id(app, "alfa")
    with app.app_context(), tenant_context(tenant):
        db = current_session()
        membership = db.scalar(select(Membership))
        notify(db, membership, kind="test", key="test:local", subject="Påminnelse", body="Rapportera senast i dag.")
        db.commit()
    if real_services:  # the real worker delivers into its own instance folder
        wait_until(lambda: outbox(app, tenant)["samordnare@alfa.test"].status == "sent")
    row = outbox(app, tenant)["samordnare@alfa.test"]
    assert row.status == "sent" and "lokala brevlådan" in row.reply
    if not real_services:
        box = mailbox.Maildir(local_mailbox(app.config["EST"]), create=False)
        ids = [m["Message-ID"] for m in box]
        assert ids.count(message_id(row, app.config["EST"].mail_from)) == 1
        listed = app.test_cli_runner().invoke(args=["mail", "list"])
        assert "Påminnelse" in listed.output and "samordnare@alfa.test" in listed.output


def test_delivery_runs_as_one_tenant(app, api: Api) -> None:
    api.onboard("alfa")
    api.onboard("beta")
    alfa = queue_quietly(app, "alfa", ["a@example.se"])
    beta = queue_quietly(app, "beta", ["a@example.se"])
    with app.app_context():
        job_id = enqueue(deliver, tenant=alfa)
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    assert api.wait_for_job(job_id, admin)["status"] == "finished"
    assert outbox(app, alfa)["a@example.se"].status == "sent"
    assert outbox(app, beta)["a@example.se"].status == "queued"
    with app.app_context():
        assert sweep(app) == [beta]
    wait_until(lambda: outbox(app, beta)["a@example.se"].status == "sent")


def test_a_dead_senders_lease_is_taken_over_and_a_live_ones_is_not(app, api: Api) -> None:
    api.onboard("alfa")
    tenant = queue_quietly(app, "alfa", ["a@example.se", "b@example.se"])
    with app.app_context(), tenant_context(tenant):
        db = current_session()
        held = claim(db, "otherhost:1", utcnow(), limit=1)  # another host: alive as far as we know
        dead = claim(db, f"{socket.gethostname()}:{2**22 + 1}", utcnow(), limit=1)  # no such process here
        assert [r.to_address for r in held + dead] == ["a@example.se", "b@example.se"]
        again = claim(db, "me:1", utcnow())
        assert [r.to_address for r in again] == ["b@example.se"]
        later = claim(db, "me:2", utcnow() + timedelta(minutes=11))  # the live sender's lease has run out
        assert [r.to_address for r in later] == ["a@example.se", "b@example.se"]


def test_the_local_mailbox_is_under_the_instance_folder(app) -> None:
    assert local_mailbox(app.config["EST"]) == Path(app.config["EST"].instance_path) / "mail"


def test_a_row_another_sender_is_claiming_is_skipped_not_waited_for(app, api: Api, real_services: bool) -> None:
    if not real_services:
        pytest.skip("SKIP LOCKED is PostgreSQL's; on SQLite one sender per process runs")
    api.onboard("alfa")
    tenant = queue_quietly(app, "alfa", ["a@example.se", "b@example.se"])
    with app.app_context(), tenant_context(tenant), new_session() as first, new_session() as second:
        claiming = first.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == "a@example.se").with_for_update()
        )
        assert len(claiming.all()) == 1  # its transaction stays open, the row locked
        assert [row.to_address for row in claim(second, "other:1", utcnow())] == ["b@example.se"]
        first.rollback()


def test_the_sender_name_is_the_tenants(app, api: Api) -> None:
    api.onboard("alfa", mail_sender_name="Trygghetssamordningen Alfa")
    tenant = queue_quietly(app, "alfa", ["a@example.se"])
    with smtp_server() as server:
        _send(app, tenant, smtp_settings(app.config["EST"], server.port, mail_from="lagesbild@alfa.example.se"))
    received = email.message_from_bytes(server.raw[0], policy=default)
    assert str(received["From"]) == "Trygghetssamordningen Alfa <lagesbild@alfa.example.se>"
    assert received["Message-ID"].endswith("@alfa.example.se>")
