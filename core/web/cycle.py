"""The cycle page, ``/t/<slug>/cykler/<id>``: state, deadline and time left, the transition log, and the actions the
org model lets this coordinator take now — transitions and compile steps as forms calling the API's services.

A refused action is shown on the page with the service's own message (403/409/412, in the reader's language).
Compiling runs as a job: the page says that it runs, with a link to look again, and what it gave when done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden

from core.accounts.actor import current_actor
from core.accounts.models import User
from core.csrf import check_form_token
from core.cycles import periods
from core.cycles import service as cycles
from core.cycles.models import Cycle
from core.db import utcnow
from core.errors import DomainError, NotFound, Stale, flatten_messages
from core.i18n import _, _l, format_moment
from core.jobs import enqueue
from core.jobs.models import Job
from core.lagesbild import jobs as compile_jobs
from core.lagesbild import steps as compiling
from core.organisation.models import Organisation
from core.tenancy import current_session
from core.web import cycle_actions
from core.web.coordinator import time_left
from core.web.tenant import PageNotFound, blp
from core.workflow import log

NOTE_MAX = 500
# Fields of a refusal that list keys or states for programs (the message already says it for people).
MACHINE_FIELDS = frozenset({"allowed", "steps", "status"})


class NotACoordinator(Forbidden):
    description = _l("Only coordinators and admins work with cycles and lägesbilder.")


@blp.errorhandler(NotACoordinator)
def _not_a_coordinator(error: NotACoordinator):
    return render_template("refused.html", message=error.description), 403


def coordinator_only() -> None:
    """The cycle's pages are the coordinators' (a reporter gets a 403 page saying so)."""
    if not current_actor().may_act_for_others:
        raise NotACoordinator()


def found_cycle(cycle_id: int) -> Cycle:
    """The tenant's cycle ``cycle_id``; any other id (another tenant's, none) is the 404 page."""
    try:
        return cycles.get(current_session(), cycle_id)
    except NotFound:
        raise PageNotFound() from None


def refusal_of(error: DomainError) -> dict[str, Any]:
    """A refused action as the page shows it: the service's message and its field messages (never its codes)."""
    details = [
        message
        for name, messages in flatten_messages(error.errors).items()
        if name.split(".")[0] not in MACHINE_FIELDS
        for message in messages
        if message != error.message
    ]
    return {"message": error.message, "details": details, "status": error.status}


def check_revision(row: Any) -> None:
    """A form carries the revision it was drawn from: a row changed since then is refused (412), so that two
    people's buttons never act on each other's unseen change."""
    if request.form.get("revision", "") != str(row.revision):
        raise Stale()


def _job(cycle: Cycle) -> Job | None:
    """The compile job named by ``?jobb=`` if it is this tenant's job for this cycle."""
    job_id = request.args.get("jobb", "")[:36]
    if not job_id:
        return None
    job = current_session().get(Job, job_id)
    if job is None or job.tenant_id != g.tenant.id or (job.arguments or {}).get("cycle_id") != cycle.id:
        return None
    return job


def _log(cycle: Cycle) -> list[dict[str, Any]]:
    db = current_session()
    entries = log.history(db, cycle.machine.kind, cycle.id)
    users = {u.id: u.email for u in db.scalars(select(User).where(User.id.in_({e.by_user for e in entries})))}
    zone = periods.zone(g.tenant.cadence)
    return [
        {
            "at": format_moment(e.at, zone),
            "from": e.from_state,
            "to": e.to_state,
            "by": users.get(e.by_user) if e.by_user else None,
            "note": e.note,
        }
        for e in entries
    ]


def _leg_names(leg: str | None) -> str:
    """The organisations of the compiling leg (model A's rota), as people know them."""
    if leg is None:
        return ""
    names = current_session().scalars(select(Organisation.name).where(Organisation.leg == leg, Organisation.active))
    return ", ".join(sorted(names))


