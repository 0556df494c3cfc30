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
from core.db import utcnow
from core.errors import Conflict, DomainError, NotFound
from core.notifications.models import OutboxMessage
from core.organisation.models import Organisation, ReporterFunction
from core.tenants.models import Tenant

VALID_FOR = timedelta(days=14)
GONE = "Inbjudan finns inte, har gått ut eller är redan använd."
ROLE_NAMES = {"reporter": "rapportör", "coordinator": "samordnare", "admin": "administratör"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@contextmanager
def _racing_for(field: str) -> Iterator[None]:
    """A unique key (a pending invitation, an account's e-mail) taken meanwhile by a concurrent request is a 409
    naming ``field``, not a 500."""
    try:
        yield
    except IntegrityError as error:
        message = "Någon annan ändrade samma sak samtidigt; försök igen."
        raise Conflict(message, {field: [message]}) from error


def invite(session: Session, data: dict[str, Any], *, tenant: Tenant, inviter_id: int, accept_url: str) -> Invitation:
    """Invite ``data["email"]`` with a role (and optionally an organisation and reporter function), or refresh
    its pending invitation; queue the message with the token. Members already in the tenant are a 409 (the admin
    sees them in the member list anyway)."""
    email = normalise_email(data["email"])
    member = select(Membership.id).join(User, User.id == Membership.user_id).where(User.email == email)
    if session.scalar(member) is not None:
        raise Conflict("Adressen tillhör redan en medlem.", {"email": ["Redan medlem."]})
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
    body = (
        f"Hej!\n\nDu har bjudits in till {tenant.name} i est (Effektiv samordning för trygghet) med rollen "
        f"{ROLE_NAMES[invitation.role]}.\n\n"
        f"Din inbjudningskod: {token}\n"
        f"Den gäller till {invitation.expires_at:%Y-%m-%d %H:%M} (UTC) och kan användas en gång.\n\n"
        "Har du redan ett konto i est: logga in och acceptera inbjudan med koden. Annars väljer du ett lösenord "
        "(minst 12 tecken; en lösenfras går bra) när du accepterar, så skapas ditt konto.\n\n"
        f"Acceptera här: {accept_url}\n\n"
        "Väntade du dig inte den här inbjudan kan du bortse från meddelandet."
    )
    return OutboxMessage(
        key=f"invitation:{invitation.token_hash[:32]}",
        to_address=invitation.email,
        subject=f"Inbjudan till {tenant.name} i est",
        body=body,
    )


def get(session: Session, invitation_id: int) -> Invitation:
    invitation = session.scalar(select(Invitation).where(Invitation.id == invitation_id))
    if invitation is None:
        raise NotFound("Inbjudan finns inte.")
    return invitation


def revoke(session: Session, invitation: Invitation) -> None:
    """Withdraw a pending (or expired) invitation; its token stops working."""
    if invitation.state != InvitationState.PENDING:
        message = f"Inbjudan är redan {'accepterad' if invitation.state == InvitationState.ACCEPTED else 'återkallad'}."
        raise Conflict(message)
    invitation.state = InvitationState.REVOKED.value
    session.flush()


def accept(session: Session, token: str, password: str | None, caller: User | None) -> Membership:
    """Accept the pending invitation whose token this is: the invited address's existing account joins (its owner
    logged in), or a new account is created with ``password``. Returns the membership."""
    found = select(Invitation).where(Invitation.token_hash == _digest(token)).with_for_update()
    invitation = session.scalar(found)
    if invitation is None or invitation.state_at(utcnow()) is not InvitationState.PENDING:
        raise NotFound(GONE, {"token": [GONE]})
    user_id = session.scalar(select(User.id).where(User.email == invitation.email))
    if user_id is None:
        if not password:
            raise DomainError("Välj ett lösenord för ditt nya konto.", {"password": ["Krävs för ett nytt konto."]})
        with _racing_for("token"):
            user_id = upsert_user(session, invitation.email, password).id
    elif caller is None or caller.id != user_id:
        message = f"Logga in som {invitation.email} för att acceptera inbjudan."
        raise DomainError(message, {"token": [message]}, status=401 if caller is None else 403)
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
