"""The lägesbilder on the pages: the tenant's list, ``/t/<slug>/lagesbilder``, and a picture's page,
``/t/<slug>/lagesbilder/<id>``.

Who sees what is the API's rule (``core.lagesbild.service.listing`` and ``visible``): coordinators every picture,
read from its internal presentation; reporters the published ones only, read from the public presentation
(``core.lagesbild.presentation``), which carries nothing finer than an area. Any other id is the 404 page.
A coordinator's actions (assess, publish, compile again) are offered when the services' rules allow them, and
otherwise named with the reason they are refused.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g, render_template, request
from sqlalchemy import func, select

from core.accounts.actor import current_actor
from core.errors import NotFound
from core.i18n import N_
from core.lagesbild import service
from core.lagesbild.models import Lagesbild
from core.lagesbild.presentation import STATUS, Presentation, present
from core.lagesbild.schemas import LagesbildListArgs
from core.reports.models import Report
from core.tenancy import current_session
from core.web.picture_actions import picture_actions
from core.web.tenant import PageNotFound, blp

PAGE_SIZE = 50
MAX_PAGE = 1000
KINDS = {
    "weekly": N_("Weekly"),
    "fortnightly": N_("Fortnightly"),
    "monthly": N_("Monthly"),
    "quarterly": N_("Quarterly"),
    "tertial": N_("Tertial"),
    "annual": N_("Annual"),
}
_filters = LagesbildListArgs(only=("kind", "status"))


def _page_number() -> int:
    raw = request.args.get("sida", "1")[:6]
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


@blp.route("/lagesbilder")
def pictures():
    """The pictures the caller may read, newest period first, by kind and (for coordinators) status."""
    db = current_session()
    actor = current_actor()
    chosen = {name: request.args[name][:20] for name in ("kind", "status") if request.args.get(name)}
    if not actor.may_act_for_others:
        chosen.pop("status", None)
    try:
        filters = _filters.load(chosen)
        errors: dict[str, list[str]] = {}
    except ma.ValidationError as error:
        filters, errors = {}, {name: list(messages) for name, messages in error.messages.items()}
    page = _page_number()
    statement = service.listing(actor, filters)
    rows = db.scalars(statement.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    newest = _newest_versions(db, {row.series for row in rows})
    return render_template(
        "pictures.html",
        rows=rows[:PAGE_SIZE],
        newest=newest,
        kinds=KINDS,
        statuses=STATUS,
        chosen=chosen,
        errors=errors,
        page=page,
        more=len(rows) > PAGE_SIZE,
        coordinator=actor.may_act_for_others,
    ), (422 if errors else 200)


def _newest_versions(db, series: set[str]) -> dict[str, int]:
    """Each series' newest version number, so the list can say which rows are superseded."""
    if not series:
        return {}
    statement = (
        select(Lagesbild.series, func.max(Lagesbild.version))
        .where(Lagesbild.series.in_(series))
        .group_by(Lagesbild.series)
    )
    return dict(db.execute(statement).all())


def found_picture(picture_id: int) -> Lagesbild:
    """The picture ``picture_id`` as the caller may read it; another tenant's, a reporter's unpublished or no
    picture is the 404 page."""
    try:
        return service.visible(current_session(), picture_id, current_actor())
    except NotFound:
        raise PageNotFound() from None


def _versions(picture: Lagesbild) -> dict[str, Any]:
    """The picture's place in its series: what it supersedes and what supersedes it, among those the caller may
    read."""
    visible = [
        version
        for version in service.versions(current_session(), picture)
        if version.status == "published" or current_actor().may_act_for_others
    ]
    return {
        "all": visible,
        "supersedes": next((v for v in visible if v.id == picture.supersedes_id), None),
        "superseded_by": next((v for v in reversed(visible) if v.version > picture.version), None),
    }


@blp.route("/lagesbilder/<int:picture_id>")
def picture_page(picture_id: int):
    """A picture: coordinators its internal presentation with their actions, reporters its public one."""
    db = current_session()
    actor = current_actor()
    picture = found_picture(picture_id)
    internal = actor.may_act_for_others
    presentation: Presentation | None = None
    if picture.statistics is not None:
        presentation = present(db, g.tenant, picture, audience="internal" if internal else "public")
    return render_template(
        "picture.html",
        picture=picture,
        presentation=presentation,
        status_text=STATUS.get(picture.status, picture.status),
        kind_text=KINDS.get(picture.kind, picture.kind),
        versions=_versions(picture),
        actions=picture_actions(db, g.tenant, picture, actor) if internal else None,
        internal=internal,
    )


SUMMARY_SHOWN = 300


def feedback(user_id: int) -> dict[str, Any] | None:
    """A reporter's feedback: the newest published picture of the area they last reported from (else the joint
    one), as its public presentation tells it — the headline figure, the summary if public, the link."""
    db = current_session()
    area_id = db.scalar(
        select(Report.area_id).where(Report.reported_by == user_id).order_by(Report.occurred_at.desc()).limit(1)
    )
    picture = service.latest_published(db, area_id)
    if picture is None or picture.statistics is None:
        return None
    shown = present(db, g.tenant, picture, audience="public")
    summary = shown.summary if len(shown.summary) <= SUMMARY_SHOWN else shown.summary[: SUMMARY_SHOWN - 1] + "…"
    return {"picture": picture, "presentation": shown, "total": shown.totals[0], "summary": summary}
