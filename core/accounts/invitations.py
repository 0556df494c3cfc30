"""Invitations: how an e-mail address joins a tenant, only ever with its owner's consent.

A tenant admin invites an e-mail with a role; est answers the same whatever the address is: it never looks up
whether the address has an account, so neither the answer nor its timing can tell. The secret token goes only
to that address (the outbox) and only its SHA-256 is kept. The owner accepts with the token: an existing account
must be logged in as that address; a new address chooses its password (the password policy applies), which
creates the account. Inviting a pending address again refreshes its invitation (new token, new expiry).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.accounts.members import key_to_id
from core.accounts.models import Invitation, InvitationState, Membership, User
from core.accounts.service import normalise_email, upsert_user
from core.cycles.periods import zone
from core.db import utcnow
from core.errors import Conflict, DomainError, NotFound
from core.i18n import N_, _, format_moment
from core.notifications.models import OutboxMessage
from core.organisation.models import Organisation, ReporterFunction
from core.tenants.models import Tenant

VALID_FOR = timedelta(days=14)
GONE = N_("The invitation does not exist, has expired or is used already.")
ROLE_NAMES = {"reporter": N_("reporter"), "coordinator": N_("coordinator"), "admin": N_("administrator")}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@contextmanager
def _racing_for(field: str) -> Iterator[None]:
    """A unique key (a pending invitation, an account's e-mail) taken meanwhile by a concurrent request is a 409
    naming ``field``, not a 500."""
    try:
        yield
    except IntegrityError as error:
        message = _("Somebody else changed the same thing at the same time; try again.")
        raise Conflict(message, {field: [message]}, code="conflict.concurrent") from error


def invite(session: Session, data: dict[str, Any], *, tenant: Tenant, inviter_id: int, accept_url: str) -> Invitation:
    """Invite ``data["email"]`` with a role (and optionally an organisation and reporter function), or refresh
    its pending invitation; queue the message with the token. Members already in the tenant are a 409 (the admin
    sees them in the member list anyway)."""
    email = normalise_email(data["email"])
    member = select(Membership.id).join(User, User.id == Membership.user_id).where(User.email == email)
    if session.scalar(member) is not None:
        raise Conflict(
            _("The address belongs to a member already."),
            {"email": [_("A member already.")]},
            code="invitation.member_already",
        )
    organisation_id = key_to_id(session, Organisation, data.get("organisation"), "organisation")
    function_id = key_to_id(session, ReporterFunction, data.get("reporter_function"), "reporter_function")
    pending = select(Invitation).where(Invitation.email == email, Invitation.state == InvitationState.PENDING)
    invitation = session.scalar(pending.with_for_update())
    if invitation is None:
        invitation = Invitation(email=email, state=InvitationState.PENDING.value)
        session.add(invitation)
    token, now = secrets.token_urlsafe(32), utcnow()
    invitation.role = data["role"]
    invitation.organisation_id, invitation.reporter_function_id = organisation_id, function_id
    invitation.token_hash = _digest(token)
    invitation.invited_by, invitation.invited_at, invitation.expires_at = inviter_id, now, now + VALID_FOR
    session.add(_message(invitation, token, tenant, accept_url))
    with _racing_for("email"):
        session.flush()
    return invitation


def _message(invitation: Invitation, token: str, tenant: Tenant, accept_url: str) -> OutboxMessage:
    body = _(
        "Hello!\n\nYou have been invited to {tenant} in est (Effective coordination for safety) with the role "
        "{role}.\n\n"
        "Your invitation code: {token}\n"
        "It is valid until {expires} and can be used once.\n\n"
        "If you have an account in est already: log in and accept the invitation with the code. Otherwise you "
        "choose a password (at least 12 characters; a passphrase is fine) when you accept, and your account is "
        "created.\n\n"
        "Accept here: {url}\n\n"
        "If you did not expect this invitation you can ignore the message.",
        tenant=tenant.name,
        role=_(ROLE_NAMES[invitation.role]),
        token=token,
        expires=format_moment(invitation.expires_at, zone(tenant.cadence)),
        url=accept_url,
    )
    return OutboxMessage(
        key=f"invitation:{invitation.token_hash[:32]}",
        to_address=invitation.email,
        subject=_("Invitation to {tenant} in est", tenant=tenant.name),
        body=body,
    )


def get(session: Session, invitation_id: int) -> Invitation:
    invitation = session.scalar(select(Invitation).where(Invitation.id == invitation_id))
    if invitation is None:
        raise NotFound(_("No such invitation."), code="invitation.not_found")
    return invitation


def revoke(session: Session, invitation: Invitation) -> None:
    """Withdraw a pending (or expired) invitation; its token stops working."""
    if invitation.state != InvitationState.PENDING:
        accepted = invitation.state == InvitationState.ACCEPTED
        message = _("The invitation is accepted already.") if accepted else _("The invitation is revoked already.")
        raise Conflict(message, code="invitation.closed")
    invitation.state = InvitationState.REVOKED.value
    session.flush()


def accept(session: Session, token: str, password: str | None, caller: User | None) -> Membership:
    """Accept the pending invitation whose token this is: the invited address's existing account joins (its owner
    logged in), or a new account is created with ``password``. Returns the membership."""
    found = select(Invitation).where(Invitation.token_hash == _digest(token)).with_for_update()
    invitation = session.scalar(found)
    if invitation is None or invitation.state_at(utcnow()) is not InvitationState.PENDING:
        raise NotFound(_(GONE), {"token": [_(GONE)]}, code="invitation.gone")
    user_id = session.scalar(select(User.id).where(User.email == invitation.email))
    if user_id is None:
        if not password:
            raise DomainError(
                _("Choose a password for your new account."),
                {"password": [_("Required for a new account.")]},
                code="invitation.password_required",
            )
        with _racing_for("token"):
            user_id = upsert_user(session, invitation.email, password).id
    elif caller is None or caller.id != user_id:
        message = _("Log in as {email} to accept the invitation.", email=invitation.email)
        code = "invitation.login_required" if caller is None else "invitation.other_account"
        raise DomainError(message, {"token": [message]}, status=401 if caller is None else 403, code=code)
    membership = session.scalar(select(Membership).where(Membership.user_id == user_id))
    if membership is None:
        membership = Membership(
            user_id=user_id,
            role=invitation.role,
            organisation_id=invitation.organisation_id,
            reporter_function_id=invitation.reporter_function_id,
        )
        session.add(membership)
    invitation.state, invitation.accepted_at = InvitationState.ACCEPTED.value, utcnow()
    with _racing_for("token"):
        session.flush()
    return membership
