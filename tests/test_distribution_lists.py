"""The distribution-list API: lists, recipients validated when edited, every change recorded, ETags, the wall."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.accounts.models import Membership, User
from core.errors import DomainError
from core.organisation.models import GroupMember
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant
from tests.helpers import Api, assert_tenant_wall, tenant_level_rules

BASE = "/api/v1/tenants/alfa/distribution-lists"


@pytest.fixture
def coordinator(api: Api) -> str:
    api.onboard("alfa")
    return api.user("samordnare@alfa.test", tenant="alfa", role="coordinator")


def _intern(api: Api, token: str) -> dict:
    return next(item for item in api.get(BASE, token).get_json()["items"] if item["key"] == "intern")


def test_onboarding_declares_lists_and_records_their_recipients(api: Api, coordinator: str) -> None:
    listed = api.get(BASE, coordinator).get_json()
    assert [(i["key"], i["audience"], i["active"]) for i in listed["items"]] == [("intern", "internal", True)]
    intern = listed["items"][0]
    recipients = api.get(f"{BASE}/{intern['id']}/recipients", coordinator).get_json()
    assert recipients == {"items": [{"id": recipients["items"][0]["id"], "email": "tib@example.invalid",
                                     "name": "TIB", "function": None, "group": None}], "total": 1}  # fmt: skip
    changes = api.get(f"{BASE}/{intern['id']}/changes", coordinator).get_json()["items"]
    assert [(c["action"], c["email"], c["changed_by"]) for c in changes] == [("added", "tib@example.invalid", None)]


def test_create_update_and_delete_a_list_with_etags(api: Api, coordinator: str) -> None:
    body = {"key": "allman", "name": "Allmän lägesbild", "audience": "public"}
    created = api.post(BASE, coordinator, json=body)
    assert created.status_code == 201, created.get_json()
    assert api.post(BASE, coordinator, json=body).status_code == 409
    url = f"{BASE}/{created.get_json()['id']}"
    etag = api.get(url, coordinator).headers["ETag"]
    assert api.request("PATCH", url, coordinator, json={"name": "Media"}).status_code == 428
    changed = api.request(
        "PATCH", url, coordinator, json={"name": "Media", "active": False}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200 and changed.get_json()["name"] == "Media"
    stale = api.request("PATCH", url, coordinator, json={"name": "Igen"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    changes = api.get(f"{url}/changes", coordinator).get_json()["items"]
    assert [c["action"] for c in changes] == ["updated", "created"]
    assert changes[0]["detail"] == "active=False, name=Media" and changes[0]["changed_by"] is not None
    etag = api.get(url, coordinator).headers["ETag"]
    assert api.request("DELETE", url, coordinator, headers={"If-Match": etag}).status_code == 204
    assert api.get(url, coordinator).status_code == 404


def test_recipients_are_validated_when_edited_naming_the_field(api: Api, coordinator: str) -> None:
    url = f"{BASE}/{_intern(api, coordinator)['id']}/recipients"
    etag = api.get(url, coordinator).headers["ETag"]
    cases = {
        "recipients.1.email": [{"email": "tib@example.se", "name": "TIB"}, {"email": "inte-en-adress", "name": "X"}],
        "recipients.0.function": [{"email": "tib@example.se", "name": "TIB", "function": "kung"}],
        "recipients.0.name": [{"email": "tib@example.se", "name": "Ring 070-123 45 67 (Anna Andersson, 850709-9805)"}],
    }
    for field, recipients in cases.items():
        response = api.request("PUT", url, coordinator, json={"recipients": recipients}, headers={"If-Match": etag})
        assert response.status_code == 422, (field, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
    twice = [{"email": "tib@example.se", "name": "TIB"}, {"email": "TIB@example.se", "name": "TIB igen"}]
    response = api.request("PUT", url, coordinator, json={"recipients": twice}, headers={"If-Match": etag})
    assert response.status_code == 422 and "recipients.1.email" in response.get_json()["errors"]
    one = api.post(url, coordinator, json={"email": "fel", "name": "Media"})
    assert one.status_code == 422 and "email" in one.get_json()["errors"]
    assert api.get(url, coordinator).get_json()["total"] == 1  # nothing partial stored


def test_replacing_recipients_records_who_when_and_what(api: Api, coordinator: str) -> None:
    intern = _intern(api, coordinator)
    url = f"{BASE}/{intern['id']}/recipients"
    etag = api.get(url, coordinator).headers["ETag"]
    wanted = [
        {"email": "Forvaltning@Example.se", "name": "Socialförvaltningen", "function": "forvaltningschef"},
        {"email": "media@example.se", "name": "Kommunikation", "function": "media"},
    ]
    replaced = api.request("PUT", url, coordinator, json={"recipients": wanted}, headers={"If-Match": etag})
    assert replaced.status_code == 200, replaced.get_json()
    assert [r["email"] for r in replaced.get_json()["items"]] == ["forvaltning@example.se", "media@example.se"]
    stale = api.request("PUT", url, coordinator, json={"recipients": []}, headers={"If-Match": etag})
    assert stale.status_code == 412
    added = api.post(url, coordinator, json={"email": "tib@example.se", "name": "TIB", "function": "tib"})
    assert added.status_code == 201 and added.get_json()["function"] == "tib"
    assert api.post(url, coordinator, json={"email": "tib@example.se", "name": "TIB"}).status_code == 409
    changes = api.get(f"{BASE}/{intern['id']}/changes", coordinator).get_json()["items"]
    mine = [(c["action"], c["email"], c["detail"]) for c in changes if c["changed_by"] is not None]
    assert mine == [
        ("added", "tib@example.se", "TIB (tib)"),
        ("added", "media@example.se", "Kommunikation (media)"),
        ("added", "forvaltning@example.se", "Socialförvaltningen (forvaltningschef)"),
        ("removed", "tib@example.invalid", "TIB"),
    ]
    assert all(c["changed_at"] for c in changes)


def test_a_group_of_the_org_model_is_a_recipient_kept_in_step_with_its_members(api: Api, coordinator: str) -> None:
    intern = _intern(api, coordinator)
    url = f"{BASE}/{intern['id']}/recipients"
    group = api.get("/api/v1/tenants/alfa/groups", coordinator).get_json()["items"][0]
    etag = api.get(url, coordinator).headers["ETag"]
    for body, field in (
        ([{"group": "finns_inte"}], "recipients.0.group"),
        ([{"name": "Ingen"}], "recipients.0.email"),
        ([{"group": group["key"], "email": "tib@example.se", "name": "TIB"}], "recipients.0.email"),
        ([{"group": group["key"]}, {"group": group["key"]}], "recipients.1.group"),
    ):
        refused = api.request("PUT", url, coordinator, json={"recipients": body}, headers={"If-Match": etag})
        assert refused.status_code == 422 and field in refused.get_json()["errors"], (body, refused.get_json())
    wanted = [{"email": "tib@example.invalid", "name": "TIB"}, {"group": group["key"], "function": "rapportorer"}]
    replaced = api.request("PUT", url, coordinator, json={"recipients": wanted}, headers={"If-Match": etag})
    assert replaced.status_code == 200, replaced.get_json()
    as_group = replaced.get_json()["items"][1]
    assert as_group == {"id": as_group["id"], "email": None, "group": group["key"], "name": group["name"],
                        "function": "rapportorer"}  # fmt: skip
    addresses = f"{BASE}/{intern['id']}/addresses"
    assert api.get(addresses, coordinator).get_json()["items"] == [{"email": "tib@example.invalid",
                                                                    "via": "tib@example.invalid"}]  # fmt: skip
    member = api.user("medlem@alfa.test", tenant="alfa", role="reporter")
    assert member
    with api.app.app_context():
        db = current_session()
        tenant = db.scalar(select(Tenant.id).where(Tenant.slug == "alfa"))
        with tenant_context(tenant, db):
            membership = db.scalar(select(Membership.id).join(User).where(User.email == "medlem@alfa.test"))
            db.add(GroupMember(group_id=group["id"], membership_id=membership))
            db.commit()
    reached = api.get(addresses, coordinator).get_json()
    assert reached["items"][0] == {"email": "medlem@alfa.test", "via": f"group:{group['key']}"}
    assert reached["total"] == 2
    changes = api.get(f"{BASE}/{intern['id']}/changes", coordinator).get_json()["items"]
    assert (changes[0]["action"], changes[0]["email"]) == ("added", None)
    assert changes[0]["detail"] == f"group:{group['key']}: {group['name']} (rapportorer)"


def test_reporters_may_not_read_or_edit_lists(api: Api, coordinator: str) -> None:
    reporter = api.user("rapportor@alfa.test", tenant="alfa", role="reporter")
    assert api.get(BASE, reporter).status_code == 403
    assert api.post(BASE, reporter, json={"key": "x", "name": "X", "audience": "public"}).status_code == 403


def test_every_distribution_endpoint_keeps_the_wall(api: Api) -> None:
    api.onboard("alfa")
    api.onboard("beta")
    tokens = {slug: api.user(f"admin@{slug}.test", tenant=slug, role="admin") for slug in ("alfa", "beta")}
    rules = [(m, r) for m, r in tenant_level_rules(api.app) if "/distribution-lists" in r]
    assert len(rules) == 10
    for method, rule in rules:
        assert_tenant_wall(api, rule, method, a="alfa", b="beta", a_token=tokens["alfa"], b_token=tokens["beta"])


def test_an_onboarding_file_may_name_a_group_and_an_unknown_one_is_refused(api: Api, coordinator: str) -> None:
    group = api.get("/api/v1/tenants/alfa/groups", coordinator).get_json()["items"][0]
    declared = [{"key": "intern", "name": "Intern lägesbild", "audience": "internal",
                 "recipients": [{"group": group["key"], "function": "rapportorer"}]}]  # fmt: skip
    api.onboard("alfa", distribution_lists=declared)
    intern = _intern(api, coordinator)
    items = api.get(f"{BASE}/{intern['id']}/recipients", coordinator).get_json()["items"]
    assert [(r["group"], r["email"], r["function"]) for r in items] == [(group["key"], None, "rapportorer")]
    declared[0]["recipients"] = [{"group": "finns_inte"}]
    with pytest.raises(DomainError) as refused:
        api.onboard("alfa", distribution_lists=declared)
    assert "recipients.0.group" in refused.value.errors
