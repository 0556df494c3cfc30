"""Lägesbilder: comparisons across year ends and DST, long horizons, versions, maps, scheduling, and the wall
around compile jobs."""

from __future__ import annotations

from core.notifications.models import Notification, OutboxMessage
from tests.cycle_helpers import Tenant
from tests.helpers import Api, count_all
from tests.page_helpers import PageClient


def _joint(t: Tenant, at: str) -> dict:
    cycle = t.cycle(at)
    if cycle["state"] == "collecting":
        assert t.move(cycle["id"], "compiling").status_code == 200
    for step in cycle["plan"]:
        picture = t.compiled(cycle["id"], step["key"])
    return picture


def test_direction_across_a_year_with_week_53(api: Api) -> None:
    t = Tenant(api, org_model="C", org_model_options={})
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    # 2020 has an ISO week 53 (28 Dec 2020 – 3 Jan 2021); 2019 has none, so its "same week" is 2019-W52.
    dates = {
        "2020-12-29T10:00:00+01:00": 3,  # 2020-W53
        "2021-01-03T22:30:00+00:00": 1,  # Sunday 23:30 in Stockholm: still 2020-W53
        "2020-12-22T10:00:00+01:00": 2,  # 2020-W52, the previous week
        "2020-12-15T10:00:00+01:00": 1,  # 2020-W51, the one before
        "2019-12-23T10:00:00+01:00": 5,  # 2019-W52 (its Monday: est saw all of it), "the same week last year"
        "2021-01-05T10:00:00+01:00": 1,  # 2021-W01
        "2020-01-01T10:00:00+01:00": 2,  # 2020-W01, the same week a year before 2021-W01
    }
    for at, count in dates.items():
        for n in range(count):
            t.report(reporter, area="centrum", at=at, comment=f"Händelse {n}")
    picture = _joint(t, "2020-12-30T12:00:00+01:00")
    statistics = picture["statistics"]
    assert (picture["label"], statistics["total"]) == ("2020-W53", 4)
    direction = statistics["direction"]
    assert (direction["previous"]["label"], direction["previous"]["total"]) == ("2020-W52", 2)
    assert (direction["before_previous"]["label"], direction["before_previous"]["total"]) == ("2020-W51", 1)
    assert (direction["last_year"]["label"], direction["last_year"]["total"]) == ("2019-W52", 5)
    assert direction["last_year"]["trend"] == "less" and direction["previous"]["trend"] == "more"
    week_one = _joint(t, "2021-01-06T12:00:00+01:00")["statistics"]
    assert week_one["total"] == 1
    assert (week_one["direction"]["previous"]["label"], week_one["direction"]["previous"]["total"]) == ("2020-W53", 4)
    assert (week_one["direction"]["last_year"]["label"], week_one["direction"]["last_year"]["total"]) == ("2020-W01", 2)


def test_a_period_before_the_tenants_first_report_is_no_comparison(api: Api) -> None:
    """A tenant that began reporting in est this spring has no figures for last year: "more than last year" on
    every figure would say something nobody knows. A period that began before the day of the first report is not
    compared (nor one est saw only part of); an empty period after it is compared (0 is then a fact)."""
    t = Tenant(api, org_model="C", org_model_options={})
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    t.report(reporter, area="centrum", at="2024-03-04T20:00:00+01:00")  # Monday of 2024-W10, the first report
    t.report(reporter, area="centrum", at="2024-03-19T20:00:00+01:00")  # 2024-W12; none in W11
    beta = Tenant(api, "beta", org_model="C", org_model_options={})  # reported long before: not alfa's history
    beta.report(beta.member("falt", "reporter", function="faltgrupp", organisation="kommun"), area="centrum",
                at="2023-03-21T20:00:00+01:00")  # fmt: skip
    picture = _joint(t, "2024-03-20T12:00:00+01:00")  # 2024-W12
    direction = picture["statistics"]["direction"]
    assert (direction["previous"]["label"], direction["previous"]["total"]) == ("2024-W11", 0)
    assert (direction["before_previous"]["label"], direction["before_previous"]["total"]) == ("2024-W10", 1)
    assert direction["last_year"] is None
    gamma = Tenant(api, "gamma", org_model="C", org_model_options={})  # began on a Wednesday: W10 seen in part
    falt = gamma.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for at in ("2024-03-06T20:00:00+01:00", "2024-03-12T20:00:00+01:00"):
        gamma.report(falt, area="centrum", at=at)
    assert _joint(gamma, "2024-03-13T12:00:00+01:00")["statistics"]["direction"]["previous"] is None
    for language, note in (
        ("sv", "Ingen jämförelse med samma period förra året: est har inga rapporter från då."),
        ("en", "No comparison with the same period last year: est has no reports from then."),
    ):
        client = PageClient(api.app, f"admin@{t.slug}.test")
        client.client.set_cookie("est_lang", language)
        page = client.get(f"/t/{t.slug}/lagesbilder/{picture['id']}").get_data(as_text=True)
        assert note in page and "2023-W12" not in page


