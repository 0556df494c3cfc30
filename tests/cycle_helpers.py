"""Driving a cycle through the API in tests."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api

ORGANISATIONS = [
    {"key": "kommun", "name": "Kommunen", "leg": "kommun"},
    {"key": "polis", "name": "Lokalpolisområdet", "leg": "polis"},
    {"key": "bostader", "name": "Bostadsbolaget AB", "leg": "fastighetsforetag"},
]
FUNCTIONS = [
    {"key": "faltgrupp", "name": "Fältgrupp", "category": "kommun", "organisation": "kommun"},
    {"key": "omradespolis", "name": "Områdespolis", "category": "polis", "organisation": "polis"},
    {"key": "husvardar", "name": "Husvärdar", "category": "fastighetsbolag", "organisation": "bostader"},
]


class Tenant:
    """A tenant under test: its admin, and helpers to add members, report and move its cycle."""

    def __init__(self, api: Api, slug: str = "alfa", **changes: Any) -> None:
        self.api, self.slug = api, slug
        api.onboard(slug, organisations=ORGANISATIONS, reporter_functions=FUNCTIONS, **changes)
        self.admin = api.user(f"admin@{slug}.test", tenant=slug, role="admin")
        self.base = f"/api/v1/tenants/{slug}"
        self.areas = {a["key"]: a["id"] for a in api.get(f"{self.base}/areas", self.admin).get_json()["items"]}

    def member(self, name: str, role: str, *, organisation: str | None = None, function: str | None = None,
               groups: tuple[str, ...] = ()) -> str:  # fmt: skip
        token = self.api.user(f"{name}@{self.slug}.test", tenant=self.slug, role=role)
        members = self.api.get(f"{self.base}/members?page_size=200", self.admin).get_json()["items"]
        member = next(m for m in members if m["email"] == f"{name}@{self.slug}.test")
        body = {"organisation": organisation, "reporter_function": function, "groups": list(groups)}
        response = self.api.request("PATCH", f"{self.base}/members/{member['id']}", self.admin, json=body)
        assert response.status_code == 200, response.get_json()
        return token

    def report(self, token: str, *, area: str, at: str, item: str = "skadegorelse", **changes: Any) -> dict:
        body = {"item": item, "area": self.areas[area], "occurred_at": at, "severity": 2,
                "place": {"text": "Torget"}, **changes}  # fmt: skip
        response = self.api.post(f"{self.base}/reports", token, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def cycle(self, at: str, token: str | None = None) -> dict:
        response = self.api.post(f"{self.base}/cycles", token or self.admin, json={"at": at})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def get_cycle(self, cycle_id: int) -> dict:
        return self.api.get(f"{self.base}/cycles/{cycle_id}", self.admin).get_json()

    def move(self, cycle_id: int, to: str, token: str | None = None):
        etag = self.api.get(f"{self.base}/cycles/{cycle_id}", self.admin).headers["ETag"]
        return self.api.post(f"{self.base}/cycles/{cycle_id}/transitions", token or self.admin, json={"to": to},
                             headers={"If-Match": etag})  # fmt: skip

    def compile(self, cycle_id: int, step: str, token: str | None = None):
        """Compile a step; returns the response (202 with a finished job when allowed)."""
        return self.api.post(f"{self.base}/lagesbilder", token or self.admin, json={"cycle": cycle_id, "step": step})

    def compiled(self, cycle_id: int, step: str, token: str | None = None) -> dict:
        response = self.compile(cycle_id, step, token)
        assert response.status_code == 202, response.get_json()
        job = self.api.wait_for_job(response.get_json()["id"], token or self.admin)
        assert job["status"] == "finished", job
        return self.picture(job["result"]["lagesbild"])

    def picture(self, picture_id: int) -> dict:
        return self.api.get(f"{self.base}/lagesbilder/{picture_id}", self.admin).get_json()

    def assess(self, picture_id: int, levels: dict[str, int], token: str | None = None):
        etag = self.api.get(f"{self.base}/lagesbilder/{picture_id}", self.admin).headers["ETag"]
        body = {"summary": "Lugnt i stort", "areas": [
            {"area": self.areas[key], "level": level, "conditions": "Oro kring torget kvällstid",
             "problems": [{"vad": "Skadegörelse", "var": "Torget", "hur": "Krossade rutor", "nar": "Kvällar"}],
             "actions": [{"what": "Förstärkt belysning", "responsible": "bostader", "status": "new"}],
             "actions_continue": True, "further_actions_needed": False}
            for key, level in levels.items()]}  # fmt: skip
        return self.api.request("PUT", f"{self.base}/lagesbilder/{picture_id}/assessment", token or self.admin,
                                json=body, headers={"If-Match": etag})  # fmt: skip
