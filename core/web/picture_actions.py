"""What a coordinator may do with a picture from its page — assess it, publish it, compile it again — each with the
reason in words when it may not. The reasons come from the services' own checks (``service.authorize_picture``
decides who, by the org model; the status rules are ``service.assess``'s and ``steps.publish``'s); posting
the action still goes through those services, which have the last word."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.cycles import service as cycles
from core.cycles.models import CycleState
from core.errors import DomainError
from core.i18n import _
from core.lagesbild import service
from core.lagesbild.models import Lagesbild
from core.lagesbild.steps import PUBLISHED_CYCLE
from core.tenants.models import Tenant


@dataclass(frozen=True)
class PictureAction:
    """``kind`` is assess | publish | compile; ``reason`` says why not when ``allowed`` is false."""

    kind: str
    allowed: bool
    reason: str = ""


def _refusal(*checks: Callable[[], str | None]) -> str:
    """The first reason a check gives (a returned text or a refused service call's message); empty if none."""
    for check in checks:
        try:
            reason = check()
        except DomainError as error:
            return error.message
        if reason:
            return reason
    return ""


def _action(kind: str, *checks: Callable[[], str | None]) -> PictureAction:
    reason = _refusal(*checks)
    return PictureAction(kind, not reason, reason)


def picture_actions(session: Session, tenant: Tenant, picture: Lagesbild, actor: Actor) -> list[PictureAction]:
    """The assess, publish and compile actions for ``picture``, allowed or refused with a reason."""
    newer = service.versions(session, picture)[0].version > picture.version

    def compiled() -> str | None:
        return _(service.NOT_COMPILED) if picture.statistics is None else None

    def current() -> str | None:
        return _("There is a newer version of the lägesbild.") if newer else None

    def who(state: str, action: str) -> Callable[[], None]:
        return lambda: service.authorize_picture(session, tenant, picture, actor, state, action)

    def assessed() -> str | None:
        if picture.status == "published":
            return _("The lägesbild is published already.")
        return None if picture.status == "assessed" else _("Only an assessed lägesbild can be published.")

    cycle = cycles.get(session, picture.cycle_id) if picture.cycle_id is not None else None

    def with_cycle() -> str | None:
        """A cycle's picture is published with its cycle (its final one, once assessed), later versions alone."""
        if cycle is None or cycle.state in PUBLISHED_CYCLE:
            return None
        final = cycles.final_step(cycles.plan(session, tenant, cycle)).key == picture.step
        if cycle.state == CycleState.ASSESSED and final:
            return None
        return _("A cycle's lägesbild is published by moving the cycle to published.")

    result = [
        _action("assess", compiled, current, who("assessed", _("assess the lägesbild"))),
        _action("publish", assessed, current, with_cycle, who("published", _("publish the lägesbild"))),
    ]
    if cycle is not None:
        result.append(
            _action(
                "compile",
                lambda: (
                    None if cycle.state == CycleState.COMPILING else _(service.COMPILING_ONLY, state=_(cycle.state))
                ),
            )
        )
    return result