def render_cycle(cycle: Cycle, refusal: dict[str, Any] | None = None):
    db = current_session()
    job = _job(cycle)  # first: a job seen finished has its picture in what is read after it
    found = cycle_actions.actions(db, g.tenant, cycle, current_actor())
    return render_template(
        "cycle.html",
        cycle=cycle,
        deadline=format_moment(cycle.deadline, periods.zone(g.tenant.cadence)),
        time_left=time_left(cycle.deadline, utcnow()),
        actions=found,
        labels=cycle_actions.TRANSITION_LABELS,
        status_labels=cycle_actions.PICTURE_STATUS,
        log=_log(cycle),
        job=job,
        compiler_names=_leg_names(cycle.compiler_leg),
        refusal=refusal,
    ), (refusal["status"] if refusal else 200)


def back_to_cycle(cycle_id: int):
    """A form's address opened as a page (a reload, a bookmark) leads back to the cycle; strangers meet the 404 page
    before this, as on every tenant page."""
    return redirect(url_for("pages.cycle_page", cycle_id=cycle_id), 303)


@blp.route("/cykler/<int:cycle_id>")
def cycle_page(cycle_id: int):
    coordinator_only()
    return render_cycle(found_cycle(cycle_id))


@blp.route("/cykler", methods=["GET", "POST"])
def open_cycle():
    """Open the cycle of the current period (the scheduler does it by itself; this is for starting at once)."""
    if request.method != "POST":
        return redirect(url_for("pages.home"), 303)
    coordinator_only()
    check_form_token()
    db = current_session()
    now = utcnow()
    cycle = cycles.open_requested(db, g.tenant, now, now)
    db.commit()
    return redirect(url_for("pages.cycle_page", cycle_id=cycle.id), 303)


def act_on_cycle(cycle_id: int, act: Callable[[Session, Cycle], ResponseReturnValue]) -> ResponseReturnValue:
    """A cycle form's POST: a coordinator, a valid form token, the tenant's cycle, then ``act``; a refusal it
    raises rolls everything back and is shown on the cycle page."""
    if request.method != "POST":
        return back_to_cycle(cycle_id)
    coordinator_only()
    check_form_token()
    db = current_session()
    try:
        return act(db, found_cycle(cycle_id))
    except DomainError as error:
        db.rollback()
        return render_cycle(found_cycle(cycle_id), refusal_of(error))


@blp.route("/cykler/<int:cycle_id>/overgang", methods=["GET", "POST"])
def move_cycle(cycle_id: int):
    """Move the cycle on, as ``POST …/cycles/<id>/transitions`` does."""

    def move(db: Session, cycle: Cycle) -> ResponseReturnValue:
        to_state = request.form.get("to", "")
        check_revision(cycle)
        cycles.transition(db, g.tenant, cycle, to_state, current_actor(), request.form.get("note", "")[:NOTE_MAX])
        db.commit()
        flash(_("The cycle is now {state}.", state=_(to_state)))
        return redirect(url_for("pages.cycle_page", cycle_id=cycle.id), 303)

    return act_on_cycle(cycle_id, move)


@blp.route("/cykler/<int:cycle_id>/sammanstall", methods=["GET", "POST"])
def compile_step(cycle_id: int):
    """Compile one step of the plan as a job, as ``POST …/lagesbilder`` with ``cycle`` and ``step`` does."""

    def start(db: Session, cycle: Cycle) -> ResponseReturnValue:
        actor = current_actor()
        step = compiling.authorized_step(db, g.tenant, cycle, request.form.get("step", "")[:63], actor)
        job_id = enqueue(compile_jobs.compile_cycle_step, tenant=g.tenant.id, created_by=g.user.id,
                         cycle_id=cycle.id, step=step.key, user_id=actor.user_id)  # fmt: skip
        return redirect(url_for("pages.cycle_page", cycle_id=cycle.id, jobb=job_id), 303)

    return act_on_cycle(cycle_id, start)