def test_hours_and_weeks_follow_stockholm_time_across_dst(api: Api) -> None:
    t = Tenant(api, org_model="C", org_model_options={})
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    spring = ["2024-03-31T00:30:00Z", "2024-03-31T01:30:00Z"]  # 01:30 CET, then 03:30 CEST (02:00 is skipped)
    autumn = ["2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z"]  # 02:30 CEST, then 02:30 CET again
    for at in spring + autumn:
        t.report(reporter, area="norr", at=at)
    march = _joint(t, "2024-03-27T12:00:00+01:00")["statistics"]  # 2024-W13
    assert march["total"] == 2 and march["by_hour"][1] == 1 and march["by_hour"][3] == 1
    assert march["by_weekday"][6] == 2  # both on Sunday
    october = _joint(t, "2024-10-23T12:00:00+02:00")["statistics"]  # 2024-W43
    assert october["total"] == 2 and october["by_hour"][2] == 2
    weeks = {r["week"] for r in api.get(f"{t.base}/reports", t.admin).get_json()["items"]}
    assert weeks == {"2024-W13", "2024-W43"}


def test_quarterly_pictures_summarise_themes_rank_areas_and_keep_published_versions(api: Api) -> None:
    t = Tenant(api)
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for n, (area, item) in enumerate([("centrum", "brand"), ("centrum", "samlingsplats_ungdomar"),
                                      ("norr", "skadegorelse"), ("norr", "skadegorelse")]):  # fmt: skip
        t.report(reporter, area=area, at=f"2024-0{1 + n}-10T20:00:00+01:00", item=item)
    t.report(reporter, area="norr", at="2023-12-10T20:00:00+01:00")  # the previous quarter
    t.report(reporter, area="norr", at="2023-01-01T20:00:00+01:00")  # the same quarter last year, its first day
    job = api.post(f"{t.base}/lagesbilder", t.admin, json={"kind": "quarterly", "label": "2024-Q1"})
    assert job.status_code == 202
    picture = t.picture(api.wait_for_job(job.get_json()["id"], t.admin)["result"]["lagesbild"])
    statistics = picture["statistics"]
    assert statistics["total"] == 3  # January–March only
    assert statistics["by_area_theme"] == {"centrum": {"samlingsplatser": 1, "skadegorelse": 1},
                                           "norr": {"skadegorelse": 1}}  # fmt: skip
    assert statistics["direction"]["previous"]["label"] == "2023-Q4"
    assert (statistics["direction"]["last_year"]["label"], statistics["direction"]["last_year"]["total"]) == (
        "2023-Q1", 1)  # fmt: skip
    assert t.assess(picture["id"], {"centrum": 5}).status_code == 422  # priorities are 1–4
    assessed = t.assess(picture["id"], {"centrum": 2, "norr": 4}).get_json()
    assert [r["area"] for r in assessed["ranking"]] == [t.areas["norr"], t.areas["centrum"]]
    url = f"{t.base}/lagesbilder/{picture['id']}"
    published = api.post(f"{url}/publish", t.admin, headers={"If-Match": api.get(url, t.admin).headers["ETag"]})
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    # Editing the published picture makes version 2; version 1 stays exactly as published.
    before = t.picture(picture["id"])
    revised = t.assess(picture["id"], {"centrum": 3, "norr": 4}).get_json()
    assert (revised["version"], revised["supersedes_id"], revised["status"]) == (2, picture["id"], "assessed")
    assert t.picture(picture["id"]) == before
    # History shows published assessments only: version 2 is not published yet.
    assert [h["value"] for h in t.picture(revised["id"])["history"][str(t.areas["centrum"])]] == [2]
    bad = api.post(f"{t.base}/lagesbilder", t.admin, json={"kind": "quarterly", "label": "2024-Q5"})
    assert bad.status_code == 422


