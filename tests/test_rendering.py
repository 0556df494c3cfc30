"""A published lägesbild rendered as HTML, text and PDF: the public version carries no address, point, comment or
reporting function in any format; the PDF is PDF/A-2 and tagged; the render endpoint lets each role read only the
versions it may, and another tenant's picture is a 404.

The PDF's text is read with ``pdftotext`` (poppler-utils: ``apt-get install poppler-utils``)."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys

import pikepdf
import pytest
from flask import Flask
from sqlalchemy import select

from core.i18n import use_locale
from core.lagesbild.models import Lagesbild
from core.lagesbild.rendering import render
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant as TenantRow
from tests.cycle_helpers import Tenant
from tests.helpers import Api

SQUARE = {"type": "Polygon", "coordinates": [[[15.1, 59.2], [15.3, 59.2], [15.3, 59.3], [15.1, 59.3], [15.1, 59.2]]]}
AREAS = [{"key": "centrum", "name": "Centrum", "geometry": SQUARE}, {"key": "norr", "name": "Norr"}]
# Friday 8 March 2024 (2024-W10), 21:10–23:40 Stockholm time: a hot spot on Vivallagatan.
FRIDAY = ["2024-03-08T21:10:00+01:00", "2024-03-08T22:10:00+01:00", "2024-03-08T23:10:00+01:00",
          "2024-03-08T23:40:00+01:00"]  # fmt: skip
# What the reports and the unmarked assessment hold: place text, comments, a reporting function, free text.
SECRETS = ("Vivallagatan", "Ljusgårdsskolan", "Fältgrupp", "Oro kring torget", "Lugnt i stort")
LAT, LON = 59.2345, 15.1876


def _coordinates(text: str) -> list[str]:
    """Any spelling of the points' coordinates: 59.2345, 59,2345, 59.23450…, 5923 (scaled), 15.1876 …"""
    found = []
    for value in (LAT, LON):
        whole, decimals = f"{value:.4f}".split(".")
        if re.search(rf"{whole}\s*[.,]\s*{decimals[:3]}", text):
            found.append(str(value))
    return found


def _setup(api: Api, slug: str = "alfa") -> tuple[Tenant, dict, str]:
    t = Tenant(api, slug, areas=AREAS)
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    for n, at in enumerate(FRIDAY):
        t.report(reporter, area="centrum", at=at, comment="Sprang mot Ljusgårdsskolan",
                 place={"text": "Vivallagatan 12", "lat": LAT + n * 0.0001, "lon": LON})  # fmt: skip
    t.report(reporter, area="norr", at="2024-03-05T10:00:00+01:00", item="brand", place={"text": "Vivallagatan 3"})
    for at in ("2024-02-26T10:00:00+01:00", "2024-02-28T10:00:00+01:00"):  # the previous week, from its Monday
        t.report(reporter, area="centrum", at=at)
    cycle = t.cycle("2024-03-06T12:00:00+01:00")
    assert t.move(cycle["id"], "compiling").status_code == 200
    joint = [t.compiled(cycle["id"], step["key"]) for step in cycle["plan"]][-1]  # the joint picture comes last
    assert t.assess(joint["id"], {"centrum": 3, "norr": 1}).status_code == 200
    moved = t.move(cycle["id"], "assessed")
    assert moved.status_code == 200, (moved.get_json(), [s["key"] for s in cycle["plan"]])
    assert t.move(cycle["id"], "published").status_code == 200
    picture = t.picture(joint["id"])
    assert picture["status"] == "published"
    return t, picture, reporter


def _render(app: Flask, slug: str, picture_id: int, audience: str, fmt: str, locale: str = "sv"):
    with app.app_context():
        db = current_session()
        tenant = db.scalar(select(TenantRow).where(TenantRow.slug == slug))
        with tenant_context(tenant.id, db), use_locale(locale):
            picture = db.scalar(select(Lagesbild).where(Lagesbild.id == picture_id))
            return render(db, tenant, picture, audience=audience, fmt=fmt)


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


