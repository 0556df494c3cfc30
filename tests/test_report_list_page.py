"""The coordinators' report list (``/t/<slug>/rapporter``) and the exports of the filtered rows, page and API: the
same rows as the API's list for the same filters, formula-safe cells in CSV and XLSX, the row bound, who may see it,
and the notifications on the home pages."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from core.accounts.models import Membership, User
from core.notifications.models import Notification
from core.notifications.service import notify
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant as TenantRow
from tests.cycle_helpers import Tenant
from tests.helpers import Api
from tests.page_helpers import PageClient, two_tenants

NOW = datetime.now(UTC)
INJECTIONS = ('=HYPERLINK("http://x.invalid","klicka")', "+46 SUM(A1)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")


def _at(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def alfa(api: Api) -> Tenant:
    """alfa with reports from two reporters over a few periods (some late), and beta with one of its own."""
    alfa, beta = two_tenants(api)
    reporter, police = api.token("rapportor@alfa.test"), api.token("polisen@alfa.test")
    alfa.report(reporter, area="norr", at=_at(0.1), comment="Krossad ruta")
    alfa.report(reporter, area="centrum", at=_at(0.2), severity=3, comment="Klotter på skolan")
    alfa.report(police, area="norr", at=_at(0.3), item="incident_anstalld", comment="Langning")
    alfa.report(reporter, area="centrum", at=_at(21), comment="Sent inrapporterad")  # after its deadline: late
    alfa.report(police, area="norr", at=_at(35), severity=4, comment="Gammal")
    beta.report(api.token("rapportor@beta.test"), area="norr", at=_at(0.1), comment="Betas egen")
    return alfa


def _api_ids(api: Api, alfa: Tenant, query: str) -> list[int]:
    response = api.get(f"{alfa.base}/reports?page_size=200&{query}", alfa.admin)
    assert response.status_code == 200, response.get_json()
    return [r["id"] for r in response.get_json()["items"]]


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _period(days_ago: float) -> str:
    year, week, _day = (NOW - timedelta(days=days_ago)).isocalendar()
    return f"{year}-W{week:02d}"


FILTERS = [
    "",
    "area={norr}",
    "item=incident_anstalld",
    "theme=skadegorelse",
    "severity=3",
    "organisation=polis",
    "late=true",
    "late=false",
    "after_compilation=false",
    "period_from={p21}&period_to={p0}",
    "period_from={p35}&period_to={p21}&area={norr}",
]


@pytest.mark.parametrize("query", FILTERS)
def test_the_page_and_its_exports_hold_exactly_the_apis_rows(app: Flask, api: Api, alfa: Tenant, query: str) -> None:
    query = query.format(norr=alfa.areas["norr"], p0=_period(0), p21=_period(21), p35=_period(35))
    expected = _api_ids(api, alfa, query)
    coordinator = PageClient(app, "samordnare@alfa.test")
    page = coordinator.get(f"/t/alfa/rapporter?{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    if expected:
        assert f"Rapporter 1–{len(expected)}" in html
    assert html.count("<tr>") - 1 == len(expected)  # the header row and one row per report
    # the page's own export links carry the filters
    links = re.findall(r'href="(/t/alfa/rapporter/export\?[^"]+)"', html)
    assert len(links) == 2 and all(
        set(query.split("&")) - {""} <= set(link.split("?")[1].split("&amp;")) for link in links
    )
    csv_link = next(link for link in links if "format=csv" in link).replace("&amp;", "&")
    rows = _csv(coordinator.get(csv_link).get_data())
    assert [int(r[0]) for r in rows[1:]] == expected
    xlsx = coordinator.get(f"/t/alfa/rapporter/export?format=xlsx&{query}")
    sheet = load_workbook(io.BytesIO(xlsx.get_data()), read_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected
    from_api = api.get(f"{alfa.base}/reports/export?format=csv&{query}", alfa.admin)
    assert from_api.status_code == 200 and [int(r[0]) for r in _csv(from_api.get_data())[1:]] == expected


def test_the_filters_narrow_as_they_should(api: Api, alfa: Tenant) -> None:
    assert len(_api_ids(api, alfa, "")) == 5
    assert len(_api_ids(api, alfa, "late=true")) >= 2  # 21 and 35 days ago came in after their deadlines
    assert len(_api_ids(api, alfa, f"area={alfa.areas['norr']}")) == 3
    assert len(_api_ids(api, alfa, "organisation=polis")) == 2
    assert len(_api_ids(api, alfa, f"period_from={_period(35)}&period_to={_period(21)}")) == 2
    backwards = api.get(f"{alfa.base}/reports?period_from={_period(0)}&period_to={_period(35)}", alfa.admin)
    assert backwards.status_code == 422 and "period_to" in str(backwards.get_json()["errors"])


def test_export_columns_are_named_in_the_callers_language(app: Flask, api: Api, alfa: Tenant) -> None:
    coordinator = PageClient(app, "samordnare@alfa.test")
    assert 'href="/t/alfa/rapporter">Alla rapporter</a>' in coordinator.get("/t/alfa/").text  # in the menu
    rows = _csv(coordinator.get("/t/alfa/rapporter/export?format=csv&organisation=polis").get_data())
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:3] == ["Rapportnummer", "Period", "Vecka"]
    assert first["Område"] == "Norr" and first["Organisation"] == "Lokalpolisområdet"
    assert first["Rapporterande funktion"] == "Områdespolis" and first["Sen"] == "Nej" and first["Källa"] == "API"
    english = api.get(f"{alfa.base}/reports/export?format=csv", alfa.admin, headers={"Accept-Language": "en"})
    assert _csv(english.get_data())[0][:3] == ["Report number", "Period", "Week"]


def test_formula_cells_are_neutralised_in_csv_and_xlsx(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = api.token("rapportor@alfa.test")
    for n, text in enumerate(INJECTIONS):
        alfa.report(reporter, area="norr", at=_at(0.1 + n / 100), comment=text, place={"text": f"Torget {text}"})
    coordinator = PageClient(app, "samordnare@alfa.test")
    rows = _csv(coordinator.get("/t/alfa/rapporter/export?format=csv").get_data())
    comments = {r[rows[0].index("Kommentar")] for r in rows[1:]}
    assert comments == {"'" + text for text in INJECTIONS}
    workbook = load_workbook(io.BytesIO(coordinator.get("/t/alfa/rapporter/export?format=xlsx").get_data()))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("Kommentar")] for row in sheet.iter_rows(min_row=2)]
    # (an XML parser may read a stored CR back as a line feed — lxml keeps it: the cell starts with the apostrophe)
    assert {c.value.replace("\r", "\n") for c in cells} == {"'" + text.replace("\r", "\n") for text in INJECTIONS}
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    for row in sheet.iter_rows(min_row=1):
        for c in row:
            assert c.data_type != "f" and not (isinstance(c.value, str) and c.value.startswith(("=", "+", "@")))


def test_an_export_larger_than_the_bound_is_refused(app: Flask, api: Api, alfa: Tenant, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "EST", dataclasses.replace(app.config["EST"], export_max_rows=4))
    refused = api.get(f"{alfa.base}/reports/export?format=xlsx", alfa.admin)
    assert refused.status_code == 413 and refused.get_json()["error"] == "export.too_many_rows"
    coordinator = PageClient(app, "samordnare@alfa.test")
    page = coordinator.get("/t/alfa/rapporter/export?format=csv")
    assert page.status_code == 413 and "fler än 4" in page.get_data(as_text=True).lower()
    narrowed = coordinator.get(f"/t/alfa/rapporter/export?format=csv&area={alfa.areas['norr']}")
    assert narrowed.status_code == 200 and len(_csv(narrowed.get_data())) == 4  # header + 3 rows


def test_bad_filters_are_named_never_a_500(app: Flask, api: Api, alfa: Tenant) -> None:
    coordinator = PageClient(app, "samordnare@alfa.test")
    page = coordinator.get("/t/alfa/rapporter?period_from=2026-W99&severity=x&area=-1")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'class="error-summary"' in html and 'href="#period_from"' in html
    assert 'href="#severity"' in html and 'value="2026-W99"' in html
    assert coordinator.get("/t/alfa/rapporter?format=pdf&unknown=1").status_code == 200  # unknown args are ignored
    assert coordinator.get("/t/alfa/rapporter/export?format=pdf").status_code == 422
    assert api.get(f"{alfa.base}/reports/export?format=pdf", alfa.admin).status_code == 422
    assert coordinator.get("/t/alfa/rapporter?page=99999999999").status_code == 422


def test_pages_follow_with_their_filters(app: Flask, api: Api, monkeypatch) -> None:
    alfa, _beta = two_tenants(api)
    monkeypatch.setattr("core.web.report_list.PAGE_SIZE", 2)
    reporter = api.token("rapportor@alfa.test")
    for n in range(5):
        alfa.report(reporter, area="norr", at=_at(0.1 + n / 100))
    coordinator = PageClient(app, "samordnare@alfa.test")
    first = coordinator.get(f"/t/alfa/rapporter?area={alfa.areas['norr']}").get_data(as_text=True)
    assert "Rapporter 1–2" in first and f"area={alfa.areas['norr']}&amp;page=2" in first and 'rel="prev"' not in first
    last = coordinator.get(f"/t/alfa/rapporter?area={alfa.areas['norr']}&page=3").get_data(as_text=True)
    assert "Rapporter 5–5" in last and last.count("<tr>") - 1 == 1 and 'rel="next"' not in last
    assert "Sida 3" in last and f"area={alfa.areas['norr']}&amp;page=2" in last


def test_who_may_see_the_list(app: Flask, api: Api, alfa: Tenant) -> None:
    for path in ("/t/alfa/rapporter", "/t/alfa/rapporter/export?format=csv"):
        stranger = PageClient(app).get(path)
        assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]
        other = PageClient(app, "rapportor@beta.test").get(path)
        assert other.status_code == 404 and "Krossad" not in other.get_data(as_text=True)
        reporter = PageClient(app, "rapportor@alfa.test").get(path)
        assert reporter.status_code == 403 and "Krossad" not in reporter.get_data(as_text=True)
    coordinator_home = PageClient(app, "samordnare@alfa.test").get("/t/alfa/").get_data(as_text=True)
    assert 'href="/t/alfa/rapporter?' in coordinator_home
    # the API's export follows the API's list: a reporter gets their own reports only
    own = api.get(f"{alfa.base}/reports/export", api.token("rapportor@alfa.test"))
    assert own.status_code == 200 and len(_csv(own.get_data())) == 4
    assert api.get("/api/v1/tenants/alfa/reports/export", api.token("rapportor@beta.test")).status_code == 404
    beta = api.get("/api/v1/tenants/beta/reports/export", api.token("rapportor@beta.test"))
    assert [r[16] for r in _csv(beta.get_data())[1:]] == ["Betas egen"]


def _notify(app: Flask, email: str, key: str, subject: str) -> int:
    with app.app_context():
        db = current_session()
        user_id = db.scalar(select(User.id).where(User.email == email))
        tenant_id = db.scalar(select(TenantRow.id).where(TenantRow.slug == email.split("@")[1].split(".")[0]))
        with tenant_context(tenant_id, db):
            membership = db.scalar(select(Membership).where(Membership.user_id == user_id))
            notify(db, membership, kind="reminder", key=key, subject=subject, body="Glöm inte veckans rapport.")
            db.commit()
            return db.scalar(select(Notification.id).where(Notification.key == key))


def test_unread_notifications_on_the_home_pages_and_marking_one_read(app: Flask, api: Api) -> None:
    two_tenants(api)
    mine = _notify(app, "rapportor@alfa.test", "r:1", "Påminnelse vecka 1")
    coordinators = _notify(app, "samordnare@alfa.test", "r:2", "Påminnelse till samordnaren")
    betas = _notify(app, "rapportor@beta.test", "r:3", "Betas påminnelse")
    reporter = PageClient(app, "rapportor@alfa.test")
    home = reporter.get("/t/alfa/").get_data(as_text=True)
    assert "Påminnelse vecka 1" in home and "samordnaren" not in home and "Markera som läst" in home
    assert "Påminnelse till samordnaren" in PageClient(app, "samordnare@alfa.test").get("/t/alfa/").get_data(True)
    assert reporter.post(f"/t/alfa/notiser/{mine}/last", {}, page="/t/alfa/", csrf=False).status_code == 400
    for foreign in (coordinators, betas, 999999):  # another member's, another tenant's, none
        assert reporter.post(f"/t/alfa/notiser/{foreign}/last", {}, page="/t/alfa/").status_code == 404
    done = reporter.post(f"/t/alfa/notiser/{mine}/last", {}, page="/t/alfa/")
    assert done.status_code == 303
    assert "Påminnelse vecka 1" not in reporter.get("/t/alfa/").get_data(as_text=True)
    read = api.get("/api/v1/tenants/alfa/notifications", api.token("rapportor@alfa.test")).get_json()["items"]
    assert [n["read_at"] is not None for n in read] == [True]
    assert "Betas påminnelse" in PageClient(app, "rapportor@beta.test").get("/t/beta/").get_data(as_text=True)


@pytest.mark.parametrize("cadence", [{"frequency": "weekly"}, {"frequency": "fortnightly"},
                                     {"frequency": "fortnightly", "fortnight_parity": "even"}])  # fmt: skip
def test_the_moments_a_period_range_implies_hold_every_report_of_it(cadence: dict) -> None:
    """``core.speed.moments_of_periods`` only helps the planner: every moment lies within the bounds its period's
    label implies, whatever the cadence and time zone (the furthest ahead of and behind UTC)."""
    from sqlalchemy import column

    from core import speed
    from core.cycles import periods

    start = datetime(2026, 12, 20, tzinfo=UTC)  # across a year's end with a week 53
    for zone in ("Pacific/Kiritimati", "Europe/Stockholm", "Pacific/Pago_Pago"):
        for hours in range(0, 24 * 40, 5):
            moment = start + timedelta(hours=hours)
            label = periods.period_of(moment, {**cadence, "timezone": zone}).label
            lower, upper = speed.moments_of_periods(column("occurred_at"), label, label)
            assert lower.right.value <= moment < upper.right.value, (zone, moment, label)
