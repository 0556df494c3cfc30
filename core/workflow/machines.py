"""The state machines of est, each declared once: its states, its allowed transitions, its initial state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from core.errors import Conflict
from core.i18n import N_, _


@dataclass(frozen=True)
class StateMachine:
    """``kind`` names the subjects in the transition log and in hooks, ``noun`` in messages (a message id);
    ``transitions`` maps each state to the states it may move to (a state mapped to itself may be entered again,
    e.g. a picture compiled anew)."""

    kind: str
    noun: str
    states: type[StrEnum]
    transitions: Mapping[StrEnum, tuple[StrEnum, ...]]
    initial: StrEnum

    def __post_init__(self) -> None:
        undeclared = set(self.states) - set(self.transitions)
        if undeclared or self.initial not in self.states:
            raise ValueError(f"state machine {self.kind!r}: every state needs its transitions ({undeclared})")

    def allowed(self, state: str) -> tuple[str, ...]:
        """The states ``state`` may move to."""
        return tuple(s.value for s in self.transitions[self.states(state)])

    def check(self, from_state: str, to_state: str) -> None:
        """Refuse (409, naming the allowed states) a transition that is not declared."""
        allowed = self.allowed(from_state)
        if to_state not in allowed:
            names = ", ".join(allowed) or _("none")
            message = _(
                "{subject} is {state}; from here it goes to: {names}.",
                subject=_(self.noun),
                state=from_state,
                names=names,
            )
            raise Conflict(
                message[:1].upper() + message[1:],
                {"to": [_("Allowed states: {names}.", names=names)], "allowed": list(allowed)},
                code="workflow.transition_not_allowed",
            )


class CycleState(StrEnum):
    COLLECTING = "collecting"
    COMPILING = "compiling"
    ASSESSED = "assessed"
    PUBLISHED = "published"
    CLOSED = "closed"


class LagesbildState(StrEnum):
    DRAFT = "draft"
    COMPILED = "compiled"
    ASSESSED = "assessed"
    PUBLISHED = "published"


class ChecklistVersionState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class ProposalState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ANSWERED = "answered"


C, L, V, P = CycleState, LagesbildState, ChecklistVersionState, ProposalState

CYCLE = StateMachine(
    "cycle",
    N_("the cycle"),
    CycleState,
    {
        C.COLLECTING: (C.COMPILING,),
        C.COMPILING: (C.ASSESSED,),
        C.ASSESSED: (C.PUBLISHED, C.COMPILING),
        C.PUBLISHED: (C.CLOSED,),
        C.CLOSED: (),
    },
    C.COLLECTING,
)

# A published picture never changes: assessing it again makes a new version, which starts as compiled.
LAGESBILD = StateMachine(
    "lagesbild",
    N_("the lägesbild"),
    LagesbildState,
    {
        L.DRAFT: (L.COMPILED,),
        L.COMPILED: (L.COMPILED, L.ASSESSED),
        L.ASSESSED: (L.ASSESSED, L.COMPILED, L.PUBLISHED),
        L.PUBLISHED: (),
    },
    L.DRAFT,
)

CHECKLIST_VERSION = StateMachine(
    "checklist_version",
    N_("the checklist version"),
    ChecklistVersionState,
    {V.DRAFT: (V.PUBLISHED,), V.PUBLISHED: (V.SUPERSEDED,), V.SUPERSEDED: ()},
    V.DRAFT,
)

# A proposal to a group is accepted or rejected; a forwarding form to a department is answered.
PROPOSAL = StateMachine(
    "proposal",
    N_("the proposal"),
    ProposalState,
    {P.OPEN: (P.ACCEPTED, P.REJECTED, P.ANSWERED), P.ACCEPTED: (), P.REJECTED: (), P.ANSWERED: ()},
    P.OPEN,
)
