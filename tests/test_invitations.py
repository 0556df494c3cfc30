"""Invitations: an account joins a tenant only when the owner of its e-mail accepts, and inviting tells nothing
about who has an account."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from core.accounts import invitations
from core.accounts.models import Invitation, User
from core.db import new_session, utcnow
from core.errors import Conflict
from core.notifications.models import OutboxMessage
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant
from tests.helpers import PASSWORD, Api

ALFA = "/api/v1/tenants/alfa"
BETA = "/api/v1/tenants/beta"
CODE = re.compile(r"Din inbjudningskod: (\S+)")


@pytest.fixture
def admins(api: Api) -> dict[str, str]:
    """alfa and beta, an admin of each and a platform admin."""
    api.onboard("alfa")
    api.onboard("beta")
    return {
        "alfa": api.user("admin@alfa.test", tenant="alfa", role="admin"),
        "beta": api.user("admin@beta.test", tenant="beta", role="admin"),
        "platform": api.user("plattform@est.test", admin=True),
    }


def codes(api: Api, slug: str, email: str) -> list[str]:
    """The invitation codes queued for ``email`` in ``slug``'s outbox, oldest first."""
    with api.app.app_context():
        db = current_session()
        with tenant_context(db.scalar(select(Tenant.id).where(Tenant.slug == slug)), db):
            bodies = db.scalars(
                select(OutboxMessage.body).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id)
            ).all()
    return [CODE.search(body).group(1) for body in bodies]


def emails(api: Api, base: str, token: str) -> set[str]:
    return {m["email"] for m in api.get(f"{base}/members?page_size=200", token).get_json()["items"]}


def invite(api: Api, token: str, email: str, role: str = "coordinator", base: str = ALFA, **extra):
    return api.post(f"{base}/invitations", token, json={"email": email, "role": role, **extra})


def test_adding_an_existing_account_invites_it_and_it_joins_only_on_acceptance(api: Api, admins) -> None:
    attach = api.post(f"{ALFA}/members", admins["alfa"], json={"email": "admin@beta.test", "role": "admin"})
    assert attach.status_code == 405
    for email in ("admin@beta.test", "plattform@est.test"):
        invited = invite(api, admins["alfa"], email)
        assert invited.status_code == 201, invited.get_json()
        assert invited.get_json()["state"] == "pending"
    assert emails(api, ALFA, admins["alfa"]) == {"admin@alfa.test"}
    code = codes(api, "alfa", "admin@beta.test")[-1]
    accept = f"{ALFA}/invitations/accept"
    assert api.post(accept, json={"token": code}).status_code == 401
    assert api.post(accept, json={"token": code, "password": PASSWORD}).status_code == 401
    assert api.post(accept, admins["platform"], json={"token": code}).status_code == 403
    joined = api.post(accept, admins["beta"], json={"token": code})
    assert joined.status_code == 201, joined.get_json()
    assert joined.get_json()["email"] == "admin@beta.test" and joined.get_json()["role"] == "coordinator"
    assert api.post(accept, admins["beta"], json={"token": code}).status_code == 404
    assert api.get(f"{ALFA}/areas", admins["beta"]).status_code == 200
    states = {i["email"]: i["state"] for i in api.get(f"{ALFA}/invitations", admins["alfa"]).get_json()["items"]}
    assert states == {"admin@beta.test": "accepted", "plattform@est.test": "pending"}


