"""Reports: the three variants, Malmö's section-per-party rule, places, times, severity, the guard, lateness."""

from __future__ import annotations

import pytest

from tests.cycle_helpers import FUNCTIONS, ORGANISATIONS
from tests.helpers import Api


def _member(api: Api, slug: str, email: str, role: str, function: str | None = None) -> str:
    token = api.user(email, tenant=slug, role=role)
    if function:
        admin = api.user(f"admin-{function}@{slug}.test", tenant=slug, role="admin")
        members = api.get(f"/api/v1/tenants/{slug}/members?page_size=200", admin).get_json()["items"]
        member = next(m for m in members if m["email"] == email)
        organisation = next(f["organisation"] for f in FUNCTIONS if f["key"] == function)
        response = api.request(
            "PATCH",
            f"/api/v1/tenants/{slug}/members/{member['id']}",
            admin,
            json={"reporter_function": function, "organisation": organisation},
        )
        assert response.status_code == 200, response.get_json()
    return token


def _area(api: Api, slug: str, token: str) -> int:
    return api.get(f"/api/v1/tenants/{slug}/areas", token).get_json()["items"][0]["id"]


def _body(area: int, **changes) -> dict:
    return {
        "item": "skadegorelse",
        "area": area,
        "occurred_at": "2024-03-12T22:15:00+01:00",
        "severity": 3,
        "comment": "Två bilbränder kl. 22.15, 3 personer på plats",
        "place": {"text": "Vivalla centrum"},
        **changes,
    }


@pytest.mark.parametrize(
    ("variant", "item"), [("orebro", "brand"), ("boras", "anlagd_brand"), ("malmo", "bostad_klotter_skadegorelse")]
)
def test_each_variant_can_be_reported_against(api: Api, variant: str, item: str) -> None:
    api.onboard("alfa", checklist=variant, organisations=ORGANISATIONS, reporter_functions=FUNCTIONS)
    reporter = _member(api, "alfa", "husvard@alfa.test", "reporter", "husvardar")
    area = _area(api, "alfa", reporter)
    response = api.post("/api/v1/tenants/alfa/reports", reporter, json=_body(area, item=item))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["item"] == item and body["organisation"] == "bostader" and body["reporter_function"] == "husvardar"
    assert body["week"] == "2024-W11" and body["period"] == "2024-W11" and body["severity_label"] == "Hög"


def test_malmo_sections_are_answered_by_their_party(api: Api) -> None:
    api.onboard("alfa", checklist="malmo", organisations=ORGANISATIONS, reporter_functions=FUNCTIONS)
    police = _member(api, "alfa", "polis@alfa.test", "reporter", "omradespolis")
    housing = _member(api, "alfa", "husvard@alfa.test", "reporter", "husvardar")
    area = _area(api, "alfa", police)
    assert api.post("/api/v1/tenants/alfa/reports", police, json=_body(area, item="skjutningar")).status_code == 201
    refused = api.post("/api/v1/tenants/alfa/reports", housing, json=_body(area, item="skjutningar"))
    assert refused.status_code == 422 and "polis" in str(refused.get_json()["errors"]["item"])
    mine = api.get("/api/v1/tenants/alfa/checklist?mine=true", housing).get_json()["content"]["sections"]
    assert [s["key"] for s in mine] == ["bostadsomraden"]
    assert api.post("/api/v1/tenants/alfa/reports", housing, json=_body(area, item="trapphang")).status_code == 201


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ({"lat": 59.91, "lon": 10.75}, "utanför Sverige"),  # Oslo
        ({"lat": 55.68, "lon": 12.57}, "utanför Sverige"),  # Copenhagen
        ({"lat": 60.17, "lon": 24.94}, "utanför Sverige"),  # Helsinki
        ({"lat": 59.27}, "lon"),
        ({}, "plats"),
    ],
)
def test_places_outside_sweden_or_incomplete_are_refused(api: Api, place: dict, message: str) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    response = api.post("/api/v1/tenants/alfa/reports", admin, json=_body(_area(api, "alfa", admin), place=place))
    assert response.status_code == 422
    assert message.lower() in str(response.get_json()).lower() or message in str(response.get_json())


@pytest.mark.parametrize(("lat", "lon"), [(59.2745, 15.2134), (67.855, 20.225), (57.64, 18.29), (55.60, 13.00)])
def test_places_in_sweden_are_accepted(api: Api, lat: float, lon: float) -> None:  # Örebro, Kiruna, Visby, Malmö
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    body = _body(_area(api, "alfa", admin), place={"lat": lat, "lon": lon})
    assert api.post("/api/v1/tenants/alfa/reports", admin, json=body).status_code == 201


