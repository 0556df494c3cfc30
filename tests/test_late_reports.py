"""Late reports are never lost: a report that arrives for a period after its picture was compiled is accepted and
marked, the published picture (which never changes) says how many came in afterwards and links them, the next
period's picture lists them as late arrivals, the weekly statistics count them in their own week, and reporters see
the mark in their own list. Lateness follows the picture's scope: a leg's part (model A), an area's local picture
(model B), the whole tenant."""

from __future__ import annotations

import io

from sqlalchemy import update

from core.lagesbild.models import Lagesbild
from core.reports.importer import COLUMNS
from tests.cycle_helpers import Tenant
from tests.helpers import Api, owner_connection

W11 = "2024-03-12T12:00:00+01:00"  # ISO week 2024-W11 (Mon 11 – Sun 17 March)
W12 = "2024-03-19T12:00:00+01:00"
W13 = "2024-03-26T12:00:00+01:00"


def _published_week(t: Tenant, at: str) -> dict[str, dict]:
    """Compile every step of the week's cycle (as the admin), assess and publish it; step key → picture."""
    cycle = t.cycle(at)
    assert t.move(cycle["id"], "compiling").status_code == 200
    pictures = {step["key"]: t.compiled(cycle["id"], step["key"]) for step in cycle["plan"]}
    final = cycle["plan"][-1]["key"]
    assert t.assess(pictures[final]["id"], {"centrum": 2}).status_code == 200
    assert t.move(cycle["id"], "assessed").status_code == 200
    assert t.move(cycle["id"], "published").status_code == 200
    return pictures


def _ids(api: Api, url: str, token: str) -> list[int]:
    response = api.get(url, token)
    assert response.status_code == 200, response.get_json()
    return sorted(r["id"] for r in response.get_json()["items"])


def test_a_report_after_publication_is_marked_counted_linked_and_listed_the_next_week(api: Api) -> None:
    t = Tenant(api)
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for n in range(65):
        t.report(reporter, area="centrum", at=f"2024-03-1{1 + n % 7}T1{n % 10}:00:00+01:00")
    pictures = _published_week(t, W11)
    joint = pictures["gemensam"]
    assert joint["statistics"]["total"] == 65 and joint["after_compilation"]["count"] == 0

    late = t.report(reporter, area="centrum", at="2024-03-14T20:00:00+01:00")
    assert late["after_compilation"] is True and late["period"] == "2024-W11"

    # The published picture never changes, and says how many came in afterwards, with a link to them.
    published = t.picture(joint["id"])
    assert published["status"] == "published" and published["statistics"] == joint["statistics"]
    assert published["after_compilation"]["count"] == 1
    assert _ids(api, published["after_compilation"]["reports"], t.admin) == [late["id"]]
    assert api.get(f"{t.base}/reports?period=2024-W11", t.admin).get_json()["total"] == 66
    # Model A: the report is the kommun leg's, so it is late for the kommun part, not for the police's part.
    assert t.picture(pictures["part_kommun"]["id"])["after_compilation"]["count"] == 1
    assert t.picture(pictures["part_polis"]["id"])["after_compilation"]["count"] == 0

    # The reporter sees it in their own list.
    own = api.get(f"{t.base}/reports?after_compilation=true", reporter).get_json()["items"]
    assert [(r["id"], r["after_compilation"]) for r in own] == [(late["id"], True)]

    # /stats/weekly counts it in its own week (of the event), and says how many of that week came in late.
    weekly = api.get(f"{t.base}/stats/weekly?by=theme&from=2024-W11&to=2024-W12", t.admin).get_json()["rows"]
    assert [(r["week"], r["count"], r["after_compilation"]) for r in weekly] == [("2024-W11", 66, 1)]

    # The next period's picture lists it as a late arrival.
    t.report(reporter, area="norr", at=W12)
    following = _published_week(t, W12)["gemensam"]
    arrivals = following["statistics"]["late_arrivals"]
    assert arrivals["count"] == 1 and [r["id"] for r in arrivals["reports"]] == [late["id"]]
    assert arrivals["reports"][0]["period"] == "2024-W11"
    assert following["statistics"]["total"] == 1  # counted in its own week, not this one
    assert _published_week(t, W13)["gemensam"]["statistics"]["late_arrivals"] == {"count": 0, "reports": []}  # once


