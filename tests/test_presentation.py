"""The lägesbild's view model: figures equal the statistics, directions in words, hot spots as sentences, strips of
twelve, and a public version that carries nothing finer than an area and no small count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from core.cycles.periods import zone
from core.db import utcnow
from core.lagesbild.models import AreaAssessment, Lagesbild
from core.lagesbild.presentation import Presentation, present, trend_counts
from core.organisation.models import Area
from core.tenancy import current_session, tenant_context
from core.tenants import onboarding
from core.tenants.models import Tenant as TenantRow
from tests.cycle_helpers import Tenant
from tests.fixtures.tenant_doc import tenant_doc
from tests.helpers import Api

# A square around Vivalla; the hot spot lies inside it.
SQUARE = {"type": "Polygon", "coordinates": [[[15.1, 59.2], [15.3, 59.2], [15.3, 59.3], [15.1, 59.3], [15.1, 59.2]]]}
AREAS = [{"key": "centrum", "name": "Centrum", "geometry": SQUARE}, {"key": "norr", "name": "Norr"}]
# Friday 8 March 2024 (2024-W10), 21:10–23:40 Stockholm time.
FRIDAY = ["2024-03-08T21:10:00+01:00", "2024-03-08T22:10:00+01:00", "2024-03-08T23:10:00+01:00",
          "2024-03-08T23:40:00+01:00"]  # fmt: skip
SECRETS = ("Vivallagatan", "59.2345", "15.1876", "Ljusgårdsskolan", "Fältgrupp", "Oro kring torget", "Lugnt i stort")


def _setup(api: Api, slug: str = "alfa") -> tuple[Tenant, dict]:
    t = Tenant(api, slug, org_model="C", org_model_options={}, areas=AREAS)
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for n, at in enumerate(FRIDAY):
        t.report(reporter, area="centrum", at=at, comment="Sprang mot Ljusgårdsskolan",
                 place={"text": "Vivallagatan", "lat": 59.2345 + n * 0.0001, "lon": 15.1876})  # fmt: skip
    t.report(reporter, area="norr", at="2024-03-05T10:00:00+01:00", item="brand", place={"text": "Vivallagatan"})
    for at in ("2024-02-26T10:00:00+01:00", "2024-02-28T10:00:00+01:00"):  # the previous week (from its Monday): 2
        t.report(reporter, area="centrum", at=at)
    cycle = t.cycle("2024-03-06T12:00:00+01:00")
    assert t.move(cycle["id"], "compiling").status_code == 200
    picture = next(t.compiled(cycle["id"], step["key"]) for step in cycle["plan"])
    assert t.assess(picture["id"], {"centrum": 3, "norr": 1}).status_code == 200
    return t, t.picture(picture["id"])


def _present(app: Flask, slug: str, picture_id: int, audience: str, *, earlier: int = 0) -> Presentation:
    with app.app_context():
        db = current_session()
        tenant = db.scalar(select(TenantRow).where(TenantRow.slug == slug))
        with tenant_context(tenant.id, db):
            if earlier:
                _earlier_assessments(db, earlier)
            picture = db.scalar(select(Lagesbild).where(Lagesbild.id == picture_id))
            return present(db, tenant, picture, audience=audience)


def _earlier_assessments(db, count: int) -> None:
    """``count`` published weekly pictures with an assessment of Centrum each, oldest first."""
    area = db.scalar(select(Area).where(Area.key == "centrum"))
    labels = ["Grön", "Gul", "Orange", "Röd"]
    for n in range(count):
        monday = date(2023, 1, 2) + timedelta(weeks=n)
        label = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
        old = Lagesbild(series=f"old:{n}", version=1, kind="weekly", label=label, title="Äldre", scope="tenant",
                        period_start=monday, period_end=monday + timedelta(weeks=1), status="published",
                        published_at=utcnow())  # fmt: skip
        db.add(old)
        db.flush()
        assessed_at = utcnow() - timedelta(days=100 - n)
        db.add(AreaAssessment(area_id=area.id, lagesbild_id=old.id, scale="colour", value=n % 4 + 1,
                              label=labels[n % 4], period=label, assessed_at=assessed_at))  # fmt: skip
    db.commit()


def test_figures_equal_the_statistics_and_directions_are_words(app: Flask, api: Api) -> None:
    _, picture = _setup(api)
    statistics = picture["statistics"]
    view = _present(app, "alfa", picture["id"], "internal")
    total, problems, positive = view.totals
    assert (total.count, problems.count, positive.count) == ("5", "5", "0")
    previous = next(d for d in total.directions if d.comparison == "previous")
    assert (previous.trend, previous.arrow, previous.then, previous.change) == ("more", "↑", "2", "+3")
    assert previous.words == "fler än föregående period"
    assert previous.period_label == statistics["direction"]["previous"]["label"] == "2024-W09"
    themes = {f.key: f.count for f in view.themes}
    assert themes["skadegorelse"] == str(statistics["by_theme"]["skadegorelse"]) == "5"
    hour, weekday, theme, trend = view.charts
    assert hour.rows == tuple((f"{h:02d}", str(n)) for h, n in enumerate(statistics["by_hour"]))
    assert [row[1] for row in weekday.rows] == [str(n) for n in statistics["by_weekday"]]
    assert weekday.rows[4][0] == "Fre" and ("Skadegörelse", "5") in theme.rows
    assert len(trend.rows) == 12 and trend.rows[-1][0] == "2024-W10" and trend.rows[-2][0] == "2024-W09"
    column = trend.headers.index("Skadegörelse")
    assert (trend.rows[-1][column], trend.rows[-2][column]) == ("5", "2")
    assert view.period_text.startswith("4 mars 2024") and view.period_end == date(2024, 3, 10)
    assert view.status_text == "Bedömd" and view.summary == "Lugnt i stort"


def test_hot_spots_read_as_place_and_time(app: Flask, api: Api) -> None:
    _, picture = _setup(api)
    view = _present(app, "alfa", picture["id"], "internal")
    assert [spot.text for spot in view.hot_spots] == ["Vivallagatan, fredagar 21–24"]
    assert view.hot_spots[0].count == "4"
    assert any(text.startswith("fredagar 23–24") for text in view.hot_times)
    assert len(view.map.points) == 4 and len(view.map.hot_spots) == 1
    assert {a.name for a in view.map.areas} == {"Centrum", "Norr"}


def test_each_area_has_its_assessment_with_label_and_a_strip_of_twelve(app: Flask, api: Api) -> None:
    _, picture = _setup(api)
    view = _present(app, "alfa", picture["id"], "internal", earlier=13)
    centrum = next(a for a in view.areas if a.name == "Centrum")
    assert (centrum.level, centrum.label, centrum.conditions) == (3, "Orange", "Oro kring torget kvällstid")
    assert centrum.colour and centrum.strip is not None
    assert len(centrum.strip.rows) == 12 and centrum.strip.rows[-1] == ("2024-W10", "Orange")
    assert centrum.strip.rows[0][0] == "2023-W03"  # the 13 earlier ones: the oldest two fall off
    norr = next(a for a in view.areas if a.name == "Norr")
    assert norr.strip.rows == (("2024-W10", "Grön"),)


def test_the_public_version_carries_nothing_finer_than_an_area(app: Flask, api: Api) -> None:
    _, picture = _setup(api)
    internal = repr(_present(app, "alfa", picture["id"], "internal"))
    assert "Vivallagatan" in internal and "Oro kring torget" in internal  # the test's secrets are there to find
    view = _present(app, "alfa", picture["id"], "public")
    text = repr(view)
    for secret in SECRETS:
        assert secret not in text, secret
    assert view.map.points == () and view.map.hot_spots == ()
    assert [spot.text for spot in view.hot_spots] == ["Centrum, fredagar 21–24"]
    norr = next(a for a in view.areas if a.name == "Norr")
    assert norr.count == "färre än 3" and norr.conditions == ""
    assert {a.name: a.text for a in view.map.areas} == {"Centrum": "4", "Norr": "färre än 3"}
    total = view.totals[0]
    assert total.count == "5" and all(d.change == "" for d in total.directions)
    assert next(d for d in total.directions if d.comparison == "previous").then == "färre än 3"
    hour = view.charts[0]
    assert ("10", "färre än 3") in hour.rows and ("00", "0") in hour.rows
    trend = view.charts[3]
    assert trend.rows[-2][trend.headers.index("Skadegörelse")] == "färre än 3"


def test_marked_text_goes_public(app: Flask, api: Api) -> None:
    t, picture = _setup(api)
    body = {"summary": "Lugnare än förra veckan", "summary_public": True, "areas": [
        {"area": t.areas["centrum"], "level": 2, "conditions": "Ordnat vid skolan", "public": True},
        {"area": t.areas["norr"], "level": 1, "conditions": "Hemlig bedömning"}]}  # fmt: skip
    etag = api.get(f"{t.base}/lagesbilder/{picture['id']}", t.admin).headers["ETag"]
    response = api.request("PUT", f"{t.base}/lagesbilder/{picture['id']}/assessment", t.admin, json=body,
                           headers={"If-Match": etag})  # fmt: skip
    assert response.status_code == 200, response.get_json()
    view = _present(app, "alfa", picture["id"], "public")
    assert view.summary == "Lugnare än förra veckan"
    assert {a.name: a.conditions for a in view.areas} == {"Centrum": "Ordnat vid skolan", "Norr": ""}


def test_presenting_reads_only_the_tenants_own_rows(app: Flask, api: Api) -> None:
    _, picture = _setup(api)
    beta = Tenant(api, "beta", org_model="C", org_model_options={}, areas=AREAS)
    stranger = beta.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for at in FRIDAY:
        beta.report(stranger, area="centrum", at=at, place={"text": "Betagränd"})
    view = _present(app, "alfa", picture["id"], "internal")
    assert "Betagränd" not in repr(view)
    trend = view.charts[3]
    assert trend.rows[-1][trend.headers.index("Skadegörelse")] == "5"
    with app.app_context():
        db = current_session()
        tenant = db.scalar(select(TenantRow).where(TenantRow.slug == "alfa"))
        with tenant_context(tenant.id, db):
            row = db.scalar(select(Lagesbild).where(Lagesbild.id == picture["id"]))
            _labels, counts = trend_counts(db, row, zone(tenant.cadence))
    assert counts["skadegorelse"][-1] == 5 and sum(counts["skadegorelse"]) == 7


def test_the_threshold_is_a_bounded_tenant_setting(app: Flask, api: Api) -> None:
    with app.app_context():
        pm = app.extensions["est.plugins"]
        for wrong in (0, 51, "tre"):
            with pytest.raises(onboarding.OnboardingError) as refused:
                onboarding.validate(tenant_doc("gamma", public_count_threshold=wrong), pm)
            assert "public_count_threshold" in repr(refused.value.__dict__)
    t, picture = _setup(api)
    api.onboard("alfa", org_model="C", org_model_options={}, areas=AREAS, public_count_threshold=5)
    view = _present(app, "alfa", picture["id"], "public")
    assert view.totals[0].count == "5" and next(a for a in view.areas if a.name == "Centrum").count == "färre än 5"
    assert api.get(t.base, t.admin).get_json()["public_count_threshold"] == 5


def test_an_unknown_audience_is_refused(app: Flask, api: Api) -> None:
    _, picture = _setup(api)
    with pytest.raises(ValueError):
        _present(app, "alfa", picture["id"], "press")


def test_a_quarterly_picture_trends_over_twelve_quarters(app: Flask, api: Api) -> None:
    t = Tenant(api, org_model="C", org_model_options={}, areas=AREAS)
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for at in ("2024-02-10T20:00:00+01:00", "2023-11-10T20:00:00+01:00", "2021-01-10T20:00:00+01:00"):
        t.report(reporter, area="norr", at=at)
    job = api.post(f"{t.base}/lagesbilder", t.admin, json={"kind": "quarterly", "label": "2024-Q1"})
    picture = api.wait_for_job(job.get_json()["id"], t.admin)["result"]["lagesbild"]
    trend = _present(app, "alfa", picture, "internal").charts[3]
    column = trend.headers.index("Skadegörelse")
    assert [row[0] for row in trend.rows] == [f"{y}-Q{q}" for y in (2021, 2022, 2023, 2024) for q in (1, 2, 3, 4)][1:13]
    assert [row[column] for row in trend.rows][-2:] == ["1", "1"] and trend.rows[0][column] == "0"


def test_a_place_and_its_count_read_as_swedish_and_english_write_them() -> None:
    from core.i18n import use_locale

    with use_locale("sv"):
        assert Presentation.counted("Vivallagatan", "1") == "Vivallagatan: 1 rapport"
        assert Presentation.counted("Norr", "5") == "Norr: 5 rapporter"
        assert Presentation.counted("Norr", "färre än 3") == "Norr: färre än 3 rapporter"
    with use_locale("en"):
        assert Presentation.counted("Norr", "1") == "Norr: 1 report"
        assert Presentation.counted("Norr", "0") == "Norr: 0 reports"


WHEN = [
    (FRIDAY, "fredagar 21–24"),  # every report within three hours
    (["2024-03-08T22:30:00+01:00", "2024-03-08T23:50:00+01:00", "2024-03-09T00:20:00+01:00",
      "2024-03-09T01:10:00+01:00"], "fredagar 22–02"),  # past midnight: still Friday night
    (["2024-03-04T19:10:00+01:00", "2024-03-05T19:20:00+01:00", "2024-03-06T19:40:00+01:00",
      "2024-03-08T20:10:00+01:00"], "vid olika tider"),  # the same hours, but four days
    (["2024-03-08T01:10:00+01:00", "2024-03-08T17:10:00+01:00", "2024-03-08T18:10:00+01:00",
      "2024-03-08T18:30:00+01:00"], "fredagar 17–19"),  # three of four: the one at 01 is apart
]  # fmt: skip


@pytest.mark.parametrize(("times", "said"), WHEN)
def test_when_a_hot_spot_happens_is_a_short_window_or_said_to_vary(times: list[str], said: str) -> None:
    """Not the span from the first to the last hour ("fredagar 1–19" told nothing): the shortest window of at most
    four hours holding every report, else two thirds of them; else that they happen at different times."""
    from datetime import datetime

    from core.i18n import use_locale
    from core.lagesbild.presentation import _when

    with use_locale("sv"):
        assert _when([datetime.fromisoformat(t) for t in times], zone({"timezone": "Europe/Stockholm"})) == said
