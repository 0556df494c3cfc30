"""The cycle's pages through the test client: a week from collecting to published under models A, B and C (the
cycle page's transitions and compile steps, the assessment form, publication, the meeting record, proposals), the
refusals in Swedish on the page, CSRF, roles, and the tenancy wall (another tenant's ids are the 404 page)."""

from __future__ import annotations

import re
import time

from flask import Flask
from sqlalchemy import event

from core.db import utcnow
from tests.cycle_helpers import Tenant
from tests.helpers import Api
from tests.page_helpers import PageClient

CYCLE_LINK = re.compile(r'/t/\w+/cykler/(\d+)"')
ASSESS_LINK = re.compile(r'/t/\w+/lagesbilder/(\d+)/bedomning"')


def now() -> str:
    return utcnow().isoformat()


def model_a(api: Api, slug: str = "alfa") -> Tenant:
    """Model A: a coordinator per leg in the koordinatorsgrupp, a reporter, and reports of the current period."""
    tenant = Tenant(api, slug)
    for name, organisation in (("kommunen", "kommun"), ("polisen", "polis"), ("bolaget", "bostader")):
        tenant.member(name, "coordinator", organisation=organisation, groups=("koordinatorsgrupp",))
    reporter = tenant.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    tenant.report(reporter, area="norr", at=now())
    tenant.report(reporter, area="centrum", at=now(), item="brand")
    return tenant


def open_cycle(client: PageClient, slug: str) -> int:
    response = client.post(f"/t/{slug}/cykler", {}, page=f"/t/{slug}/")
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def move(client: PageClient, slug: str, cycle_id: int, to: str):
    page = f"/t/{slug}/cykler/{cycle_id}"
    revision = re.search(r'name="revision" value="(\d+)"', client.get(page).get_data(as_text=True)).group(1)
    return client.post(f"{page}/overgang", {"to": to, "revision": revision}, page=page)


def compile_step(client: PageClient, slug: str, cycle_id: int, step: str):
    """Press a step's compile button; when it starts a job, wait until the page shows the job done (on the real leg
    a worker runs it)."""
    page = f"/t/{slug}/cykler/{cycle_id}"
    response = client.post(f"{page}/sammanstall", {"step": step}, page=page)
    if response.status_code == 303:
        deadline = time.monotonic() + 60
        while "Sammanställningen pågår." in client.get(response.headers["Location"]).get_data(as_text=True):
            assert time.monotonic() < deadline, f"{step} never finished compiling"
            time.sleep(0.2)
    return response


def assess(client: PageClient, slug: str, picture_id: int, levels: dict[int, str], **extra: str):
    page = f"/t/{slug}/lagesbilder/{picture_id}/bedomning"
    revision = re.search(r'name="revision" value="(\d+)"', client.get(page).get_data(as_text=True)).group(1)
    form = {"revision": revision, "summary": "Lugnt i stort"}
    for area_id, level in levels.items():
        form |= {f"level-{area_id}": level, f"direction-{area_id}": "same", f"comment-{area_id}": "Oro vid torget"}
    return client.post(page, form | extra, page=page)


def publish(client: PageClient, slug: str, picture_id: int):
    page = f"/t/{slug}/lagesbilder/{picture_id}/bedomning"
    revision = re.search(r'name="revision" value="(\d+)"', client.get(page).get_data(as_text=True)).group(1)
    return client.post(f"/t/{slug}/lagesbilder/{picture_id}/publicera", {"revision": revision}, page=page)


