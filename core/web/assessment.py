"""The assessment of a compiled lägesbild (fig 10.3 of the handbook), ``/t/<slug>/lagesbilder/<id>/bedomning``, and
its publication, ``…/publicera``.

Per area: a level on the tenant's assessment scale, chosen by its text label (radio buttons: the colour is never the
only sign), the development direction and a comment; and a summary. The form is loaded by the API's own
``AssessmentSchema`` (the personal-data guard included) and stored by ``core.lagesbild.service.assess``; what the
API's assessment holds beyond the form (problems, actions) is kept as it was.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from core.accounts.actor import current_actor
from core.csrf import check_form_token
from core.cycles import service as cycles
from core.cycles.models import CycleState
from core.cycles.periods import LONG_KINDS
from core.errors import DomainError, NotFound, flatten_messages
from core.i18n import N_, _
from core.lagesbild import service
from core.lagesbild import steps as publishing
from core.lagesbild.models import Lagesbild
from core.lagesbild.schemas import AssessmentSchema
from core.organisation.models import Area
from core.tenancy import current_session
from core.web.cycle import check_revision, coordinator_only, refusal_of
from core.web.cycle_actions import PICTURE_STATUS
from core.web.tenant import PageNotFound, blp

DIRECTIONS = (("more", N_("Increasing")), ("same", N_("Unchanged")), ("less", N_("Decreasing")))
_schema = AssessmentSchema()


def _picture(picture_id: int) -> Lagesbild:
    try:
        return service.get(current_session(), picture_id)
    except NotFound:
        raise PageNotFound() from None


def _areas(picture: Lagesbild) -> list[Area]:
    """The areas the picture is assessed for: its own area, or every active area of the tenant."""
    statement = select(Area).where(Area.id == picture.area_id) if picture.area_id else select(Area).where(Area.active)
    return sorted(current_session().scalars(statement), key=lambda area: area.name)


def _scale(picture: Lagesbild) -> list[tuple[int, str]]:
    """The levels the picture is assessed on, with their text labels."""
    if picture.kind in LONG_KINDS:
        low, high = service.PRIORITY_SCALE
        return [(n, str(n)) for n in range(low, high + 1)]
    return list(enumerate(g.tenant.assessment_scale, start=1))


def _values(picture: Lagesbild) -> dict[str, str]:
    """The stored assessment as the form's values."""
    stored = picture.assessment or {}
    values = {"summary": stored.get("summary", "")}
    for entry in stored.get("areas", []):
        values[f"level-{entry['area']}"] = str(entry["level"])
        values[f"direction-{entry['area']}"] = entry.get("direction") or ""
        values[f"comment-{entry['area']}"] = entry.get("conditions", "")
    return values


def _body(picture: Lagesbild, areas: list[Area]) -> tuple[dict[str, Any], list[int]]:
    """The API's assessment body the form describes, and the area id of each entry (in the body's order)."""
    form = request.form
    kept = {entry["area"]: entry for entry in (picture.assessment or {}).get("areas", [])}
    entries, order = [], []
    for area in areas:
        level = form.get(f"level-{area.id}", "")
        if not level:
            continue
        direction = form.get(f"direction-{area.id}") or None
        entries.append({**kept.get(area.id, {}), "area": area.id, "level": level, "direction": direction,
                        "conditions": form.get(f"comment-{area.id}", "")})  # fmt: skip
        order.append(area.id)
    return {"summary": form.get("summary", ""), "areas": entries}, order


FIELD_NAMES = {"level": "level", "conditions": "comment", "direction": "direction"}


def _form_errors(errors: dict[str, Any], order: list[int]) -> dict[str, list[str]]:
    """API field paths (``areas.0.level``) as the form's fields (``level-<area id>``)."""
    result: dict[str, list[str]] = {}
    for path, messages in flatten_messages(errors).items():
        parts = path.split(".")
        if parts[0] == "areas" and len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(order):
            name = f"{FIELD_NAMES.get(parts[2], 'comment')}-{order[int(parts[1])]}"
        else:
            name = "summary" if parts[0] == "summary" else "_form"
        result.setdefault(name, []).extend(messages)
    return result


def _render(picture: Lagesbild, values: dict[str, str], errors: dict[str, list[str]] | None = None,
            refusal: dict[str, Any] | None = None, status: int = 200):  # fmt: skip
    areas = _areas(picture)
    cycle = cycles.get(current_session(), picture.cycle_id) if picture.cycle_id else None
    return render_template(
        "assessment.html",
        picture=picture,
        cycle=cycle,
        areas=areas,
        scale=_scale(picture),
        directions=DIRECTIONS,
        values=values,
        errors=errors or {},
        refusal=refusal,
        status_label=PICTURE_STATUS.get(picture.status, picture.status),
        may_publish=picture.status == "assessed",
        targets={f"level-{area.id}": f"level-{area.id}-0" for area in areas},
    ), (refusal["status"] if refusal else status)


@blp.route("/lagesbilder/<int:picture_id>/bedomning", methods=["GET", "POST"])
def assessment_page(picture_id: int):
    coordinator_only()
    picture = _picture(picture_id)
    if request.method != "POST":
        return _render(picture, _values(picture))
    check_form_token()
    db = current_session()
    body, order = _body(picture, _areas(picture))
    try:
        check_revision(picture)
        assessment = _schema.load(body)
        stored = service.assess(db, g.tenant, picture, assessment, current_actor())
    except ma.ValidationError as error:
        db.rollback()
        return _render(_picture(picture_id), dict(request.form), _form_errors(error.messages, order), status=422)
    except DomainError as error:
        db.rollback()
        if error.status == 422 and error.errors:
            return _render(_picture(picture_id), dict(request.form), _form_errors(error.errors, order), status=422)
        return _render(_picture(picture_id), dict(request.form), refusal=refusal_of(error))
    db.commit()
    flash(_("The assessment is saved."))
    return redirect(url_for("pages.assessment_page", picture_id=stored.id), 303)


@blp.route("/lagesbilder/<int:picture_id>/publicera", methods=["GET", "POST"])
def publish_picture(picture_id: int):
    """Publish an assessed picture. A cycle's final picture is published with its cycle — the same move the cycle
    page's button and ``POST …/cycles/<id>/transitions`` make — a later version of it by itself."""
    if request.method != "POST":
        return redirect(url_for("pages.assessment_page", picture_id=picture_id), 303)
    coordinator_only()
    check_form_token()
    db = current_session()
    picture = _picture(picture_id)
    try:
        check_revision(picture)
        cycle = cycles.get(db, picture.cycle_id) if picture.cycle_id else None
        if cycle is not None and cycle.state == CycleState.ASSESSED and _is_final(picture, cycle):
            cycles.transition(db, g.tenant, cycle, CycleState.PUBLISHED, current_actor())
        else:
            publishing.publish(db, g.tenant, picture, current_actor())
    except DomainError as error:
        db.rollback()
        picture = _picture(picture_id)
        return _render(picture, _values(picture), refusal=refusal_of(error))
    db.commit()
    flash(_("The lägesbild is published."))
    if picture.cycle_id:
        return redirect(url_for("pages.cycle_page", cycle_id=picture.cycle_id), 303)
    return redirect(url_for("pages.assessment_page", picture_id=picture.id), 303)


def _is_final(picture: Lagesbild, cycle) -> bool:
    return picture.step == cycles.final_step(cycles.plan(current_session(), g.tenant, cycle)).key
