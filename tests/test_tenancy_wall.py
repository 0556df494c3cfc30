"""The tenancy wall: every tenant-level endpoint, and the mechanisms under it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.organisation.models import Area
from core.tenancy import TenancyError, current_session, platform_scope, tenant_context
from core.tenants.models import Tenant
from tests.helpers import Api, assert_tenant_wall, tenant_level_rules


@pytest.fixture
def two_tenants(api: Api) -> dict[str, str]:
    """Tenants alfa and beta with the same keys and names everywhere; an admin of each, and members."""
    api.onboard("alfa")
    api.onboard("beta")
    tokens = {
        "a": api.user("admin@alfa.test", tenant="alfa", role="admin"),
        "b": api.user("admin@beta.test", tenant="beta", role="admin"),
    }
    api.user("rapportor@alfa.test", tenant="alfa", role="reporter")
    api.user("rapportor@beta.test", tenant="beta", role="reporter")
    for slug, token in (("alfa", tokens["a"]), ("beta", tokens["b"])):
        area = api.get(f"/api/v1/tenants/{slug}/areas", token).get_json()["items"][0]["id"]
        report = {"item": "brand", "area": area, "occurred_at": "2024-03-12T22:15:00+01:00", "severity": 2,
                  "place": {"text": "Torget"}}
        assert api.post(f"/api/v1/tenants/{slug}/reports", token, json=report).status_code == 201
    return tokens


def test_every_tenant_level_endpoint_keeps_the_wall(api: Api, two_tenants: dict[str, str]) -> None:
    rules = tenant_level_rules(api.app)
    assert len(rules) >= 10
    for method, rule in rules:
        assert_tenant_wall(api, rule, method, a="alfa", b="beta", a_token=two_tenants["a"], b_token=two_tenants["b"])


def test_member_of_b_cannot_add_members_to_a(api: Api, two_tenants: dict[str, str]) -> None:
    body = {"email": "ny@beta.test", "role": "admin", "password": "ett-langt-losenord"}
    assert api.post("/api/v1/tenants/alfa/members", two_tenants["b"], json=body).status_code == 404
    listed = api.get("/api/v1/tenants/alfa/members", two_tenants["a"]).get_json()
    assert "ny@beta.test" not in {m["email"] for m in listed["items"]}


def test_queries_without_a_tenant_fail_closed(app) -> None:
    with app.app_context():
        with pytest.raises(TenancyError):
            current_session().scalars(select(Area)).all()


def test_scoped_session_sees_only_its_tenant(app, api: Api) -> None:
    api.onboard("alfa")
    api.onboard("beta")
    with app.app_context():
        db = current_session()
        alfa, beta = (db.scalar(select(Tenant.id).where(Tenant.slug == s)) for s in ("alfa", "beta"))
        with tenant_context(alfa, db):
            names = {(a.tenant_id, a.key) for a in db.scalars(select(Area))}
        assert names == {(alfa, "centrum"), (alfa, "norr")}
        with platform_scope("test: count across tenants", db):
            assert len(db.scalars(select(Area)).all()) == 4
        # One Session serves one tenant: its identity map must never answer for another.
        with pytest.raises(TenancyError), tenant_context(beta, db):
            db.scalars(select(Area)).all()


def test_insert_for_another_tenant_is_refused(app, api: Api) -> None:
    api.onboard("alfa")
    api.onboard("beta")
    with app.app_context():
        db = current_session()
        alfa, beta = (db.scalar(select(Tenant.id).where(Tenant.slug == s)) for s in ("alfa", "beta"))
        with tenant_context(alfa, db):
            db.add(Area(key="smyg", name="Smyg", tenant_id=beta))
            with pytest.raises(TenancyError):
                db.flush()
            db.rollback()
            area = Area(key="ny", name="Ny")
            db.add(area)
            db.flush()
            assert area.tenant_id == alfa
