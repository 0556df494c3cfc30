"""``/api/v1/tenants/<slug>/reports``: report, read, correct, import."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, current_app, g, request, url_for
from flask_smorest.fields import Upload

from core.accounts.actor import current_actor
from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.errors import DomainError, NotFound
from core.i18n import _
from core.jobs import enqueue
from core.jobs.models import Job
from core.jobs.routes import JobSchema
from core.reports import export, idempotency, importer, listing, service
from core.reports.models import Report, ReportImport
from core.reports.schemas import ExportArgs, ReportFilterSchema, ReportInSchema, ReportOutSchema, ReportPatchSchema
from core.tenancy import current_session
from core.workflow.etags import etag_header, revision_tag

blp = tenant_blueprint("reports", "reports", "Reports (inrapporter) against the tenant's checklist")


def _context() -> service.ReportingContext:
    return service.ReportingContext(current_session(), g.tenant, current_actor())


def _get_visible(report_id: int) -> Report:
    report = current_session().scalar(listing.visible(current_actor()).where(Report.id == report_id))
    if report is None:
        raise NotFound(_("No such report."), code="report.not_found")
    return report


class ListArgs(PageArgs, ReportFilterSchema):
    pass


IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": idempotency.HEADER,
    "required": False,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:~-]{1,100}$"},
    "description": "A key of the client's choosing, one per report (e.g. a UUID). Sending the same key and body "
    "again — a retry after a lost answer — returns the report it made (201, `Idempotent-Replayed: true`) and makes "
    "no second report; the same key with another body is refused (422, `idempotency.key_reused`). Kept 7 days.",
}
CREATED_HEADERS = {
    "ETag": {"description": "guards corrections (PATCH)"},
    "Idempotent-Replayed": {"description": "`true` when the answer is the report an earlier request with this "
                            "`Idempotency-Key` made", "schema": {"type": "string", "enum": ["true"]}},
}  # fmt: skip


@blp.route("", methods=["POST"])
@tenant_role(Role.REPORTER)
@blp.arguments(ReportInSchema())  # one instance, not one per request
@blp.response(201, ReportOutSchema, headers=CREATED_HEADERS)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def create_report(data: dict):
    """Submit a report. Free texts are checked for personal data first; nothing is stored unless all is valid.
    After the period's reporting deadline a report is still accepted, and marked late; after a picture of its period
    (whose scope holds it) was compiled, still accepted, and marked ``after_compilation``. The ETag guards
    corrections. With an ``Idempotency-Key`` a resend makes no second report."""
    db = current_session()
    context = _context()
    key = idempotency.checked_key(request.headers.get(idempotency.HEADER))
    digest = idempotency.fingerprint(request.get_json(silent=True))
    report, replayed = idempotency.create_once(context, data, key, digest)
    db.commit()
    headers = etag_header(report)
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return context.render(report), headers


@blp.route("", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_of(ReportOutSchema))
def list_reports(args: dict):
    """Reports, newest first, filtered by period (one, or a range: ``period_from``/``period_to``), week, area, item,
    theme, organisation, severity, lateness (``late``: after the deadline; ``after_compilation``: after its period's
    picture was compiled), or ``after_lagesbild``: those a lägesbild's scope and period got after it was compiled (the
    link the picture gives). The same filters as the export and the coordinators' report list page
    (``core.reports.listing``)."""
    statement = listing.filtered(current_session(), g.tenant, current_actor(), args)
    context = _context()
    page = paginate(statement, args)
    page["items"] = [context.render(r) for r in page["items"]]
    return page


@blp.route("/export", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.arguments(ExportArgs, location="query")
@blp.response(200, content_type=export.FORMATS["csv"])
@blp.alt_response(413, description="more rows match than one export may hold (`export.too_many_rows`)")
@blp.doc(responses={"200": {"description": "the file", "content": {
    export.FORMATS["csv"]: {"schema": {"type": "string"}},
    export.FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
}}})  # fmt: skip
def export_reports(args: dict):
    """Exactly the reports the list gives for the same filters (all of them, not one page), as ``format=csv``
    (UTF-8 with BOM, `;`-separated, decimal comma in Swedish: what Swedish Excel opens) or ``format=xlsx``. Column
    headers in the caller's language; areas, items, organisations and functions by name; times in the tenant's time
    zone. Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) are prefixed
    with `'`. Bounded: more than ``EST_EXPORT_MAX_ROWS`` matching reports is a 413 (``export.too_many_rows``)."""
    kind = args.pop("format")
    statement = listing.filtered(current_session(), g.tenant, current_actor(), args)
    content = export.export(_context(), statement, kind, current_app.config["EST"].export_max_rows)
    name = export.filename(g.tenant.slug, kind)
    return Response(
        content, mimetype=export.FORMATS[kind], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@blp.route("/<int:report_id>", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.etag
@blp.response(200, ReportOutSchema)
def get_report(report_id: int):
    """One report, with the item text of the checklist version it was made against (its ETag guards
    corrections)."""
    report = _get_visible(report_id)
    blp.set_etag(revision_tag(report))
    return _context().render(report)


@blp.route("/<int:report_id>", methods=["PATCH"])
@tenant_role(Role.REPORTER)
@blp.etag
@blp.arguments(ReportPatchSchema())
@blp.response(200, ReportOutSchema)
def update_report(changes: dict, report_id: int):
    """Correct a report — reporters their own, coordinators any — until its period's picture is compiled. Send
    ``If-Match`` with the report's ETag; a stale one is refused (412)."""
    db = current_session()
    context = _context()
    report = _get_visible(report_id)
    blp.check_etag(revision_tag(report))
    report = service.update(context, report, changes)
    db.commit()
    blp.set_etag(revision_tag(report))
    return context.render(report)


