"""Rows with a version counter: ``revision`` is SQLAlchemy's ``version_id_col``.

Every UPDATE of such a row is ``… WHERE id = :id AND revision = :seen`` and sets ``revision = :seen + 1``; when
another transaction changed the row since it was read, no row matches and SQLAlchemy raises ``StaleDataError``,
which the API answers with 412 like a stale ``If-Match`` (``core.api``). A request that checks ``If-Match``
against what it read and then writes can therefore never overwrite a change it did not see, whatever the timing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Integer, inspect
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.attributes import flag_modified

from core.workflow.machines import StateMachine


class Versioned:
    """Mixin: a ``revision`` that every UPDATE checks and bumps (never set it by hand)."""

    @declared_attr
    def revision(cls) -> Mapped[int]:  # noqa: N805 (a declared_attr is a class method)
        return mapped_column(Integer, nullable=False, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.revision}


class Stateful(Versioned):
    """Mixin for rows moved by ``core.workflow.move.move``: ``machine`` declares their states; ``state`` holds
    the current one (a column, or a synonym of one)."""

    machine: ClassVar[StateMachine]

    @classmethod
    def state_column(cls) -> str:
        """The attribute of the column that holds the state."""
        synonym = inspect(cls).synonyms.get("state")
        return synonym.name if synonym is not None else "state"


def claim(session: Session, row: Versioned, changed: str) -> None:
    """Write ``row`` now, as the request's first write: its conditional UPDATE either succeeds — and holds the
    row until the transaction ends, so writes that follow cannot interleave with another request's — or fails as
    stale (412). ``changed`` names a column to write even if nothing else changed (an edit that changes nothing
    still answers a stale ``If-Match`` with 412)."""
    flag_modified(row, changed)
    session.flush()
