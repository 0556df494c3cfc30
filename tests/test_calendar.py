"""One calendar: every period est accepts exists, every tenant has its current cycle from the start, and a
moment of the tenant's calendar (deadline, meeting) reads the same in every endpoint, across daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from config.settings import REPO_ROOT
from core.cycles import periods
from core.cycles.models import Cycle
from core.models import Tenant as TenantRow
from tests.cycle_helpers import Tenant
from tests.fixtures.tenant_doc import tenant_doc
from tests.helpers import Api, owner_connection

STOCKHOLM = ZoneInfo("Europe/Stockholm")


# --- the period module -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "weeks"), [(2020, 53), (2021, 52), (2025, 52), (2026, 53), (2027, 52), (2032, 53)])
def test_weeks_in_year_follows_iso_8601(year: int, weeks: int) -> None:
    assert periods.weeks_in_year(year) == weeks
    assert periods.parse(f"{year}-W{weeks:02d}").start == date.fromisocalendar(year, weeks, 1)


@pytest.mark.parametrize(
    ("label", "kinds", "message"),
    [
        ("2026-W99", ("weekly",), "Vecka 99 finns inte år 2026"),
        ("2027-W53", ("weekly",), "Vecka 53 finns inte år 2027"),
        ("2026-W00", ("weekly",), "Vecka 0 finns inte"),
        ("2026-13", ("monthly",), "Månad 13 finns inte"),
        ("2026-Q5", ("quarterly",), "Kvartal 5 finns inte"),
        ("2026-T4", ("tertial",), "Tertial 4 finns inte"),
        ("0024", ("annual",), "Årtalet"),
        ("2026-W5", ("weekly",), "Ange perioden som 2026-W05"),
        ("2026-Q1", ("monthly",), "Ange perioden som 2026-03"),
    ],
)
def test_labels_of_periods_that_do_not_exist_are_refused(label: str, kinds: tuple[str, ...], message: str) -> None:
    with pytest.raises(periods.InvalidPeriod, match=message):
        periods.parse(label, kinds)


def test_spans_and_their_comparisons() -> None:
    quarter = periods.parse("2026-Q1", ("quarterly",))
    assert (quarter.kind, quarter.start, quarter.end) == ("quarterly", date(2026, 1, 1), date(2026, 4, 1))
    assert {k: s.label for k, s in periods.comparison_spans(quarter).items()} == {
        "previous": "2025-Q4", "before_previous": "2025-Q3", "last_year": "2025-Q1"}  # fmt: skip
    tertial = periods.parse("2026-T3", ("tertial",))
    assert (tertial.start, tertial.end) == (date(2026, 9, 1), date(2027, 1, 1))
    assert periods.shift(tertial, 1).label == "2027-T1"
    week53 = periods.Period(date.fromisocalendar(2026, 53, 1))
    compared = periods.comparison_spans(periods.week_span(week53), week53)
    assert {k: s.label for k, s in compared.items()} == {
        "previous": "2026-W52", "before_previous": "2026-W51", "last_year": "2025-W52"}  # fmt: skip


def test_a_window_runs_from_local_midnight_to_local_midnight_across_dst() -> None:
    start, end = periods.parse("2026-W13").window(STOCKHOLM)  # summer time begins Sunday 29 March
    assert (start.isoformat(), end.isoformat()) == ("2026-03-23T00:00:00+01:00", "2026-03-30T00:00:00+02:00")
    assert end - start == timedelta(days=7) and end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=167)


# --- onboarding opens the current cycle ---------------------------------------------------------------------------


def _cycles_by_tenant(app) -> dict[str, list[tuple[str, str]]]:
    with owner_connection(app) as connection:
        rows = connection.execute(
            select(TenantRow.slug, Cycle.period, Cycle.state).join(TenantRow, TenantRow.id == Cycle.tenant_id)
        )
        result: dict[str, list[tuple[str, str]]] = {}
        for slug, period, state in rows:
            result.setdefault(slug, []).append((period, state))
        return result


def test_onboarding_by_file_opens_the_current_cycle_of_every_tenant(app) -> None:
    result = app.test_cli_runner().invoke(args=["tenants", "sync", "--dir", str(REPO_ROOT / "tenants")])
    assert result.exit_code == 0, result.output
    opened = _cycles_by_tenant(app)
    with owner_connection(app) as connection:
        cadences = dict(connection.execute(select(TenantRow.slug, TenantRow.cadence)).all())
    now = datetime.now(UTC)
    expected = {slug: [(periods.period_of(now, cadence).label, "collecting")] for slug, cadence in cadences.items()}
    assert opened == expected and len(opened) == 8


def test_onboarding_by_api_opens_the_current_cycle(api: Api) -> None:
    admin = api.user("admin@plattform.test", admin=True)
    assert api.post("/api/v1/tenants", admin, json=tenant_doc("alfa")).status_code == 201
    coordinator = api.user("samordnare@alfa.test", tenant="alfa", role="coordinator")
    cycles = api.get("/api/v1/tenants/alfa/cycles", coordinator).get_json()["items"]
    current = periods.period_of(datetime.now(UTC), tenant_doc("alfa")["cadence"])
    assert [(c["period"], c["state"]) for c in cycles] == [(current.label, "collecting")]
    found = api.get(f"/api/v1/tenants/alfa/cycles?period={current.label}", coordinator).get_json()["items"]
    assert [c["id"] for c in found] == [cycles[0]["id"]]


# --- periods that do not exist are a 422 naming the field, everywhere ----------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "stats/weekly?from=2026-W99&to=2026-W99", None, "from"),
        ("GET", "stats/weekly?from=2026-W01&to=2027-W53", None, "to"),
        ("GET", "stats/weekly?from=2026-W10&to=2026-W09", None, "from"),
        ("GET", "stats/weekly?from=26-W01&to=2026-W09", None, "from"),
        ("GET", "cycles?period=2027-W53", None, "period"),
        ("GET", "reports?period=2027-W53", None, "period"),
        ("GET", "reports?week=2026-W99", None, "week"),
        ("GET", "lagesbilder?label=2026-13", None, "label"),
        ("GET", "lagesbilder?kind=weekly2", None, "kind"),
        ("POST", "lagesbilder", {"kind": "quarterly", "label": "2026-Q5"}, "label"),
        ("POST", "lagesbilder", {"kind": "monthly", "label": "2026-Q1"}, "label"),
        ("POST", "lagesbilder", {"kind": "annual", "label": "2026-W10"}, "label"),
    ],
)
def test_a_period_that_does_not_exist_is_422_naming_the_field(
    api: Api, method: str, path: str, body: dict | None, field: str
) -> None:
    t = Tenant(api)
    response = api.request(method, f"{t.base}/{path}", t.admin, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()


def test_week_53_exists_in_2026(api: Api) -> None:
    t = Tenant(api)
    assert api.get(f"{t.base}/stats/weekly?from=2026-W52&to=2026-W53", t.admin).status_code == 200
    assert api.get(f"{t.base}/reports?week=2026-W53", t.admin).status_code == 200
    assert api.get(f"{t.base}/lagesbilder?label=2026-W53", t.admin).status_code == 200
    assert api.get(f"{t.base}/cycles?period=2026-W53", t.admin).status_code == 200


def test_a_cycle_opens_at_most_one_period_ahead(api: Api) -> None:
    t = Tenant(api)
    now = datetime.now(UTC)
    assert (
        t.cycle((now + timedelta(days=7)).isoformat())["period"]
        == periods.period_of(now + timedelta(days=7), tenant_doc()["cadence"]).label
    )
    too_far = api.post(f"{t.base}/cycles", t.admin, json={"at": (now + timedelta(days=14)).isoformat()})
    assert too_far.status_code == 422
    assert "högst en period i förväg" in too_far.get_json()["errors"]["at"][0]


# --- deadlines and meetings in the tenant's time zone, the same in every endpoint ----------------------------------


@pytest.mark.parametrize(
    ("at", "deadline"),
    [
        ("2026-03-18T12:00:00Z", "2026-03-25T10:00:00+01:00"),  # W12: due before summer time begins (29 March)
        ("2026-03-25T12:00:00Z", "2026-04-01T10:00:00+02:00"),  # W13: due after it
        ("2026-10-14T12:00:00Z", "2026-10-21T10:00:00+02:00"),  # W42: due before it ends (25 October)
        ("2026-10-21T12:00:00Z", "2026-10-28T10:00:00+01:00"),  # W43: due after it
    ],
)
def test_a_deadline_reads_the_same_in_every_endpoint_in_the_tenants_zone(api: Api, at: str, deadline: str) -> None:
    t = Tenant(api)
    opened = t.cycle(at)
    listed = api.get(f"{t.base}/cycles?page_size=10", t.admin).get_json()["items"]
    coverage = api.get(f"{t.base}/cycles/{opened['id']}/coverage", t.admin).get_json()
    seen = [
        opened["deadline"],
        t.cycle(at)["deadline"],  # opened again: read back from the database
        t.get_cycle(opened["id"])["deadline"],
        next(c["deadline"] for c in listed if c["id"] == opened["id"]),
        coverage["deadline"],
    ]
    assert seen == [deadline] * 5


def test_a_meeting_time_reads_in_the_tenants_zone(api: Api) -> None:
    t = Tenant(api)
    cycle = t.cycle("2026-03-25T12:00:00Z")
    url = f"{t.base}/cycles/{cycle['id']}/meeting"
    meeting = {"held_at": "2026-03-31T07:30:00Z", "attendees": [{"organisation": "kommun", "function": "Fältgrupp"}]}
    recorded = api.request("PUT", url, t.admin, json=meeting)
    assert recorded.status_code == 200, recorded.get_json()
    assert recorded.get_json()["held_at"] == api.get(url, t.admin).get_json()["held_at"] == "2026-03-31T09:30:00+02:00"
