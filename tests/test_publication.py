"""Distributing a published lägesbild: the internal version with its PDF to internal lists, the public HTML to
public lists and (as feedback) to the period's reporters, each once; reporters' one-click opt-out; the delivery
log — checked in what a real SMTP server (aiosmtpd) received, on both legs."""

from __future__ import annotations

import email
import re
from collections import Counter
from email.policy import default
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from core.lagesbild.models import Lagesbild
from core.notifications.models import OutboxMessage
from core.publication.models import ReporterOptOut
from core.publication.service import queue
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant
from tests.helpers import Api
from tests.mail_helpers import wait_until
from tests.publication_helpers import Pilot, delivering

INTERNAL = {"orebro.kommunalrad@example.invalid", "orebro.kommundirektor@example.invalid",
            "orebro.forvaltningschefer@example.invalid", "orebro.tib@example.invalid",
            "orebro.lansstyrelsen.tib@example.invalid", "orebro.region.tib@example.invalid",
            "orebro.sosalarm@example.invalid"}  # fmt: skip
BOTKYRKA_LISTS = 7  # the addresses of botkyrka's lists
PUBLIC = {"orebro.foreningar@example.invalid", "orebro.kommunikation@example.invalid"}


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
    assert set(received) == INTERNAL | PUBLIC | {"falt@orebro.test", "polis@orebro.test"}
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
        url = f"{pilot.base}/lagesbilder/{picture}"
        published_again = api.post(f"{url}/publish", pilot.admin,
                                   headers={"If-Match": api.get(url, pilot.admin).headers["ETag"]})  # fmt: skip
        assert published_again.status_code == 409
    assert len(server.raw) == 10 and set(server.recipients().values()) == {1}


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
            assert refused.status_code == 404, path
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
