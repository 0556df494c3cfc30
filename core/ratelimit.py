"""Brute-force resistance for every login path (API token, cookie session, login form).

Failed logins are counted per account and per client address in a moving window, with the ``limits`` library:
in Redis when ``EST_REDIS_URL`` is set, so that every process shares the counts, else in this process's memory.
When either count is full, a login for that account or from that address is refused with 429 and ``Retry-After``
until the oldest failure leaves the window — a lock that always ends by itself, so guessing can delay a real user
but never lock them out for good. A successful login clears its account's count, but not its address's: one valid
account must not buy an address more guesses. Only failures count, so an office behind one address can log in
all morning.

Accounts are counted by a digest of the normalised e-mail, so the store never holds an address. A count is
checked before the password and raised after it, so guesses sent in parallel can pass it by as many as are in
flight at once: a bound on the rate still, which is what matters against guessing.
"""

from __future__ import annotations

import hashlib
import math
import time
from functools import lru_cache

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests

from core.accounts.models import User
from core.accounts.service import authenticate, normalise_email
from core.i18n import N_, _

TOO_MANY = N_("Too many failed logins. Try again in a while.")


class LoginThrottled(TooManyRequests):
    """A login refused before its password is checked; carries ``Retry-After``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(_(TOO_MANY), retry_after=retry_after)
        # flask-smorest's error handler takes the message and headers of the one JSON error shape from ``data``.
        self.data = {
            "message": _(TOO_MANY),
            "error": "auth.login_throttled",
            "headers": {"Retry-After": str(retry_after)},
        }


def init_app(app: Flask) -> None:
    """Check the configured limits (a typo stops start-up) and open the store of counts."""
    settings = app.config["EST"]
    for name in ("login_failures_per_account", "login_failures_per_address"):
        try:
            _limit(getattr(settings, name))
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    storage = storage_from_string(settings.redis_url or "memory://", key_prefix=f"est:{settings.queue_name}:login")
    app.extensions["est.login_throttle"] = MovingWindowRateLimiter(storage)


def reset_login_counts(app: Flask) -> None:
    """Forget every count (tests; an operator can also delete the keys)."""
    app.extensions["est.login_throttle"].storage.reset()


def throttled_authenticate(db: Session, email: str, password: str) -> User | None:
    """``authenticate``, refused with :class:`LoginThrottled` while the account or the address is locked."""
    limiter: MovingWindowRateLimiter = current_app.extensions["est.login_throttle"]
    settings = current_app.config["EST"]
    account = (_limit(settings.login_failures_per_account), "account", _digest(normalise_email(email)))
    address = (_limit(settings.login_failures_per_address), "address", request.remote_addr or "unknown")
    locked = [key for key in (account, address) if not limiter.test(*key)]
    if locked:
        reset = max(limiter.get_window_stats(*key).reset_time for key in locked)
        raise LoginThrottled(max(1, math.ceil(reset - time.time())))
    user = authenticate(db, email, password)
    if user is None:
        limiter.hit(*account)
        limiter.hit(*address)
    else:
        limiter.clear(*account)
    return user


@lru_cache(maxsize=16)
def _limit(text: str) -> RateLimitItem:
    return parse(text)


def _digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()