def test_model_a_takes_a_week_from_collecting_to_published_on_the_pages(app: Flask, api: Api) -> None:
    alfa = model_a(api)
    kommunen, polisen, bolaget = (PageClient(app, f"{n}@alfa.test") for n in ("kommunen", "polisen", "bolaget"))
    cycle_id = open_cycle(kommunen, "alfa")
    home = kommunen.get("/t/alfa/").get_data(as_text=True)
    assert "Nästa steg för dig" in home and "Börja sammanställa" in home and f"/t/alfa/cykler/{cycle_id}" in home
    assert move(kommunen, "alfa", cycle_id, "compiling").status_code == 303
    compiler = {"kommun": kommunen, "polis": polisen, "fastighetsforetag": bolaget}
    for leg, client in compiler.items():
        response = compile_step(client, "alfa", cycle_id, f"part_{leg}")
        assert response.status_code == 303 and "jobb=" in response.headers["Location"]
        shown = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Sammanställd. Rapporter i den:" in shown
    rota = compiler[alfa.get_cycle(cycle_id)["compiler_leg"]]
    assert "Sammanställ" in rota.get("/t/alfa/").get_data(as_text=True)
    assert compile_step(rota, "alfa", cycle_id, "gemensam").status_code == 303
    page = rota.get(f"/t/alfa/cykler/{cycle_id}").get_data(as_text=True)
    joint = int(ASSESS_LINK.findall(page)[-1])
    assert alfa.picture(joint)["step"] == "gemensam"
    assert assess(rota, "alfa", joint, {alfa.areas["norr"]: "3", alfa.areas["centrum"]: "1"}).status_code == 303
    stored = alfa.picture(joint)
    assert stored["status"] == "assessed" and stored["assessment"]["summary"] == "Lugnt i stort"
    assert {(a["area"], a["level"], a["direction"]) for a in stored["assessment"]["areas"]} == {
        (alfa.areas["norr"], 3, "same"), (alfa.areas["centrum"], 1, "same")}  # fmt: skip
    assert move(rota, "alfa", cycle_id, "assessed").status_code == 303
    response = publish(rota, "alfa", joint)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/t/alfa/cykler/{cycle_id}")
    assert alfa.picture(joint)["status"] == "published" and alfa.get_cycle(cycle_id)["state"] == "published"
    page = rota.get(f"/t/alfa/cykler/{cycle_id}").get_data(as_text=True)
    assert "Lägesbilden är publicerad." in page and "publicerad" in page and "Avsluta cykeln" in page


def test_a_refused_action_shows_its_reason_in_swedish(app: Flask, api: Api) -> None:
    model_a(api)
    kommunen = PageClient(app, "kommunen@alfa.test")
    cycle_id = open_cycle(kommunen, "alfa")
    move(kommunen, "alfa", cycle_id, "compiling")
    early = move(kommunen, "alfa", cycle_id, "assessed")
    page = early.get_data(as_text=True)
    assert early.status_code == 409 and "Åtgärden nekades" in page and "Sammanställ först: part_kommun" in page
    foreign = compile_step(kommunen, "alfa", cycle_id, "part_polis")
    assert foreign.status_code == 403 and "Varje part sammanställer sina egna rapporter." in foreign.get_data(
        as_text=True
    )
    assert 'role="alert"' in foreign.get_data(as_text=True)


def test_a_stale_form_is_refused_and_csrf_is_required(app: Flask, api: Api) -> None:
    model_a(api)
    kommunen = PageClient(app, "kommunen@alfa.test")
    cycle_id = open_cycle(kommunen, "alfa")
    page = f"/t/alfa/cykler/{cycle_id}"
    stale = kommunen.post(f"{page}/overgang", {"to": "compiling", "revision": "0"}, page=page)
    assert stale.status_code == 412 and "Åtgärden nekades" in stale.get_data(as_text=True)
    for path in (f"{page}/overgang", f"{page}/sammanstall", "/t/alfa/cykler", "/t/alfa/forslag"):
        assert kommunen.post(path, {"to": "compiling", "step": "part_kommun"}, page=page, csrf=False).status_code == 400
    assert kommunen.post(f"{page}/mote", {}, page=page, csrf=False).status_code == 400
    reloaded = kommunen.get(f"{page}/overgang")  # a form's address opened as a page leads back to the cycle
    assert reloaded.status_code == 303 and reloaded.headers["Location"].endswith(page)


