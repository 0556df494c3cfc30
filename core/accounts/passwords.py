"""The one password policy, for every way a password is set (the CLI, accepting an invitation).

Length is what makes a password strong, so the rule asks for twelve characters and welcomes passphrases; the
upper bound keeps argon2's input (and so the cost of hashing it) bounded. Beyond that it refuses only what an
attacker tries first: one repeated character, the account's own e-mail address or its local part, and the
commonest long passwords (``common_passwords.txt``, shipped with the package: nothing is fetched at run time).
The demo accounts of ``est demo`` are the one exception (``core.accounts.seed``).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from core.errors import DomainError
from core.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 256


@cache
def common_passwords() -> frozenset[str]:
    text = files("core.accounts").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _problem(password: str, email: str | None) -> str | None:
    if len(password) < MIN_LENGTH:
        return _(
            "The password needs at least {count} characters; a passphrase of several words is fine.", count=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        return _("The password may have at most {count} characters.", count=MAX_LENGTH)
    if len(set(password)) == 1:
        return _("The password must not be one and the same character.")
    folded = password.casefold()
    if email and folded in {email.casefold(), email.casefold().partition("@")[0]}:
        return _("The password must not be the e-mail address or its part before @.")
    if folded in common_passwords():
        return _("The password is one of the commonest passwords; choose another.")
    return None


def check_password_policy(password: str, *, email: str | None = None, field: str = "password") -> None:
    """Raise a :class:`DomainError` (422) naming ``field`` when ``password`` breaks the policy; ``email`` is the
    account's address, which the password must not repeat."""
    problem = _problem(password, email)
    if problem is not None:
        raise DomainError(problem, {field: [problem]}, code="password.weak")
