"""Tests of the web pages: a browser-like client that logs in through the login form, and a tenant with a
reporter, a coordinator and a member of another tenant."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from config.settings import REPO_ROOT
from core.tenancy import current_session
from core.tenants import files, onboarding
from tests.cycle_helpers import Tenant
from tests.helpers import PASSWORD, Api

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


class PageClient:
    """A cookie-keeping client that logs in as a person does and posts forms with their CSRF token."""

    def __init__(self, app: Flask, email: str | None = None) -> None:
        self.client: FlaskClient = app.test_client()
        if email is not None:
            response = self.post("/login", {"email": email, "password": PASSWORD}, page="/login")
            assert response.status_code == 302, response.get_data(as_text=True)

    def get(self, path: str, **kwargs: Any):
        return self.client.get(path, **kwargs)

    def csrf(self, page: str) -> str:
        return CSRF_FIELD.search(self.get(page).get_data(as_text=True)).group(1)

    def post(self, path: str, data: dict[str, str], *, page: str | None = None, csrf: bool = True):
        """Post ``data`` as the form of ``page`` (default: ``path``) would, with its token unless ``csrf`` is off."""
        token = {"csrf": self.csrf(page or path)} if csrf else {}
        return self.client.post(path, data={**data, **token})


def report_form(area_id: int, **changes: str) -> dict[str, str]:
    return {"area": str(area_id), "item": "skadegorelse", "when": "now", "place": "Torget", "severity": "2",
            "comment": "", "early_action": "", **changes}  # fmt: skip


def two_tenants(api: Api) -> tuple[Tenant, Tenant]:
    """alfa with a reporter (fältgrupp), a second reporter and a coordinator; beta with a reporter."""
    alfa, beta = Tenant(api, "alfa"), Tenant(api, "beta")
    alfa.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    alfa.member("polisen", "reporter", organisation="polis", function="omradespolis")
    alfa.member("samordnare", "coordinator", organisation="kommun")
    beta.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    return alfa, beta


def onboard_pilot(app: Flask, slug: str) -> None:
    """Onboard one of the pilots from its file in ``tenants/``."""
    with app.app_context():
        db = current_session()
        pm = app.extensions["est.plugins"]
        onboarding.apply(db, files.load(REPO_ROOT / "tenants" / f"{slug}.toml", pm), pm)
        db.commit()