def _keep(app: Flask, picture_id: int, public_pdf: bytes) -> None:
    """With ``EST_RENDERINGS=<folder>``, save the renderings there, to look at them (pdftoppm -png -r 60)."""
    folder = os.environ.get("EST_RENDERINGS")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "public.pdf"), "wb") as file:
        file.write(public_pdf)
    with open(os.path.join(folder, "internal.pdf"), "wb") as file:
        file.write(_render(app, "alfa", picture_id, "internal", "pdf"))
    for audience in ("internal", "public"):
        with open(os.path.join(folder, f"{audience}.html"), "w", encoding="utf-8") as file:
            file.write(_render(app, "alfa", picture_id, audience, "html"))


@pytest.fixture
def published(app: Flask, api: Api) -> tuple[Tenant, dict, str]:
    return _setup(api)


def test_the_public_rendering_leaks_nothing_in_any_format(app: Flask, published) -> None:
    _, picture, _ = published
    internal = _render(app, "alfa", picture["id"], "internal", "html")
    for secret in ("Vivallagatan", "Oro kring torget", "Lugnt i stort"):  # the secrets are there to find
        assert secret in internal, secret
    assert "Vivallagatan" in _render(app, "alfa", picture["id"], "internal", "text")
    assert "Vivallagatan" in pdf_text(_render(app, "alfa", picture["id"], "internal", "pdf"))
    for fmt in ("html", "text", "pdf"):
        content = _render(app, "alfa", picture["id"], "public", fmt)
        text = pdf_text(content) if fmt == "pdf" else content
        if fmt == "pdf":
            raw = content.decode("latin-1")
            assert not _coordinates(raw), fmt
        for secret in SECRETS:
            assert secret not in text, (fmt, secret)
        assert not _coordinates(text), fmt
        assert "Centrum" in text and "färre än 3" in text, fmt  # what may go public is there


def test_html_and_text_carry_the_same_facts(app: Flask, published) -> None:
    _, picture, _ = published
    html = _render(app, "alfa", picture["id"], "internal", "html")
    text = _render(app, "alfa", picture["id"], "internal", "text")
    assert html.startswith("<!doctype html>") and '<html lang="sv">' in html and "<style>" in html
    assert "<script" not in html and "style=" not in html and "<link" not in html
    for fact in ("Rapporter per timme", "Brännpunkter", "Bedömning per område", "Centrum", "Orange", "↑",
                 "fler än föregående period", "Kartan över rapporterna" if "Kartan över rapporterna" in html
                 else "Centrum"):  # fmt: skip
        assert fact in html and fact in text, fact
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 6  # four charts, strips, the map
    english = _render(app, "alfa", picture["id"], "internal", "text", locale="en")
    assert "Reports by hour of day" in english and "Rapporter per timme" not in english


def test_the_pdf_is_pdfa_2_tagged_with_language_title_and_embedded_fonts(app: Flask, published) -> None:
    _, picture, _ = published
    content = _render(app, "alfa", picture["id"], "public", "pdf")
    _keep(app, picture["id"], content)
    assert content == _render(app, "alfa", picture["id"], "public", "pdf")  # the same picture, the same bytes
    with pikepdf.open(io.BytesIO(content)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] in ("A", "B", "U")
        root = pdf.Root
        assert "/StructTreeRoot" in root and bool(root.MarkInfo.Marked)
        assert str(root.Lang) == "sv"
        assert "Centrum" not in str(pdf.docinfo.get("/Title", "")) and str(pdf.docinfo["/Title"]).startswith(
            picture["title"]
        )
        fonts = [font for page in pdf.pages for font in (page.Resources.get("/Font") or {}).values()]
        assert fonts
        for font in fonts:
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font
    text = pdf_text(content)
    assert "Rapporter per timme" in text and "Områden" in text and "Bedömning per område" in text