def test_a_reporter_cannot_act(app: Flask, api: Api) -> None:
    model_a(api)
    cycle_id = open_cycle(PageClient(app, "kommunen@alfa.test"), "alfa")
    reporter = PageClient(app, "rapportor@alfa.test")
    page = f"/t/alfa/cykler/{cycle_id}"
    for path in (page, f"{page}/mote", "/t/alfa/forslag"):
        response = reporter.get(path)
        assert response.status_code == 403 and "Bara samordnare" in response.get_data(as_text=True)
    refused = reporter.post(f"{page}/overgang", {"to": "compiling", "revision": "1"}, page="/t/alfa/")
    assert refused.status_code == 403
    assert "Nästa steg" not in reporter.get("/t/alfa/").get_data(as_text=True)


def test_another_tenants_cycle_picture_and_proposal_are_the_404_page(app: Flask, api: Api) -> None:
    alfa = model_a(api)
    beta = Tenant(api, "beta")
    beta.member("kommunen", "coordinator", organisation="kommun", groups=("koordinatorsgrupp",))
    kommunen = PageClient(app, "kommunen@alfa.test")
    cycle_id = open_cycle(kommunen, "alfa")
    move(kommunen, "alfa", cycle_id, "compiling")
    picture = alfa.compiled(cycle_id, "part_kommun")["id"]
    proposal = api.post("/api/v1/tenants/alfa/proposals", alfa.admin,
                        json={"title": "Belysning", "department": "Gatukontoret"}).get_json()["id"]  # fmt: skip
    stranger = PageClient(app, "kommunen@beta.test")
    for path in (f"/cykler/{cycle_id}", f"/cykler/{cycle_id}/mote", f"/lagesbilder/{picture}/bedomning"):
        for slug in ("alfa", "beta"):
            response = stranger.get(f"/t/{slug}{path}")
            assert response.status_code == 404, (slug, path)
            assert "Kommunen" not in response.get_data(as_text=True)
    home = "/t/beta/"
    assert (
        stranger.post(f"/t/beta/cykler/{cycle_id}/overgang", {"to": "x", "revision": "1"}, page=home).status_code == 404
    )
    assert stranger.post(f"/t/beta/cykler/{cycle_id}/sammanstall", {"step": "x"}, page=home).status_code == 404
    assert stranger.post(f"/t/beta/lagesbilder/{picture}/publicera", {"revision": "1"}, page=home).status_code == 404
    answer = stranger.post(f"/t/beta/forslag/{proposal}/svar", {"status": "answered", "revision": "1"}, page=home)
    assert answer.status_code == 404
    assert alfa.get_cycle(cycle_id)["state"] == "compiling"


def test_the_assessment_form_refuses_personal_data_beside_the_field(app: Flask, api: Api) -> None:
    alfa = model_a(api)
    kommunen = PageClient(app, "kommunen@alfa.test")
    cycle_id = open_cycle(kommunen, "alfa")
    move(kommunen, "alfa", cycle_id, "compiling")
    picture = alfa.compiled(cycle_id, "part_kommun")["id"]
    response = assess(kommunen, "alfa", picture, {alfa.areas["norr"]: "2"}, **{
        f"comment-{alfa.areas['norr']}": "Pojken 811218-9876 igen"})  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f'href="#comment-{alfa.areas["norr"]}"' in page
    assert f'id="comment-{alfa.areas["norr"]}-error"' in page and "personnummer" in page.lower()
    assert alfa.picture(picture)["status"] == "compiled"
    scale = kommunen.get(f"/t/alfa/lagesbilder/{picture}/bedomning").get_data(as_text=True)
    assert all(label in scale for label in ("Grön", "Gul", "Orange", "Röd")) and 'type="radio"' in scale


