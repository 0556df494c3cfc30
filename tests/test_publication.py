"""Distributing a published lägesbild: the internal version with its PDF to internal lists, the public HTML to
public lists and (as feedback) to the period's reporters, each once; reporters' one-click opt-out; the delivery
log — checked in what a real SMTP server (aiosmtpd) received, on both legs."""

from __future__ import annotations

import email
import re
import shutil
from collections import Counter
from datetime import timedelta
from email.policy import default
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

import core.jobs
from core.lagesbild.models import Lagesbild
from core.mail.transport import local_mailbox
from core.notifications.models import OutboxMessage
from core.publication import trigger
from core.publication.jobs import distribute
from core.publication.models import PublicationFile, ReporterOptOut
from core.publication.service import queue
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant
from tests.helpers import Api
from tests.mail_helpers import wait_until
from tests.page_helpers import PageClient
from tests.publication_helpers import PILOT_LISTS, Pilot, delivering, private_worker

BOTKYRKA_LISTS = 7  # the addresses of botkyrka's lists


def _unsubscribe(message: email.message.EmailMessage) -> str:
    return str(message["List-Unsubscribe"]).strip()[1:-1]


def _received(server) -> dict[str, email.message.EmailMessage]:
    messages = [email.message_from_bytes(raw, policy=default) for raw in server.raw]
    return {str(message["To"]): message for message in messages}


def _rows(app: Flask, tenant: int, picture: int | None = None) -> list[OutboxMessage]:
    with app.app_context(), tenant_context(tenant):
        statement = select(OutboxMessage)
        if picture is not None:
            statement = statement.where(OutboxMessage.lagesbild_id == picture)
        return list(current_session().scalars(statement))


def _all_sent(app: Flask, tenant: int, count: int, picture: int | None = None) -> bool:
    rows = _rows(app, tenant, picture)
    return len(rows) == count and all(row.status != "queued" for row in rows)


