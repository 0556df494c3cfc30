"""``move()``: the one way a stateful subject changes state.

It claims the subject (its conditional UPDATE comes first: 412 when it changed since it was read), checks that the
transition is declared by the subject's state machine (409 naming the allowed states), asks the
guards — the tenant's enabled plugins through ``est_transition_guards``, plus any the caller passes — who may make
it (403) and what it still waits for (409 naming each missing thing), applies it, logs it and emits
``est_transitioned``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import current_app
from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.domain import Guard, Subject
from core.errors import Conflict, DomainError
from core.i18n import _
from core.tenants.info import tenant_info
from core.tenants.models import Tenant
from core.workflow import log
from core.workflow.versioned import Stateful, claim


def subject_of(row: Stateful) -> Subject:
    """The row as guards and hooks see it."""
    kind = row.machine.kind
    cycle_id = row.id if kind == "cycle" else getattr(row, "cycle_id", None)
    return Subject(kind=kind, id=row.id, state=row.state, cycle_id=cycle_id, step=getattr(row, "step", None))


def guards(tenant: Tenant, subject: Subject, to_state: str) -> list[Guard]:
    """Every answer of the tenant's enabled plugins to ``est_transition_guards`` (a plugin may answer with one
    guard, a list of them, or ``None``)."""
    info = tenant_info(tenant)
    caller = current_app.extensions["est.plugins"].for_tenant(info, "est_transition_guards")
    answers: list[Guard] = []
    for answer in caller(tenant=info, subject=subject, to_state=to_state):
        if isinstance(answer, Guard):
            answers.append(answer)
        elif answer:
            answers.extend(answer)
    return answers


def authorize(session: Session, actor: Actor | None, answers: Sequence[Guard], action: str) -> None:
    """Tenant admins and the system (no actor) always; anyone else must be a member of one of the groups of every
    guard that names groups."""
    if actor is None or actor.is_admin:
        return
    mine = actor.groups(session)
    for guard in answers:
        if guard.groups and not (mine & set(guard.groups)):
            only = _("Only members of {groups} may {action}.", groups=", ".join(guard.groups), action=action)
            raise DomainError(only, status=403, code="auth.group_required")


def refuse_missing(answers: Sequence[Guard]) -> None:
    """409 naming everything the guards still miss (each field once, in the guards' order)."""
    missing: dict[str, str] = {}
    for guard in answers:
        for field, message in guard.missing.items():
            missing.setdefault(field, str(message))  # a lazy text, in the reader's language
    if missing:
        message = _("Missing: {items}.", items="; ".join(missing.values()))
        raise Conflict(message, {f: [m] for f, m in missing.items()}, code="workflow.guard_missing")


def created(session: Session, row: Stateful, user_id: int | None, note: str = "") -> None:
    """Log that ``row`` (flushed, so that it has its id) came into being in its current state."""
    log.record(session, row.machine.kind, row.id, None, row.state, user_id, note)


def move(
    session: Session,
    tenant: Tenant,
    row: Stateful,
    to_state: str,
    actor: Actor | None,
    note: str = "",
    *,
    extra: Sequence[Guard] = (),
    before: Callable[[], None] | None = None,
    by_user: int | None = None,
) -> str:
    """Move ``row`` to ``to_state`` (see the module's docstring); returns the state it came from. ``actor``
    ``None`` is the system (the scheduler), which the guards' groups do not bind. ``extra``: more guards from the
    caller (the deprecated hooks' answers); ``before``: the caller's own rules and effects, run once the guards
    are satisfied and before the move is applied; ``by_user``: whom the system acts for (logged when ``actor`` is
    ``None``)."""
    machine = row.machine
    claim(session, row, row.state_column())  # first: a row read before another request moved it is a 412
    from_state = row.state
    machine.check(from_state, to_state)
    subject = subject_of(row)
    answers = [*guards(tenant, subject, to_state), *extra]
    authorize(session, actor, answers, _("move {subject} to {state}", subject=_(machine.noun), state=to_state))
    refuse_missing(answers)
    if before is not None:
        before()
    row.state = to_state
    session.flush()  # the conditional UPDATE: StaleDataError (412) when the row changed since it was read
    log.record(session, machine.kind, row.id, from_state, to_state, actor.user_id if actor else by_user, note)
    session.flush()
    info = tenant_info(tenant)
    current_app.extensions["est.plugins"].for_tenant(info, "est_transitioned")(
        tenant=info, subject=subject_of(row), from_state=from_state, to_state=to_state
    )
    return from_state
