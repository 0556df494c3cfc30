"""``/api/v1/tenants/<slug>/lagesbilder``: compile (a job), read, assess, publish, map, render."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, g, jsonify, url_for

from core.accounts.actor import current_actor
from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.cycles import periods
from core.cycles import service as cycles
from core.cycles.periods import LONG_KINDS
from core.errors import Conflict, DomainError
from core.i18n import _
from core.jobs import enqueue
from core.jobs.models import Job
from core.jobs.routes import JobSchema
from core.lagesbild import jobs, late, rendering, service, steps
from core.lagesbild.models import Lagesbild
from core.lagesbild.schemas import (
    AssessmentSchema,
    CompileSchema,
    LagesbildListArgs,
    LagesbildSchema,
    LagesbildSummarySchema,
    RenderArgs,
)
from core.tenancy import current_session

blp = tenant_blueprint("lagesbilder", "lagesbilder", "Lägesbilder: situation pictures")


class ListArgs(PageArgs, LagesbildListArgs):
    pass


def view(picture: Lagesbild) -> dict[str, Any]:
    session = current_session()
    areas = [entry["area"] for entry in (picture.assessment or {}).get("areas", [])]
    scale = "priority" if picture.kind in LONG_KINDS else "colour"
    ranking = []
    if scale == "priority" and picture.assessment:
        ranking = sorted(
            ({"area": e["area"], "priority": e["level"]} for e in picture.assessment["areas"]),
            key=lambda entry: (-entry["priority"], entry["area"]),
        )
    history = service.history(session, areas, scale, until=picture.published_at)
    return {**vars(picture), "history": history, "ranking": ranking, "after_compilation": _after_compilation(picture)}


def _after_compilation(picture: Lagesbild) -> dict[str, Any] | None:
    """How many reports of the picture's scope and period came in after it was compiled, and where to list them."""
    if picture.statistics is None:
        return None
    zone = periods.zone(g.tenant.cadence)
    count = late.count_arrived_after(current_session(), picture, service.scope_of(picture), zone)
    return {"count": count, "reports": url_for("reports.list_reports", slug=g.tenant.slug, after_lagesbild=picture.id)}


@blp.route("", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_of(LagesbildSummarySchema))
def list_pictures(args: dict):
    """Lägesbilder, newest period first. Reporters see published ones (their feedback); coordinators all."""
    statement = service.listing(current_actor(), args)
    return paginate(statement, args)


def _visible(picture_id: int) -> Lagesbild:
    return service.visible(current_session(), picture_id, current_actor())


@blp.route("", methods=["POST"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(CompileSchema)
@blp.response(202, JobSchema)
def compile_picture(data: dict):
    """Compile a picture as a job: a step of a cycle's plan (``cycle`` + ``step``; who may is the org model's
    decision), or a monthly/quarterly/tertial/annual picture (``kind`` + ``label``, optional ``area``)."""
    session, actor = current_session(), current_actor()
    if "cycle" in data:
        cycle = cycles.get(session, data["cycle"])
        step = steps.authorized_step(session, g.tenant, cycle, data["step"], actor)
        job_id = enqueue(jobs.compile_cycle_step, tenant=g.tenant.id, created_by=g.user.id, cycle_id=cycle.id,
                         step=step.key, user_id=actor.user_id)  # fmt: skip
    else:
        job_id = enqueue(jobs.compile_period, tenant=g.tenant.id, created_by=g.user.id, kind=data["kind"],
                         label=data["label"], area_id=data["area"], user_id=actor.user_id)  # fmt: skip
    job = session.get(Job, job_id)
    session.refresh(job)
    return job, 202, {"Location": url_for("jobs.get_job", job_id=job_id)}


@blp.route("/<int:picture_id>", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.etag
@blp.response(200, LagesbildSchema)
def get_picture(picture_id: int):
    """A lägesbild: statistics, assessment, each assessed area's history (its ETag guards changes)."""
    return view(_visible(picture_id))


@blp.route("/<int:picture_id>/assessment", methods=["PUT"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.arguments(AssessmentSchema)
@blp.response(200, LagesbildSchema)
def assess(data: dict, picture_id: int):
    """Record the joint assessment. On a published picture this creates a new version (the published one never
    changes); the answer is then that new version. Send ``If-Match``."""
    session = current_session()
    picture = service.get(session, picture_id)
    blp.check_etag(view(picture), LagesbildSchema)
    result = service.assess(session, g.tenant, picture, data, current_actor())
    session.commit()
    return view(result)


@blp.route("/<int:picture_id>/publish", methods=["POST"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.response(200, LagesbildSchema)
def publish(picture_id: int):
    """Publish an assessed picture. A cycle's joint picture is published by moving the cycle to published; a
    later, corrected version of it is published here. Send ``If-Match``."""
    session = current_session()
    picture = service.get(session, picture_id)
    blp.check_etag(view(picture), LagesbildSchema)
    steps.publish(session, g.tenant, picture, current_actor())
    session.commit()
    return view(picture)


@blp.route("/<int:picture_id>/geojson", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.response(200, content_type="application/geo+json")
def geojson(picture_id: int):
    """The picture's map: report points and hot spots as a GeoJSON FeatureCollection."""
    response = jsonify(service.geojson(current_session(), picture_id, current_actor()))
    response.mimetype = "application/geo+json"
    return response


RENDERED = {
    "pdf": {"schema": {"type": "string", "format": "binary"}},
    "html": {"schema": {"type": "string"}},
}
MIMETYPES = {"pdf": "application/pdf", "html": "text/html"}


@blp.route("/<int:picture_id>/render", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.arguments(RenderArgs, location="query")
@blp.response(200, content_type="application/pdf")
@blp.doc(
    responses={
        "200": {
            "description": "The rendering: a PDF (inline, with a file name) or a standalone HTML document.",
            "content": {MIMETYPES[k]: v for k, v in RENDERED.items()},
        }
    }
)
def render_picture(args: dict, picture_id: int):
    """The picture rendered as PDF (PDF/A-2a, tagged) or as a standalone HTML document, in the caller's language.
    Coordinators and admins may fetch both versions; reporters only the public (feedback) version of a published
    picture."""
    picture = _visible(picture_id)
    version = args["version"]
    if version == "internal" and not current_actor().may_act_for_others:
        raise DomainError(
            _("Reporters may read the public version only."),
            {"version": [_("Ask for version=public.")]},
            status=403,
            code="rendering.version_forbidden",
        )
    if picture.statistics is None:
        raise Conflict(_(service.NOT_COMPILED), code="lagesbild.not_compiled")
    fmt = args["format"]
    content = rendering.render(current_session(), g.tenant, picture, audience=version, fmt=fmt)
    response = Response(content, mimetype=MIMETYPES[fmt])
    if fmt == "pdf":
        response.headers["Content-Disposition"] = f'inline; filename="{_filename(picture, version)}"'
    else:
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src {rendering.style_hash()}; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'"
        )
    return response


def _filename(picture: Lagesbild, version: str) -> str:
    """``lagesbild-<tenant>-<label>-v<version>-<audience>.pdf``, in characters every file system takes."""
    label = re.sub(r"[^A-Za-z0-9-]+", "_", picture.label)
    return f"lagesbild-{g.tenant.slug}-{label}-v{picture.version}-{version}.pdf"
