"""Publishing a pilot's weekly picture through the API, with delivery pointed at the tests' SMTP server.

On the embedded leg the app's own in-process jobs distribute and deliver; on the real leg a private ``est worker``
(its own queue, the SMTP server in its environment) does, so that what the server receives is all there is."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from flask import Flask

from config.settings import Settings
from tests.helpers import Api
from tests.mail_helpers import smtp_settings, tenant_id
from tests.page_helpers import onboard_pilot
from tests.smtp_server import Mailbox, smtp_server

WEEK = "2026-11-10T12:00:00+01:00"
# The addresses of Örebro's own lists (tenants/orebro.toml).
PILOT_INTERNAL = {"orebro.kommunalrad@example.invalid", "orebro.kommundirektor@example.invalid",
                  "orebro.forvaltningschefer@example.invalid", "orebro.tib@example.invalid",
                  "orebro.lansstyrelsen.tib@example.invalid", "orebro.region.tib@example.invalid",
                  "orebro.sosalarm@example.invalid"}  # fmt: skip
PILOT_PUBLIC = {"orebro.foreningar@example.invalid", "orebro.kommunikation@example.invalid"}
PILOT_LISTS = PILOT_INTERNAL | PILOT_PUBLIC


@contextmanager
def private_worker(app: Flask, real_services: bool, log: Path, settings: Settings) -> Iterator[None]:
    """While the block runs, the app's jobs run with ``settings``: in-process, or on the real leg on a private
    ``est worker`` (its own queue; the SMTP server and the instance folder of ``settings`` in its environment)."""
    original = app.config["EST"]
    settings = replace(settings, queue_name=f"{original.queue_name}-publication")
    app.config["EST"] = settings
    worker = None
    if real_services:
        env = {**os.environ, "EST_QUEUE_NAME": settings.queue_name, "EST_SMTP_HOST": settings.smtp_host,
               "EST_SMTP_PORT": str(settings.smtp_port), "EST_SMTP_TLS": settings.smtp_tls,
               "EST_INSTANCE_PATH": settings.instance_path, "PYTHONPATH": os.getcwd()}  # fmt: skip
        with log.open("ab") as out:
            worker = subprocess.Popen([str(Path(sys.executable).parent / "est"), "worker"], env=env, stdout=out,
                                      stderr=subprocess.STDOUT)  # fmt: skip
    try:
        yield
    finally:
        app.config["EST"] = original
        if worker is not None:
            worker.terminate()
            worker.wait(30)


@contextmanager
def delivering(app: Flask, real_services: bool, log: Path) -> Iterator[Mailbox]:
    """An SMTP server that the app's jobs deliver to while the block runs."""
    with (
        smtp_server() as server,
        private_worker(app, real_services, log, smtp_settings(app.config["EST"], server.port)),
    ):
        yield server


class Pilot:
    """A pilot onboarded from its file, with an admin, and reporters who report in :data:`WEEK`."""

    def __init__(self, app: Flask, api: Api, slug: str = "orebro") -> None:
        onboard_pilot(app, slug)
        self.api, self.slug, self.id = api, slug, tenant_id(app, slug)
        self.base = f"/api/v1/tenants/{slug}"
        self.admin = api.user(f"admin@{slug}.test", tenant=slug, role="admin")
        self.areas = [a["id"] for a in api.get(f"{self.base}/areas", self.admin).get_json()["items"]]

    def reporter(self, name: str, *, reports: int = 1) -> str:
        token = self.api.user(f"{name}@{self.slug}.test", tenant=self.slug, role="reporter")
        for _n in range(reports):
            body = {"item": "skadegorelse", "area": self.areas[0], "occurred_at": "2026-11-10T21:00:00+01:00",
                    "severity": 2, "place": {"text": "Torget"}}  # fmt: skip
            response = self.api.post(f"{self.base}/reports", token, json=body)
            assert response.status_code == 201, response.get_json()
        return token

    def publish_week(self, at: str = WEEK) -> int:
        """Open the week's cycle, compile its plan, assess and publish it; returns the published picture's id."""
        api, admin = self.api, self.admin
        cycle = api.post(f"{self.base}/cycles", admin, json={"at": at}).get_json()
        if cycle["state"] == "collecting":
            assert self._move(cycle["id"], "compiling").status_code == 200
        for step in cycle["plan"]:
            job = api.post(f"{self.base}/lagesbilder", admin, json={"cycle": cycle["id"], "step": step["key"]})
            assert job.status_code == 202, job.get_json()
            picture = api.wait_for_job(job.get_json()["id"], admin)["result"]["lagesbild"]
        url = f"{self.base}/lagesbilder/{picture}"
        body = {"summary": "Lugnt", "areas": [{"area": self.areas[0], "level": 1, "conditions": "Lugnt"}]}
        etag = api.get(url, admin).headers["ETag"]
        assessed = api.request("PUT", f"{url}/assessment", admin, json=body, headers={"If-Match": etag})
        assert assessed.status_code == 200, assessed.get_json()
        for state in ("assessed", "published"):
            moved = self._move(cycle["id"], state)
            assert moved.status_code == 200, moved.get_json()
        return picture

    def _move(self, cycle_id: int, to: str):
        etag = self.api.get(f"{self.base}/cycles/{cycle_id}", self.admin).headers["ETag"]
        return self.api.post(f"{self.base}/cycles/{cycle_id}/transitions", self.admin, json={"to": to},
                             headers={"If-Match": etag})  # fmt: skip