def test_publishing_a_weekly_picture_sends_each_list_its_version_and_reporters_their_feedback(
    app: Flask, api: Api, real_services: bool, tmp_path: Path
) -> None:
    pilot = Pilot(app, api)
    pilot.reporter("falt")
    pilot.reporter("polis", reports=2)
    with delivering(app, real_services, tmp_path / "worker.log") as server:
        picture = pilot.publish_week()
        wait_until(lambda: _all_sent(app, pilot.id, 11), timeout=120)
    received = _received(server)
    assert set(received) == PILOT_LISTS | {"falt@orebro.test", "polis@orebro.test"}
    assert len(server.raw) == 11 and set(server.message_ids().values()) == {1}  # one each, Message-IDs unique
    internal = received["orebro.tib@example.invalid"]
    (pdf,) = list(internal.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF-")
    assert internal.get_body(("html",)) is not None and internal.get_body(("plain",)) is not None
    public = received["orebro.kommunikation@example.invalid"]
    assert list(public.iter_attachments()) == []
    assert "<html" in public.get_body(("html",)).get_content() and public.get_body(("plain",)) is not None
    for address, message in received.items():  # List-Unsubscribe only where it belongs: the reporters' feedback
        assert ("List-Unsubscribe" in message) is address.endswith("@orebro.test"), address
    feedback = received["falt@orebro.test"]
    assert feedback["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"http://localhost/t/orebro/avregistrera/[\w.-]+", _unsubscribe(feedback))
    assert _unsubscribe(feedback) in feedback.get_body(("plain",)).get_content()
    assert list(feedback.iter_attachments()) == []  # the public version
    # The delivery log agrees with what the server received.
    log = api.get(f"{pilot.base}/lagesbilder/{picture}/deliveries?page_size=5", pilot.admin).get_json()
    assert log["totals"] == {"recipients": 11, "queued": 0, "sent": 11, "retrying": 0, "failed": 0}
    assert (log["total"], len(log["items"])) == (11, 5)
    assert all(item["status"] == "sent" and item["reply"].startswith("250") for item in log["items"])
    audiences = Counter(row.audience for row in _rows(app, pilot.id))
    assert audiences == {"internal": 7, "public": 4}


def test_queuing_twice_sends_once(app: Flask, api: Api, real_services: bool, tmp_path: Path) -> None:
    pilot = Pilot(app, api)
    pilot.reporter("falt")
    with delivering(app, real_services, tmp_path / "worker.log") as server:
        picture = pilot.publish_week()
        wait_until(lambda: _all_sent(app, pilot.id, 10), timeout=120)
        with app.app_context(), tenant_context(pilot.id):
            db = current_session()
            tenant = db.get(Tenant, pilot.id)
            again = queue(db, tenant, db.get(Lagesbild, picture), app=app, site_url="http://localhost/")
            db.commit()
        assert again == 0
        with app.app_context(), tenant_context(pilot.id):  # a second job finds nothing to claim; a job queued
            assert distribute(None, lagesbild_id=picture)["queued"] == 0  # before migration 0017 (its own site
            assert distribute(None, lagesbild_id=picture, site_url="http://localhost/")["queued"] == 0  # address)
            assert len(current_session().scalars(select(PublicationFile)).all()) == 1  # the PDF, stored once
        url = f"{pilot.base}/lagesbilder/{picture}"
        published_again = api.post(f"{url}/publish", pilot.admin,
                                   headers={"If-Match": api.get(url, pilot.admin).headers["ETag"]})  # fmt: skip
        assert published_again.status_code == 409
    assert len(server.raw) == 10 and set(server.recipients().values()) == {1}


def test_a_distribution_never_queued_is_queued_by_the_housekeeping_and_sent_once(
    app: Flask, api: Api, real_services: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue is down at the moment the publishing transaction commits (as if the process died there): the
    picture is published, nothing is queued, and the cycle housekeeping queues it once the grace is over."""
    pilot = Pilot(app, api)
    pilot.reporter("falt")
    queue_up = core.jobs.enqueue

    def queue_down(fn, **arguments):
        if fn.__name__ == "distribute":
            raise ConnectionError("the queue is down")
        return queue_up(fn, **arguments)

    with delivering(app, real_services, tmp_path / "worker.log") as server:
        monkeypatch.setattr(core.jobs, "enqueue", queue_down)
        picture = pilot.publish_week()
        monkeypatch.setattr(core.jobs, "enqueue", queue_up)
        assert _rows(app, pilot.id) == []
        etag = api.get(f"{pilot.base}/lagesbilder/{picture}", pilot.admin).headers["ETag"]
        with app.app_context(), tenant_context(pilot.id):
            db = current_session()
            published_at = db.get(Lagesbild, picture).published_at
            assert trigger.sweep(db, published_at + trigger.GRACE / 2) == 0  # the first job may still be on its way
        later = (published_at + trigger.GRACE + timedelta(minutes=1)).isoformat()
        assert app.test_cli_runner().invoke(args=["cycles", "tick", "--now", later]).exit_code == 0
        wait_until(lambda: _all_sent(app, pilot.id, 10), timeout=120)
        with app.app_context(), tenant_context(pilot.id):
            assert trigger.sweep(current_session(), published_at + 2 * trigger.GRACE) == 0  # done: not again
    assert len(server.raw) == 10 and set(server.recipients().values()) == {1}
    # Marking the distribution done left the picture's ETag as its readers hold it.
    assert api.get(f"{pilot.base}/lagesbilder/{picture}", pilot.admin).headers["ETag"] == etag


def test_opted_out_reporters_get_nothing_and_tokens_are_tenant_bound(
    app: Flask, api: Api, real_services: bool, tmp_path: Path
) -> None:
    pilot = Pilot(app, api)
    pilot.reporter("falt")
    pilot.reporter("polis")
    other = Pilot(app, api, "botkyrka")
    other.reporter("falt")
    with delivering(app, real_services, tmp_path / "worker.log") as server:
        pilot.publish_week()
        other.publish_week()
        wait_until(lambda: _all_sent(app, pilot.id, 11) and _all_sent(app, other.id, 1 + BOTKYRKA_LISTS), timeout=120)
    received = _received(server)
    falt = _unsubscribe(received["falt@orebro.test"]).removeprefix("http://localhost")
    botkyrka = _unsubscribe(received["falt@botkyrka.test"]).removeprefix("http://localhost")
    client = app.test_client()
    # Another tenant's token at this tenant's address, a tampered one, an unknown tenant: refused, nothing recorded.
    token = falt.rpartition("/")[2]
    for path in (f"/t/botkyrka/avregistrera/{token}", f"{falt[:-3]}xyz", f"/t/okand/avregistrera/{token}",
                 botkyrka.replace("/t/botkyrka/", "/t/orebro/")):  # fmt: skip
        for method in ("GET", "POST"):
            refused = client.open(path, method=method, data={"List-Unsubscribe": "One-Click"})
            assert refused.status_code == 404 and "Ingenting har ändrats" in refused.get_data(as_text=True), path
    # GET only asks (a mail scanner following the link records nothing); the one-click POST needs no CSRF token.
    page = client.get(falt)
    assert page.status_code == 200 and f'action="{falt}"' in page.get_data(as_text=True)
    for _twice in range(2):
        done = client.post(falt, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200
    after = client.get(falt)
    assert after.status_code == 200 and f'action="{falt}"' not in after.get_data(as_text=True)
    # The next picture: the opted-out reporter gets nothing, the other one still does; botkyrka's is untouched.
    for reporter in ("falt", "polis"):
        reported = api.post(f"{pilot.base}/reports", api.token(f"{reporter}@orebro.test"), json={
            "item": "brand", "area": pilot.areas[0], "occurred_at": "2026-11-17T21:00:00+01:00", "severity": 2,
            "place": {"text": "Torget"}})  # fmt: skip
        assert reported.status_code == 201, reported.get_json()
    with delivering(app, real_services, tmp_path / "worker.log") as server:
        picture = pilot.publish_week(at="2026-11-17T12:00:00+01:00")
        wait_until(lambda: _all_sent(app, pilot.id, 10, picture), timeout=120)
    assert "polis@orebro.test" in _received(server) and "falt@orebro.test" not in _received(server)
    with app.app_context(), tenant_context(other.id):
        assert current_session().scalars(select(ReporterOptOut)).all() == []


def test_the_delivery_log_agrees_with_the_server_4xx_retrying_5xx_failed(
    app: Flask, api: Api, real_services: bool, tmp_path: Path
) -> None:
    pilot = Pilot(app, api)
    other = Pilot(app, api, "botkyrka")
    coordinator = api.user("samordnare@orebro.test", tenant="orebro", role="coordinator")
    reporter = pilot.reporter("falt")
    with delivering(app, real_services, tmp_path / "worker.log") as server:
        server.planned = {"orebro.tib@example.invalid": ["451 4.3.0 Försök senare"],
                          "orebro.sosalarm@example.invalid": ["550 5.1.1 Mottagaren finns inte"]}  # fmt: skip
        picture = pilot.publish_week()
        theirs = other.publish_week()
        wait_until(lambda: _all_sent(app, pilot.id, 10, picture), timeout=120)
    url = f"{pilot.base}/lagesbilder/{picture}/deliveries"
    log = api.get(f"{url}?page_size=200", coordinator).get_json()
    assert log["totals"] == {"recipients": 10, "queued": 0, "sent": 8, "retrying": 1, "failed": 1}
    received = {address for address in server.recipients() if "orebro" in address}
    by_address = {item["recipient"]: item for item in log["items"]}
    assert {address for address, item in by_address.items() if item["status"] == "sent"} == received
    assert set(by_address) - received == {"orebro.tib@example.invalid", "orebro.sosalarm@example.invalid"}
    busy, missing = by_address["orebro.tib@example.invalid"], by_address["orebro.sosalarm@example.invalid"]
    assert (busy["status"], busy["attempts"], busy["reply"]) == ("retrying", 1, "451 4.3.0 Försök senare")
    assert busy["next_attempt_at"] is not None and busy["audience"] == "internal"
    assert (missing["status"], missing["reply_code"]) == ("failed", 550)
    assert missing["reply"] == "550 5.1.1 Mottagaren finns inte"
    assert by_address["falt@orebro.test"]["opt_out"] is True and busy["opt_out"] is False
    # Coordinators and admins only; another tenant's member and another tenant's picture: 404, nothing shown.
    assert api.get(url, reporter).status_code == 403
    assert api.get(url, other.admin).status_code == 404
    foreign = api.get(f"{pilot.base}/lagesbilder/{theirs}/deliveries", pilot.admin)
    assert foreign.status_code == 404 and "botkyrka" not in foreign.get_data(as_text=True)
    assert api.get(f"{pilot.base}/lagesbilder/999999/deliveries", pilot.admin).status_code == 404
    assert api.get(f"{url}?page_size=500", pilot.admin).status_code == 422


def test_the_local_mailbox_shows_a_tenants_own_messages_to_its_admins(
    app: Flask, api: Api, real_services: bool, tmp_path: Path
) -> None:
    shutil.rmtree(local_mailbox(app.config["EST"]), ignore_errors=True)  # what earlier tests' tenants left there
    pilot = Pilot(app, api)
    other = Pilot(app, api, "botkyrka")
    api.user("samordnare@orebro.test", tenant="orebro", role="coordinator")
    with private_worker(app, real_services, tmp_path / "worker.log", app.config["EST"]):  # no SMTP server
        pilot.publish_week()
        other.publish_week()
        wait_until(lambda: _all_sent(app, pilot.id, 9) and _all_sent(app, other.id, 7), timeout=120)
    admin = PageClient(app, "admin@orebro.test")
    listing = admin.get("/t/orebro/brevlada")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    keys = re.findall(r'href="/t/orebro/brevlada/([^"/]+)"', page)
    assert len(keys) == 9 and "botkyrka" not in page
    assert 'href="/t/orebro/brevlada"' in admin.get("/t/orebro/").get_data(as_text=True)  # the menu links to it
    messages = {key: admin.get(f"/t/orebro/brevlada/{key}").get_data(as_text=True) for key in keys}
    internal = next(key for key, text in messages.items() if "orebro.tib@example.invalid" in text)
    shown = messages[internal]
    assert f'<iframe class="mail-body" sandbox="" src="/t/orebro/brevlada/{internal}/html"' in shown
    body = admin.get(f"/t/orebro/brevlada/{internal}/html")
    assert body.status_code == 200 and "<html" in body.get_data(as_text=True)
    policy = body.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "frame-ancestors 'self'" in policy
    pdf = admin.get(f"/t/orebro/brevlada/{internal}/bilagor/0")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    # Another tenant's admin, this tenant's coordinator, another tenant's message by key: 404.
    theirs = PageClient(app, "admin@botkyrka.test")
    assert theirs.get("/t/orebro/brevlada").status_code == 404
    for path in ("", "/html", "/bilagor/0"):
        assert theirs.get(f"/t/botkyrka/brevlada/{internal}{path}").status_code == 404
    assert PageClient(app, "samordnare@orebro.test").get("/t/orebro/brevlada").status_code == 404
    assert admin.get("/t/orebro/brevlada/..%2Fsecret_key").status_code == 404
    assert admin.get(f"/t/orebro/brevlada/{internal}/bilagor/5").status_code == 404
