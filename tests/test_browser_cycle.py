"""A week from collecting to published in a real browser, under each org model, on onboarded pilots: Örebro (A: a
coordinator per leg, the rota's leg compiles the joint picture), Norrköping (B: local groups, the strategic roll-up,
a proposal to the chief group) and Växjö (C: the meeting record with its risk value, a forwarding form).

The API only seeds members and reports; every step of the week is a click (or, for the assessment, keys alone).
Compiling is a job: on the real leg a worker runs it, and the page is looked at again until it is done. Every new
page passes axe in Swedish and English; another tenant's cycle and picture ids are the 404 page.
"""

from __future__ import annotations

import re
import time

from flask import Flask
from playwright.sync_api import Browser, Page

from core.db import utcnow
from tests.browser import log_in, look, open_page, skip_without_chromium, tab_to
from tests.cycle_helpers import Tenant
from tests.helpers import Api
from tests.page_helpers import onboard_pilot

skip_without_chromium()


class Pilot(Tenant):
    """A pilot onboarded from its file in ``tenants/``, with the helpers of a tenant under test."""

    def __init__(self, app: Flask, api: Api, slug: str) -> None:
        onboard_pilot(app, slug)
        self.api, self.slug, self.base = api, slug, f"/api/v1/tenants/{slug}"
        self.admin = api.user(f"admin@{slug}.test", tenant=slug, role="admin")
        self.areas = {a["key"]: a["id"] for a in api.get(f"{self.base}/areas", self.admin).get_json()["items"]}


