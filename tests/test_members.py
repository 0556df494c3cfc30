"""Members: no operation leaves a tenant without an admin, however the requests interleave."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from core.accounts import members
from core.accounts.models import Membership, Role, User
from core.db import new_session
from core.errors import Conflict
from core.tenancy import tenant_context
from core.tenants.models import Tenant
from tests.helpers import Api

BASE = "/api/v1/tenants/alfa/members"


def _member_id(api: Api, token: str, email: str) -> int:
    listed = api.get(f"{BASE}?page_size=200", token).get_json()["items"]
    return next(m["id"] for m in listed if m["email"] == email)


@pytest.fixture
def admin(api: Api) -> str:
    api.onboard("alfa")
    return api.user("admin@alfa.test", tenant="alfa", role="admin")


def test_the_last_admin_can_neither_demote_nor_remove_themselves(api: Api, admin: str) -> None:
    me = _member_id(api, admin, "admin@alfa.test")
    demoted = api.request("PATCH", f"{BASE}/{me}", admin, json={"role": "coordinator"})
    assert demoted.status_code == 409 and "administratör" in demoted.get_json()["message"]
    assert "role" in demoted.get_json()["errors"]
    removed = api.request("DELETE", f"{BASE}/{me}", admin)
    assert removed.status_code == 409 and "administratör" in removed.get_json()["message"]
    assert api.get(f"{BASE}/{me}", admin).get_json()["role"] == "admin"


def test_no_one_leaves_a_tenant_without_an_admin(api: Api, admin: str) -> None:
    other = api.user("annan@alfa.test", tenant="alfa", role="admin")
    platform = api.user("plattform@est.test", admin=True)
    me, them = _member_id(api, admin, "admin@alfa.test"), _member_id(api, admin, "annan@alfa.test")
    assert api.request("PATCH", f"{BASE}/{them}", admin, json={"role": "reporter"}).status_code == 200
    assert api.request("PATCH", f"{BASE}/{me}", other, json={"role": "reporter"}).status_code == 403
    assert api.request("DELETE", f"{BASE}/{me}", platform).status_code == 409
    assert api.request("PATCH", f"{BASE}/{them}", admin, json={"role": "admin"}).status_code == 200
    assert api.request("DELETE", f"{BASE}/{me}", other).status_code == 204


def test_a_tenant_without_admins_keeps_working_for_the_platform_admin(api: Api) -> None:
    api.onboard("alfa")
    platform = api.user("plattform@est.test", admin=True)
    api.user("rapportor@alfa.test", tenant="alfa", role="reporter")
    reporter = _member_id(api, platform, "rapportor@alfa.test")
    assert api.request("PATCH", f"{BASE}/{reporter}", platform, json={"role": "coordinator"}).status_code == 200
    assert api.request("DELETE", f"{BASE}/{reporter}", platform).status_code == 204


def test_two_admins_demoting_each_other_at_once_cannot_both_succeed(api: Api, admin: str) -> None:
    api.user("annan@alfa.test", tenant="alfa", role="admin")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(email: str) -> None:
        with api.app.app_context(), new_session() as session:
            tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == "alfa"))
            with tenant_context(tenant_id, session):
                user_id = session.scalar(select(User.id).where(User.email == email))
                membership = session.scalar(select(Membership).where(Membership.user_id == user_id))
                barrier.wait()
                try:
                    members.update(session, membership, {"role": Role.REPORTER.value})
                    session.commit()
                    outcomes.append("demoted")
                except Conflict:
                    session.rollback()
                    outcomes.append("refused")

    threads = [threading.Thread(target=demote, args=(e,)) for e in ("admin@alfa.test", "annan@alfa.test")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["demoted", "refused"]
    platform = api.user("plattform@est.test", admin=True)
    roles = [m["role"] for m in api.get(BASE, platform).get_json()["items"]]
    assert roles.count("admin") == 1
