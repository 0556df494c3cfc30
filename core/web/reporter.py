"""The reporter's room: the home with the big "Rapportera" link, the form, and "Mina rapporter".

Reports are stored by ``core.reports.service`` exactly as the API stores them; the form is checked by the API's
schema (``core.web.report_form``). A refused form is shown again with an error summary linking to each field, and
nothing is stored.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import select

from core import speed
from core.accounts.actor import current_actor
from core.checklists import content as checklist_content
from core.checklists import service as checklists
from core.csrf import check_form_token
from core.cycles import periods
from core.db import utcnow
from core.errors import DomainError
from core.i18n import _
from core.reports import idempotency, service
from core.reports.models import Report
from core.tenancy import current_session
from core.web import notices, pictures, report_form
from core.web.offline import offline_config
from core.web.tenant import PageNotFound, blp

MY_REPORTS_SHOWN = 200  # this period's, at most
# Earlier reports: a page of them on "Mina rapporter", the latest few on the home (a phone's page stays short).
EARLIER_PAGE = 20
EARLIER_ON_HOME = 5
PAGE_MAX = 10_000


def _context(now: datetime | None = None) -> service.ReportingContext:
    return service.ReportingContext(current_session(), g.tenant, current_actor(), now)


def _zone():
    return periods.zone(g.tenant.cadence)


def _last_area_key() -> str:
    return f"last_area:{g.tenant.id}"


def _form_page(values: dict[str, Any], errors: dict[str, list[str]], report: Report | None = None):
    db = current_session()
    context = _context()
    version = checklists.current(db)
    sections = checklist_content.answerable_by(version.content, current_actor().leg(db))["sections"]
    areas = sorted((a for a in context.areas.values() if a.active), key=lambda a: a.name)
    if not values.get("at"):  # the precise picker starts at now
        values = {**values, "at": context.now.astimezone(_zone()).strftime(report_form.LOCAL_MINUTE)}
    if not report and not values.get(report_form.KEY_FIELD):  # one key per form shown: a resend makes one report
        values = {**values, report_form.KEY_FIELD: secrets.token_urlsafe(18)}
    return render_template(
        "report_form.html",
        values=values,
        errors=errors,
        sections=[s for s in sections if s["items"]],
        areas=areas,
        severities=list(enumerate(g.tenant.severity_scale, start=1)),
        report=report,
        offline=None if report else offline_config(),
    ), (422 if errors else 200)


def _wants_json() -> bool:
    """The offline queue (``core/static/offline.js``) posts the form asking for JSON: it shows the outcome itself."""
    return request.accept_mimetypes.best == "application/json"


def _refused(errors: dict[str, list[str]]):
    if _wants_json():
        return jsonify(message=_("Nothing was saved."), errors=errors), 422
    return _form_page(dict(request.form), errors)


@blp.route("/rapportera", methods=["GET", "POST"])
def report():
    """The form (GET) and a new report (POST). The form's key makes a double submit or a resend (the offline
    queue's, or the browser's after a lost answer) answer with the report the first one made."""
    if request.method != "POST":
        return _form_page({"when": "now", "area": str(session.get(_last_area_key(), ""))}, {})
    check_form_token()
    db = current_session()
    now = utcnow()
    form = request.form
    try:
        key = idempotency.checked_key(form.get(report_form.KEY_FIELD) or None, "_form")
        body = report_form.report_body(form, _zone(), report_form.written_at(form, now))
        stored, _replayed = idempotency.create_once(
            _context(now), body, key, idempotency.fingerprint(report_form.sent_fields(form)), "_form", source="web"
        )
    except report_form.FormErrors as error:
        return _refused(error.errors)
    except DomainError as error:
        return _refused(report_form.form_errors(error.errors, form.get("when", "")) or {"_form": [error.message]})
    db.commit()
    session[_last_area_key()] = stored.area_id
    flash(_("The report is saved."))
    if _wants_json():
        return jsonify(id=stored.id, location=url_for("pages.my_reports")), 201
    return redirect(url_for("pages.my_reports"), 303)


def _my_report(report_id: int) -> Report:
    """One of the caller's own reports; any other id (another's, another tenant's, none) is the 404 page."""
    found = current_session().scalar(select(Report).where(Report.id == report_id, Report.reported_by == g.user.id))
    if found is None:
        raise PageNotFound()
    return found


@blp.route("/rapporter/<int:report_id>", methods=["GET", "POST"])
def edit_report(report_id: int):
    """Correct one's own report until its period's picture is compiled."""
    db = current_session()
    stored = _my_report(report_id)
    original = report_form.values_of(stored, _zone())
    if request.method != "POST":
        return _form_page(original, {}, stored)
    check_form_token()
    try:
        changes = report_form.report_body(request.form, _zone(), utcnow())
        if request.form.get("when") == "exact" and request.form.get("at") == original["at"]:
            changes.pop("occurred_at"), changes.pop("occurred_until")  # unchanged: a time window stays as it was
        service.update(_context(), stored, changes)
    except report_form.FormErrors as error:
        db.rollback()
        return _form_page(dict(request.form), error.errors, stored)
    except DomainError as error:
        db.rollback()
        errors = report_form.form_errors(error.errors, request.form.get("when", "")) or {"_form": [error.message]}
        return _form_page(dict(request.form), errors, _my_report(report_id))
    db.commit()
    flash(_("The report is saved."))
    return redirect(url_for("pages.my_reports"), 303)


def my_reports_view(earlier_size: int, earlier_page: int = 1) -> dict[str, Any]:
    """The caller's reports: this period's, and a page of ``earlier_size`` earlier ones (newest first, and whether
    more follow), each with whether it may still be corrected."""
    db = current_session()
    context = _context()
    current = periods.period_of(utcnow(), g.tenant.cadence).label
    mine = select(Report).where(Report.reported_by == g.user.id).order_by(Report.occurred_at.desc(), Report.id.desc())
    this_period = db.scalars(mine.where(Report.period == current).limit(MY_REPORTS_SHOWN)).all()
    earlier, more = speed.page_without_total(db, mine.where(Report.period != current), earlier_page, earlier_size)
    reports = [*this_period, *earlier]
    open_periods: dict[str, bool] = {}
    for period in {r.period for r in reports}:
        try:
            context.assert_open(period)
            open_periods[period] = True
        except DomainError:
            open_periods[period] = False
    zone = _zone()
    rows = [
        {
            **context.render(r),
            "area_name": context.areas[r.area_id].name if r.area_id in context.areas else "",
            "local_time": r.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "editable": open_periods[r.period],
        }
        for r in reports
    ]
    return {
        "this_period": rows[: len(this_period)],
        "earlier": rows[len(this_period) :],
        "earlier_more": more,
        "earlier_page": earlier_page,
    }


@blp.route("/mina-rapporter")
def my_reports():
    """The caller's reports and the latest published lägesbild of their area; earlier reports a page at a time
    (``?sida=``)."""
    try:
        page = min(max(int(request.args.get("sida", "1")), 1), PAGE_MAX)
    except ValueError:
        page = 1
    view = my_reports_view(EARLIER_PAGE, page)
    return render_template("my_reports.html", feedback=pictures.feedback(g.user.id), paged=True, **view)


def home():
    """A reporter's home: the way to report, and their reports."""
    return render_template(
        "reporter_home.html",
        offline=offline_config(),
        notifications=notices.unread(),
        **my_reports_view(EARLIER_ON_HOME),
    )