def test_a_point_must_lie_in_the_areas_polygon(api: Api) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[15.1, 59.2], [15.3, 59.2], [15.3, 59.3], [15.1, 59.3], [15.1, 59.2]]],
    }
    api.onboard("alfa", areas=[{"key": "vivalla", "name": "Vivalla", "geometry": square}])
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    area = _area(api, "alfa", admin)
    inside = _body(area, place={"lat": 59.25, "lon": 15.2})
    outside = _body(area, place={"lat": 59.35, "lon": 15.2})
    assert api.post("/api/v1/tenants/alfa/reports", admin, json=inside).status_code == 201
    refused = api.post("/api/v1/tenants/alfa/reports", admin, json=outside)
    assert refused.status_code == 422 and "Vivalla" in str(refused.get_json())


@pytest.mark.parametrize("field", ["comment", "early_action", "place.text"])
@pytest.mark.parametrize("identifier", ["19811218-9876", "811218-9876", "anna@example.se", "070-123 45 67"])
def test_personal_data_is_refused_in_every_free_text_field_and_nothing_is_stored(
    api: Api, field: str, identifier: str
) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    body = _body(_area(api, "alfa", admin))
    text = f"Observerat vid entrén, {identifier}"
    if field == "place.text":
        body["place"] = {"text": text}
    else:
        body[field] = text
    response = api.post("/api/v1/tenants/alfa/reports", admin, json=body)
    assert response.status_code == 422
    named = response.get_json()["errors"][field]
    assert any(kind in str(named) for kind in ("personnummer", "e-postadress", "telefonnummer"))
    assert identifier not in str(response.get_json())
    assert api.get("/api/v1/tenants/alfa/reports", admin).get_json()["total"] == 0


def test_ordinary_numbers_that_fail_luhn_are_accepted(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    body = _body(_area(api, "alfa", admin), comment="Ärende 19811218-9875 och 811218-9875, kod 0393")
    assert api.post("/api/v1/tenants/alfa/reports", admin, json=body).status_code == 201


def test_times_severity_and_lateness(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    area = _area(api, "alfa", admin)
    future = api.post("/api/v1/tenants/alfa/reports", admin, json=_body(area, occurred_at="2099-01-01T00:00:00Z"))
    assert future.status_code == 422 and "occurred_at" in future.get_json()["errors"]
    naive = api.post("/api/v1/tenants/alfa/reports", admin, json=_body(area, occurred_at="2024-03-12T22:15:00"))
    assert naive.status_code == 422
    backwards = _body(area, occurred_until="2024-03-12T20:00:00+01:00")
    assert api.post("/api/v1/tenants/alfa/reports", admin, json=backwards).status_code == 422
    assert api.post("/api/v1/tenants/alfa/reports", admin, json=_body(area, severity=5)).status_code == 422
    # Long after its deadline (Wednesday 10:00 of the next week): accepted, and late.
    late = api.post("/api/v1/tenants/alfa/reports", admin, json=_body(area)).get_json()
    assert late["late"] is True
    # 22:30 UTC on Sunday 17 March is 23:30 in Stockholm: still ISO week 11 there.
    edge = api.post("/api/v1/tenants/alfa/reports", admin, json=_body(area, occurred_at="2024-03-17T22:30:00Z"))
    assert edge.get_json()["week"] == "2024-W11"


def test_reporters_see_and_edit_only_their_own(api: Api) -> None:
    api.onboard("alfa")
    one = api.user("ett@alfa.test", tenant="alfa", role="reporter")
    two = api.user("tva@alfa.test", tenant="alfa", role="reporter")
    coordinator = api.user("samordnare@alfa.test", tenant="alfa", role="coordinator")
    area = _area(api, "alfa", one)
    mine = api.post("/api/v1/tenants/alfa/reports", one, json=_body(area)).get_json()
    api.post("/api/v1/tenants/alfa/reports", two, json=_body(area))
    assert api.get("/api/v1/tenants/alfa/reports", one).get_json()["total"] == 1
    assert api.get("/api/v1/tenants/alfa/reports", coordinator).get_json()["total"] == 2
    assert api.get(f"/api/v1/tenants/alfa/reports/{mine['id']}", two).status_code == 404
    url = f"/api/v1/tenants/alfa/reports/{mine['id']}"
    assert api.current("PATCH", url, two, reader=one, json={"severity": 1}).status_code == 404
    edited = api.current("PATCH", url, one, json={"severity": 1, "comment": "Rättad"})
    assert edited.status_code == 200 and edited.get_json()["severity"] == 1
    assert api.current("PATCH", url, coordinator, json={"severity": 2}).status_code == 200
    filtered = api.get("/api/v1/tenants/alfa/reports?theme=skadegorelse&min_severity=2", coordinator).get_json()
    assert filtered["total"] == 2
