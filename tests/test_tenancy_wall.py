"""The tenancy wall: every tenant-level endpoint, and the mechanisms under it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.accounts.models import Membership
from core.notifications.service import notify
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
        populate(api, slug, token)
    return tokens


def populate(api: Api, slug: str, token: str) -> None:
    """One of everything a tenant-level endpoint can list: a report, a cycle with its compiled pictures, a
    meeting, a proposal, an invitation, a notification."""
    base = f"/api/v1/tenants/{slug}"
    area = api.get(f"{base}/areas", token).get_json()["items"][0]["id"]
    report = {"item": "brand", "area": area, "occurred_at": "2024-03-12T22:15:00+01:00", "severity": 2,
              "place": {"text": "Torget"}}  # fmt: skip
    assert api.post(f"{base}/reports", token, json=report).status_code == 201
    cycle = api.post(f"{base}/cycles", token, json={"at": "2024-03-12T12:00:00+01:00"}).get_json()
    etag = api.get(f"{base}/cycles/{cycle['id']}", token).headers["ETag"]
    moved = api.post(
        f"{base}/cycles/{cycle['id']}/transitions", token, json={"to": "compiling"}, headers={"If-Match": etag}
    )
    assert moved.status_code == 200, moved.get_json()
    for step in moved.get_json()["plan"]:
        job = api.post(f"{base}/lagesbilder", token, json={"cycle": cycle["id"], "step": step["key"]}).get_json()
        assert api.wait_for_job(job["id"], token)["status"] == "finished"
    meeting = {"held_at": "2024-03-19T09:00:00+01:00", "attendees": [{"organisation": "polis", "function": "x"}]}
    assert api.request("PUT", f"{base}/cycles/{cycle['id']}/meeting", token, json=meeting).status_code == 200
    proposal = {"title": "Bättre belysning", "department": "Tekniska förvaltningen"}
    assert api.post(f"{base}/proposals", token, json=proposal).status_code == 201
    assert (
        api.post(f"{base}/invitations", token, json={"email": "ny@example.se", "role": "reporter"}).status_code == 201
    )
    with api.app.app_context():
        db = current_session()
        tenant_id = db.scalar(select(Tenant.id).where(Tenant.slug == slug))
        with tenant_context(tenant_id, db):
            membership = db.scalar(select(Membership).order_by(Membership.id))
            notify(db, membership, kind="test", key=f"test:{slug}", subject="Hej", body="Test")
            db.commit()


def test_every_tenant_level_endpoint_keeps_the_wall(api: Api, two_tenants: dict[str, str]) -> None:
    rules = tenant_level_rules(api.app)
    assert len(rules) >= 10
    for method, rule in rules:
        assert_tenant_wall(api, rule, method, a="alfa", b="beta", a_token=two_tenants["a"], b_token=two_tenants["b"])


def test_member_of_b_cannot_invite_members_to_a(api: Api, two_tenants: dict[str, str]) -> None:
    body = {"email": "ny@beta.test", "role": "admin"}
    assert api.post("/api/v1/tenants/alfa/invitations", two_tenants["b"], json=body).status_code == 404
    listed = api.get("/api/v1/tenants/alfa/invitations", two_tenants["a"]).get_json()
    assert "ny@beta.test" not in {i["email"] for i in listed["items"]}


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
        with platform_scope("test: count across tenants"):
            # The bypass lifts the Session's scoping only: on PostgreSQL the database wall still shows nothing.
            on_postgresql = db.get_bind().dialect.name == "postgresql"
            assert len(db.scalars(select(Area)).all()) == (0 if on_postgresql else 4)
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


def test_every_tenant_owned_table_has_row_level_security() -> None:
    """A new table with a tenant_id must be listed in its migration's TENANT_TABLES (and so get the RLS policy)."""
    from core.migrations.versions import TENANT_TABLES
    from core.models import Base

    owned = {table.name for table in Base.metadata.sorted_tables if "tenant_id" in table.c}  # jobs too
    assert owned == set(TENANT_TABLES)


def test_statements_cannot_write_another_tenants_id(app, api: Api) -> None:
    from sqlalchemy import insert, update

    api.onboard("alfa")
    api.onboard("beta")
    with app.app_context():
        db = current_session()
        alfa, beta = (db.scalar(select(Tenant.id).where(Tenant.slug == s)) for s in ("alfa", "beta"))
        with tenant_context(alfa, db):
            with pytest.raises(TenancyError):
                db.execute(insert(Area).values(tenant_id=beta, key="smyg", name="Smyg", active=True))
            db.rollback()
            with pytest.raises(TenancyError):
                db.execute(insert(Area), [{"tenant_id": beta, "key": "smyg", "name": "Smyg", "active": True}])
            db.rollback()
            with pytest.raises(TenancyError):
                db.execute(update(Area).where(Area.key == "norr").values(tenant_id=beta))
            db.rollback()
            db.execute(update(Area).where(Area.key == "norr").values(name="Norra"))
            db.commit()
    with app.app_context():
        db = current_session()
        with tenant_context(beta, db):
            assert db.scalar(select(Area.name).where(Area.key == "norr")) == "Norr"
