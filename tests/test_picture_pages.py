"""The lägesbild pages through the test client: the list and a picture's page read by a coordinator (the internal
presentation with its actions) and by a reporter (published pictures only, in their public version), the
reporter's feedback on "Mina rapporter", and the tenancy wall."""

from __future__ import annotations

import html
import re

from flask import Flask

from tests.cycle_helpers import Tenant
from tests.helpers import Api
from tests.page_helpers import PageClient
from tests.test_presentation import SECRETS, _setup

PICTURE_LINK = re.compile(r'href="/t/alfa/lagesbilder/(\d+)"')


def _published(api: Api) -> tuple[Tenant, dict]:
    """The presentation tests' assessed picture, published with its cycle."""
    t, picture = _setup(api)
    t.member("samordnare", "coordinator", organisation="kommun", groups=("operativ_grupp",))
    publish(api, t, picture["cycle_id"])
    return t, t.picture(picture["id"])


def publish(api: Api, t: Tenant, cycle_id: int) -> None:
    """Model C: the meeting record with its risk value, then the cycle to assessed and published."""
    meeting = {"held_at": "2024-03-12T09:00:00+01:00", "form": "phone",
               "attendees": [{"organisation": "polis", "function": "Kommunpolis"}],
               "risk": {"area": t.areas["centrum"], "value": 4}}  # fmt: skip
    assert api.request("PUT", f"{t.base}/cycles/{cycle_id}/meeting", t.admin, json=meeting).status_code == 200
    for state in ("assessed", "published"):
        assert t.move(cycle_id, state).status_code == 200