def test_the_answer_does_not_tell_whether_the_address_has_an_account(api: Api, admins) -> None:
    """Same status, same body but for the address and times, and the very same SQL statements (so no timing
    difference beyond noise)."""
    statements: list[str] = []
    engine = api.app.extensions["est.engine"]

    def record(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        statements.append(statement)

    answers, traces = {}, {}
    assert invite(api, admins["alfa"], "forsta@example.se").status_code == 201  # warms the tenant's caches
    for email in ("admin@beta.test", "plattform@est.test", "finns.inte@example.se"):
        event.listen(engine, "before_cursor_execute", record)
        response = invite(api, admins["alfa"], email)
        event.remove(engine, "before_cursor_execute", record)
        body = response.get_json()
        answers[email] = (response.status_code, {k: v for k, v in body.items() if k not in ("id", "email")})
        answers[email][1].pop("invited_at"), answers[email][1].pop("expires_at")
        traces[email], statements = statements, []
    assert len(set(map(repr, answers.values()))) == 1, answers
    assert len({tuple(trace) for trace in traces.values()}) == 1


def test_a_new_address_chooses_its_password_on_acceptance(api: Api, admins) -> None:
    assert invite(api, admins["alfa"], "Ny.Person@Example.se", role="reporter",
                  organisation="kommun", reporter_function="faltgrupp").status_code == 201  # fmt: skip
    code = codes(api, "alfa", "ny.person@example.se")[-1]
    accept = f"{ALFA}/invitations/accept"
    missing = api.post(accept, json={"token": code})
    assert missing.status_code == 422 and "password" in missing.get_json()["errors"]
    for weak in ("a", "ny.person", "password1234"):
        refused = api.post(accept, json={"token": code, "password": weak})
        assert refused.status_code == 422 and "password" in refused.get_json()["errors"], weak
    joined = api.post(accept, json={"token": code, "password": PASSWORD})
    assert joined.status_code == 201, joined.get_json()
    assert (joined.get_json()["organisation"], joined.get_json()["reporter_function"]) == ("kommun", "faltgrupp")
    assert api.get(f"{ALFA}/areas", api.token("ny.person@example.se")).status_code == 200


def test_inviting_a_pending_address_again_renews_its_invitation(api: Api, admins) -> None:
    first = invite(api, admins["alfa"], "ny@example.se", role="reporter").get_json()
    second = invite(api, admins["alfa"], "NY@example.se", role="admin").get_json()
    assert first["id"] == second["id"] and second["role"] == "admin"
    listed = api.get(f"{ALFA}/invitations", admins["alfa"]).get_json()
    assert listed["total"] == 1
    old, new = codes(api, "alfa", "ny@example.se")
    accept = f"{ALFA}/invitations/accept"
    assert api.post(accept, json={"token": old, "password": PASSWORD}).status_code == 404
    assert api.post(accept, json={"token": new, "password": PASSWORD}).get_json()["role"] == "admin"
    assert invite(api, admins["alfa"], "ny@example.se").status_code == 409


def test_revoked_and_expired_invitations_cannot_be_accepted(api: Api, admins) -> None:
    revoked = invite(api, admins["alfa"], "ett@example.se").get_json()
    invite(api, admins["alfa"], "tva@example.se")
    assert api.request("DELETE", f"{ALFA}/invitations/{revoked['id']}", admins["alfa"]).status_code == 204
    assert api.request("DELETE", f"{ALFA}/invitations/{revoked['id']}", admins["alfa"]).status_code == 409
    with api.app.app_context():
        db = current_session()
        with tenant_context(db.scalar(select(Tenant.id).where(Tenant.slug == "alfa")), db):
            db.execute(update(Invitation).where(Invitation.email == "tva@example.se").values(expires_at=utcnow()
                       - timedelta(seconds=1)))  # fmt: skip
            db.commit()
    states = {i["email"]: i["state"] for i in api.get(f"{ALFA}/invitations", admins["alfa"]).get_json()["items"]}
    assert states == {"ett@example.se": "revoked", "tva@example.se": "expired"}
    for email in ("ett@example.se", "tva@example.se"):
        gone = api.post(
            f"{ALFA}/invitations/accept", json={"token": codes(api, "alfa", email)[-1], "password": PASSWORD}
        )
        assert gone.status_code == 404 and "token" in gone.get_json()["errors"]


def test_bad_invitations_are_refused_naming_the_field(api: Api, admins) -> None:
    cases = {
        "email": {"email": "x" * 250 + "@example.se", "role": "reporter"},
        "role": {"email": "a@example.se", "role": "kung"},
        "organisation": {"email": "a@example.se", "role": "reporter", "organisation": "finns_inte"},
        "reporter_function": {"email": "a@example.se", "role": "reporter", "reporter_function": "X" * 500},
    }
    for field, body in cases.items():
        refused = api.post(f"{ALFA}/invitations", admins["alfa"], json=body)
        assert refused.status_code == 422 and field in refused.get_json()["errors"], (field, refused.get_json())
    member = invite(api, admins["alfa"], "admin@alfa.test")
    assert member.status_code == 409 and "email" in member.get_json()["errors"]
    for body in ({}, {"token": "kort"}, {"token": "a" * 43, "password": "x" * 2000}):
        assert api.post(f"{ALFA}/invitations/accept", json=body).status_code == 422, body
    coordinator = api.user("samordnare@alfa.test", tenant="alfa", role="coordinator")
    assert invite(api, coordinator, "b@example.se").status_code == 403
    assert api.get(f"{ALFA}/invitations", coordinator).status_code == 403


def test_no_tenant_reaches_another_tenants_invitations(api: Api, admins) -> None:
    invitation = invite(api, admins["alfa"], "ny@example.se").get_json()
    code = codes(api, "alfa", "ny@example.se")[-1]
    assert api.get(f"{ALFA}/invitations", admins["beta"]).status_code == 404
    assert invite(api, admins["beta"], "x@example.se").status_code == 404
    assert api.request("DELETE", f"{ALFA}/invitations/{invitation['id']}", admins["beta"]).status_code == 404
    assert api.request("DELETE", f"{BETA}/invitations/{invitation['id']}", admins["beta"]).status_code == 404
    assert api.get(f"{BETA}/invitations", admins["beta"]).get_json()["items"] == []
    for slug in ("beta", "finns-inte"):
        wrong = api.post(f"/api/v1/tenants/{slug}/invitations/accept", json={"token": code, "password": PASSWORD})
        assert wrong.status_code == 404, slug
    assert api.post(f"{ALFA}/invitations/accept", json={"token": code, "password": PASSWORD}).status_code == 201
    assert "ny@example.se" not in emails(api, BETA, admins["beta"])


def test_one_address_invited_twice_at_once_has_one_pending_invitation(api: Api, admins) -> None:
    """Whichever way the two interleave: one renews the other's invitation, or is refused with a 409 — never two
    pending invitations, never a 500."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        with api.app.app_context(), new_session() as session:
            tenant = session.scalar(select(Tenant).where(Tenant.slug == "alfa"))
            inviter_id = session.scalar(select(User.id).where(User.email == "admin@alfa.test"))
            with tenant_context(tenant.id, session):
                barrier.wait()
                data = {"email": "ny@example.se", "role": "reporter"}
                try:
                    invitations.invite(session, data, tenant=tenant, inviter_id=inviter_id, accept_url="http://est/")
                    session.commit()
                    outcomes.append("invited")
                except Conflict:
                    session.rollback()
                    outcomes.append("refused")

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and "invited" in outcomes
    listed = api.get(f"{ALFA}/invitations", admins["alfa"]).get_json()["items"]
    assert [(i["email"], i["state"]) for i in listed] == [("ny@example.se", "pending")]