def test_model_b_local_groups_roll_up_and_propose_to_the_chief_group(app: Flask, api: Api) -> None:
    beta = Tenant(api, "beta", org_model="B", org_model_options={})
    beta.member("strateg", "coordinator", organisation="kommun",
                groups=("strategisk", "lokal_centrum", "lokal_norr"))  # fmt: skip
    beta.member("chef", "coordinator", organisation="polis", groups=("chefsgrupp",))
    reporter = beta.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    beta.report(reporter, area="norr", at=now())
    strateg, chef = PageClient(app, "strateg@beta.test"), PageClient(app, "chef@beta.test")
    cycle_id = open_cycle(strateg, "beta")
    move(strateg, "beta", cycle_id, "compiling")
    early = compile_step(strateg, "beta", cycle_id, "hela_kommunen")
    assert early.status_code == 409 and "Sammanställ först" in early.get_data(as_text=True)
    for step in ("lokal_centrum", "lokal_norr", "hela_kommunen"):
        assert compile_step(strateg, "beta", cycle_id, step).status_code == 303
    page = strateg.get(f"/t/beta/cykler/{cycle_id}").get_data(as_text=True)
    rollup = int(ASSESS_LINK.findall(page)[-1])
    assert beta.picture(rollup)["step"] == "hela_kommunen"
    assert assess(strateg, "beta", rollup, {beta.areas["norr"]: "2"}).status_code == 303
    assert move(strateg, "beta", cycle_id, "assessed").status_code == 303
    assert publish(strateg, "beta", rollup).status_code == 303
    assert beta.get_cycle(cycle_id)["state"] == "published"
    assert chef.get(f"/t/beta/cykler/{cycle_id}").status_code == 200
    assert "Publicera" not in chef.get(f"/t/beta/cykler/{cycle_id}").get_data(as_text=True)

    sent = strateg.post("/t/beta/forslag", {"title": "Fler fältassistenter", "from_group": "lokal_norr"})
    assert sent.status_code == 303
    listed = strateg.get("/t/beta/forslag").get_data(as_text=True)
    assert "Fler fältassistenter" in listed and "/svar" not in listed
    assert "Skickat från Lokal EST-grupp Norr till Chefsgrupp" in listed
    proposal = api.get("/api/v1/tenants/beta/proposals", beta.admin).get_json()["items"][0]
    assert (proposal["from_group"], proposal["target_group"]) == ("lokal_norr", "chefsgrupp")
    own = strateg.post(f"/t/beta/forslag/{proposal['id']}/svar", {"status": "accepted", "revision": "1"},
                       page="/t/beta/forslag")  # fmt: skip
    assert own.status_code == 403 and "Bara chefsgrupp beslutar om förslaget." in own.get_data(as_text=True)
    decision = {"status": "accepted", "answer": "Beviljas", "revision": str(proposal["revision"])}
    decided = chef.post(f"/t/beta/forslag/{proposal['id']}/svar", decision, page="/t/beta/forslag")
    assert decided.status_code == 303, decided.get_data(as_text=True)
    assert "godkänt" in chef.get("/t/beta/forslag").get_data(as_text=True)