def test_the_map_and_what_reporters_see(api: Api) -> None:
    t = Tenant(api, org_model="C", org_model_options={})
    group = t.member("operativ", "coordinator", organisation="polis", groups=("operativ_grupp",))
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for n in range(3):
        t.report(reporter, area="centrum", at="2024-03-12T21:00:00+01:00", comment=f"Brand {n}",
                 place={"text": "Torget", "lat": 59.2745 + n * 0.0002, "lon": 15.2134})  # fmt: skip
    picture = _joint(t, "2024-03-12T12:00:00+01:00")
    assert picture["statistics"]["hot_spots"][0]["count"] == 3
    assert picture["statistics"]["repeated_places"] == [{"place": "Torget", "count": 3}]
    geojson = api.get(f"{t.base}/lagesbilder/{picture['id']}/geojson", group)
    assert geojson.status_code == 200 and geojson.headers["Content-Type"].startswith("application/geo+json")
    kinds = [f["properties"]["kind"] for f in geojson.get_json()["features"]]
    assert kinds.count("report") == 3 and kinds.count("hot_spot") == 1
    # Reporters get feedback from published pictures only.
    assert api.get(f"{t.base}/lagesbilder/{picture['id']}", reporter).status_code == 404
    assert api.get(f"{t.base}/lagesbilder", reporter).get_json()["total"] == 0


def test_scheduler_opens_cycles_moves_them_at_the_deadline_and_reminds_once(app, api: Api) -> None:
    alfa, beta = Tenant(api, "alfa"), Tenant(api, "beta")
    silent = alfa.member("tyst", "reporter", function="husvardar", organisation="bostader")
    active = alfa.member("aktiv", "reporter", function="faltgrupp", organisation="kommun")
    alfa.report(active, area="centrum", at="2024-03-12T10:00:00+01:00")
    platform = api.user("drift@plattform.test", admin=True)

    def tick(now: str) -> None:
        result = app.test_cli_runner().invoke(args=["cycles", "tick", "--now", now])
        assert result.exit_code == 0, result.output
        for job_id in result.output.split():
            assert api.wait_for_job(job_id, platform)["status"] == "finished"

    # Tuesday of the next week, 20 hours before the Wednesday 10:00 deadline of 2024-W11.
    for _ in range(2):  # a re-run changes nothing
        tick("2024-03-19T14:00:00+01:00")
    for t in (alfa, beta):
        # Newest first: today's period (opened at onboarding), then the two the scheduler opened.
        cycles = api.get(f"{t.base}/cycles", t.admin).get_json()["items"][1:]
        assert [(c["period"], c["state"]) for c in cycles] == [("2024-W12", "collecting"), ("2024-W11", "collecting")]
    notices = api.get(f"{alfa.base}/notifications", silent).get_json()["items"]
    assert len(notices) == 1 and "2024-W11" in notices[0]["subject"]
    assert api.get(f"{alfa.base}/notifications", active).get_json()["items"] == []
    assert count_all(app, OutboxMessage, Notification) == {"OutboxMessage": 1, "Notification": 1}
    week11 = api.get(f"{alfa.base}/cycles?page_size=5", alfa.admin).get_json()["items"][2]
    coverage = api.get(f"{alfa.base}/cycles/{week11['id']}/coverage", alfa.admin).get_json()
    assert coverage["missing_functions"] == ["husvardar", "omradespolis"]
    assert {o["key"]: o["reports"] for o in coverage["organisations"]} == {"bostader": 0, "kommun": 1, "polis": 0}
    # After the deadline the scheduler moves the cycle on, logged as nobody's action.
    tick("2024-03-20T10:00:01+01:00")
    assert alfa.get_cycle(week11["id"])["state"] == "compiling"
    log = api.get(f"{alfa.base}/cycles/{week11['id']}/log", alfa.admin).get_json()
    assert (log[-1]["to_state"], log[-1]["by_user"]) == ("compiling", None)


def test_a_compile_job_counts_only_its_own_tenant(api: Api) -> None:
    alfa, beta = Tenant(api, "alfa"), Tenant(api, "beta")
    for t, count in ((alfa, 2), (beta, 3)):
        reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
        for n in range(count):
            t.report(reporter, area="centrum", at="2024-03-12T10:00:00+01:00", comment=f"Nr {n}")
    assert _joint(alfa, "2024-03-12T12:00:00+01:00")["statistics"]["total"] == 2
    assert _joint(beta, "2024-03-12T12:00:00+01:00")["statistics"]["total"] == 3
