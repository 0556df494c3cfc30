"""Onboarding: one validated service behind `est tenants sync` and POST /api/v1/tenants."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from config.settings import REPO_ROOT
from core.models import Area, Group, Tenant
from core.tenants.files import load
from tests.fixtures.tenant_doc import tenant_doc
from tests.helpers import Api, count_all

PILOTS = ["boras", "borlange", "botkyrka", "malmo", "norrkoping", "orebro", "sollentuna", "vaxjo"]


def _sync(app, directory: Path) -> Result:
    return app.test_cli_runner().invoke(args=["tenants", "sync", "--dir", str(directory)])


def _counts(app) -> dict[str, int]:
    return count_all(app, Tenant, Area, Group)


def test_the_eight_pilots_sync_and_resync_idempotently(app) -> None:
    result = _sync(app, REPO_ROOT / "tenants")
    assert result.exit_code == 0, result.output
    assert sorted(line.split(":")[0] for line in result.output.splitlines()) == PILOTS
    first = _counts(app)
    again = _sync(app, REPO_ROOT / "tenants")
    assert again.exit_code == 0 and "uppdaterad" in again.output and "skapad" not in again.output
    assert _counts(app) == first


def test_pilot_models_follow_the_source(app, api: Api) -> None:
    assert _sync(app, REPO_ROOT / "tenants").exit_code == 0
    admin = api.user("admin@plattform.test", admin=True)
    tenants = {t["slug"]: t for t in api.get("/api/v1/tenants?page_size=50", admin).get_json()["items"]}
    assert {slug: t["org_model"] for slug, t in tenants.items()} == {
        "borlange": "A",
        "boras": "A",
        "botkyrka": "A",
        "malmo": "C",
        "norrkoping": "B",
        "orebro": "A",
        "sollentuna": "A",
        "vaxjo": "C",
    }
    assert tenants["sollentuna"]["cadence"]["deadline_weekday"] == "wednesday"
    assert tenants["sollentuna"]["cadence"]["deadline_time"] == "10:00"
    assert tenants["boras"]["cadence"]["frequency"] == "fortnightly"
    # Model B: a local group per area under the strategic group, under the chief group.
    groups = api.get("/api/v1/tenants/norrkoping/groups?page_size=200", admin).get_json()["items"]
    areas = api.get("/api/v1/tenants/norrkoping/areas?page_size=200", admin).get_json()["items"]
    by_key = {g["key"]: g for g in groups}
    local = [g for g in groups if g["kind"] == "lokal"]
    assert len(local) == len(areas) and all(g["parent_id"] == by_key["strategisk"]["id"] for g in local)
    assert by_key["strategisk"]["parent_id"] == by_key["chefsgrupp"]["id"]


def _write(directory: Path, slug: str, text: str) -> None:
    (directory / f"{slug}.toml").write_text(text, encoding="utf-8")


GOOD = (Path(__file__).parent / "fixtures" / "tenants" / "alfa.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('org_model = "A"', 'org_model = "Z"'), "org_model"),
        (('checklist = "orebro"', 'checklist = "nope"'), "checklist"),
        (('deadline_time = "10:00"', 'deadline_time = "25:00"'), "cadence.deadline_time"),
        (('leg = "polis"', 'leg = "kommun"'), "organisations"),
    ],
)
def test_a_bad_file_names_file_and_field_and_changes_nothing(app, tmp_path: Path, change, field) -> None:
    assert change[0] in GOOD
    _write(tmp_path, "aaa", GOOD.replace('slug = "alfa"', 'slug = "aaa"'))
    _write(tmp_path, "zzz", GOOD.replace('slug = "alfa"', 'slug = "zzz"').replace(*change))
    result = _sync(app, tmp_path)
    assert result.exit_code != 0
    assert "zzz.toml" in result.output and field in result.output, result.output
    assert _counts(app) == {"Tenant": 0, "Area": 0, "Group": 0}


def test_api_onboarding_validates_like_the_files(api: Api) -> None:
    admin = api.user("admin@plattform.test", admin=True)
    coordinator = api.user("samordnare@alfa.test")
    assert api.post("/api/v1/tenants", coordinator, json=tenant_doc("alfa")).status_code == 403
    assert api.post("/api/v1/tenants", json=tenant_doc("alfa")).status_code == 401

    missing_leg = tenant_doc("alfa")
    missing_leg["organisations"] = missing_leg["organisations"][:2]
    missing_leg["reporter_functions"] = missing_leg["reporter_functions"][:1]
    response = api.post("/api/v1/tenants", admin, json=missing_leg)
    assert response.status_code == 422
    assert "fastighetsforetag" in str(response.get_json()["errors"]["organisations"])

    bad_function = tenant_doc("alfa")
    bad_function["reporter_functions"][1]["organisation"] = "finns_inte"
    response = api.post("/api/v1/tenants", admin, json=bad_function)
    assert response.status_code == 422
    assert "reporter_functions" in str(response.get_json()["errors"])

    assert api.post("/api/v1/tenants", admin, json=tenant_doc("alfa", org_model="X")).status_code == 422
    assert (
        api.post("/api/v1/tenants", admin, json=tenant_doc("alfa", org_model_options={"nope": True})).status_code == 422
    )
    assert api.get("/api/v1/tenants/alfa", admin).status_code == 404

    assert api.post("/api/v1/tenants", admin, json=tenant_doc("alfa")).status_code == 201
    duplicate = api.post("/api/v1/tenants", admin, json=tenant_doc("alfa"))
    assert duplicate.status_code == 409 and "slug" in duplicate.get_json()["errors"]


def test_resync_retires_what_the_file_dropped(api: Api) -> None:
    api.onboard("alfa")
    api.onboard("alfa", areas=[{"key": "centrum", "name": "Centrum (nytt namn)"}])
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    areas = {a["key"]: a for a in api.get("/api/v1/tenants/alfa/areas", admin).get_json()["items"]}
    assert areas["centrum"]["name"] == "Centrum (nytt namn)" and areas["centrum"]["active"]
    assert not areas["norr"]["active"]


def test_norrkoping_has_its_seventy_functions_spread_over_areas_and_organisations(app) -> None:
    """Source p. 29: "Ett 70-tal funktioner rapporterar in varje vecka"; the picture goes to about 180 people."""
    spec = load(REPO_ROOT / "tenants" / "norrkoping.toml", app.extensions["est.plugins"])
    functions = spec["reporter_functions"]
    assert len(functions) >= 60
    assert {f["organisation"] for f in functions} == {o["key"] for o in spec["organisations"]}
    for area in spec["areas"]:
        local = [f for f in functions if f["key"].endswith(f"_{area['key']}")]
        assert len(local) >= 15, area["key"]
    recipients = [r for dl in spec["distribution_lists"] for r in dl["recipients"]]
    assert all(r["email"].endswith("@example.invalid") for r in recipients)  # function mailboxes, no person's
    intern = {r["name"] for dl in spec["distribution_lists"] if dl["key"] == "intern" for r in dl["recipients"]}
    core_legs = {o["key"] for o in spec["organisations"] if o["leg"] != "other"}
    assert {f["name"] for f in functions if f["organisation"] in core_legs} <= intern
