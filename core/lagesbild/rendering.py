"""A lägesbild rendered for reading outside est: a standalone HTML document (the e-mail body and the ``render``
endpoint's answer), its plain-text alternative with the same facts (charts as their data tables), and an archival,
accessible PDF.

All three are built from one :class:`~core.lagesbild.presentation.Presentation`, so the public versions inherit its
whitelist: nothing here reads the picture's statistics or reports itself. The HTML uses ``_picture.html``, the
macro of the picture's web page, and embeds est.css and rendering.css (read at render time, so the page and its
renderings share one stylesheet) — a mail client or a saved file needs nothing from est.

The PDF is WeasyPrint's rendering of that same HTML: PDF/A-2a (archival, and tagged, so screen readers can follow
it), the document's language and title in its metadata, fonts embedded; charts and the map are the same SVG. Its
dates are the picture's publication, never "now", so the same picture renders to the same bytes. WeasyPrint needs
Pango from the system; it is imported only when a PDF is asked for, and without it the answer is a 503 that says
what to install.
"""

from __future__ import annotations

import hashlib
from base64 import b64encode
from datetime import UTC
from functools import cache
from pathlib import Path
from typing import Literal

from flask import render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from core.charts import Chart
from core.errors import DomainError
from core.i18n import _, current_locale
from core.lagesbild.models import Lagesbild
from core.lagesbild.presentation import Direction, Figure, Presentation, present
from core.tenants.models import Tenant

__all__ = ["PDF_SYSTEM_PACKAGES", "render", "style_hash"]

Audience = Literal["internal", "public"]
Format = Literal["html", "text", "pdf"]
STATIC = Path(__file__).resolve().parent.parent / "static"
STYLESHEETS = ("est.css", "rendering.css")
PDF_VARIANT = "pdf/a-2a"
PDF_SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"


def render(session: Session, tenant: Tenant, picture: Lagesbild, *, audience: Audience, fmt: Format) -> str | bytes:
    """``picture`` for ``audience`` as ``fmt`` in the current locale (callers wrap it in ``use_locale``): a ``str``
    for html and text, ``bytes`` for pdf. ``session`` must be in the tenant's scope; the picture compiled."""
    if fmt not in ("html", "text", "pdf"):
        raise ValueError(f"unknown format {fmt!r}")
    presentation = present(session, tenant, picture, audience=audience)
    if fmt == "text":
        return _text(tenant, presentation)
    document = _html(tenant, presentation)
    return document if fmt == "html" else _pdf(document)


@cache
def _style() -> str:
    return "\n".join((STATIC / name).read_text(encoding="utf-8") for name in STYLESHEETS)


def style_hash() -> str:
    """The CSP source that allows the embedded style and nothing else: ``'sha256-…'``."""
    return "'sha256-" + b64encode(hashlib.sha256(_style().encode()).digest()).decode() + "'"


def _version_text(p: Presentation) -> str:
    return _("Version {version}", version=p.version)


def _audience_text(p: Presentation) -> str:
    if p.audience == "public":
        return _("Public version: areas and counts only; small counts are shown as “fewer than”.")
    return _("Internal version: not for publication.")


def _html(tenant: Tenant, p: Presentation) -> str:
    moment = p.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if p.published_at else ""
    return render_template(
        "picture_document.html",
        p=p,
        tenant=tenant,
        locale=current_locale(),
        style=Markup(_style()),  # est's own stylesheets, embedded verbatim (the CSP hash is of these bytes)
        moment=moment,
        document_title=f"{p.title} – {tenant.name}",
        version_text=_version_text(p),
        audience_text=_audience_text(p),
    )


def _pdf(document: str) -> bytes:
    try:
        from weasyprint import HTML  # here, not at the top: it loads Pango, which only a PDF needs
    except (ImportError, OSError) as missing:
        raise DomainError(
            _(
                "PDF cannot be made on this server: install {packages} (Debian/Ubuntu) and restart est.",
                packages=PDF_SYSTEM_PACKAGES,
            ),
            status=503,
            code="rendering.pdf_unavailable",
        ) from missing
    return HTML(string=document, base_url=str(STATIC)).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


# --- plain text ----------------------------------------------------------------------------------------------------


def _text(tenant: Tenant, p: Presentation) -> str:
    lines = [tenant.name, p.title, "=" * len(p.title), f"{p.period_text} ({p.period_label})", _version_text(p)]
    if p.published_text:
        lines.append(_("Published on {moment}", moment=p.published_text))
    if p.summary:
        _heading(lines, _("Summary"))
        lines.append(p.summary)
    _heading(lines, _("In numbers"))
    for figure in p.totals:
        lines.append(f"{figure.label}: {figure.count}")
        lines.extend(f"  {_direction(d)}" for d in figure.directions)
    if p.uncompared:
        lines.append(p.uncompared)
    _heading(lines, _("By theme"))
    lines.extend(_table(*_theme_table(p)))
    if p.areas:
        _heading(lines, _("Assessment per area"))
        for area in p.areas:
            lines += ["", f"{area.name}: {area.label} ({_('Reports: {count}', count=area.count)})"]
            if area.conditions:
                lines.append(area.conditions)
            for chart in (area.strip, area.risk):
                if chart is not None:
                    lines += _chart(chart)
    _heading(lines, _("Hot spots"))
    lines += [f"- {p.counted(s.text, s.count)}" for s in p.hot_spots] or [_("No hot spots this period.")]
    _heading(lines, _("Hot times"))
    lines += [f"- {text}" for text in p.hot_times] or [_("No hot times this period.")]
    _heading(lines, _("Positive events"))
    lines += [f"- {text}" for text in p.positives] or [_("No positive events were reported this period.")]
    _heading(lines, p.map_title)
    lines.append(p.map_description)
    lines += [f"- {p.counted(a.name, a.text) if a.text else a.name}" for a in p.map.areas]
    _heading(lines, _("Charts"))
    for chart in p.charts:
        lines += _chart(chart)
    lines += ["", "-- ", _audience_text(p)]
    return "\n".join(lines) + "\n"


def _heading(lines: list[str], title: str) -> None:
    lines += ["", title, "-" * len(title)]


def _direction(d: Direction) -> str:
    change = f", {d.change}" if d.change else ""
    return f"{d.arrow} {d.words} ({d.period_label}: {d.then}{change})"


def _theme_table(p: Presentation) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    first: Figure | None = p.themes[0] if p.themes else None
    headers = (_("Theme"), p.period_label, *(d.period_label for d in (first.directions if first else ())))
    rows = [(f.label, f.count, *(f"{d.arrow} {d.then}{f' ({d.change})' if d.change else ''}" for d in f.directions))
            for f in p.themes]  # fmt: skip
    return headers, rows


def _chart(chart: Chart) -> list[str]:
    return ["", f"{chart.title} — {chart.description}", *_table(chart.headers, chart.rows)]


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]] | tuple[tuple[str, ...], ...]) -> list[str]:
    widths = [max(len(str(row[i])) for row in (headers, *rows)) for i in range(len(headers))]
    return ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in (headers, *rows)]  # fmt: skip