def test_model_c_records_the_meeting_with_its_risk_value_and_forwards_a_form(app: Flask, api: Api) -> None:
    gamma = Tenant(api, "gamma", org_model="C", org_model_options={})
    gamma.member("operativ", "coordinator", organisation="kommun", groups=("operativ_grupp",))
    reporter = gamma.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    gamma.report(reporter, area="centrum", at=now())
    client = PageClient(app, "operativ@gamma.test")
    cycle_id = open_cycle(client, "gamma")
    move(client, "gamma", cycle_id, "compiling")
    assert "Sammanställ</a>" in client.get("/t/gamma/").get_data(as_text=True).replace(": <span", "</a>")
    assert compile_step(client, "gamma", cycle_id, "motet").status_code == 303
    assert "Fyll i mötesprotokollet" in client.get("/t/gamma/").get_data(as_text=True)
    page = client.get(f"/t/gamma/cykler/{cycle_id}").get_data(as_text=True)
    picture = int(ASSESS_LINK.findall(page)[-1])
    assert assess(client, "gamma", picture, {gamma.areas["centrum"]: "2"}).status_code == 303
    refused = move(client, "gamma", cycle_id, "assessed")
    assert refused.status_code == 409 and "mötesprotokoll saknas" in refused.get_data(as_text=True)

    meeting = f"/t/gamma/cykler/{cycle_id}/mote"
    empty = client.post(meeting, {"held_at": "2026-01-01T10:00", "form": "physical"})
    assert empty.status_code == 422 and 'href="#attendee-faltgrupp"' in empty.get_data(as_text=True)
    guarded = client.post(
        meeting,
        {
            "held_at": "2026-01-01T10:00",
            "attendee": "faltgrupp",
            "guest-organisation-1": "Skolan",
            "guest-function-1": "ring 070-123 45 67",
        },
    )
    assert guarded.status_code == 422 and 'id="guest-function-1-error"' in guarded.get_data(as_text=True)
    form = {"held_at": utcnow().strftime("%Y-%m-%dT%H:%M"), "form": "video", "attendee": "faltgrupp",
            "guest-organisation-1": "Skolan Norr", "guest-function-1": "Rektor", "notes": "Lugnt",
            "risk-area": str(gamma.areas["centrum"]), "risk-value": "3", "risk-comment": "Oro kvällstid"}  # fmt: skip
    assert client.post(meeting, form).status_code == 303
    recorded = api.get(f"/api/v1/tenants/gamma/cycles/{cycle_id}/meeting", gamma.admin).get_json()
    assert recorded["risk"]["value"] == 3 and recorded["guests"] == [{"organisation": "Skolan Norr",
                                                                       "function": "Rektor"}]  # fmt: skip
    series = client.get(meeting).get_data(as_text=True)
    assert "Riskvärden från tidigare möten" in series and "Oro kvällstid" in series
    assert 'id="risk-series-1-caption"' in series and "Centrum: riskvärde" in series  # the chart, its table beside
    assert move(client, "gamma", cycle_id, "assessed").status_code == 303
    assert publish(client, "gamma", picture).status_code == 303
    assert gamma.get_cycle(cycle_id)["state"] == "published"

    forms = client.get("/t/gamma/forslag").get_data(as_text=True)
    assert "Vidarebefordringsblanketter" in forms and 'id="department"' in forms
    missing = client.post("/t/gamma/forslag", {"title": "Belysning"})
    assert missing.status_code == 422 and 'href="#department"' in missing.get_data(as_text=True)
    assert client.post("/t/gamma/forslag", {"title": "Belysning", "department": "Gatukontoret"}).status_code == 303
    sent = api.get("/api/v1/tenants/gamma/proposals", gamma.admin).get_json()["items"][0]
    answered = client.post(
        f"/t/gamma/forslag/{sent['id']}/svar",
        {"status": "answered", "answer": "Åtgärdat", "revision": str(sent["revision"])},
        page="/t/gamma/forslag",
    )
    assert answered.status_code == 303
    assert "besvarat" in client.get("/t/gamma/forslag").get_data(as_text=True)


def test_the_home_reads_each_cycles_plan_and_the_callers_leg_once(app: Flask, api: Api) -> None:
    """``Nästa steg för dig`` asks the services' rules for every action it offers; the facts they share are read
    once a request (``core.speed.once_per_session``), not once an action."""
    model_a(api)
    kommunen = PageClient(app, "kommunen@alfa.test")
    assert move(kommunen, "alfa", open_cycle(kommunen, "alfa"), "compiling").status_code == 303
    statements: list[str] = []

    def seen(_connection, _cursor, statement: str, *_: object) -> None:
        statements.append(statement)

    engine = app.extensions["est.engine"]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert "Nästa steg för dig" in kommunen.get("/t/alfa/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    plain = [" ".join(s.replace('"', "").split()) for s in statements]  # SQLite quotes ``key``
    plans = [s for s in plain if s.startswith("SELECT areas.key, areas.name FROM areas") and "ORDER BY areas.key" in s]
    legs = [s for s in plain if s.startswith("SELECT organisations.leg")]
    assert len(plans) == 1 and len(legs) == 1, (len(plans), len(legs))