def click(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def button(page: Page, text: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=text, exact=True).click()


def link(page: Page, text: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=text, exact=True).click()


def signed_in(browser: Browser, server: str, email: str) -> Page:
    page = open_page(browser, server)
    log_in(page, email)
    return page


def compile_step(page: Page, step: str) -> None:
    """Press the step's compile button and wait for its job (on the real leg a worker runs it)."""
    click(page, f"form:has(input[name=step][value={step}]) button")
    for _ in range(200):
        text = page.inner_text("main")
        if "Sammanställd. Rapporter i den:" in text:
            return
        assert "misslyckades" not in text and "nekades" not in text, text
        time.sleep(0.25)
        click(page, "text=Titta igen")
    raise AssertionError(f"{step} never finished compiling")


def go_to_cycle(page: Page, slug: str) -> None:
    page.goto(f"/t/{slug}/")
    click(page, ".next a")
    assert re.search(r"/cykler/\d+$", page.url), page.url


def assess_and_publish(page: Page, levels: dict[int, int]) -> None:
    """From the cycle page: assess the final picture, mark the cycle assessed, publish."""
    click(page, ".steps li:last-child a")
    for area_id, level in levels.items():
        page.check(f"#level-{area_id}-{level}")
        page.check(f"#direction-{area_id}-same")
        page.fill(f"#comment-{area_id}", "Oro kring torget kvällstid")
    page.fill("#summary", "Lugnt i stort")
    button(page, "Spara bedömningen")
    assert "Bedömningen är sparad." in page.inner_text("main")
    click(page, "text=Tillbaka till cykeln")
    button(page, "Markera som bedömd")
    assert "Cykeln är nu bedömd." in page.inner_text("main")
    click(page, ".steps li:last-child a")
    button(page, "Publicera lägesbilden")
    assert "Lägesbilden är publicerad." in page.inner_text("main") and "publicerad" in page.inner_text(".facts")


def test_model_a_orebro_takes_a_week_to_published(app: Flask, api: Api, browser: Browser, server: str) -> None:
    orebro = Pilot(app, api, "orebro")
    legs = {"kommun": "kommun", "polis": "polis", "fastighetsforetag": "obo"}
    for organisation in legs.values():
        orebro.member(organisation, "coordinator", organisation=organisation, groups=("koordinatorsgrupp",))
    reporter = orebro.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    orebro.report(reporter, area="vivalla", at=utcnow().isoformat())

    kommun = signed_in(browser, server, "kommun@orebro.test")
    look(kommun, "cycle-home-sv")
    go_to_cycle(kommun, "orebro")  # the first report opened the period's cycle
    look(kommun, "cycle-collecting-sv")
    cycle_id = int(kommun.url.rsplit("/", 1)[1])
    button(kommun, "Börja sammanställa")
    button(kommun, "Markera som bedömd")  # too early: refused, and the page says why
    refusal = kommun.inner_text(".error-summary")
    assert "Åtgärden nekades" in refusal and "Sammanställ först" in refusal
    look(kommun, "cycle-refused-sv")
    compile_step(kommun, "part_kommun")
    look(kommun, "cycle-compiled-sv")
    for leg in ("polis", "fastighetsforetag"):
        page = signed_in(browser, server, f"{legs[leg]}@orebro.test")
        go_to_cycle(page, "orebro")
        compile_step(page, f"part_{leg}")
    rota = orebro.get_cycle(cycle_id)["compiler_leg"]
    page = signed_in(browser, server, f"{legs[rota]}@orebro.test")
    look(page, "cycle-home-next-sv")
    go_to_cycle(page, "orebro")
    compile_step(page, "gemensam")
    assess_and_publish(page, {orebro.areas["vivalla"]: 2, orebro.areas["ovriga_kommunen"]: 1})
    look(page, "cycle-published-sv")
    joint = [p for p in api.get(f"{orebro.base}/lagesbilder?cycle={cycle_id}", orebro.admin).get_json()["items"]
             if p["step"] == "gemensam"]  # fmt: skip
    assert [p["status"] for p in joint] == ["published"]


def test_model_b_norrkoping_rolls_up_and_proposes(app: Flask, api: Api, browser: Browser, server: str) -> None:
    norrkoping = Pilot(app, api, "norrkoping")
    local = tuple(f"lokal_{key}" for key in norrkoping.areas)
    norrkoping.member("strateg", "coordinator", organisation="kommun", groups=("strategisk", *local))
    norrkoping.member("chef", "coordinator", organisation="polis", groups=("chefsgrupp",))
    reporter = norrkoping.member("rapportor", "reporter", organisation="polis", function="kommunpolis")
    norrkoping.report(reporter, area="forvaltningsomrade_1", at=utcnow().isoformat(), item="klotter_skadegorelse")

    page = signed_in(browser, server, "strateg@norrkoping.test")
    go_to_cycle(page, "norrkoping")
    button(page, "Börja sammanställa")
    for step in (*local, "hela_kommunen"):
        compile_step(page, step)
    assess_and_publish(page, {norrkoping.areas["forvaltningsomrade_1"]: 3})

    click(page, "text=Förslag och vidarebefordringsblanketter")
    page.select_option("#from_group", "lokal_forvaltningsomrade_1")
    page.fill("#title", "Fler fältassistenter")
    button(page, "Skicka")
    assert "Förslaget är skickat." in page.inner_text("main") and "Spara svaret" not in page.inner_text("main")
    look(page, "proposals-b-sv")
    chef = signed_in(browser, server, "chef@norrkoping.test")
    chef.goto("/t/norrkoping/forslag")
    chef.fill("textarea[name=answer]", "Beviljas från nästa månad")
    button(chef, "Spara svaret")
    assert "Svaret är sparat." in chef.inner_text("main") and "godkänt" in chef.inner_text("main")
    proposal = api.get(f"{norrkoping.base}/proposals", norrkoping.admin).get_json()["items"][0]
    assert (proposal["from_group"], proposal["target_group"], proposal["status"]) == (
        "lokal_forvaltningsomrade_1", "chefsgrupp", "accepted")  # fmt: skip


def test_model_c_vaxjo_meets_with_a_risk_value_and_forwards(
    app: Flask, api: Api, browser: Browser, server: str
) -> None:
    vaxjo = Pilot(app, api, "vaxjo")
    vaxjo.member("operativ", "coordinator", organisation="kommun", groups=("operativ_grupp",))
    reporter = vaxjo.member("rapportor", "reporter", organisation="polis", function="omradespolis")
    vaxjo.report(reporter, area="utsatt_omrade", at=utcnow().isoformat(), item="klotter_skadegorelse")

    page = signed_in(browser, server, "operativ@vaxjo.test")
    go_to_cycle(page, "vaxjo")
    button(page, "Börja sammanställa")
    compile_step(page, "motet")
    page.goto("/t/vaxjo/")
    click(page, "text=Fyll i mötesprotokollet")
    page.check("#attendee-faltarbetare")
    page.fill("#guest-organisation-1", "Skolan i området")
    page.fill("#guest-function-1", "Rektor")
    page.select_option("#risk-area", str(vaxjo.areas["utsatt_omrade"]))
    page.check("#risk-value-3")
    page.fill("#risk-comment", "Oro kvällstid")
    look(page, "meeting-filled-sv")
    button(page, "Spara mötesprotokollet")
    assert "Mötesprotokollet är sparat." in page.inner_text("main")
    link(page, "Mötesprotokollet")
    series = page.inner_text("#series-heading + .chart-figure table")  # the risk chart's table beside it
    assert series.endswith("\t3") and "Oro kvällstid" in page.inner_text("main")
    click(page, "text=Tillbaka till cykeln")
    assess_and_publish(page, {vaxjo.areas["utsatt_omrade"]: 3})

    click(page, "text=Förslag och vidarebefordringsblanketter")
    page.fill("#department", "Gatukontoret")
    page.fill("#title", "Bättre belysning vid torget")
    button(page, "Skicka")
    page.fill("textarea[name=answer]", "Nya armaturer i vår")
    button(page, "Spara svaret")
    assert "besvarat" in page.inner_text("main")
    look(page, "proposals-c-sv")


def test_a_picture_is_assessed_with_the_keyboard_alone(app: Flask, api: Api, browser: Browser, server: str) -> None:
    vaxjo = Pilot(app, api, "vaxjo")
    vaxjo.member("operativ", "coordinator", organisation="kommun", groups=("operativ_grupp",))
    cycle_id = vaxjo.cycle(at=utcnow().isoformat())["id"]
    vaxjo.move(cycle_id, "compiling")
    picture = vaxjo.compiled(cycle_id, "motet")["id"]
    area = vaxjo.areas["utsatt_omrade"]
    page = signed_in(browser, server, "operativ@vaxjo.test")
    page.goto(f"/t/vaxjo/lagesbilder/{picture}/bedomning")
    tab_to(page, f"input[name=level-{area}]")
    for _ in range(2):
        page.keyboard.press("ArrowRight")  # not assessed → Grön → Gul
    tab_to(page, f"input[name=direction-{area}]")
    page.keyboard.press("ArrowRight")  # not given → increasing
    tab_to(page, f"#comment-{area}")
    page.keyboard.type("Oro kring torget")
    tab_to(page, "#summary")
    page.keyboard.type("Ökande oro")
    tab_to(page, "button.primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Bedömningen är sparad." in page.inner_text("main")
    stored = vaxjo.picture(picture)["assessment"]
    entry = next(e for e in stored["areas"] if e["area"] == area)
    assert (entry["level"], entry["direction"], entry["conditions"], stored["summary"]) == (
        2, "more", "Oro kring torget", "Ökande oro")  # fmt: skip


def test_new_pages_pass_axe_in_both_languages_and_foreign_ids_are_404(
    app: Flask, api: Api, browser: Browser, server: str
) -> None:
    vaxjo, orebro = Pilot(app, api, "vaxjo"), Pilot(app, api, "orebro")
    vaxjo.member("operativ", "coordinator", organisation="kommun", groups=("operativ_grupp",))
    orebro.member("kommun", "coordinator", organisation="kommun", groups=("koordinatorsgrupp",))
    cycle_id = vaxjo.cycle(at=utcnow().isoformat())["id"]
    vaxjo.move(cycle_id, "compiling")
    picture = vaxjo.compiled(cycle_id, "motet")["id"]
    pages = {"home": "/t/vaxjo/", "cycle": f"/t/vaxjo/cykler/{cycle_id}", "meeting": f"/t/vaxjo/cykler/{cycle_id}/mote",
             "assessment": f"/t/vaxjo/lagesbilder/{picture}/bedomning", "proposals": "/t/vaxjo/forslag"}  # fmt: skip
    for language in ("sv", "en"):
        page = open_page(browser, server, language)
        log_in(page, "operativ@vaxjo.test")
        for name, path in pages.items():
            page.goto(path)
            look(page, f"cycle-{name}-{language}")
        page.goto(pages["assessment"])
        button(page, "Save the assessment" if language == "en" else "Spara bedömningen")
        page.goto(pages["meeting"])
        button(page, "Save the meeting record" if language == "en" else "Spara mötesprotokollet")
        look(page, f"meeting-errors-{language}")  # the error summary and the messages beside the fields
    stranger = signed_in(browser, server, "kommun@orebro.test")
    for slug in ("orebro", "vaxjo"):
        for path in (f"/cykler/{cycle_id}", f"/cykler/{cycle_id}/mote", f"/lagesbilder/{picture}/bedomning"):
            response = stranger.goto(f"/t/{slug}{path}")
            assert response is not None and response.status == 404, (slug, path)
            assert "Växjö" not in stranger.inner_text("main")
