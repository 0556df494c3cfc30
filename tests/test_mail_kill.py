"""Exactly once across a crash, on the real leg: publish a picture to a list of 500 recipients, ``kill -9`` the real
``est worker`` in the middle of delivering it, start a new one; the SMTP server then holds exactly one message per
recipient, and the picture's delivery log agrees.

The worker is killed while it waits for the server's reply to one message's DATA (the server holds that reply):
mid-conversation, with a batch of rows leased and unsent. A kill between the server's acceptance and the row's
committed update — a window one local UPDATE long — would send that one message twice (with the same Message-ID;
see ``core.mail``); the test places the kill outside that window so that it can assert exactly one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from core.app import create_app
from core.mail.message import message_id
from core.mail.trigger import sweep
from core.notifications.models import OutboxMessage
from tests.helpers import Api, owner_connection
from tests.mail_helpers import outbox, wait_until
from tests.publication_helpers import PILOT_LISTS, Pilot
from tests.smtp_server import smtp_server

RECIPIENTS = 500


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """An ``est worker`` in its own process group: with it, rq's scheduler process and the work horses."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "est"), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def _senders(app) -> set[str]:
    with owner_connection(app) as connection:
        owners = connection.scalars(select(OutboxMessage.lease_owner).where(OutboxMessage.lease_owner.is_not(None)))
        return set(owners)


def _list_of(api: Api, pilot: Pilot, addresses: list[str]) -> None:
    """A public distribution list of ``addresses`` (one PUT of its recipients)."""
    created = api.post(f"{pilot.base}/distribution-lists", pilot.admin,
                       json={"key": "massutskick", "name": "Massutskick", "audience": "public"})  # fmt: skip
    assert created.status_code == 201, created.get_json()
    url = f"{pilot.base}/distribution-lists/{created.get_json()['id']}/recipients"
    body = {"recipients": [{"email": address, "name": "Mottagare"} for address in addresses]}
    filled = api.current("PUT", url, pilot.admin, json=body, reader=pilot.admin)
    assert filled.status_code == 200, filled.get_json()


def test_kill_9_mid_run_then_a_new_worker_delivers_each_message_exactly_once(
    app, api: Api, real_services: bool, tmp_path: Path
) -> None:
    if not real_services:
        pytest.skip("needs Redis and a real `est worker`")
    pilot = Pilot(app, api)
    addresses = [f"mottagare{i:03d}@example.se" for i in range(RECIPIENTS)]
    _list_of(api, pilot, addresses)
    everyone = dict.fromkeys([*addresses, *PILOT_LISTS], 1)
    original = app.config["EST"]
    with smtp_server() as server:
        queue = f"{original.queue_name}-mail-kill"
        settings = replace(original, queue_name=queue, smtp_host="127.0.0.1", smtp_port=server.port, smtp_tls="none")
        env = {**os.environ, "EST_QUEUE_NAME": queue, "EST_SMTP_HOST": "127.0.0.1", "EST_SMTP_PORT": str(server.port),
               "EST_SMTP_TLS": "none", "PYTHONPATH": os.getcwd()}  # fmt: skip
        mail_app = create_app(settings)
        server.hold_at = random.randint(RECIPIENTS // 5, RECIPIENTS * 4 // 5)
        first = _worker(env, tmp_path / "worker.log")
        app.config["EST"] = settings  # publishing's jobs (compile, distribute, deliver) go to the first worker
        try:
            pilot.publish_week()
            assert server.holding.wait(120), (tmp_path / "worker.log").read_text()[-3000:]
            (sender,) = _senders(app)  # the work horse running the delivery job
            os.kill(int(sender.rpartition(":")[2]), signal.SIGKILL)
            os.killpg(first.pid, signal.SIGKILL)  # the whole worker, its scheduler too (else left running)
            first.wait()
        finally:
            app.config["EST"] = original
            server.released.set()
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
        assert len(server.messages) == server.hold_at
        second = _worker(env, tmp_path / "worker.log")
        try:
            with mail_app.app_context():
                assert sweep(mail_app) == [pilot.id]
            wait_until(lambda: all(r.status == "sent" for r in outbox(app, pilot.id).values()), timeout=180)
        finally:
            second.terminate()
            second.wait(30)
        mail_app.extensions["est.engine"].dispose()
    rows = outbox(app, pilot.id)
    assert server.recipients() == everyone
    ids = server.message_ids()
    assert len(ids) == len(everyone) and set(ids.values()) == {1}
    assert set(ids) == {message_id(row, settings.mail_from) for row in rows.values()}
    assert {(row.status, row.attempts, row.reply_code) for row in rows.values()} == {("sent", 1, 250)}
    log = api.get(f"{pilot.base}/lagesbilder/{rows[addresses[0]].lagesbild_id}/deliveries", pilot.admin).get_json()
    assert log["totals"] == {"recipients": len(everyone), "queued": 0, "sent": len(everyone), "retrying": 0,
                             "failed": 0}  # fmt: skip
