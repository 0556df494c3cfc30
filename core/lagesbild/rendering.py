"""Renderings of a published lägesbild (provisional: title, period and totals; the full renderings replace it).

``render`` is the one entry point distribution calls; texts are written in the current locale (callers wrap the
call in ``use_locale``).
"""

from __future__ import annotations

from html import escape
from typing import Literal

from sqlalchemy.orm import Session

from core.i18n import _, current_locale
from core.lagesbild.models import Lagesbild
from core.tenants.models import Tenant


def _lines(tenant: Tenant, picture: Lagesbild) -> list[str]:
    total = (picture.statistics or {}).get("total", 0)
    return [
        f"{tenant.name}: {picture.title}",
        _("Period: {start} – {end}", start=picture.period_start.isoformat(), end=picture.period_end.isoformat()),
        _("Reports: {total}", total=total),
    ]


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF of ``lines`` (Helvetica, Latin-1), with a correct cross-reference table."""
    text = "".join(
        f"BT /F1 12 Tf 56 {780 - 20 * n} Td ({line.replace(chr(92), '').replace('(', '').replace(')', '')}) Tj ET\n"
        for n, line in enumerate(lines)
    ).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def render(
    session: Session,
    tenant: Tenant,
    picture: Lagesbild,
    *,
    audience: Literal["internal", "public"],
    fmt: Literal["html", "text", "pdf"],
) -> str | bytes:
    """The picture as ``audience`` may see it, in ``fmt`` (``pdf`` is bytes, the others text)."""
    lines = _lines(tenant, picture)
    if fmt == "pdf":
        return _pdf(lines)
    if fmt == "text":
        return "\n".join(lines) + "\n"
    title, *rest = (escape(line) for line in lines)
    items = "".join(f"<p>{line}</p>" for line in rest)
    head = f'<head><meta charset="utf-8"><title>{title}</title></head>'
    return f'<!DOCTYPE html><html lang="{current_locale()}">{head}<body><h1>{title}</h1>{items}</body></html>'