class ImportFileSchema(ma.Schema):
    file = Upload(
        required=True, metadata={"description": "CSV (UTF-8, UTF-16 or Windows-1252; `;`, `,` or tab) or XLSX"}
    )


class TemplateArgs(ma.Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(["csv", "xlsx"]))


@blp.route("/import", methods=["POST"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(ImportFileSchema, location="files")
@blp.response(202, JobSchema)
def import_reports(files: dict):
    """Import old reports from CSV or XLSX (columns as in the template). Answers 202 at once and runs as a job
    (bounded: ``EST_IMPORT_MAX_ROWS`` rows, ``EST_IMPORT_MAX_BYTES`` bytes — a larger upload is 413): every row is
    checked first; then either all rows are imported or none, and the job's result names every failing row and column.
    Importing the same file again adds nothing."""
    upload = files["file"]
    filename = upload.filename or "import"
    kind = importer.format_of(filename, upload.mimetype)
    limit = current_app.config["EST"].import_max_bytes
    data = upload.stream.read(limit + 1)
    if not data:
        raise DomainError(_("The file is empty."), {"file": [_("The file is empty.")]}, code="import.file_empty")
    if len(data) > limit:
        message = _("The file is larger than {size} MB; split it into several files.", size=limit // (1024 * 1024))
        raise DomainError(message, {"file": [message]}, status=413)
    db = current_session()
    row = ReportImport(filename=filename[:255], format=kind, data=data, uploaded_by=g.user.id)
    db.add(row)
    db.commit()
    job_id = enqueue(importer.run_import, tenant=g.tenant.id, created_by=g.user.id, background=True, import_id=row.id)
    job = db.get(Job, job_id)
    db.refresh(job)
    return job, 202, {"Location": url_for("jobs.get_job", job_id=job_id)}


@blp.route("/import/template", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.arguments(TemplateArgs, location="query")
@blp.response(200, content_type="text/csv")
def import_template(args: dict):
    """The import template: the columns, an example row, and (XLSX) the tenant's items and areas."""
    content, mimetype = importer.template(current_session(), g.tenant, args["format"])
    name = f"est-import-{g.tenant.slug}.{args['format']}"
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