def test_only_coordinators_read_the_internal_version_and_reporters_only_published(api: Api, published) -> None:
    t, picture, reporter = published
    url = f"{t.base}/lagesbilder/{picture['id']}/render"
    coordinator = t.member("samordnare", "coordinator")
    pdf = api.get(f"{url}?format=pdf&version=internal", coordinator)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'inline; filename="lagesbild-alfa-2024-W10-v1-internal.pdf"'
    assert pdf.data.startswith(b"%PDF-")
    html = api.get(f"{url}?format=html&version=public", reporter)
    assert html.status_code == 200 and html.mimetype == "text/html"
    policy = html.headers["Content-Security-Policy"]
    assert re.fullmatch(
        r"default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'; "
        r"frame-ancestors 'none'",
        policy,
    )
    style = re.search(r"<style>(.*?)</style>", html.get_data(as_text=True), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy  # exactly the embedded style
    forbidden = api.get(f"{url}?format=html&version=internal", reporter)
    assert forbidden.status_code == 403 and forbidden.get_json()["error"] == "rendering.version_forbidden"
    # An unpublished picture is not there for a reporter.
    cycle = t.cycle("2024-03-13T12:00:00+01:00")
    assert t.move(cycle["id"], "compiling").status_code == 200
    draft = [t.compiled(cycle["id"], step["key"]) for step in cycle["plan"]][-1]
    hidden = api.get(f"{t.base}/lagesbilder/{draft['id']}/render?format=html&version=public", reporter)
    assert hidden.status_code == 404
    assert api.get(f"{t.base}/lagesbilder/{draft['id']}/render?format=html", coordinator).status_code == 200


@pytest.mark.parametrize("query, field", [("format=docx", "format"), ("version=secret", "version"),
                                          ("format=pdf&version=", "version")])  # fmt: skip
def test_bad_arguments_are_a_422_naming_the_field(api: Api, published, query: str, field: str) -> None:
    t, picture, _ = published
    response = api.get(f"{t.base}/lagesbilder/{picture['id']}/render?{query}", t.admin)
    assert response.status_code == 422
    assert field in repr(response.get_json()["errors"])


def test_another_tenants_picture_is_not_found(api: Api, published) -> None:
    t, picture, _ = published
    other = Tenant(api, "beta", org_model="C", org_model_options={}, areas=AREAS)
    response = api.get(f"{other.base}/lagesbilder/{picture['id']}/render?format=html&version=public", other.admin)
    assert response.status_code == 404 and "Centrum" not in response.get_data(as_text=True)
    stranger = api.get(f"{t.base}/lagesbilder/{picture['id']}/render?format=html", other.admin)
    assert stranger.status_code in (403, 404) and "Centrum" not in stranger.get_data(as_text=True)


def test_without_pango_a_pdf_is_a_503_saying_what_to_install(api: Api, published, monkeypatch) -> None:
    t, picture, _ = published
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # what a failed import of WeasyPrint looks like
    response = api.get(f"{t.base}/lagesbilder/{picture['id']}/render?format=pdf&version=internal", t.admin)
    body = response.get_json()
    assert response.status_code == 503 and body["error"] == "rendering.pdf_unavailable"
    assert "installera libpango-1.0-0" in body["message"]
    assert api.get(f"{t.base}/lagesbilder/{picture['id']}/render?format=html", t.admin).status_code == 200


def test_a_published_rendering_does_not_change_when_late_reports_arrive(app: Flask, published) -> None:
    t, picture, reporter = published
    before = {fmt: _render(app, "alfa", picture["id"], "public", fmt) for fmt in ("html", "text")}
    for at in ("2024-02-20T10:00:00+01:00", "2024-02-28T11:00:00+01:00"):  # weeks 8 and 9 of the trend
        t.report(reporter, area="centrum", at=at)
    after = {fmt: _render(app, "alfa", picture["id"], "public", fmt) for fmt in ("html", "text")}
    assert after == before
