"""Checklists per tenant: a copy of the variant, edited in immutable versions without breaking history."""

from __future__ import annotations

import copy

from tests.helpers import Api

REPORT = {
    "item": "skadegorelse",
    "occurred_at": "2024-03-12T22:15:00+01:00",
    "severity": 2,
    "comment": "Krossade rutor i entrén",
    "place": {"text": "Storgatan 1", "lat": 59.2745, "lon": 15.2134},
}


def _report(api: Api, token: str, area: int, **changes) -> dict:
    response = api.post("/api/v1/tenants/alfa/reports", token, json={**REPORT, "area": area, **changes})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _edit(api: Api, admin: str, change) -> dict:
    draft = api.post("/api/v1/tenants/alfa/checklist/versions", admin, json={"note": "ändring"})
    assert draft.status_code == 201, draft.get_json()
    version = draft.get_json()
    etag = api.get(f"/api/v1/tenants/alfa/checklist/versions/{version['id']}", admin).headers["ETag"]
    content = copy.deepcopy(version["content"])
    change(content)
    url = f"/api/v1/tenants/alfa/checklist/versions/{version['id']}"
    updated = api.request("PUT", url, admin, json={"content": content}, headers={"If-Match": etag})
    assert updated.status_code == 200, updated.get_json()
    published = api.post(f"{url}/publish", admin, headers={"If-Match": updated.headers["ETag"]})
    assert published.status_code == 200, published.get_json()
    return published.get_json()


def _items(content: dict) -> dict:
    return {item["key"]: item for section in content["sections"] for item in section["items"]}


def test_reword_and_retire_keep_history_and_trends(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    area = api.get("/api/v1/tenants/alfa/areas", admin).get_json()["items"][0]["id"]
    before = _report(api, admin, area)
    assert before["item_text"] == "Skadegörelse" and before["checklist_version"] == 1

    def change(content: dict) -> None:
        items = _items(content)
        items["skadegorelse"]["text"] = "Skadegörelse och klotter"
        items["brand"]["retired"] = True

    version = _edit(api, admin, change)
    assert version["number"] == 2 and version["status"] == "published"
    after = _report(api, admin, area, occurred_at="2024-03-19T22:15:00+01:00")
    assert after["item_text"] == "Skadegörelse och klotter" and after["checklist_version"] == 2
    # The old report still shows the text it was made with.
    old = api.get(f"/api/v1/tenants/alfa/reports/{before['id']}", admin).get_json()
    assert old["item_text"] == "Skadegörelse"
    # A retired item takes no new reports but old ones stay.
    retired = api.post("/api/v1/tenants/alfa/reports", admin, json={**REPORT, "area": area, "item": "brand"})
    assert retired.status_code == 422 and "item" in retired.get_json()["errors"]
    # The weekly count per item key runs on across the versions.
    weekly = api.get("/api/v1/tenants/alfa/stats/weekly?by=item&from=2024-W11&to=2024-W12", admin).get_json()
    counts = {(row["week"], row["key"]): row["count"] for row in weekly["rows"]}
    assert counts == {("2024-W11", "skadegorelse"): 1, ("2024-W12", "skadegorelse"): 1}
    versions = api.get("/api/v1/tenants/alfa/checklist/versions", admin).get_json()["items"]
    assert [(v["number"], v["status"]) for v in versions] == [(2, "published"), (1, "superseded")]


def test_edits_that_would_break_history_are_refused(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    draft = api.post("/api/v1/tenants/alfa/checklist/versions", admin, json={}).get_json()
    url = f"/api/v1/tenants/alfa/checklist/versions/{draft['id']}"
    etag = api.get(url, admin).headers["ETag"]
    content = copy.deepcopy(draft["content"])
    content["sections"][0]["items"].pop(0)  # dropping a published key
    dropped = api.request("PUT", url, admin, json={"content": content}, headers={"If-Match": etag})
    assert dropped.status_code == 422 and "retired" in str(dropped.get_json())
    content = copy.deepcopy(draft["content"])
    content["sections"][0]["items"][1]["key"] = content["sections"][0]["items"][0]["key"]
    duplicate = api.request("PUT", url, admin, json={"content": content}, headers={"If-Match": etag})
    assert duplicate.status_code == 422
    content = copy.deepcopy(draft["content"])
    content["sections"][0]["items"][0]["help"] = "Ring 070-123 45 67"
    personal = api.request("PUT", url, admin, json={"content": content}, headers={"If-Match": etag})
    assert personal.status_code == 422 and "070" not in str(personal.get_json())
    # Lost updates are refused; a second draft is a conflict; coordinators cannot edit.
    content = copy.deepcopy(draft["content"])
    content["sections"].append(
        {
            "key": "ny",
            "title": "Ny sektion",
            "answered_by": "polis",
            "items": [{"key": "ny_punkt", "text": "Ny punkt", "theme": "vald"}],
        }
    )
    assert api.request("PUT", url, admin, json={"content": content}).status_code == 428
    assert api.request("PUT", url, admin, json={"content": content}, headers={"If-Match": '"x"'}).status_code == 412
    ok = api.request("PUT", url, admin, json={"content": content}, headers={"If-Match": etag})
    assert ok.status_code == 200
    assert api.request("PUT", url, admin, json={"content": content}, headers={"If-Match": etag}).status_code == 412
    assert api.post("/api/v1/tenants/alfa/checklist/versions", admin, json={}).status_code == 409
    coordinator = api.user("samordnare@alfa.test", tenant="alfa", role="coordinator")
    assert api.post("/api/v1/tenants/alfa/checklist/versions", coordinator, json={}).status_code == 403


def test_a_published_version_never_changes(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    current = api.get("/api/v1/tenants/alfa/checklist", admin)
    url = f"/api/v1/tenants/alfa/checklist/versions/{current.get_json()['id']}"
    etag = api.get(url, admin).headers["ETag"]
    put = api.request("PUT", url, admin, json={"content": current.get_json()["content"]}, headers={"If-Match": etag})
    assert put.status_code == 409


def test_switching_variant_keeps_former_items_retired(api: Api) -> None:
    api.onboard("alfa")
    api.onboard("alfa", checklist="boras")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    content = api.get("/api/v1/tenants/alfa/checklist", admin).get_json()["content"]
    items = _items(content)
    assert items["klotter_skadegorelse"]["retired"] is False
    assert items["brand"]["retired"] is True  # an Örebro key, kept for history