def test_model_b_a_report_is_late_for_the_local_picture_of_its_area(api: Api) -> None:
    t = Tenant(api, org_model="B", org_model_options={})
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    t.report(reporter, area="centrum", at=W11)
    t.report(reporter, area="norr", at=W11)
    cycle = t.cycle(W11)
    assert t.move(cycle["id"], "compiling").status_code == 200
    centrum = t.compiled(cycle["id"], "lokal_centrum")
    late_centrum = t.report(reporter, area="centrum", at=W11)
    on_time_norr = t.report(reporter, area="norr", at=W11)  # norr's local picture is not compiled yet
    assert (late_centrum["after_compilation"], on_time_norr["after_compilation"]) == (True, False)
    norr = t.compiled(cycle["id"], "lokal_norr")
    whole = t.compiled(cycle["id"], "hela_kommunen")
    assert (norr["statistics"]["total"], whole["statistics"]["total"]) == (2, 3)
    assert [p["after_compilation"]["count"] for p in (t.picture(centrum["id"]), norr, whole)] == [1, 0, 1]
    assert _ids(api, whole["after_compilation"]["reports"], t.admin) == [late_centrum["id"]]


def test_imported_reports_for_a_compiled_period_are_marked_too(api: Api) -> None:
    t = Tenant(api, org_model="C", org_model_options={})
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    t.report(reporter, area="centrum", at=W11)
    cycle = t.cycle(W11)
    assert t.move(cycle["id"], "compiling").status_code == 200
    picture = t.compiled(cycle["id"], "motet")
    row = {"punkt": "skadegorelse", "omrade": "centrum", "tidpunkt": "2024-03-13 18:00", "allvarlighetsgrad": "2",
           "plats": "Torget"}  # fmt: skip
    data = (";".join(COLUMNS) + "\n" + ";".join(row.get(c, "") for c in COLUMNS) + "\n").encode()
    response = api.post(f"{t.base}/reports/import", t.admin, data={"file": (io.BytesIO(data), "sena.csv")},
                        content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 202, response.get_json()
    job = api.wait_for_job(response.get_json()["id"], t.admin)
    assert job["result"]["imported"] == 1, job
    imported = api.get(f"{t.base}/reports?after_compilation=true", t.admin).get_json()["items"]
    assert [(r["source"], r["period"]) for r in imported] == [("import", "2024-W11")]
    assert t.picture(picture["id"])["after_compilation"]["count"] == 1


def test_the_link_to_late_reports_stops_at_the_tenancy_wall(api: Api) -> None:
    alfa, beta = Tenant(api, "alfa"), Tenant(api, "beta", org_model="C", org_model_options={})
    reporter = alfa.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    alfa.report(reporter, area="centrum", at=W11)
    cycle = alfa.cycle(W11)
    assert alfa.move(cycle["id"], "compiling").status_code == 200
    picture = alfa.compiled(cycle["id"], "part_kommun")
    alfa.report(reporter, area="centrum", at=W11)
    assert len(_ids(api, f"{alfa.base}/reports?after_lagesbild={picture['id']}", alfa.admin)) == 1
    assert api.get(f"{beta.base}/reports?after_lagesbild={picture['id']}", beta.admin).status_code == 404
    assert api.get(f"{alfa.base}/reports?after_lagesbild={picture['id']}", reporter).status_code == 404  # unpublished
    assert api.get(f"{alfa.base}/reports?after_lagesbild=0", alfa.admin).status_code == 404


def test_a_report_stored_while_the_picture_was_compiled_is_counted_after_it(app, api: Api) -> None:
    """A report whose transaction committed after the compile had read the period has an id below the picture's
    highest; the picture does not hold it, so it is counted and linked all the same. (The race is staged by taking
    the report out of the picture's rows.)"""
    t = Tenant(api, org_model="C", org_model_options={})
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    first, _second = (t.report(reporter, area="centrum", at=W11) for _ in range(2))
    cycle = t.cycle(W11)
    assert t.move(cycle["id"], "compiling").status_code == 200
    picture = t.compiled(cycle["id"], "motet")
    statistics = {**picture["statistics"], "rows": [r for r in picture["statistics"]["rows"] if r["id"] != first["id"]]}
    with owner_connection(app) as connection:
        connection.execute(update(Lagesbild).where(Lagesbild.id == picture["id"]).values(statistics=statistics))
        connection.commit()
    after = t.picture(picture["id"])["after_compilation"]
    assert after["count"] == 1 and _ids(api, after["reports"], t.admin) == [first["id"]]