def test_a_coordinator_reads_the_internal_picture_with_its_actions(app: Flask, api: Api) -> None:
    t, picture = _setup(api)
    t.member("samordnare", "coordinator", organisation="kommun", groups=("operativ_grupp",))
    client = PageClient(app, "samordnare@alfa.test")
    listed = client.get("/t/alfa/lagesbilder").get_data(as_text=True)
    assert PICTURE_LINK.findall(listed) == [str(picture["id"])] and "Bedömd" in listed and "version 1" in listed
    response = client.get(f"/t/alfa/lagesbilder/{picture['id']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert picture["title"] in page and "2024-W10" in page and "4 mars 2024" in page
    assert "fler än föregående period" in page and "↑" in page  # directions in words and arrows
    assert "Vivallagatan, fredagar 21–24" in page  # a hot spot in words, place and time
    assert "Orange" in page and "Centrum: de senaste bedömningarna" in page  # the scale's label, the strip
    assert "Lugnt i stort" in page and "Oro kring torget" in page  # internal free text
    assert f"/t/alfa/lagesbilder/{picture['id']}/bedomning" in page  # assess
    assert f"/t/alfa/lagesbilder/{picture['id']}/publicera" not in page  # a cycle's picture goes with its cycle…
    assert "Publicera:</strong> En cykels lägesbild publiceras" in page  # …and the page says why
    assert f"/t/alfa/cykler/{picture['cycle_id']}" in page
    assert f"/t/alfa/lagesbilder/{picture['id']}/karta.geojson" in page  # the interactive map's data
    render = f"/api/v1/tenants/alfa/lagesbilder/{picture['id']}/render?format=pdf&amp;version="
    assert f"{render}internal" in page and f"{render}public" in page  # both PDFs, from the page
    pdf = client.get(html.unescape(f"{render}public"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")


def test_a_published_picture_names_its_refused_actions_and_versions(app: Flask, api: Api) -> None:
    t, picture = _published(api)
    client = PageClient(app, "samordnare@alfa.test")
    page = client.get(f"/t/alfa/lagesbilder/{picture['id']}").get_data(as_text=True)
    assert "Lägesbilden är redan publicerad." in page and "Publicerad" in page
    assert t.assess(picture["id"], {"centrum": 2}).status_code == 200  # a new version
    newer = max(int(i) for i in PICTURE_LINK.findall(client.get("/t/alfa/lagesbilder").get_data(as_text=True)))
    old = client.get(f"/t/alfa/lagesbilder/{picture['id']}").get_data(as_text=True)
    assert "Ersatt av" in old and f"/t/alfa/lagesbilder/{newer}" in old
    assert "Det finns en nyare version av lägesbilden." in old
    assert f"/t/alfa/lagesbilder/{picture['id']}" in client.get(f"/t/alfa/lagesbilder/{newer}").get_data(as_text=True)
    assert "ersatt av version 2" in client.get("/t/alfa/lagesbilder").get_data(as_text=True)


def test_a_reporter_sees_only_published_pictures_in_their_public_version(app: Flask, api: Api) -> None:
    t, picture = _setup(api)
    reporter = PageClient(app, "falt@alfa.test")
    assert reporter.get(f"/t/alfa/lagesbilder/{picture['id']}").status_code == 404  # assessed, not published
    assert PICTURE_LINK.findall(reporter.get("/t/alfa/lagesbilder?status=assessed").get_data(as_text=True)) == []
    assert "Återkoppling" not in reporter.get("/t/alfa/mina-rapporter").get_data(as_text=True)
    publish(api, t, picture["cycle_id"])
    listed = reporter.get("/t/alfa/lagesbilder").get_data(as_text=True)
    assert PICTURE_LINK.findall(listed) == [str(picture["id"])]
    page = reporter.get(f"/t/alfa/lagesbilder/{picture['id']}").get_data(as_text=True)
    for secret in (*SECRETS, "faltgrupp", "Kommunpolis", "karta.geojson", "bedomning", "/cykler/", "risk-"):
        assert secret not in page, secret
    assert "Centrum, fredagar 21–24" in page and "färre än 3" in page and "Orange" in page
    assert "render?format=pdf&amp;version=public" in page and "version=internal" not in page  # the public PDF only
    mine = reporter.get("/t/alfa/mina-rapporter").get_data(as_text=True)
    assert "Återkoppling" in mine and f"/t/alfa/lagesbilder/{picture['id']}" in mine
    for secret in SECRETS:
        assert secret not in mine.split("Återkoppling", 1)[1].split("</section>", 1)[0], secret


def test_a_draft_is_not_there_for_a_reporter_and_the_list_filters(app: Flask, api: Api) -> None:
    t = Tenant(api)
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    t.report(reporter, area="norr", at="2024-03-05T10:00:00+01:00")
    cycle = t.cycle("2024-03-06T12:00:00+01:00")
    assert t.move(cycle["id"], "compiling").status_code == 200
    picture = t.compiled(cycle["id"], cycle["plan"][0]["key"])
    reader = PageClient(app, "falt@alfa.test")
    assert reader.get(f"/t/alfa/lagesbilder/{picture['id']}").status_code == 404
    admin = PageClient(app, "admin@alfa.test")
    assert admin.get(f"/t/alfa/lagesbilder/{picture['id']}").status_code == 200
    assert PICTURE_LINK.findall(admin.get("/t/alfa/lagesbilder?status=published").get_data(as_text=True)) == []
    assert PICTURE_LINK.findall(admin.get("/t/alfa/lagesbilder?kind=weekly&status=compiled").get_data(as_text=True))
    refused = admin.get("/t/alfa/lagesbilder?kind=%3Cscript%3E&sida=x")
    assert refused.status_code == 422 and 'href="#filter-kind"' in refused.get_data(as_text=True)
    assert "<script>" not in refused.get_data(as_text=True)


def test_other_tenants_and_strangers_get_nothing(app: Flask, api: Api) -> None:
    _, picture = _published(api)
    beta = Tenant(api, "beta")
    beta.member("samordnare", "coordinator", organisation="kommun")
    outsider = PageClient(app, "samordnare@beta.test")
    for path in (f"/t/alfa/lagesbilder/{picture['id']}", "/t/alfa/lagesbilder"):
        assert outsider.get(path).status_code == 404
    response = outsider.get(f"/t/beta/lagesbilder/{picture['id']}")
    assert response.status_code == 404 and picture["title"] not in response.get_data(as_text=True)
    assert PICTURE_LINK.findall(outsider.get("/t/beta/lagesbilder").get_data(as_text=True)) == []
    stranger = PageClient(app)
    for path in (f"/t/alfa/lagesbilder/{picture['id']}", "/t/alfa/lagesbilder"):
        response = stranger.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
