"""The coordinators' report list, ``/t/<slug>/rapporter``: all of the tenant's reports, filtered and paged, and the
same rows as a CSV or XLSX file.

The filters are the API's (``GET …/reports``): the query string is loaded by the API's own schema and turned into
SQL by :func:`core.reports.listing.filtered`, the exports by :func:`core.reports.export.export`, so the page, its
file and the API agree row for row. The page shows no total (see ``core.speed.page_without_total``). Who may see
it: those who may list every report of the tenant in the API (coordinators and admins); reporters keep "Mina
rapporter".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import marshmallow as ma
from flask import Response, current_app, g, render_template, request
from werkzeug.datastructures import MultiDict

from core import speed
from core.accounts.actor import current_actor
from core.cycles import periods
from core.domain import THEME_LABELS_SV, Theme
from core.i18n import _
from core.reports import export, listing
from core.reports.routes import ListArgs
from core.reports.schemas import ExportArgs
from core.reports.service import ReportingContext
from core.tenancy import current_session
from core.web.tenant import blp

# A page of the list (the page offers the filters of ``report_list.html``; the API's others work in the address too).
PAGE_SIZE = 50


def _not_for_reporters() -> tuple[str, int] | None:
    """The refusal a reporter gets (pointing to their own reports), or ``None`` for those who see every report."""
    if current_actor().may_act_for_others:
        return None
    message = _("The report list is for coordinators. Your own reports are under My reports.")
    return render_template("refused.html", message=message), 403


def _query(schema: type[ma.Schema]) -> tuple[dict[str, str], dict[str, Any], dict[str, list[str]]]:
    """The query string's filters: as given (to fill the form and the links), as loaded by the API's schema, and
    the schema's errors by field. Empty fields (an unchosen select) are no filter."""
    known = set(schema().fields)
    given = {k: v for k, v in request.args.items() if k in known and k != "page_size" and v.strip()}
    try:
        return given, schema().load(MultiDict(given)), {}
    except ma.ValidationError as error:
        return given, {}, {k: v if isinstance(v, list) else [str(v)] for k, v in error.messages.items()}


def _options(context: ReportingContext) -> dict[str, list[tuple[Any, str]]]:
    """The choices of the filter form, by field: (value as the API takes it, text), sorted by text."""
    catalogue = context.catalogue
    return {
        "area": sorted(((a.id, a.name) for a in catalogue.areas.values()), key=lambda o: o[1]),
        "item": sorted(((i.key, i.text) for i in catalogue.items.values()), key=lambda o: o[1]),
        "theme": [(t.value, THEME_LABELS_SV[t]) for t in Theme],
        "severity": list(enumerate(g.tenant.severity_scale, start=1)),
        "organisation": sorted(((o.key, o.name) for o in catalogue.organisations.values()), key=lambda o: o[1]),
    }


def _row(context: ReportingContext, report: Any, zone: Any) -> dict[str, Any]:
    organisation = context.organisation_ids.get(report.organisation_id) if report.organisation_id else None
    area = context.areas.get(report.area_id)
    return {
        **context.render(report),
        "area_name": area.name if area else "",
        "organisation_name": organisation.name if organisation else "",
        "local_time": report.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    }


@blp.route("/rapporter")
def report_list():
    """The filtered list, newest first, a page at a time, with links to the same rows as CSV and XLSX."""
    if (refusal := _not_for_reporters()) is not None:
        return refusal
    return _list_page(*_query(ListArgs))


def _list_page(given: dict[str, str], args: dict[str, Any], errors: dict[str, list[str]]) -> tuple[str, int]:
    db = current_session()
    context = ReportingContext(db, g.tenant, current_actor())
    page = None
    if not errors:
        number = args["page"]
        rows, more = speed.page_without_total(
            db, listing.filtered(db, g.tenant, context.actor, args), number, PAGE_SIZE
        )
        zone = periods.zone(g.tenant.cadence)
        first = (number - 1) * PAGE_SIZE + 1
        page = {"items": [_row(context, r, zone) for r in rows], "page": number, "more": more,
                "first": first, "last": first + len(rows) - 1}  # fmt: skip
    filters = {k: v for k, v in given.items() if k != "page"}
    return render_template(
        "report_list.html",
        values=given,
        errors=errors,
        page=page,
        options=_options(context),
        query=lambda **more: urlencode({**filters, **more}),
    ), (422 if errors else 200)


@blp.route("/rapporter/export")
def report_export():
    """The list's rows, all of them, as ``format=csv`` or ``format=xlsx`` (see :mod:`core.reports.export`)."""
    if (refusal := _not_for_reporters()) is not None:
        return refusal
    given, args, errors = _query(ExportArgs)
    if errors:
        return _list_page(given, args, errors)
    kind = args.pop("format")
    db = current_session()
    context = ReportingContext(db, g.tenant, current_actor())
    try:
        content = export.export(
            context, listing.filtered(db, g.tenant, context.actor, args), kind,
            current_app.config["EST"].export_max_rows,
        )  # fmt: skip
    except export.TooManyRows as error:
        return render_template("refused.html", message=error.message), 413
    name = export.filename(g.tenant.slug, kind)
    return Response(
        content, mimetype=export.FORMATS[kind], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
